"""What a subscription delivers to and may lose events in: its functions, queues, streams and
state machines, collected while they are declared so the alarms can watch each one.

Target kinds add what they create or target; the subscription adds its dead-letter queue. Each
entry is keyed by something the user gave (an ARN, a rule and target) or a fixed role
(`callback`, `dlq`), so alarms keep their logical names when rules are added elsewhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

import pulumi

WatchedKind = Literal["function", "queue", "dead_letter_queue", "stream", "state_machine"]

GIVEN_QUEUE_AGE = 2 * 24 * 3600
"""Age alarm threshold of a queue of yours, whose retention the component does not know: half
of SQS's default retention of 4 days."""
GIVEN_STREAM_FRESHNESS = 1800
"""Freshness alarm threshold of a stream of yours: Firehose's longest buffering (900 s), and as
long again for a slow write."""


@dataclass(frozen=True)
class Watched:
    """One resource events pass through or wait in."""

    kind: WatchedKind
    key: str
    """Logical-name part of its alarms, unique within the subscription."""
    name: pulumi.Input[str]
    """The value of its metrics' dimension: function, queue or stream name, state machine ARN."""
    label: str
    """How alarm descriptions name it, e.g. `rule 'sales' target 0 (queue)`."""
    threshold: float = 0
    """For ages and freshness: the seconds past which the alarm fires; else 0 (any count)."""


@dataclass
class Watchlist:
    """The resources of one subscription that alarms watch, in declaration order."""

    items: dict[tuple[str, str], Watched] = field(default_factory=dict)

    def add(self, watched: Watched) -> None:
        """Watch `watched` (once: a resource several rules target is watched once)."""
        self.items.setdefault((watched.kind, watched.key), watched)

    def of_kind(self, kind: WatchedKind) -> list[Watched]:
        """The watched resources of one kind."""
        return [item for item in self.items.values() if item.kind == kind]


def key_of_arn(prefix: str, arn: pulumi.Input[str], fallback: str) -> str:
    """A stable key for a resource given by ARN (`<prefix>-<8 hex>`); `fallback` for an Output,
    whose value is not known when logical names are chosen."""
    if not isinstance(arn, str):
        return fallback
    return f"{prefix}-{hashlib.sha256(arn.encode()).hexdigest()[:8]}"


def last_part(arn: pulumi.Input[str], separator: str) -> pulumi.Output[str]:
    """The resource name at the end of an ARN (after the last `separator`), as an Output."""
    return pulumi.Output.from_input(arn).apply(lambda value: str(value).rsplit(separator, 1)[-1])
