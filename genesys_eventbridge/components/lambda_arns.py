"""Lambda function ARNs as targets and as `lambda_arn`: their shape and region, checked at plan."""

from __future__ import annotations

import re
from typing import Any

import pulumi

from genesys_eventbridge.components.args import CALLBACK_TARGET
from genesys_eventbridge.components.limits import SubscriptionArgsError

# arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or alias>], ASCII only.
LAMBDA_ARN = re.compile(
    r"arn:(aws[a-z-]*):lambda:([a-z]{2}(?:-[a-z]+)+-[0-9]):([0-9]{12}):function:"
    r"([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?",
    re.ASCII,
)


def check_lambda_target(rule: str, index: int, spec: Any, region: object) -> None:
    """A Lambda target is `CALLBACK_TARGET`, an Output, or a function ARN in the bus's region."""
    if isinstance(spec, pulumi.Output) or spec == CALLBACK_TARGET:
        return
    check_function_arn(
        spec, region, field=f"rules.targets[{index}]", rule=rule, what=f"targets[{index}]"
    )


def check_function_arn(
    arn: str, region: object, *, field: str, rule: str | None = None, what: str | None = None
) -> None:
    """Raise SubscriptionArgsError unless `arn` is a Lambda function ARN in `region` if known."""
    what = what or field
    where = f"rule {rule!r}: " if rule else ""
    match = LAMBDA_ARN.fullmatch(arn)
    if match is None:
        raise SubscriptionArgsError(
            f"{where}{what} {arn!r} is not a Lambda function ARN"
            " (arn:aws:lambda:<region>:<account>:function:<name>); give the function's ARN, or a"
            " typed target for other services.",
            field=field,
            rule=rule,
        )
    function_region = match.group(2)
    if isinstance(region, str) and function_region != region:
        raise SubscriptionArgsError(
            f"{where}{what} {arn!r} is in {function_region}, but the subscription's bus and"
            f" rules are in {region}: EventBridge invokes only functions in the bus's region."
            f" Use a function in {region}, or route to a bus in {function_region} with an"
            " event-bus target.",
            field=field,
            rule=rule,
        )
