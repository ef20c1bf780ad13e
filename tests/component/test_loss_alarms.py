"""Every way an accepted event can be lost is alarmed, per resource the subscription creates or
targets, and the rules' alarms stay two per bus unless asked per rule; delivery roles are one
per target kind, so neither count grows with the rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from genesys_eventbridge.components.args import AlarmArgs
from genesys_eventbridge.components.targets import (
    ApiKeyAuth,
    FirehoseTarget,
    HttpsTarget,
    SqsTarget,
    StepFunctionsTarget,
)
from tests.mocking import ACCOUNT_ID, ORG_ID, REGION, Deployment, run_program

TOPICS = ["v2.detail.events.conversation.{id}.acd.start"]
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ROLE = "aws:iam/role:Role"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:consumer"
OWN_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:orders"
OWN_STREAM = f"arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/existing"
BUCKET = "arn:aws:s3:::cx-analytics"
STATE_MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:escalate"
BUS = f"aws.partner/genesys.com/cloud/{ORG_ID}/test-cx"
DAY = 24 * 3600


def subscribe(**kwargs: Any) -> Callable[[], Any]:
    kwargs.setdefault("topics", TOPICS)
    return lambda: GenesysEventBridgeSubscription("cx", SubscriptionArgs(**kwargs))


@pytest.fixture(scope="module")
def every_path() -> Deployment:
    """The callback, your function, a made and your queue, a made and your stream, a machine."""
    rules = [
        RuleArgs(name="callback"),
        RuleArgs(name="yours", targets=[FUNCTION]),
        RuleArgs(name="sqs", targets=[SqsTarget(), SqsTarget(queue_arn=OWN_QUEUE)]),
        RuleArgs(
            name="firehose",
            targets=[
                FirehoseTarget(bucket_arn=BUCKET, buffering_interval_seconds=60),
                FirehoseTarget(delivery_stream_arn=OWN_STREAM),
            ],
        ),
        RuleArgs(name="sfn", targets=[StepFunctionsTarget(state_machine_arn=STATE_MACHINE)]),
    ]
    return run_program(subscribe(rules=rules, alarms=AlarmArgs()))


def watched(deployment: Deployment) -> dict[tuple[str, str, str], float]:
    """(namespace, metric, dimension value) -> threshold of each single-metric alarm."""
    return {
        (a.inputs["namespace"], a.inputs["metricName"], *a.inputs["dimensions"].values()): a.inputs[
            "threshold"
        ]
        for a in deployment.of_type(ALARM)
        if "namespace" in a.inputs
    }


def test_every_loss_path_of_every_target_kind_is_alarmed(every_path: Deployment) -> None:
    alarms = watched(every_path)
    queues = {q.name: q.outputs["name"] for q in every_path.of_type("aws:sqs/queue:Queue")}
    callback = every_path.one("aws:lambda/function:Function").outputs["name"]
    stream = every_path.one("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    lambda_metrics = ("Errors", "Throttles", "AsyncEventsDropped", "DestinationDeliveryFailures")
    expected = {
        # Lambda: the callback and your function, each with Lambda's own ways to drop events.
        **{("AWS/Lambda", m, callback): 0 for m in lambda_metrics},
        **{("AWS/Lambda", m, "consumer"): 0 for m in lambda_metrics},
        # The subscription's DLQ: holds events, and nears the end of its 14 days.
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", queues["cx-dlq"]): 0,
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", queues["cx-dlq"]): 7 * DAY,
        # The made target queue (14 days) and its own DLQ; your queue (its retention unknown).
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", queues["cx-rule-sqs-target-sqs-queue"]): 7
        * DAY,
        (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            queues["cx-rule-sqs-target-sqs-queue-dlq"],
        ): 0,
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", queues["cx-rule-sqs-target-sqs-queue-dlq"]): 7
        * DAY,
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", "orders"): 2 * DAY,
        # Firehose: records not reaching S3 (dropped after 24 h), made and yours.
        ("AWS/Firehose", "DeliveryToS3.DataFreshness", stream.outputs["name"]): 60 + 900,
        ("AWS/Firehose", "DeliveryToS3.DataFreshness", "existing"): 1800,
        # Step Functions: executions that failed after StartExecution succeeded.
        ("AWS/States", "ExecutionsFailed", STATE_MACHINE): 0,
        ("AWS/States", "ExecutionsTimedOut", STATE_MACHINE): 0,
    }
    assert alarms == expected


def test_the_rules_are_alarmed_bus_wide_by_default(every_path: Deployment) -> None:
    queries = {
        a.name: a.inputs["metricQueries"]
        for a in every_path.of_type(ALARM)
        if "metricQueries" in a.inputs
    }
    assert set(queries) == {
        "cx-alarm-bus-FailedInvocations",
        "cx-alarm-bus-InvocationsFailedToBeSentToDlq",
    }
    for name, (query,) in queries.items():
        metric = name.removeprefix("cx-alarm-bus-")
        assert query["expression"] == (
            f'SELECT SUM({metric}) FROM SCHEMA("AWS/Events", EventBusName, RuleName)'
            f" WHERE EventBusName = '{BUS}'"
        )
        assert query["returnData"] is True and query["period"] == 300


def rules(count: int) -> list[RuleArgs]:
    return [RuleArgs(name=f"r{i:03d}") for i in range(count)]


def test_the_default_alarm_count_does_not_grow_with_the_rules() -> None:
    # DLQ (depth, age) + the bus (2) + the callback (4), at 1 rule as at 300.
    for count in (1, 300):
        deployment = run_program(subscribe(rules=rules(count), alarms=AlarmArgs()))
        assert len(deployment.of_type(ALARM)) == 8, count


def test_per_rule_alarms_are_two_per_rule() -> None:
    # DLQ (2) + 2 per rule + the callback (4): 606 at 300 rules (measured once; 50 keep it fast).
    deployment = run_program(subscribe(rules=rules(50), alarms=AlarmArgs(per_rule=True)))
    assert len(deployment.of_type(ALARM)) == 2 + 2 * 50 + 4


def test_rules_of_5_https_targets_deliver_with_one_role() -> None:
    # 300 rules x 5 made one role per target, 1,500, past IAM's default 1,000 per account; now
    # one (also measured at 300 rules; 30 keep this test fast).
    auth = ApiKeyAuth(header="x-api-key", value="k")
    many = [
        RuleArgs(
            name=f"r{i:03d}",
            targets=[
                HttpsTarget(endpoint=f"https://h{j}.example.com/in", auth=auth) for j in range(5)
            ],
        )
        for i in range(30)
    ]
    deployment = run_program(subscribe(rules=many, dead_letter_queue=False), preview=True)
    targets = deployment.of_type("aws:cloudwatch/eventTarget:EventTarget")
    assert len(targets) == 150
    (role,) = deployment.of_type(ROLE)
    assert {t.inputs["roleArn"] for t in targets} == {role.outputs["arn"]}


def test_too_many_distinct_machines_for_one_role_policy_are_refused_at_preview() -> None:
    many = [
        RuleArgs(
            name=f"r{i:03d}",
            targets=[StepFunctionsTarget(state_machine_arn=f"{STATE_MACHINE}-{i:03d}")],
        )
        for i in range(300)
    ]
    with pytest.raises(SubscriptionArgsError) as caught:
        run_program(subscribe(rules=many), preview=True)
    assert caught.value.field == "rules.targets"
    assert "over IAM's 10,240 per role" in str(caught.value)
    assert "300 distinct resources" in str(caught.value)


def test_alarm_descriptions_say_what_was_lost_and_where(every_path: Deployment) -> None:
    described = {a.name: a.inputs["alarmDescription"] for a in every_path.of_type(ALARM)}
    assert "rule 'sqs' target 0 (queue)" in described["cx-alarm-rule-sqs-target-sqs-queue-age"]
    assert "SQS deletes them" in described["cx-alarm-rule-sqs-target-sqs-queue-age"]
    dropped = described["cx-alarm-callback-DestinationDeliveryFailures"]
    assert "they are lost" in dropped
    assert json.dumps(described)  # plain strings, no Output left unresolved
