"""The subscription's callback: a Lambda function with its own role and log group.

By default it runs the bundled handler (`handler/handler.py`), which logs each event's metadata;
`lambda_code` gives it your code, `lambda_arn` uses an existing function instead (no role, no
logs, nothing created here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam
from genesys_eventbridge.components.args import LambdaCodeArgs, SubscriptionArgs
from genesys_eventbridge.components.scope import Scope

HANDLER_FILE = Path(__file__).resolve().parent / "handler" / "handler.py"
HANDLER_ENTRY = "handler.handler"
HANDLER_RUNTIME = "python3.13"
HANDLER_ARCHITECTURE = "arm64"


@dataclass(frozen=True)
class Callback:
    """The callback the subscription invokes, if any."""

    arn: pulumi.Output[str] | None = None
    """The function's ARN (None when nothing targets the callback and nothing notifies)."""
    role_arn: pulumi.Output[str] | None = None
    """Its execution role's ARN (None for `lambda_arn`: the function is not ours)."""
    ready: list[pulumi.Resource] = field(default_factory=list)
    """What must exist before it may run (its role's policies)."""


def declare_callback(
    scope: Scope, args: SubscriptionArgs, *, needed: bool, queue: aws.sqs.Queue | None
) -> Callback:
    """Declare the callback function when `needed` (a rule targets it, or it is notified)."""
    if args.lambda_arn is not None:
        return Callback(arn=pulumi.Output.from_input(args.lambda_arn))
    if not needed:
        return Callback()
    role = aws.iam.Role(
        f"{scope.name}-role",
        assume_role_policy=json.dumps(iam.lambda_assume_role_policy()),
        description="Execution role of the Genesys EventBridge callback",
        tags=scope.tags,
        opts=scope.child(),
    )
    log_group = aws.cloudwatch.LogGroup(
        f"{scope.name}-logs",
        retention_in_days=args.log_retention_in_days,
        region=scope.region,
        tags=scope.tags,
        opts=scope.holding_data(),
    )
    ready: list[pulumi.Resource] = [
        aws.iam.RolePolicy(
            f"{scope.name}-logs-policy",
            role=role.id,
            policy=log_group.arn.apply(lambda arn: json.dumps(iam.lambda_logging_policy(arn))),
            opts=scope.child(),
        )
    ]
    if queue is not None:
        # The async invoke config's on-failure destination: the role may send there only.
        ready.append(
            aws.iam.RolePolicy(
                f"{scope.name}-dlq-send-policy",
                role=role.id,
                policy=queue.arn.apply(lambda arn: json.dumps(iam.lambda_on_failure_policy(arn))),
                opts=scope.child(),
            )
        )
    function = _function(scope, args, role, log_group, logging_ready=ready[0])
    return Callback(arn=function.arn, role_arn=role.arn, ready=ready)


def _function(
    scope: Scope,
    args: SubscriptionArgs,
    role: aws.iam.Role,
    log_group: aws.cloudwatch.LogGroup,
    logging_ready: pulumi.Resource,
) -> aws.lambda_.Function:
    code = args.lambda_code or bundled_code()
    return aws.lambda_.Function(
        f"{scope.name}-callback",
        role=role.arn,
        code=_archive(code.code),
        handler=code.handler,
        runtime=code.runtime,
        architectures=[code.architecture],
        memory_size=code.memory_size,
        timeout=code.timeout,
        reserved_concurrent_executions=args.reserved_concurrency,
        environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(code.environment))
        if code.environment
        else None,
        # Its own group, so the role may write there and nowhere else.
        logging_config=aws.lambda_.FunctionLoggingConfigArgs(
            log_format=args.log_format, log_group=log_group.name
        ),
        description="Genesys Cloud EventBridge callback",
        region=scope.region,
        tags=scope.tags,
        # The first invocation must already be able to log.
        opts=scope.child(depends_on=[logging_ready]),
    )


def bundled_code() -> LambdaCodeArgs:
    """The bundled handler, which logs each event's metadata (never its content)."""
    return LambdaCodeArgs(
        code=pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(HANDLER_FILE))}),
        handler=HANDLER_ENTRY,
        runtime=HANDLER_RUNTIME,
        architecture=HANDLER_ARCHITECTURE,
        memory_size=128,
        timeout=10,
    )


def _archive(code: pulumi.Archive | str) -> pulumi.Archive:
    return code if isinstance(code, pulumi.Archive) else pulumi.FileArchive(code)
