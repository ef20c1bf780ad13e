"""The policies of queues that rules send to: one per queue, letting every rule that sends.

SQS keeps one policy per queue: two resources writing it would overwrite each other, and
deleting either would wipe it. So a subscription declares one QueuePolicy per queue (named
after the queue, so it stays the same resource whichever rules send), and two subscriptions of
one program managing the same queue's policy are refused at preview.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import policy_size
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.components.targets import policies
from genesys_eventbridge.components.targets.args import SqsTarget

# The subscription that manages each queue's policy in this program run, keyed by the run's
# resource monitor (as lambda_targets keys async invoke configs).
_CLAIMED: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


@dataclass
class QueuePolicies:
    """The queue policies one subscription's SQS targets need."""

    ctx: TargetContext
    _declared: dict[object, aws.sqs.QueuePolicy] = field(default_factory=dict)

    def policy_for(
        self,
        rt: RuleTarget,
        t: SqsTarget,
        queue_arn: pulumi.Input[str],
        queue_url: pulumi.Input[str],
    ) -> tuple[aws.sqs.QueuePolicy, bool]:
        """The queue's one policy, letting every rule of the subscription that sends to it;
        returns it and whether it was declared now."""
        given = t.queue_arn
        key: object = given if isinstance(given, str) else id(given) if given else rt.logical_name
        if key in self._declared:
            return self._declared[key], False
        positional = f"{self.ctx.name}-{rt.logical_name}-queue-policy"
        senders = [rt.event_rule]  # a queue made for this target alone
        logical = positional
        if given is not None:
            senders = [
                self.ctx.event_rules.get(rule.name, rt.event_rule)
                for rule in self.ctx.args.rules or []
                if any(_manages(spec, given) for spec in rule.targets or [])
            ] or senders
        if isinstance(given, str):
            claim(given, self.ctx.name, f"rules[{rt.rule.name}].targets[{rt.index}]")
            logical = (
                f"{self.ctx.name}-queue-policy-{hashlib.sha256(given.encode()).hexdigest()[:8]}"
            )
        arns = pulumi.Output.all(*(rule.arn for rule in senders))
        policy = aws.sqs.QueuePolicy(
            logical,
            queue_url=queue_url,
            policy=pulumi.Output.all(queue_arn, arns, self.ctx.account_id).apply(_document),
            region=self.ctx.region,
            # Known before by the name of the (first) target that managed it.
            opts=pulumi.ResourceOptions(
                parent=self.ctx.component, aliases=rt.aliases(positional) or None
            ),
        )
        self._declared[key] = policy
        return policy, True


def _document(values: list[Any]) -> str:
    queue_arn, rule_arns, account = values
    senders = rule_arns[0] if len(rule_arns) == 1 else sorted(rule_arns)
    return json.dumps(policies.sqs_target_queue_policy(queue_arn, senders, account))


def _manages(spec: Any, queue_arn: Any) -> bool:
    """Whether rule target `spec` writes the policy of the queue `queue_arn`."""
    if not isinstance(spec, SqsTarget) or not spec.manage_queue_policy:
        return False
    given = spec.queue_arn
    return given is queue_arn or (isinstance(given, str) and given == queue_arn)


def claim(queue_arn: str, subscription: str, field: str) -> None:
    """Raise when another subscription of this program already writes the queue's policy."""
    owner = policy_size.first_claim(_CLAIMED, queue_arn, subscription)
    if owner != subscription:
        raise SubscriptionArgsError(
            f"{field}: subscriptions {owner!r} and {subscription!r} both set manage_queue_policy"
            f" for {queue_arn}; SQS keeps one policy per queue, so each would overwrite the"
            " other's and destroying either would remove it for both. Let one of them manage"
            " it, and grant the other's rules in that queue's policy yourself (or give each its"
            " own queue).",
            field=field,
        )
