"""Alarms and the replay archive, under mocks: each alarm's metric, dimensions and topic."""

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
from genesys_eventbridge.components.args import AlarmArgs, ArchiveArgs
from tests.mocking import ACCOUNT_ID, ORG_ID, REGION, Deployment, run_program

TOPICS = [
    "v2.detail.events.conversation.{id}.acd.start",
    "v2.detail.events.conversation.{id}.customer.end",
]
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:consumer"
SOURCE = f"aws.partner/genesys.com/cloud/{ORG_ID}/test-cx"


def subscribe(**kwargs: Any) -> Callable[[], Any]:
    kwargs.setdefault("topics", TOPICS)
    return lambda: GenesysEventBridgeSubscription("cx", SubscriptionArgs(**kwargs))


@pytest.fixture(scope="module")
def alarmed() -> Deployment:
    return run_program(
        subscribe(
            rules=[RuleArgs(name="a"), RuleArgs(name="b")],
            alarms=AlarmArgs(period=60, evaluation_periods=3, per_rule=True),
        )
    )


def test_per_rule_alarms_watch_the_dlq_each_rule_and_the_callback(alarmed: Deployment) -> None:
    topic = alarmed.one(TOPIC)
    queue = alarmed.one("aws:sqs/queue:Queue")
    function = alarmed.one("aws:lambda/function:Function")
    rules = {
        r.name.removeprefix("cx-rule-"): r
        for r in alarmed.of_type("aws:cloudwatch/eventRule:EventRule")
    }
    watched = {
        (
            a.inputs["namespace"],
            a.inputs["metricName"],
            json.dumps(a.inputs["dimensions"], sort_keys=True),
        )
        for a in alarmed.of_type(ALARM)
    }

    def dims(**values: str) -> str:
        return json.dumps(values, sort_keys=True)

    assert watched == {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", dims(QueueName=queue.outputs["name"])),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", dims(QueueName=queue.outputs["name"])),
        *(
            ("AWS/Events", metric, dims(EventBusName=SOURCE, RuleName=rules[r].outputs["name"]))
            for r in ("a", "b")
            for metric in ("FailedInvocations", "InvocationsFailedToBeSentToDlq")
        ),
        *(
            ("AWS/Lambda", metric, dims(FunctionName=function.outputs["name"]))
            for metric in (
                "Errors",
                "Throttles",
                "AsyncEventsDropped",
                "DestinationDeliveryFailures",
            )
        ),
    }
    for alarm in alarmed.of_type(ALARM):
        assert alarm.inputs["alarmActions"] == [topic.outputs["arn"]]
        assert alarm.inputs["okActions"] == [topic.outputs["arn"]]
        # Counts fire on any; the age of the oldest dead-lettered event at half its retention.
        ages = alarm.inputs["metricName"] == "ApproximateAgeOfOldestMessage"
        assert alarm.inputs["threshold"] == (7 * 24 * 3600 if ages else 0)
        assert alarm.inputs["comparisonOperator"] == "GreaterThanThreshold"
        # Published only when non-zero: no data means nothing failed.
        assert alarm.inputs["treatMissingData"] == "notBreaching"
        assert alarm.inputs["period"] == 60 and alarm.inputs["evaluationPeriods"] == 3
    assert alarmed.outputs["alarm_topic_arn"] == topic.outputs["arn"]


def test_a_given_topic_is_used_and_none_is_made() -> None:
    given = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:ops"
    deployment = run_program(
        subscribe(
            alarms=AlarmArgs(topic_arn=given),
            lambda_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:theirs:live",
        )
    )
    assert deployment.of_type(TOPIC) == []
    assert {tuple(a.inputs["alarmActions"]) for a in deployment.of_type(ALARM)} == {(given,)}
    # A given function is watched by its name (the qualifier is not part of it).
    names = {a.inputs.get("dimensions", {}).get("FunctionName") for a in deployment.of_type(ALARM)}
    assert "theirs" in names


def test_no_alarms_or_archive_by_default() -> None:
    deployment = run_program(subscribe())
    assert deployment.of_type(ALARM) == [] and deployment.of_type(TOPIC) == []
    assert deployment.of_type(ARCHIVE) == []
    assert deployment.outputs["archive_arn"] is None
    assert deployment.outputs["alarm_topic_arn"] is None


