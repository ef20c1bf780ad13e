"""The IAM policy documents of a subscription: least privilege, no `*` action or resource."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

VERSION = "2012-10-17"
EVENTS_PRINCIPAL = "events.amazonaws.com"
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"


def lambda_assume_role_policy() -> dict[str, Any]:
    """Trust policy letting only the Lambda service assume the callback's role."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": LAMBDA_PRINCIPAL},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def lambda_logging_policy(log_group_arn: str) -> dict[str, Any]:
    """Let the callback write to the streams of its own log group, and nothing else.

    The group itself is created by the component, so `logs:CreateLogGroup` is not granted.
    """
    # pulumi-aws reports a log group's ARN without the trailing ":*" that the Logs API shows.
    group = log_group_arn.removesuffix(":*")
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "WriteOwnLogStreams",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{group}:log-stream:*",
            }
        ],
    }


def dead_letter_queue_policy(queue_arn: str, rule_arns: Sequence[str]) -> dict[str, Any]:
    """Let EventBridge put undeliverable events on the queue, only on behalf of these rules."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "EventBridgeDeadLetters",
                "Effect": "Allow",
                "Principal": {"Service": EVENTS_PRINCIPAL},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": sorted(rule_arns)}},
            }
        ],
    }
