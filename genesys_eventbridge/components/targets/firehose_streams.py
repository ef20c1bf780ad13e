"""The delivery streams the component makes for Firehose targets, and their role.

A stream writes each event as one line (Firehose's `AppendDelimiterToRecord` processor: records
are otherwise written back to back, which Athena and most readers cannot split), writes what it
could not deliver under its own error prefix (never under the data prefix, where readers would
take errors for events), logs delivery errors to a log group of its own, and may encrypt the
objects with your KMS key. Its role may write under both prefixes, log there, and use that key
through S3 only.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.components.targets import policies, watched
from genesys_eventbridge.components.targets.args import FirehoseTarget

ERROR_LOG_STREAM = "DestinationDelivery"
ERROR_LOG_RETENTION_DAYS = 30
_S3 = aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs
_PROCESSING = aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationArgs
_PROCESSOR = (
    aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorArgs
)
_LOGGING = aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs


def error_prefix(target: FirehoseTarget) -> str:
    """Where the stream writes records it could not deliver: `errors/<prefix><type>/` unless
    given (Firehose needs `!{firehose:error-output-type}` in it when the prefix has expressions)."""
    if target.error_prefix is not None:
        return target.error_prefix
    return f"errors/{target.prefix}!{{firehose:error-output-type}}/"


def stream_policy(
    bucket: str, target: FirehoseTarget, log_group_arn: str, kms_key_arn: str | None
) -> dict[str, Any]:
    """The stream role's policy: S3 under the data and error prefixes, its error log, its key."""
    document = policies.firehose_s3_policy(bucket, target.prefix)
    errors = next(
        statement
        for statement in policies.firehose_s3_policy(bucket, error_prefix(target))["Statement"]
        if statement.get("Sid") == "ObjectsUnderPrefix"
    )
    statements = [*document["Statement"], {**errors, "Sid": "ErrorObjectsUnderPrefix"}]
    statements.append(
        {
            "Sid": "DeliveryErrorLog",
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": f"{log_group_arn.removesuffix(':*')}:log-stream:{ERROR_LOG_STREAM}",
        }
    )
    if kms_key_arn is not None:
        region = kms_key_arn.split(":")[3]
        statements.append(
            {
                "Sid": "EncryptObjectsWithYourKey",
                "Effect": "Allow",
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": kms_key_arn,
                # Through S3, for this bucket only.
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                    "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"{bucket}/*"},
                },
            }
        )
    return {**document, "Statement": statements}


def declare_stream(
    ctx: TargetContext,
    rt: RuleTarget,
    target: FirehoseTarget,
    *,
    logical: str,
    physical: str,
    role_name_prefix: str | None,
) -> tuple[aws.kinesis.FirehoseDeliveryStream, list[pulumi.Resource]]:
    """The stream `logical` (named `physical`) to the bucket; returns it and all it made."""
    assert target.bucket_arn is not None  # checked at plan time
    opts = pulumi.ResourceOptions(parent=ctx.component)
    log_group = aws.cloudwatch.LogGroup(
        f"{logical}-errors",
        name=f"/aws/kinesisfirehose/{physical}",
        retention_in_days=ERROR_LOG_RETENTION_DAYS,
        region=ctx.region,
        tags=ctx.tags,
        opts=opts,
    )
    log_stream = aws.cloudwatch.LogStream(
        f"{logical}-errors-stream",
        name=ERROR_LOG_STREAM,
        log_group_name=log_group.name,
        region=ctx.region,
        opts=opts,
    )
    role = aws.iam.Role(
        f"{logical}-role",
        assume_role_policy=pulumi.Output.from_input(ctx.account_id).apply(
            lambda account: json.dumps(iam.trust_policy(policies.FIREHOSE_PRINCIPAL, account))
        ),
        # The rule's name only: the rule itself renders its targets, credentials included.
        description=f"Firehose stream of target {rt.index} of rule {rt.rule.name}"[:1000],
        tags=ctx.tags,
        name_prefix=role_name_prefix,
        opts=opts,
    )
    policy = aws.iam.RolePolicy(
        f"{logical}-role-policy",
        role=role.id,
        policy=pulumi.Output.all(target.bucket_arn, log_group.arn, target.kms_key_arn).apply(
            lambda v: json.dumps(stream_policy(v[0], target, v[1], v[2]))
        ),
        opts=opts,
    )
    stream = aws.kinesis.FirehoseDeliveryStream(
        logical,
        name=physical,
        destination="extended_s3",
        extended_s3_configuration=_S3(
            role_arn=role.arn,
            bucket_arn=target.bucket_arn,
            prefix=target.prefix,
            error_output_prefix=error_prefix(target),
            buffering_interval=target.buffering_interval_seconds,
            buffering_size=target.buffering_size_mb,
            compression_format="GZIP",
            kms_key_arn=target.kms_key_arn,
            processing_configuration=_PROCESSING(
                enabled=True, processors=[_PROCESSOR(type="AppendDelimiterToRecord")]
            )
            if target.newline_delimited
            else None,
            cloudwatch_logging_options=_LOGGING(
                enabled=True, log_group_name=log_group.name, log_stream_name=log_stream.name
            ),
        ),
        server_side_encryption=aws.kinesis.FirehoseDeliveryStreamServerSideEncryptionArgs(
            enabled=True, key_type="AWS_OWNED_CMK"
        ),
        region=ctx.region,
        tags=ctx.tags,
        opts=pulumi.ResourceOptions(
            parent=ctx.component, depends_on=[policy, log_stream], delete_before_replace=True
        ),
    )
    watched.made_stream(ctx, rt, stream.name, target.buffering_interval_seconds)
    return stream, [log_group, log_stream, role, policy, stream]
