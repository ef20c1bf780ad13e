"""Register the typed target kinds with the subscription's target seam (`target_wiring`).

Checks run at plan time (no AWS SDK needed); declarers import the resources module on first use.
"""

from __future__ import annotations

from typing import Any

import pulumi

from genesys_eventbridge.components.target_wiring import (
    RuleTarget,
    TargetContext,
    TargetKind,
    register_target_kind,
)
from genesys_eventbridge.components.targets.args import TARGET_KINDS, LambdaTarget
from genesys_eventbridge.components.targets.checks import check_target


def _check(rule: str, index: int, spec: Any, region: object) -> None:
    check_target(spec, rule=rule, field=f"rules.targets[{index}]", region=region)


def _declare(context: TargetContext, target: RuleTarget) -> list[pulumi.Resource]:
    from genesys_eventbridge.components.targets.resources import declare_typed_target

    return declare_typed_target(context, target)


def _declare_lambda(context: TargetContext, target: RuleTarget) -> list[pulumi.Resource]:
    from genesys_eventbridge.components.lambda_targets import LAMBDA_KIND

    # One permission and async invoke config per function, as for Lambda ARNs given as strings.
    return LAMBDA_KIND.declare(context, target)


for _name, _type in TARGET_KINDS.items():
    register_target_kind(
        _type,
        TargetKind(
            name=_name,
            check=_check,
            declare=_declare_lambda if _type is LambdaTarget else _declare,
        ),
    )
