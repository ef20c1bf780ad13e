"""Typed targets deliver for real in moto: an event put on the bus arrives in an SQS queue, a
CloudWatch Logs group, another event bus (in another account and region), an HTTPS endpoint (an API
destination, at a loopback server this test starts) and the subscription's archive.

The rules and targets are the component's own declarations (read from its mocked registrations:
patterns, ARNs, input paths, HTTP parameters), replayed into moto. moto cannot put rules on a
partner bus (shared/moto-notes.md), so they sit on a stand-in custom bus and the events keep their
real partner `source`. moto does not route to Lambda, Firehose or Step Functions: those kinds are
proven under mocks only (test_targets.py). moto's API destination call carries the target's
headers and query but no body, so the server sees that (and how) it was called, not the event.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
)
from genesys_eventbridge.components.args import ArchiveArgs
from genesys_eventbridge.components.targets import (
    ApiKeyAuth,
    EventBusTarget,
    HttpsTarget,
    InputTransformerArgs,
    LogGroupTarget,
    SqsTarget,
)
from tests.component.conftest import moto_aws
from tests.loopback_https import LoopbackHttps, loopback_https
from tests.mocking import REGION, Deployment, Registration, run_program

TOPIC = "v2.detail.events.conversation.{id}.customer.end"
STAND_IN_BUS = "genesys-stand-in"
OTHER_REGION = "eu-west-1"
OTHER_ACCOUNT = "210987654321"
CENTRAL_BUS = f"arn:aws:events:{OTHER_REGION}:{OTHER_ACCOUNT}:event-bus/central"
API_KEY = "sentinel-delivery-key"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
CONNECTION = "aws:cloudwatch/eventConnection:EventConnection"
DESTINATION = "aws:cloudwatch/eventApiDestination:EventApiDestination"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"


@pytest.fixture
def https_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackHttps]:
    """The endpoint: HTTPS on loopback, trusted by `requests` (moto's client) through its CA."""
    with loopback_https(tmp_path) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_file))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield server


