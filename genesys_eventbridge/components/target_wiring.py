"""The seam between a subscription's rules and its targets: what a target kind is given.

The subscription plans its rules, declares the bus, the rules and the dead-letter queue, then
hands every (rule, target) pair to its kind (`target_kinds`), whose declarer receives the
`TargetContext` the subscription's targets share and the `RuleTarget` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi

from genesys_eventbridge.components.watchlist import Watchlist

if TYPE_CHECKING:
    import pulumi_aws as aws

    from genesys_eventbridge.components.args import SubscriptionArgs
    from genesys_eventbridge.components.plan import RulePlan


@dataclass
class TargetContext:
    """What every target of one subscription shares: its parent, placement and delivery."""

    component: pulumi.Resource
    """The subscription: the parent of every target resource."""
    name: str
    """The subscription's (component's) name: the prefix of every logical name."""
    args: SubscriptionArgs
    region: pulumi.Input[str] | None
    """The region given in the args (None: the provider's), for the `region` of resources."""
    account_id: pulumi.Input[str]
    """The account receiving the events (checked to be the deploying one)."""
    bus: aws.cloudwatch.EventBus
    tags: dict[str, str] | None
    dead_letter_queue: aws.sqs.Queue | None
    """The subscription's dead-letter queue, when it has one."""
    event_source_suffix: str
    """The stem of fixed physical names: unique per account and region (it holds the stack by
    default), where the component name is the same in every stack of the program."""
    event_rules: dict[str, aws.cloudwatch.EventRule] = field(default_factory=dict)
    """Every rule of the subscription by its name, for what several rules share (a queue's
    policy)."""
    dead_letter_ready: list[pulumi.Resource] = field(default_factory=list)
    """Resources a target must wait for before it may dead-letter (the queue's policy)."""
    watch: Watchlist = field(default_factory=Watchlist)
    """What the targets create or deliver to, for the alarms to watch."""
    extras: dict[str, Any] = field(default_factory=dict)
    """Per-subscription state a kind keeps across its targets (e.g. one permission per
    function), keyed by the kind's own name."""

    def child(self, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        """Options for a resource parented to the subscription."""
        return pulumi.ResourceOptions(parent=self.component, depends_on=list(depends_on) or None)

    def retry_policy(self) -> Any:
        """The subscription's EventBridge retry policy, as a target argument."""
        import pulumi_aws as aws

        retry = self.args.retry_policy
        return aws.cloudwatch.EventTargetRetryPolicyArgs(
            maximum_retry_attempts=retry.maximum_retry_attempts,
            maximum_event_age_in_seconds=retry.maximum_event_age_in_seconds,
        )

    def dead_letter_config(self) -> Any:
        """The target's dead-letter config (the subscription's queue), or None without one."""
        import pulumi_aws as aws

        if self.dead_letter_queue is None:
            return None
        return aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=self.dead_letter_queue.arn)


@dataclass(frozen=True)
class RuleTarget:
    """One target of one rule, as declared by the user."""

    rule: RulePlan
    event_rule: aws.cloudwatch.EventRule
    index: int
    """The target's position in the rule's `targets` (its config path index)."""
    spec: Any
    """The target as given: a Lambda ARN, `CALLBACK_TARGET`, an Output, or a typed target."""

    @property
    def key(self) -> str:
        """The target's key (see target_keys): its target id, the stem of its names."""
        return self.rule.target_keys[self.index]

    @property
    def logical_name(self) -> str:
        """`rule-<rule>-target-<key>`: the stem of the logical names of its resources."""
        return f"rule-{self.rule.name}-target-{self.key}"

    def aliases(self, stem: str) -> list[pulumi.Alias]:
        """The names earlier releases gave the resource `stem` names now (they counted a
        rule's targets): a stack deployed by one keeps its queues, log groups and roles."""
        old = stem.replace(f"-target-{self.key}", f"-target-{self.index}", 1)
        return [pulumi.Alias(name=old)] if old != stem else []


Check = Callable[[str, int, Any, object], None]
"""`check(rule name, index, spec, region)`: raise SubscriptionArgsError on a bad spec, at plan."""
Declare = Callable[[TargetContext, RuleTarget], list[pulumi.Resource]]
"""Declare the target's resources (the EventTarget included); return them."""


@dataclass(frozen=True)
class TargetKind:
    """How one kind of target is checked at plan time and declared."""

    name: str
    check: Check
    declare: Declare
