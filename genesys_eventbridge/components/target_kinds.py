"""Every kind of target a rule may have, and the one that handles a given target.

Checks run at plan time and need no AWS SDK; declarers import their resource modules on first
use, so planning (`validate`, `match`, preview's checks) never loads pulumi_aws for them.
"""

from __future__ import annotations

from typing import Any

import pulumi

from genesys_eventbridge.components.lambda_arns import check_lambda_target
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext, TargetKind
from genesys_eventbridge.components.targets import checks
from genesys_eventbridge.components.targets.args import TARGET_KINDS, LambdaTarget


def _declare_lambda(context: TargetContext, target: RuleTarget) -> list[pulumi.Resource]:
    from genesys_eventbridge.components.lambda_targets import declare_lambda_target

    # One permission and async invoke config per function, typed or given as an ARN.
    return declare_lambda_target(context, target)


def _check_typed(rule: str, index: int, spec: Any, region: object) -> None:
    checks.check_target(spec, rule=rule, field=f"rules.targets[{index}]", region=region)


def _declare_typed(context: TargetContext, target: RuleTarget) -> list[pulumi.Resource]:
    from genesys_eventbridge.components.targets.resources import declare_typed_target

    return declare_typed_target(context, target)


LAMBDA_KIND = TargetKind(name="lambda", check=check_lambda_target, declare=_declare_lambda)
"""Lambda targets: function ARNs, Outputs of them, and `CALLBACK_TARGET`."""

_TYPED: dict[type, TargetKind] = {
    spec_type: TargetKind(
        name=name,
        check=_check_typed,
        declare=_declare_lambda if spec_type is LambdaTarget else _declare_typed,
    )
    for name, spec_type in TARGET_KINDS.items()
}


def kind_of(spec: Any) -> TargetKind | None:
    """The kind that handles `spec`: Lambda for strings and Outputs, else its typed kind."""
    if isinstance(spec, (str, pulumi.Output)):
        return LAMBDA_KIND
    for spec_type in type(spec).__mro__:
        if spec_type in _TYPED:
            return _TYPED[spec_type]
    return None


def check_target(rule: str, index: int, spec: Any, region: object) -> None:
    """Plan-time check of one target: its kind is known and its spec is valid."""
    kind = kind_of(spec)
    if kind is None:
        known = ", ".join(sorted(t.__name__ for t in _TYPED))
        raise SubscriptionArgsError(
            f"rule {rule!r}: targets[{index}] is a {type(spec).__name__}, not a target kind;"
            f" give a Lambda function ARN, CALLBACK_TARGET, or a typed target ({known}).",
            field=f"rules.targets[{index}]",
            rule=rule,
        )
    kind.check(rule, index, spec, region)


def declare_target(context: TargetContext, target: RuleTarget) -> list[pulumi.Resource]:
    """Declare one rule's target through its kind's declarer."""
    kind = kind_of(target.spec)
    if kind is None:  # checked at plan time; a spec swapped since then is a programming error
        raise TypeError(f"no target kind for {type(target.spec).__name__}")
    return kind.declare(context, target)
