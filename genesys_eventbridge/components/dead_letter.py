"""The subscription's dead-letter queue: where events go that no retry could deliver."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam, policy_size
from genesys_eventbridge.components.args import SubscriptionArgs
from genesys_eventbridge.components.lambda_targets import LambdaFunction, role_lookup
from genesys_eventbridge.components.scope import Scope

DLQ_RETENTION_SECONDS = 14 * 24 * 3600
"""Events that exhausted their retries stay for SQS's maximum, 14 days."""


def declare_dead_letter_queue(scope: Scope) -> aws.sqs.Queue:
    """The queue, encrypted, keeping messages for the longest SQS allows."""
    return aws.sqs.Queue(
        f"{scope.name}-dlq",
        sqs_managed_sse_enabled=True,
        message_retention_seconds=DLQ_RETENTION_SECONDS,
        region=scope.region,
        tags=scope.tags,
        opts=scope.holding_data(),
    )


def declare_dead_letter_policy(
    scope: Scope,
    args: SubscriptionArgs,
    queue: aws.sqs.Queue,
    bus: aws.cloudwatch.EventBus,
    account_id: pulumi.Input[str],
    functions: Sequence[LambdaFunction],
) -> aws.sqs.QueuePolicy:
    """One statement for every rule of the bus, one for the external functions' roles."""
    external = [f for f in functions if f.external]
    if not args.async_invoke.external_functions:
        external = []
    roles = [role_lookup(function, scope.parent, scope.region) for function in external]

    def render(values: list[Any]) -> str:
        queue_arn, bus_arn, account, *role_arns = values
        document = iam.dead_letter_queue_policy(queue_arn, bus_arn, account, role_arns)
        policy_size.check_queue_policy(document, functions=len(role_arns))
        return policy_size.rendered(document)

    return aws.sqs.QueuePolicy(
        f"{scope.name}-dlq-policy",
        queue_url=queue.url,
        policy=pulumi.Output.all(queue.arn, bus.arn, account_id, *roles).apply(render),
        region=scope.region,
        opts=scope.child(),
    )
