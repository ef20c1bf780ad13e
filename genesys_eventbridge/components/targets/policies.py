"""The least-privilege IAM and resource policies each target kind needs: one action, one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from genesys_eventbridge.components.iam import (
    EVENTS_PRINCIPAL,
    VERSION,
    allow,
    events_statement,
    rules_of_bus,
)

FIREHOSE_PRINCIPAL = "firehose.amazonaws.com"
LOGS_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"
MAX_LOGS_RESOURCE_POLICY = 5120
"""CloudWatch Logs caps a resource policy document at 5,120 characters."""


def target_role_policy(kind: str, resource_arn: str) -> dict[str, Any]:
    """What EventBridge's role for a target of `kind` may do: deliver there, nothing else."""
    if kind == "firehose":
        return allow(
            "PutToDeliveryStream", ["firehose:PutRecord", "firehose:PutRecordBatch"], resource_arn
        )
    if kind == "stepFunctions":
        return allow("StartExecution", "states:StartExecution", resource_arn)
    if kind == "eventBus":
        return allow("PutEventsOnBus", "events:PutEvents", resource_arn)
    if kind == "https":
        # EventBridge authorises the call on `api-destination/<name>/<uuid>`.
        return allow(
            "InvokeApiDestination",
            "events:InvokeApiDestination",
            resource_arn.rsplit("/", 1)[0] + "/*" if resource_arn.count("/") >= 2 else resource_arn,
        )
    raise ValueError(f"targets of kind {kind!r} take a resource policy, not a role")


def kind_role_policy(kind: str, resource_arns: Sequence[str]) -> dict[str, Any]:
    """What EventBridge's one role for every target of `kind` may do: deliver to each of
    `resource_arns` (ARNs, or ARN patterns of what the component names), nothing else."""
    statements = [target_role_policy(kind, arn)["Statement"][0] for arn in resource_arns]
    resources = sorted({statement["Resource"] for statement in statements})
    only = resources[0] if len(resources) == 1 else resources
    return {"Version": VERSION, "Statement": [{**statements[0], "Resource": only}]}


def sqs_target_queue_policy(
    queue_arn: str, rule_arn: str | list[str], account_id: str
) -> dict[str, Any]:
    """Let EventBridge send to the queue only on behalf of these rules of this account (one
    statement, so that one policy serves every rule of a subscription that targets the queue)."""
    return {
        "Version": VERSION,
        "Statement": [
            events_statement(
                "EventBridgeRuleSends",
                "sqs:SendMessage",
                queue_arn,
                {
                    "ArnEquals": {"aws:SourceArn": rule_arn},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            )
        ],
    }


def sqs_redrive_allow_policy(source_queue_arn: str) -> dict[str, Any]:
    """Only the target queue may use its dead-letter queue."""
    return {"redrivePermission": "byQueue", "sourceQueueArns": [source_queue_arn]}


def firehose_s3_policy(bucket_arn: str, prefix: str) -> dict[str, Any]:
    """What the delivery stream's own role may do in S3: write objects under `prefix`, and the
    bucket-level reads Firehose needs; nothing elsewhere in the bucket."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "BucketLevel",
                "Effect": "Allow",
                "Action": [
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                ],
                "Resource": bucket_arn,
            },
            {
                "Sid": "ObjectsUnderPrefix",
                "Effect": "Allow",
                "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                # Firehose expands `!{...}` expressions into the key: grant up to the first one.
                "Resource": f"{bucket_arn}/{prefix.split('!{', 1)[0]}*",
            },
        ],
    }


def logs_resource_policy(
    log_group_arns: Sequence[str], bus_arn: str, account_id: str
) -> dict[str, Any]:
    """CloudWatch Logs' resource policy letting EventBridge write the subscription's groups, only
    on behalf of the rules of its bus (Logs has no per-group policy: one covers every group)."""
    groups = sorted({arn.removesuffix(":*") for arn in log_group_arns})
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "EventBridgeWritesLogs",
                "Effect": "Allow",
                "Principal": {"Service": [EVENTS_PRINCIPAL, LOGS_DELIVERY_PRINCIPAL]},
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"{group}:*" for group in groups],
                "Condition": {
                    "ArnLike": {"aws:SourceArn": rules_of_bus(bus_arn)},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            }
        ],
    }
