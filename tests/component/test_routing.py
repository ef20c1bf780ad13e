"""The component's event patterns route the sample events for real, in moto's EventBridge.

The patterns checked are the exact JSON strings the component declared (read from its mocked
registrations), not rebuilt ones. moto cannot put rules, targets or events on a partner bus (it
keeps only the text after the last `/` of a bus name; see shared/moto-notes.md), so:
- the partner side is shown on its own: the bus named for the event source can be created once
  the partner source exists, and not before;
- routing runs on a stand-in custom bus carrying the same rules, each with an SQS queue standing
  in for its Lambda target; the events keep their real partner `source`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
)
from tests.component.conftest import moto_aws
from tests.mocking import ACCOUNT_ID, ORG_ID, REGION, Deployment, run_program

SOURCE = f"aws.partner/genesys.com/cloud/{ORG_ID}/cx-events"  # the samples' source
OTHER_ORG_SOURCE = "aws.partner/genesys.com/cloud/00000000-1111-4222-8333-444444444444/cx-events"
OTHER_PARTNER_SOURCE = "aws.partner/example.com/12345/cx-events"
STAND_IN_BUS = "genesys-stand-in"
RULE_TYPE = "aws:cloudwatch/eventRule:EventRule"
TOPICS = [
    "v2.detail.events.conversation.{id}.customer.start",
    "v2.detail.events.conversation.{id}.customer.end",
    "v2.detail.events.conversation.{id}.acd.start",
    "v2.detail.events.conversation.{id}.acd.end",
    "v2.audits.entitytype.{id}.entityid.{id}",
]
RULES = [
    RuleArgs(name="everything"),
    RuleArgs(name="customer", topics=TOPICS[:2]),
    RuleArgs(
        name="queue",
        topics=TOPICS[:4],
        filter_policy={"detail.eventBody.queueId": [{"prefix": "9e8d7c6b"}]},
    ),
    RuleArgs(
        name="oauth-audits",
        topics=[TOPICS[4]],
        filter_policy={"detail.eventBody.entityType": ["OAuthClient"]},
    ),
    RuleArgs(
        name="presence-changes",
        topics=[TOPICS[4]],
        filter_policy={
            "detail.eventBody.entityType": ["UserPresence"],
            "detail.eventBody.action": [{"anything-but": "Delete"}],
        },
    ),
]
SAMPLES = {
    "conversation-customer-start",
    "conversation-customer-end",
    "conversation-acd-start",
    "conversation-acd-end",
    "oauth-client-delete-audit",
    "user-presence-audit",
}
EXPECTED = {
    "everything": SAMPLES,
    "customer": {"conversation-customer-start", "conversation-customer-end"},
    "queue": {"conversation-acd-start", "conversation-acd-end"},
    "oauth-audits": {"oauth-client-delete-audit"},
    "presence-changes": {"user-presence-audit"},
}


@pytest.fixture(scope="module")
def declared() -> Deployment:
    """The subscription as declared under mocks, with the samples' org id and suffix."""
    return run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(topics=TOPICS, rules=RULES, event_source_suffix="cx-events"),
        )
    )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto in-process, with fake credentials so nothing can reach a real account."""
    with moto_aws(monkeypatch):
        yield


def test_the_bus_named_for_the_event_source_attaches_to_the_partner_source(
    aws: None, declared: Deployment
) -> None:
    events = boto3.client("events", region_name=REGION)
    bus_name = declared.outputs["event_bus_name"]
    assert bus_name == SOURCE
    # Like AWS, moto refuses the bus until Genesys (here: the test) has created the source.
    with pytest.raises(ClientError, match="does not exist"):
        events.create_event_bus(Name=bus_name, EventSourceName=bus_name)
    events.create_partner_event_source(Name=SOURCE, Account=ACCOUNT_ID)
    created = events.create_event_bus(Name=bus_name, EventSourceName=bus_name)
    assert created["EventBusArn"].endswith(f":event-bus/{bus_name}")
    assert bus_name in {bus["Name"] for bus in events.list_event_buses()["EventBuses"]}


def test_each_rule_receives_exactly_its_events(
    aws: None, declared: Deployment, samples: dict[str, dict[str, Any]]
) -> None:
    assert set(samples) == SAMPLES
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    events.create_event_bus(Name=STAND_IN_BUS)
    rules = {r.name.removeprefix("cx-events-rule-"): r for r in declared.of_type(RULE_TYPE)}
    assert set(rules) == set(EXPECTED)
    queues: dict[str, str] = {}
    for name, rule in rules.items():
        pattern = rule.inputs["eventPattern"]  # verbatim, as the component declared it
        assert json.loads(pattern)["source"] == [SOURCE]
        events.put_rule(Name=rule.inputs["name"], EventBusName=STAND_IN_BUS, EventPattern=pattern)
        queue_url = sqs.create_queue(QueueName=f"target-{name}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events.put_targets(
            Rule=rule.inputs["name"],
            EventBusName=STAND_IN_BUS,
            Targets=[{"Id": "stand-in-for-lambda", "Arn": queue_arn}],
        )
        queues[name] = queue_url

    entries = [_entry(stem, sample, sample["source"]) for stem, sample in samples.items()]
    # The same events from another Genesys org and from another partner must match no rule.
    entries += [
        _entry(f"other-org:{stem}", sample, OTHER_ORG_SOURCE) for stem, sample in samples.items()
    ]
    entries += [
        _entry(f"other-partner:{stem}", sample, OTHER_PARTNER_SOURCE)
        for stem, sample in samples.items()
    ]
    for start in range(0, len(entries), 10):  # PutEvents takes at most 10 entries
        result = events.put_events(Entries=entries[start : start + 10])
        assert result["FailedEntryCount"] == 0

    received = {name: _drain(sqs, url) for name, url in queues.items()}
    assert received == EXPECTED


def _entry(label: str, sample: dict[str, Any], source: str) -> dict[str, Any]:
    # The label rides along in the detail so each delivery can be traced to its sample.
    detail = dict(sample["detail"], testLabel=label)
    return {
        "Source": source,
        "DetailType": sample["detail-type"],
        "Detail": json.dumps(detail),
        "EventBusName": STAND_IN_BUS,
    }


def _drain(sqs: Any, queue_url: str) -> set[str]:
    labels: list[str] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            break
        for message in batch:
            labels.append(json.loads(message["Body"])["detail"]["testLabel"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert len(labels) == len(set(labels)), f"duplicate deliveries: {labels}"
    return set(labels)