def test_the_archive_keeps_the_bus_events_for_its_retention() -> None:
    deployment = run_program(subscribe(archive=ArchiveArgs(retention_days=14)))
    archive = deployment.one(ARCHIVE)
    bus = deployment.one("aws:cloudwatch/eventBus:EventBus")
    assert archive.inputs["eventSourceArn"] == bus.outputs["arn"]
    assert archive.inputs["retentionDays"] == 14
    assert archive.inputs["name"] == "test-cx"
    assert "eventPattern" not in archive.inputs  # every event of the subscription's bus
    assert deployment.outputs["archive_arn"] == archive.outputs["arn"]


def test_the_archive_pattern_is_a_filter_policy_pinned_to_the_source() -> None:
    deployment = run_program(
        subscribe(
            archive=ArchiveArgs(
                retention_days=0, filter_policy={"detail.eventBody.queueId": [{"prefix": "9e"}]}
            )
        )
    )
    pattern = json.loads(deployment.one(ARCHIVE).inputs["eventPattern"])
    assert pattern == {
        "source": [SOURCE],
        "detail-type": TOPICS,
        "detail": {"eventBody": {"queueId": [{"prefix": "9e"}]}},
    }


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"alarms": AlarmArgs(period=90)}, "alarms.period", "multiple of 60"),
        ({"alarms": AlarmArgs(evaluation_periods=0)}, "alarms.evaluation_periods", "1 to 100"),
        (
            # CloudWatch: period x evaluation_periods is at most one day.
            {"alarms": AlarmArgs(period=3600, evaluation_periods=25, per_rule=True)},
            "alarms.evaluation_periods",
            "86400",
        ),
        (
            # The bus-wide rule alarms are Metrics Insights alarms: three hours at most.
            {"alarms": AlarmArgs(period=3600, evaluation_periods=4)},
            "alarms.evaluation_periods",
            "more than the 10800 (three hours) a Metrics Insights alarm may evaluate",
        ),
        ({"archive": ArchiveArgs(retention_days=-1)}, "archive.retention_days", "0 to 36500"),
        (
            {"archive": ArchiveArgs(filter_policy={"detail.x": [{"prefx": "a"}]})},
            "archive.filter_policy",
            "prefx",
        ),
    ],
)
def test_bad_alarm_and_archive_settings_are_refused(
    kwargs: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(**kwargs)()
    assert caught.value.field == field and words in str(caught.value)


def test_archives_of_long_suffixes_that_share_their_first_48_characters_are_named_apart() -> None:
    # Archive names are unique per account and region and at most 48 characters: cutting the
    # suffix made both `...-orders-a` and `...-orders-b` the same name, so the second failed.
    stem = "customer-journey-analytics-eu-west-1-orders-queue"

    def two() -> Any:
        for end in ("a", "b"):
            last = GenesysEventBridgeSubscription(
                f"{stem}-{end}",
                SubscriptionArgs(
                    topics=TOPICS, archive=ArchiveArgs(), lambda_arn=f"{FUNCTION}-{end}"
                ),
            )
        return last

    names = [r.inputs["name"] for r in run_program(two).of_type(ARCHIVE)]
    assert len(names) == 2 and len(set(names)) == 2, names
    assert all(len(name) <= 48 for name in names), names


def test_your_key_encrypts_the_bus_and_its_archive() -> None:
    key = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    deployment = run_program(subscribe(kms_key_arn=key, archive=ArchiveArgs()))
    assert deployment.one("aws:cloudwatch/eventBus:EventBus").inputs["kmsKeyIdentifier"] == key
    assert deployment.one(ARCHIVE).inputs["kmsKeyIdentifier"] == key
    # Without one, AWS-owned keys: nothing to set.
    plain = run_program(subscribe(archive=ArchiveArgs()))
    assert "kmsKeyIdentifier" not in plain.one("aws:cloudwatch/eventBus:EventBus").inputs
    assert "kmsKeyIdentifier" not in plain.one(ARCHIVE).inputs


def test_a_key_that_is_not_a_kms_arn_is_refused() -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(kms_key_arn="1234abcd-12ab-34cd-56ef-1234567890ab")()
    assert caught.value.field == "kms_key_arn" and "ARN of a KMS key or alias" in str(caught.value)
