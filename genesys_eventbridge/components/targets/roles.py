"""The roles EventBridge delivers with: one per target kind and subscription, not per target.

IAM allows 1,000 roles per account by default, and 300 rules of 5 targets each would need
1,500 with a role per target. A kind's role may deliver to every resource of that kind the
subscription's rules name: the state machines, buses and streams you gave, by ARN; and the
streams and API destinations the component makes, by the prefix of their names (the event
source suffix, unique per account and region), so the policy does not grow with the rules.
What still grows (distinct ARNs you give) is measured against IAM's inline policy limit at
preview.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.target_wiring import TargetContext
from genesys_eventbridge.components.targets import policies
from genesys_eventbridge.components.targets.args import (
    EventBusTarget,
    FirehoseTarget,
    HttpsTarget,
    StepFunctionsTarget,
)

MAX_ROLE_POLICY = 10_240
"""IAM: the inline policies of one role, together, in characters without whitespace."""
_ARN_STAND_IN = 2048 // 16  # an ARN given as an Output: a generous length for sizing
_KIND_OF = {
    StepFunctionsTarget: ("stepFunctions", "state_machine_arn"),
    EventBusTarget: ("eventBus", "event_bus_arn"),
    FirehoseTarget: ("firehose", "delivery_stream_arn"),
    HttpsTarget: ("https", None),
}
# What the component makes of each kind, named `<event source suffix>-<...>`: the resource
# type in its ARN and the service.
_MADE = {"firehose": ("firehose", "deliverystream"), "https": ("events", "api-destination")}


@dataclass
class DeliveryRoles:
    """The subscription's delivery roles, made on first use of each kind."""

    ctx: TargetContext
    made_prefix: str
    """The common prefix of the physical names of the streams and destinations made here."""
    name_prefix: Callable[[str], str | None]
    """The `name_prefix` a role of this logical name needs to fit IAM's 64 characters."""
    _roles: dict[str, tuple[aws.iam.Role, aws.iam.RolePolicy]] = field(default_factory=dict)

    def role_for(self, kind: str) -> tuple[aws.iam.Role, aws.iam.RolePolicy, bool]:
        """The role of `kind` and its policy, and whether this call made them."""
        if kind in self._roles:
            return (*self._roles[kind], False)
        given = self._given_arns(kind)
        _check_size(kind, given, self.made_prefix if kind in _MADE else None)
        logical = f"{self.ctx.name}-{kind}-role"
        role = aws.iam.Role(
            logical,
            assume_role_policy=pulumi.Output.from_input(self.ctx.account_id).apply(
                lambda account: json.dumps(iam.trust_policy(policies.EVENTS_PRINCIPAL, account))
            ),
            description=f"EventBridge delivery to the {kind} targets of subscription"
            f" {self.ctx.name}"[:1000],
            tags=self.ctx.tags,
            name_prefix=self.name_prefix(logical),
            opts=pulumi.ResourceOptions(parent=self.ctx.component),
        )
        made = self._made_pattern(kind)
        policy = aws.iam.RolePolicy(
            f"{logical}-policy",
            role=role.id,
            policy=pulumi.Output.all(*given, *made).apply(
                lambda arns: json.dumps(policies.kind_role_policy(kind, arns))
            ),
            opts=pulumi.ResourceOptions(parent=self.ctx.component),
        )
        self._roles[kind] = (role, policy)
        return role, policy, True

    def _given_arns(self, kind: str) -> list[pulumi.Input[str]]:
        """The distinct ARNs of `kind` the rules name, in order (each Output counts once)."""
        found: list[pulumi.Input[str]] = []
        for rule in self.ctx.args.rules or []:
            for target in rule.targets or []:
                entry = _KIND_OF.get(type(target))
                if entry is None or entry[0] != kind or entry[1] is None:
                    continue
                arn = getattr(target, entry[1])
                if arn is not None and not any(arn is seen or arn == seen for seen in found):
                    found.append(arn)
        return found

    def _made_pattern(self, kind: str) -> list[pulumi.Output[str]]:
        """`arn:<partition>:<service>:<region>:<account>:<type>/<prefix>*` for what the
        component makes of `kind` (region and account from the bus's ARN), or nothing."""
        if kind not in _MADE or not self._makes(kind):
            return []
        service, resource = _MADE[kind]
        prefix = self.made_prefix

        def pattern(bus_arn: str) -> str:
            _, partition, _, region, account, _ = bus_arn.split(":", 5)
            return f"arn:{partition}:{service}:{region}:{account}:{resource}/{prefix}*"

        return [self.ctx.bus.arn.apply(pattern)]

    def _makes(self, kind: str) -> bool:
        for rule in self.ctx.args.rules or []:
            for target in rule.targets or []:
                if isinstance(target, HttpsTarget) and kind == "https":
                    return True
                if (
                    isinstance(target, FirehoseTarget)
                    and kind == "firehose"
                    and target.delivery_stream_arn is None
                ):
                    return True
        return False


def _check_size(kind: str, given: Sequence[Any], made_prefix: str | None) -> None:
    """Refuse, before anything of the kind is made, a role policy past IAM's limit."""
    arns = [arn if isinstance(arn, str) else "a" * _ARN_STAND_IN for arn in given]
    if made_prefix is not None:
        arns.append(f"arn:aws-us-gov:firehose:ap-southeast-5:{'0' * 12}:x/{made_prefix}*")
    size = len(json.dumps(policies.kind_role_policy(kind, arns), separators=(",", ":")))
    if size <= MAX_ROLE_POLICY:
        return
    raise SubscriptionArgsError(
        f"rules.targets: the {kind} targets name {len(given)} distinct resources; the one role"
        f" EventBridge delivers to them with would need a policy of {size:,} characters, over"
        f" IAM's {MAX_ROLE_POLICY:,} per role. Deliver to fewer distinct resources from one"
        " subscription (e.g. one state machine or bus that fans out), or split the rules over"
        " several subscriptions.",
        field="rules.targets",
    )
