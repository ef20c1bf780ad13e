"""The log groups of a subscription's `logs` targets, and the one Logs resource policy for them.

Logs allows 10 resource policies per region: one per subscription (named after its event
source suffix), not one per group, lets EventBridge write to every group its rules target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.scope import keeping_data
from genesys_eventbridge.components.target_keys import rule_target_keys
from genesys_eventbridge.components.target_wiring import TargetContext
from genesys_eventbridge.components.targets import policies
from genesys_eventbridge.components.targets.args import LogGroupTarget

LOG_GROUP_PREFIX = "/aws/events/"


@dataclass
class LogGroups:
    """Every group one subscription's rules deliver to, made or given, and their policy."""

    ctx: TargetContext
    policy: aws.cloudwatch.LogResourcePolicy | None = None
    _arns: dict[tuple[str, str], pulumi.Input[str]] = field(default_factory=dict)

    def arn(self, rule: str, key: str) -> pulumi.Output[str]:
        """The ARN (without `:*`) of the group target `key` of `rule` delivers to."""
        return pulumi.Output.from_input(self._arns[(rule, key)]).apply(
            lambda value: value.removesuffix(":*")
        )

    def declare(self) -> list[pulumi.Resource]:
        """Make every group the subscription's rules need, then the one resource policy."""
        ctx = self.ctx
        created: list[aws.cloudwatch.LogGroup] = []
        given: list[pulumi.Input[str]] = []
        for rule in ctx.args.rules or []:
            keys = rule_target_keys(rule.name, list(rule.targets or []))
            for index, spec in enumerate(rule.targets or []):
                if not isinstance(spec, LogGroupTarget):
                    continue
                if spec.log_group_arn is not None:
                    self._arns[(rule.name, keys[index])] = spec.log_group_arn
                    given.append(spec.log_group_arn)
                    continue
                group = self._group(rule.name, index, keys[index], spec)
                created.append(group)
                self._arns[(rule.name, keys[index])] = group.arn
        # The groups made here share a prefix: one wildcard entry covers them all, so the
        # policy does not grow with their number (Logs caps it at 5,120 characters).
        made = [created[0].arn.apply(self._made_groups)] if created else []
        document = pulumi.Output.all(ctx.bus.arn, ctx.account_id, *made, *given)
        self.policy = aws.cloudwatch.LogResourcePolicy(
            f"{ctx.name}-logs-delivery-policy",
            policy_name=f"{ctx.event_source_suffix}-eventbridge-logs",
            policy_document=document.apply(_document),
            region=ctx.region,
            opts=pulumi.ResourceOptions(parent=ctx.component),
        )
        return [*created, self.policy]

    def _group(
        self, rule: str, index: int, key: str, spec: LogGroupTarget
    ) -> aws.cloudwatch.LogGroup:
        ctx = self.ctx
        # A group made by a release that counted targets keeps its name (and its history).
        opts = pulumi.ResourceOptions(
            parent=ctx.component,
            aliases=[pulumi.Alias(name=f"{ctx.name}-rule-{rule}-target-{index}-logs")],
            ignore_changes=["name"],
        )
        return aws.cloudwatch.LogGroup(
            f"{ctx.name}-rule-{rule}-target-{key}-logs",
            name=f"{LOG_GROUP_PREFIX}{ctx.event_source_suffix}/{rule}/{key}",
            retention_in_days=spec.retention_in_days,
            region=ctx.region,
            tags=ctx.tags,
            opts=keeping_data(opts, ctx.args.retain_data, ctx.args.protect_data),
        )

    def _made_groups(self, group_arn: str) -> str:
        """`arn:...:log-group:/aws/events/<event source suffix>/*` from one made group's ARN."""
        head = group_arn.split(":log-group:", 1)[0]
        return f"{head}:log-group:{LOG_GROUP_PREFIX}{self.ctx.event_source_suffix}/*"


def _document(values: list[Any]) -> str:
    bus_arn, account, *groups = values
    document = json.dumps(policies.logs_resource_policy(groups, bus_arn, account))
    if len(document) > policies.MAX_LOGS_RESOURCE_POLICY:
        raise ValueError(
            f"the CloudWatch Logs resource policy for {len(groups)} log group targets has"
            f" {len(document)} characters, more than Logs' {policies.MAX_LOGS_RESOURCE_POLICY};"
            " let the component make the groups or target fewer groups per subscription."
        )
    return document
