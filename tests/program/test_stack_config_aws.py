"""The AWS-side fields of `genesys-eventbridge:subscriptions`: parsed into the component's
arguments, and bad values reported with their config path."""

from __future__ import annotations

from typing import Any

import pytest

from genesys_eventbridge.components.stack_config import StackConfigError, parse_subscriptions

TOPICS = ["v2.detail.events.conversation.{id}.acd.start"]
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:consumer"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def entry(**fields: Any) -> dict[str, Any]:
    return {"name": "cx", "topics": TOPICS, **fields}


def test_every_new_field_reaches_the_arguments() -> None:
    [config] = parse_subscriptions(
        [
            entry(
                asyncInvoke={
                    "maximumRetryAttempts": 0,
                    "maximumEventAgeInSeconds": 600,
                    "externalFunctions": False,
                },
                reservedConcurrency=5,
                logFormat="JSON",
                partnerSourceTimeout=60,
                quotas={"maxRulesPerBus": 500, "maxPatternLength": 4096},
                alarms={
                    "topicArn": "arn:aws:sns:us-east-1:123456789012:ops",
                    "period": 60,
                    "perRule": True,
                },
                kmsKeyArn=KEY,
                archive={"retentionDays": 7, "filterPolicy": {"detail.eventBody.x": ["y"]}},
                lambdaCode={"path": ".", "handler": "app.handler", "architecture": "arm64"},
            )
        ],
        stack="prod",
    )
    args = config.to_args()
    assert args.async_invoke.maximum_retry_attempts == 0
    assert args.async_invoke.maximum_event_age_in_seconds == 600
    assert args.async_invoke.external_functions is False
    assert args.reserved_concurrency == 5 and args.log_format == "JSON"
    assert args.partner_source_timeout == 60
    assert args.quotas.max_rules_per_bus == 500 and args.quotas.max_pattern_length == 4096
    assert args.alarms is not None and args.alarms.period == 60
    assert args.alarms.topic_arn == "arn:aws:sns:us-east-1:123456789012:ops"
    assert args.alarms.per_rule is True and args.kms_key_arn == KEY
    assert args.archive is not None and args.archive.retention_days == 7
    assert args.lambda_code is not None and args.lambda_code.architecture == "arm64"
    assert args.lambda_code.runtime == "python3.13"


def test_defaults() -> None:
    [config] = parse_subscriptions([entry()], stack="prod")
    args = config.to_args()
    assert args.async_invoke.maximum_retry_attempts == 2
    assert args.alarms is None and args.archive is None
    assert args.log_format == "Text" and args.reserved_concurrency is None


def rules(count: int, **rule: Any) -> list[dict[str, Any]]:
    return [{"name": f"r{i:03d}", **rule} for i in range(count)]


@pytest.mark.parametrize(
    ("fields", "path", "hint"),
    [
        (
            {"asyncInvoke": {"maximumRetryAttempts": 3}},
            "subscriptions[0].asyncInvoke.maximumRetryAttempts",
            "less than or equal to 2",
        ),
        (
            {"rules": rules(301)},
            "subscriptions[0].rules[300]",
            "301 rules on one event bus, more than EventBridge's 300",
        ),
        (
            {
                "rules": [
                    {"name": f"r{i:03d}", "targets": [f"{FUNCTION}-{i:03d}"]} for i in range(300)
                ]
            },
            "subscriptions[0].deadLetterQueue",
            "over SQS's 8,192",
        ),
        (
            {"awsRegion": "eu-west-1", "rules": [{"name": "a", "targets": [FUNCTION]}]},
            "subscriptions[0].rules[0].targets[0]",
            "is in us-east-1, but the subscription's bus and rules are in eu-west-1",
        ),
        (
            {"awsRegion": "eu-west-1", "lambdaArn": FUNCTION},
            "subscriptions[0].lambdaArn",
            "is in us-east-1",
        ),
        ({"logFormat": "XML"}, "subscriptions[0].logFormat", "'Text' or 'JSON'"),
        ({"reservedConcurrency": 0}, "subscriptions[0].reservedConcurrency", "greater than"),
        ({"alarms": {"period": 90}}, "subscriptions[0].alarms.period", "multiple of 60"),
        ({"alarms": {"perod": 60}}, "subscriptions[0].alarms.perod", "not a known field"),
        (
            {"archive": {"filterPolicy": {"detail.x": [{"prefx": "a"}]}}},
            "subscriptions[0].archive.filterPolicy",
            "prefx",
        ),
        (
            {"quotas": {"maxRulesPerBus": 0}},
            "subscriptions[0].quotas.maxRulesPerBus",
            "greater than or equal to 1",
        ),
        (
            {"partnerSourceTimeout": 7200},
            "subscriptions[0].partnerSourceTimeout",
            "less than or equal to 3600",
        ),
    ],
)
def test_bad_aws_fields_name_their_path(fields: dict[str, Any], path: str, hint: str) -> None:
    with pytest.raises(StackConfigError) as caught:
        parse_subscriptions([entry(**fields)], stack="prod")
    message = str(caught.value)
    assert message.startswith(path + ":") or f"; {path}:" in message, message
    assert hint in message, message


def test_a_raised_rules_quota_admits_more_rules() -> None:
    parse_subscriptions([entry(rules=rules(301), quotas={"maxRulesPerBus": 400})], stack="prod")


def test_duplicate_effective_suffixes_are_refused_naming_both_paths() -> None:
    with pytest.raises(StackConfigError) as caught:
        parse_subscriptions(
            [
                {"name": "a", "topics": TOPICS, "eventSourceSuffix": "prod-b"},
                {"name": "b", "topics": TOPICS},  # default suffix: prod-b
            ],
            stack="prod",
        )
    message = str(caught.value)
    assert message.startswith("subscriptions[1].name (the default suffix is <stack>-<name>):")
    assert "'prod-b' is also that of subscriptions[0].eventSourceSuffix" in message
