"""`notify_on_change`: the callback is told the subscription's shape when it changes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.plan import SubscriptionPlan
from genesys_eventbridge.components.scope import Scope
from genesys_eventbridge.provider.integration_resource import EventBridgeIntegration

REGISTER_ACTION = "register_subscription"


def declare_notify(
    scope: Scope,
    plan: SubscriptionPlan,
    integration: EventBridgeIntegration,
    bus: aws.cloudwatch.EventBus,
    rules: Mapping[str, aws.cloudwatch.EventRule],
    patterns: Mapping[str, pulumi.Output[str]],
    callback_arn: pulumi.Output[str] | None,
    wiring: Sequence[pulumi.Resource],
) -> aws.lambda_.Invocation:
    """Invoke the callback with the subscription's shape on create, change and delete."""
    payload = pulumi.Output.all(
        integration.integration_id,
        integration.event_source_name,
        bus.name,
        pulumi.Output.all(**{name: rule.arn for name, rule in rules.items()}),
        pulumi.Output.all(**patterns),
    ).apply(lambda values: json.dumps(registration(plan, *values), sort_keys=True))
    return aws.lambda_.Invocation(
        f"{scope.name}-notify",
        function_name=cast(pulumi.Output[str], callback_arn),
        input=payload,
        # CRUD: invoked again on every change and on delete, with a `tf` lifecycle key added.
        lifecycle_scope="CRUD",
        region=scope.region,
        opts=scope.child(depends_on=wiring),
    )


def registration(
    plan: SubscriptionPlan,
    integration_id: str,
    event_source_name: str,
    event_bus_name: str,
    rule_arns: Mapping[str, str],
    patterns: Mapping[str, str],
) -> dict[str, Any]:
    """The `register_subscription` payload the callback receives."""
    return {
        "action": REGISTER_ACTION,
        "data": {
            "integration_id": integration_id,
            "event_source_name": event_source_name,
            "event_bus_name": event_bus_name,
            "topics": list(plan.topics),
            "rules": [
                {
                    "name": rule.name,
                    "rule_name": rule.rule_name,
                    "rule_arn": rule_arns.get(rule.name),
                    "topics": list(rule.topics),
                    "event_pattern": json.loads(patterns[rule.name]),
                }
                for rule in plan.rules
            ],
        },
    }