def declare(endpoint: str) -> Deployment:
    rules = [
        RuleArgs(
            name="store",
            targets=[
                SqsTarget(),
                LogGroupTarget(
                    input_transformer=InputTransformerArgs(
                        input_paths={"conversation": "$.detail.eventBody.conversationId"},
                        # Quoted: moto does not quote string values as AWS does.
                        input_template='{"conversation": "<conversation>"}',
                    )
                ),
            ],
        ),
        RuleArgs(
            name="forward",
            targets=[
                EventBusTarget(event_bus_arn=CENTRAL_BUS),
                HttpsTarget(
                    endpoint=f"{endpoint}/genesys",
                    auth=ApiKeyAuth(header="x-api-key", value=API_KEY),
                    headers={"x-source": "genesys"},
                    query_parameters={"tenant": "cx"},
                ),
            ],
        ),
    ]
    return run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(
                topics=[TOPIC], rules=rules, aws_region=REGION, event_source_suffix="cx-events"
            ),
        )
    )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto in-process, with fake credentials so nothing can reach a real account."""
    # moto calls API destinations only when told to
    with moto_aws(monkeypatch, MOTO_EVENTS_INVOKE_HTTP="true"):
        yield


def api_target(inputs: dict[str, Any]) -> dict[str, Any]:
    """A declared EventTarget's inputs in PutTargets' shape."""
    target: dict[str, Any] = {"Id": inputs["targetId"], "Arn": inputs["arn"]}
    if "roleArn" in inputs:
        target["RoleArn"] = inputs["roleArn"]
    if "inputPath" in inputs:
        target["InputPath"] = inputs["inputPath"]
    if "inputTransformer" in inputs:
        transformer = inputs["inputTransformer"]
        target["InputTransformer"] = {
            "InputPathsMap": transformer["inputPaths"],
            "InputTemplate": transformer["inputTemplate"],
        }
    if "retryPolicy" in inputs:
        retry = inputs["retryPolicy"]
        target["RetryPolicy"] = {
            # Numbers come back from the engine as floats.
            "MaximumRetryAttempts": int(retry["maximumRetryAttempts"]),
            "MaximumEventAgeInSeconds": int(retry["maximumEventAgeInSeconds"]),
        }
    if "deadLetterConfig" in inputs:
        target["DeadLetterConfig"] = {"Arn": inputs["deadLetterConfig"]["arn"]}
    if "httpTarget" in inputs:
        http = inputs["httpTarget"]
        target["HttpParameters"] = {
            "HeaderParameters": http.get("headerParameters", {}),
            "QueryStringParameters": http.get("queryStringParameters", {}),
        }
    return target


def queue_name(registration: Registration) -> str:
    return str(registration.outputs["name"])


def replay(declared: Deployment) -> dict[str, Any]:
    """Create in moto what the component declared (same names, so the same ARNs), put its rules
    on the stand-in bus with their targets as declared; return the clients and handles."""
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    for queue in declared.of_type(QUEUE):
        # With the declared retention, which SQS (here moto) takes as declared: 14 days.
        retention = str(int(queue.inputs["messageRetentionSeconds"]))
        url = sqs.create_queue(
            QueueName=queue_name(queue), Attributes={"MessageRetentionPeriod": retention}
        )["QueueUrl"]
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn", "MessageRetentionPeriod"]
        )["Attributes"]
        assert attributes["QueueArn"] == queue.outputs["arn"]  # the declared ARN is moto's ARN
        assert attributes["MessageRetentionPeriod"] == "1209600"
    (group,) = declared.of_type(LOG_GROUP)
    logs.create_log_group(logGroupName=group.inputs["name"])
    (connection,) = declared.of_type(CONNECTION)
    parameters = connection.inputs["authParameters"]["value"]  # the secret's plain value
    created = events.create_connection(
        Name=connection.outputs["name"],
        AuthorizationType=connection.inputs["authorizationType"],
        AuthParameters={
            "ApiKeyAuthParameters": {
                "ApiKeyName": parameters["apiKey"]["key"],
                "ApiKeyValue": parameters["apiKey"]["value"],
            }
        },
    )
    (destination,) = declared.of_type(DESTINATION)
    events.create_api_destination(
        Name=destination.outputs["name"],
        ConnectionArn=created["ConnectionArn"],
        InvocationEndpoint=destination.inputs["invocationEndpoint"],
        HttpMethod=destination.inputs["httpMethod"],
        InvocationRateLimitPerSecond=int(destination.inputs["invocationRateLimitPerSecond"]),
    )
    # The receiving bus in another account and region (moto serves the account whose role the
    # caller assumed), with a rule that keeps what arrives in a queue.
    other = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/central-admin", RoleSessionName="test"
    )["Credentials"]
    # moto's temporary credentials for the assumed role, set on the session positionally.
    assumed = botocore.session.get_session()
    assumed.set_credentials(other["AccessKeyId"], other["SecretAccessKey"], other["SessionToken"])
    session = boto3.Session(botocore_session=assumed, region_name=OTHER_REGION)
    central = session.client("events")
    central_sqs = session.client("sqs")
    central.create_event_bus(Name="central")
    inbox = central_sqs.create_queue(QueueName="central-inbox")["QueueUrl"]
    inbox_arn = central_sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])
    central.put_rule(
        Name="everything-genesys",
        EventBusName="central",
        EventPattern=json.dumps({"source": [{"prefix": "aws.partner/genesys.com/"}]}),
    )
    central.put_targets(
        Rule="everything-genesys",
        EventBusName="central",
        Targets=[{"Id": "inbox", "Arn": inbox_arn["Attributes"]["QueueArn"]}],
    )

    events.create_event_bus(Name=STAND_IN_BUS)
    rules = {r.outputs["arn"]: r for r in declared.of_type(RULE)}
    for rule in rules.values():
        events.put_rule(
            Name=rule.inputs["name"],
            EventBusName=STAND_IN_BUS,
            EventPattern=rule.inputs["eventPattern"],  # verbatim, as declared
        )
    for target in declared.of_type(TARGET):
        events.put_targets(
            Rule=target.inputs["rule"],
            EventBusName=STAND_IN_BUS,
            Targets=[api_target(target.inputs)],
        )
    return {
        "events": events,
        "sqs": sqs,
        "logs": logs,
        "group": group.inputs["name"],
        "central_sqs": central_sqs,
        "inbox": inbox,
    }


def put(events: Any, sample: dict[str, Any], label: str) -> None:
    detail = dict(sample["detail"], testLabel=label)
    result = events.put_events(
        Entries=[
            {
                "Source": sample["source"],
                "DetailType": sample["detail-type"],
                "Detail": json.dumps(detail),
                "EventBusName": STAND_IN_BUS,
            }
        ]
    )
    assert result["FailedEntryCount"] == 0


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    found = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_an_event_arrives_at_every_moto_routed_kind(
    https_server: LoopbackHttps, aws: None, samples: dict[str, dict[str, Any]]
) -> None:
    declared = declare(https_server.url)
    moto = replay(declared)
    sample = samples["conversation-customer-end"]
    other = samples["conversation-acd-start"]  # another topic: no rule selects it
    put(moto["events"], sample, "selected")
    put(moto["events"], other, "not-selected")

    # SQS: the queue the component made (not its dead-letter queue) holds the event, once.
    (queue,) = [q for q in declared.of_type(QUEUE) if q.name.endswith("-target-sqs-queue")]
    url = moto["sqs"].get_queue_url(QueueName=queue_name(queue))["QueueUrl"]
    received = drain(moto["sqs"], url)
    assert [m["detail"]["testLabel"] for m in received] == ["selected"]
    assert received[0]["source"] == sample["source"]

    # CloudWatch Logs: one stream with the transformed event (the input transformer applied).
    streams = moto["logs"].describe_log_streams(logGroupName=moto["group"])["logStreams"]
    messages = [
        event["message"]
        for stream in streams
        for event in moto["logs"].get_log_events(
            logGroupName=moto["group"], logStreamName=stream["logStreamName"]
        )["events"]
    ]
    conversation = sample["detail"]["eventBody"]["conversationId"]
    assert [json.loads(m) for m in messages] == [{"conversation": conversation}]

    # Another bus, in another account and region: the event arrives there, its rule routes it.
    forwarded = drain(moto["central_sqs"], moto["inbox"])
    assert [m["detail"]["testLabel"] for m in forwarded] == ["selected"]
    assert forwarded[0]["detail-type"] == TOPIC

    # The HTTPS endpoint, through the API destination, over verified TLS on loopback.
    assert len(https_server.requests) == 1
    (call,) = https_server.requests
    assert call.method == "POST"
    assert call.path == "/genesys?tenant=cx"
    assert call.headers["x-source"] == "genesys"


def test_the_archive_keeps_the_events_its_pattern_selects(
    aws: None, samples: dict[str, dict[str, Any]]
) -> None:
    # The component's archive (ArchiveArgs) replayed on the stand-in bus: the selected event is
    # archived, the other is not.
    queue_id = samples["conversation-acd-start"]["detail"]["eventBody"]["queueId"]
    declared = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(
                topics=[TOPIC, "v2.detail.events.conversation.{id}.acd.start"],
                aws_region=REGION,
                event_source_suffix="cx-events",
                archive=ArchiveArgs(
                    retention_days=7,
                    filter_policy={"detail.eventBody.queueId": [queue_id]},
                ),
            ),
        )
    )
    (archive,) = declared.of_type(ARCHIVE)
    assert archive.inputs["retentionDays"] == 7
    events = boto3.client("events", region_name=REGION)
    bus_arn = events.create_event_bus(Name=STAND_IN_BUS)["EventBusArn"]
    events.create_archive(
        ArchiveName=archive.inputs["name"],
        EventSourceArn=bus_arn,
        EventPattern=archive.inputs["eventPattern"],  # verbatim, as declared
        RetentionDays=int(archive.inputs["retentionDays"]),
    )
    put(events, samples["conversation-acd-start"], "selected")
    put(events, samples["conversation-customer-end"], "not-selected")
    described = events.describe_archive(ArchiveName=archive.inputs["name"])
    assert described["EventCount"] == 1
