"""The delivery streams the component makes for Firehose targets, and the one role they share.

A stream writes each event as one line (Firehose's `AppendDelimiterToRecord` processor: records
are otherwise written back to back, which Athena and most readers cannot split), writes what it
could not deliver under its own error prefix (never under the data prefix, where readers would
take errors for events), logs delivery errors to a log group of its own, and may encrypt the
objects with your KMS key. Its role may write under both prefixes, log there, and use that key
through S3 only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.components.targets import policies, watched
from genesys_eventbridge.components.targets.args import FirehoseTarget
from genesys_eventbridge.components.targets.roles import MAX_ROLE_POLICY

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


@dataclass(frozen=True)
class StreamGrant:
    """What one made stream writes: its bucket, data and error prefixes, and key."""

    bucket: str
    prefix: str
    error_prefix: str
    kms_key_arn: str | None


def grant_statements(grant: StreamGrant) -> list[dict[str, Any]]:
    """One stream's S3 (and KMS) statements: under its data and error prefixes, its key."""
    document = policies.firehose_s3_policy(grant.bucket, grant.prefix)
    errors = next(
        statement
        for statement in policies.firehose_s3_policy(grant.bucket, grant.error_prefix)["Statement"]
        if statement.get("Sid") == "ObjectsUnderPrefix"
    )
    statements = [*document["Statement"], {**errors, "Sid": "ErrorObjectsUnderPrefix"}]
    if grant.kms_key_arn is not None:
        region = grant.kms_key_arn.split(":")[3]
        statements.append(
            {
                "Sid": "EncryptObjectsWithYourKey",
                "Effect": "Allow",
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": grant.kms_key_arn,
                # Through S3, for this bucket only.
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                    "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"{grant.bucket}/*"},
                },
            }
        )
    return statements


def streams_policy(grants: Sequence[StreamGrant], error_logs: str) -> dict[str, Any]:
    """The one stream role's policy for every stream the subscription makes: statements that
    differ only in their resources are merged, so streams sharing a bucket and prefix add
    nothing; `error_logs` is the ARN pattern of their error log streams."""
    merged: dict[str, dict[str, Any]] = {}
    for grant in grants:
        for statement in grant_statements(grant):
            shape = json.dumps({k: v for k, v in statement.items() if k not in ("Sid", "Resource")})
            key = f"{statement['Sid']}|{shape}"
            held = merged.setdefault(key, {**statement, "Resource": []})
            resources = statement["Resource"]
            held["Resource"] += resources if isinstance(resources, list) else [resources]
    statements: list[dict[str, Any]] = []
    for index, statement in enumerate(merged.values()):
        resources = sorted(set(statement["Resource"]))
        sid = (
            statement["Sid"]
            if statement["Sid"] != "EncryptObjectsWithYourKey"
            else (f"EncryptObjectsWithYourKey{index}")
        )
        only = resources[0] if len(resources) == 1 else resources
        statements.append({**statement, "Sid": sid, "Resource": only})
    statements.append(
        {
            "Sid": "DeliveryErrorLog",
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": error_logs,
        }
    )
    return {"Version": iam.VERSION, "Statement": statements}


@dataclass
class StreamRole:
    """The one role Firehose writes with for every stream the subscription makes, made with the
    first: its policy covers each stream's bucket, prefixes and key, merged, so streams that
    share a bucket and prefix (the usual case) add nothing to it."""

    ctx: TargetContext
    made_prefix: str
    """The common prefix of the made streams' names (their log groups are named after them)."""
    name_prefix: Callable[[str], str | None]
    _made: tuple[aws.iam.Role, aws.iam.RolePolicy] | None = None

    def get(self) -> tuple[aws.iam.Role, aws.iam.RolePolicy, bool]:
        """The role and its policy, and whether this call made them."""
        if self._made is not None:
            return (*self._made, False)
        targets = [
            target
            for rule in self.ctx.args.rules or []
            for target in rule.targets or []
            if isinstance(target, FirehoseTarget) and target.delivery_stream_arn is None
        ]
        _check_size(targets, self.made_prefix)
        logical = f"{self.ctx.name}-firehose-stream-role"
        opts = pulumi.ResourceOptions(parent=self.ctx.component)
        role = aws.iam.Role(
            logical,
            assume_role_policy=pulumi.Output.from_input(self.ctx.account_id).apply(
                lambda account: json.dumps(iam.trust_policy(policies.FIREHOSE_PRINCIPAL, account))
            ),
            description=f"Firehose streams of subscription {self.ctx.name}"[:1000],
            tags=self.ctx.tags,
            name_prefix=self.name_prefix(logical),
            opts=opts,
        )
        values = [v for t in targets for v in (t.bucket_arn, t.kms_key_arn)]
        prefix = self.made_prefix

        def render(resolved: list[Any]) -> str:
            bus_arn, *pairs = resolved
            grants = [
                StreamGrant(pairs[2 * i], t.prefix, error_prefix(t), pairs[2 * i + 1])
                for i, t in enumerate(targets)
            ]
            return json.dumps(streams_policy(grants, _error_logs(bus_arn, prefix)))

        policy = aws.iam.RolePolicy(
            f"{logical}-policy",
            role=role.id,
            policy=pulumi.Output.all(self.ctx.bus.arn, *values).apply(render),
            opts=opts,
        )
        self._made = (role, policy)
        return role, policy, True


def _error_logs(bus_arn: str, stream_prefix: str) -> str:
    """The error log streams of every stream made here (region and account from the bus)."""
    _, partition, _, region, account, _ = bus_arn.split(":", 5)
    return (
        f"arn:{partition}:logs:{region}:{account}:log-group:/aws/kinesisfirehose/"
        f"{stream_prefix}*:log-stream:{ERROR_LOG_STREAM}"
    )


def _check_size(targets: Sequence[FirehoseTarget], stream_prefix: str) -> None:
    """Refuse, before any stream is made, a stream role policy past IAM's limit."""
    key = "arn:aws-us-gov:kms:ap-southeast-5:000000000000:key/" + "0" * 36
    grants = [
        StreamGrant(
            t.bucket_arn if isinstance(t.bucket_arn, str) else "arn:aws:s3:::" + "b" * 63,
            t.prefix,
            error_prefix(t),
            (t.kms_key_arn if isinstance(t.kms_key_arn, str) else key) if t.kms_key_arn else None,
        )
        for t in targets
    ]
    logs = _error_logs(f"arn:aws-us-gov:events:ap-southeast-5:{'0' * 12}:x", stream_prefix)
    size = len(json.dumps(streams_policy(grants, logs), separators=(",", ":")))
    if size <= MAX_ROLE_POLICY:
        return
    raise SubscriptionArgsError(
        f"rules.targets: the {len(targets)} Firehose streams the component makes write to so many"
        f" distinct buckets, prefixes and keys that their one role would need a policy of"
        f" {size:,} characters, over IAM's {MAX_ROLE_POLICY:,} per role. Let streams share a"
        " bucket and prefix (Firehose can partition by !{timestamp:...} within one), or give"
        " delivery_stream_arn of streams you manage.",
        field="rules.targets",
    )


def declare_stream(
    ctx: TargetContext,
    rt: RuleTarget,
    target: FirehoseTarget,
    *,
    logical: str,
    physical: str,
    role: StreamRole,
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
    stream_role, policy, made = role.get()
    stream = aws.kinesis.FirehoseDeliveryStream(
        logical,
        name=physical,
        destination="extended_s3",
        extended_s3_configuration=_S3(
            role_arn=stream_role.arn,
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
            parent=ctx.component,
            depends_on=[policy, log_stream],
            delete_before_replace=True,
            # A stream made when targets were named by position keeps its resource and name.
            aliases=rt.aliases(logical) or None,
            ignore_changes=["name"],
        ),
    )
    watched.made_stream(ctx, rt, stream.name, target.buffering_interval_seconds)
    return stream, [log_group, log_stream, *([stream_role, policy] if made else []), stream]
