"""What each typed target adds to the subscription's watchlist: the queues, streams and state
machines its events wait in or run in, for the alarms of their loss paths."""

from __future__ import annotations

import pulumi

from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.components.watchlist import (
    GIVEN_QUEUE_AGE,
    GIVEN_STREAM_FRESHNESS,
    Watched,
    key_of_arn,
    last_part,
)

FRESHNESS_MARGIN = 900
"""Seconds past a made stream's buffering interval before its freshness alarm fires (AWS
advises alarming once data is older than the buffering limit, at most 15 minutes)."""


def _label(rt: RuleTarget, what: str) -> str:
    return f"rule {rt.rule.name!r} target {rt.index} ({what})"


def made_queue(
    ctx: TargetContext,
    rt: RuleTarget,
    queue: pulumi.Input[str],
    dead_letters: pulumi.Input[str],
    retention: int,
) -> None:
    """A queue the component made for a target, and its own dead-letter queue (names)."""
    key = f"{rt.logical_name}-queue"
    ctx.watch.add(Watched("queue", key, queue, _label(rt, "queue"), threshold=retention // 2))
    ctx.watch.add(
        Watched(
            "dead_letter_queue",
            f"{key}-dlq",
            dead_letters,
            _label(rt, "the queue's dead-letter queue"),
            threshold=14 * 24 * 3600 // 2,
        )
    )


def given_queue(ctx: TargetContext, rt: RuleTarget, arn: pulumi.Input[str]) -> None:
    """A queue of yours, by ARN."""
    key = key_of_arn("queue", arn, f"{rt.logical_name}-queue")
    ctx.watch.add(
        Watched(
            "queue", key, last_part(arn, ":"), _label(rt, "your queue"), threshold=GIVEN_QUEUE_AGE
        )
    )


def made_stream(
    ctx: TargetContext, rt: RuleTarget, name: pulumi.Input[str], buffering_interval: int
) -> None:
    """A delivery stream the component made for a target."""
    ctx.watch.add(
        Watched(
            "stream",
            f"{rt.logical_name}-stream",
            name,
            _label(rt, "delivery stream"),
            threshold=buffering_interval + FRESHNESS_MARGIN,
        )
    )


def given_stream(ctx: TargetContext, rt: RuleTarget, arn: pulumi.Input[str]) -> None:
    """A delivery stream of yours, by ARN (`...:deliverystream/<name>`)."""
    ctx.watch.add(
        Watched(
            "stream",
            key_of_arn("stream", arn, f"{rt.logical_name}-stream"),
            last_part(arn, "/"),
            _label(rt, "your delivery stream"),
            threshold=GIVEN_STREAM_FRESHNESS,
        )
    )


def state_machine(ctx: TargetContext, rt: RuleTarget, arn: pulumi.Input[str]) -> None:
    """A state machine the target starts executions of (its metrics are keyed by ARN)."""
    key = key_of_arn("states", arn, f"{rt.logical_name}-states")
    ctx.watch.add(Watched("state_machine", key, arn, _label(rt, "state machine")))
