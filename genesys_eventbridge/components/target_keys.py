"""Which target is which across edits: a key per rule target, from what the user gave.

A target's key names its EventBridge target id and the logical (and fixed physical) names of
the resources made for it, so inserting, removing or reordering a rule's targets changes
nothing of the others. The key is the target's `key` when given, else derived from what the
target is: the callback, the kind and the ARN (or endpoint) it delivers to, or the kind alone
for a queue or log group the component makes. A target whose ARN is an Output, known only at
`up`, has no derivable key: it keeps its position (`position-<n>`) unless given a `key`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import pulumi

from genesys_eventbridge.components.args import CALLBACK_TARGET
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.targets.args import (
    EventBusTarget,
    FirehoseTarget,
    HttpsTarget,
    LambdaTarget,
    LogGroupTarget,
    SqsTarget,
    StepFunctionsTarget,
)

CALLBACK_KEY = "subscription-callback"
"""The subscription's own callback function's key (and target id)."""
KEY = re.compile(r"[A-Za-z0-9._-]{1,40}")
# What earlier releases used as target ids: a key may not take one, since deleting such an old
# target (after the new one is put) removes whatever target holds that id.
_RESERVED = re.compile(r"callback|target-[0-9]+|position-[0-9]+")


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()[:8]


def derived_key(spec: Any) -> str | None:
    """The key of a target that was given none, or None when it depends on an Output."""
    if isinstance(spec, LambdaTarget):
        spec = CALLBACK_TARGET if spec.function_arn is None else spec.function_arn
    if isinstance(spec, str):
        return CALLBACK_KEY if spec == CALLBACK_TARGET else f"lambda-{_digest(spec)}"
    kinds: list[tuple[type, str, tuple[Any, ...]]] = [
        (SqsTarget, "sqs", (getattr(spec, "queue_arn", None),)),
        (LogGroupTarget, "logs", (getattr(spec, "log_group_arn", None),)),
        (StepFunctionsTarget, "states", (getattr(spec, "state_machine_arn", None),)),
        (EventBusTarget, "bus", (getattr(spec, "event_bus_arn", None),)),
        (
            HttpsTarget,
            "https",
            (getattr(spec, "http_method", None), getattr(spec, "endpoint", None)),
        ),
    ]
    if isinstance(spec, FirehoseTarget):
        given = spec.delivery_stream_arn
        parts: tuple[Any, ...] = (given,) if given is not None else (spec.bucket_arn, spec.prefix)
        kinds = [(FirehoseTarget, "firehose", parts)]
    for kind, label, parts in kinds:
        if not isinstance(spec, kind):
            continue
        if any(isinstance(p, pulumi.Output) for p in parts):
            return None
        if all(p is None for p in parts):
            return label  # one the component makes: one per rule unless given keys
        return f"{label}-{_digest(*parts)}"
    return None


def rule_target_keys(rule: str, given: Sequence[Any]) -> tuple[str, ...]:
    """Each target's key, in order; raise SubscriptionArgsError for a bad or repeated key."""
    keys: list[str] = []
    for index, spec in enumerate(given):
        own = getattr(spec, "key", None)
        field = f"rules.targets[{index}].key"
        if own is not None and (
            not isinstance(own, str) or not KEY.fullmatch(own) or _RESERVED.fullmatch(own)
        ):
            raise SubscriptionArgsError(
                f"rule {rule!r}: targets[{index}].key must be 1-40 letters, digits, '.', '-' or"
                f" '_' and not 'callback', 'target-<n>' or 'position-<n>'; got {own!r}.",
                field=field,
                rule=rule,
            )
        keys.append(own or derived_key(spec) or f"position-{index}")
    for index, key in enumerate(keys):
        first = keys.index(key)
        if first != index:
            raise SubscriptionArgsError(
                f"rule {rule!r}: targets[{first}] and targets[{index}] would both be known as"
                f" {key!r} (the same kind and destination, or both made by the component);"
                " give each a distinct `key` (e.g. key='orders-queue'), which names its"
                " EventBridge target id and its resources.",
                field=field.replace(f"[{index}].key", f"[{index}]"),
                rule=rule,
            )
    return tuple(keys)
