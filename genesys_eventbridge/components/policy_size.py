"""Resource policies rendered and measured against AWS's size limits, at preview and at deploy.

SQS caps a queue policy at 8,192 bytes and Lambda a function's resource policy at 20 KB. The
component's policies name the bus's rules by one ARN pattern, so their size does not depend on
the rule count; what still grows is the list of execution roles in the dead-letter queue's
policy (one per function the subscription does not create) and the statements several
subscriptions of one program add to one shared function.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping, MutableMapping
from typing import Any

import pulumi

from genesys_eventbridge.components.iam import lambda_resource_policy
from genesys_eventbridge.components.limits import SubscriptionArgsError

SQS_POLICY_LIMIT = 8192
"""SQS: the largest queue policy, in bytes."""
LAMBDA_POLICY_LIMIT = 20 * 1024
"""Lambda: the largest resource-based policy of one function, in bytes."""


def rendered(document: Mapping[str, Any]) -> str:
    """The compact JSON text of a policy document, as it is sent to AWS."""
    return json.dumps(document, separators=(",", ":"), sort_keys=False)


def size_of(document: Mapping[str, Any]) -> int:
    """The size of a policy document in bytes, as AWS counts it (UTF-8, no whitespace)."""
    return len(rendered(document).encode())


def check_queue_policy(
    document: Mapping[str, Any], *, functions: int, first_over: str | None = None
) -> int:
    """Return the queue policy's size; raise naming the limit and what makes it grow."""
    size = size_of(document)
    if size <= SQS_POLICY_LIMIT:
        return size
    where = f" (the first rule past it: {first_over!r})" if first_over else ""
    raise SubscriptionArgsError(
        f"dead_letter_queue: the dead-letter queue's policy would be {size:,} bytes, over SQS's"
        f" {SQS_POLICY_LIMIT:,}: it lists the execution roles of {functions} Lambda functions"
        f" the subscription does not create{where}. Target fewer distinct functions from one"
        " subscription, or set async_invoke.external_functions to false and grant their roles"
        " sqs:SendMessage on the queue yourself.",
        field="dead_letter_queue",
    )


# Statements added to one function by the subscriptions of this program run, keyed by the run's
# resource monitor so each (mocked or real) run starts afresh (SETTINGS is one object per process).
_SHARED: weakref.WeakKeyDictionary[Any, dict[str, list[tuple[str, dict[str, Any]]]]] = (
    weakref.WeakKeyDictionary()
)


def program_run() -> Any:
    """A key for this program run: its resource monitor (the settings object outside one)."""
    return pulumi.runtime.settings.get_monitor() or pulumi.runtime.settings.SETTINGS


def first_claim(registry: MutableMapping[Any, Any], thing: Any, owner: str) -> str:
    """Record `owner` as the owner of `thing` in this program run, unless one is recorded;
    return the recorded owner (`owner` itself when it is the first)."""
    claimed: dict[Any, str] = registry.setdefault(program_run(), {})
    return claimed.setdefault(thing, owner)


def add_function_statement(
    function_arn: str, subscription: str, statement: dict[str, Any], *, field: str
) -> int:
    """Record `subscription`'s statement on `function_arn`; raise when the function's policy
    with every statement this program adds would pass Lambda's limit. Returns its size."""
    program = _SHARED.setdefault(program_run(), {})
    held = program.setdefault(function_arn, [])
    held[:] = [(owner, s) for owner, s in held if owner != subscription]
    held.append((subscription, statement))
    size = size_of(lambda_resource_policy([s for _, s in held]))
    if size > LAMBDA_POLICY_LIMIT:
        owners = [owner for owner, _ in held]
        per = size // len(held)
        raise SubscriptionArgsError(
            f"{field}: the resource policy of {function_arn} would be {size:,} bytes, over"
            f" Lambda's {LAMBDA_POLICY_LIMIT:,}: {len(held)} subscriptions of this program each"
            f" add a statement of about {per} bytes ({', '.join(owners[:3])}"
            f"{', ...' if len(owners) > 3 else ''}), so at most"
            f" {max(1, LAMBDA_POLICY_LIMIT // max(per, 1) - 1)} fit beside its other statements."
            " Give the subscriptions their own functions, or route them through one bus.",
            field=field,
        )
    return size
