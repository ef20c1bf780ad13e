"""Turning a user's filter policy into the event pattern of one EventBridge rule.

A filter policy maps dotted event paths (`detail.eventBody.queueId`) to arrays of matchers, plus
an optional "$or": a list of such policies. The pattern always pins `source` to this
integration's event source and `detail-type` to the rule's topics (Genesys puts the topic
template, `{id}` included, in `detail-type`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from genesys_eventbridge.components.nesting import nests_deeper_than, too_deep_problem

from .errors import PatternError
from .validate import KNOWN_OPERATORS, validate_pattern

MAX_PATTERN_LENGTH = 2048
"""EventBridge's limit on the length of a rule's event pattern, in characters."""

MAX_NESTING = 100
"""Deeper "$or" nesting or longer dotted paths cannot fit in MAX_PATTERN_LENGTH anyway; they are
refused before anything recurses over them."""

EVENT_ENVELOPE_FIELDS: tuple[str, ...] = (
    "account",
    "detail",
    "detail-type",
    "id",
    "region",
    "replay-name",
    "resources",
    "source",
    "time",
    "version",
)
"""Top-level fields of an EventBridge event; a filter on any other field could never match."""


def pattern_json(pattern: Mapping[str, Any]) -> str:
    """The compact, deterministic (sorted keys) JSON text given to the rule."""
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def build_pattern(
    *,
    rule: str,
    source: str,
    detail_types: Sequence[str],
    filter_policy: Mapping[str, Any] | None,
    max_length: int = MAX_PATTERN_LENGTH,
) -> dict[str, Any]:
    """Build, validate and size-check the event pattern for one rule.

    `max_length` is the account's pattern-length quota, when it was raised above AWS's default.
    """
    if not isinstance(source, str) or not source:
        raise PatternError(rule, "source", "is empty; pass the integration's event source name")
    topics = _topics(rule, detail_types)
    if filter_policy is None:
        filter_policy = {}
    if not isinstance(filter_policy, Mapping):
        raise PatternError(
            rule,
            None,
            f"has a filter policy of type {type(filter_policy).__name__}; pass a mapping of "
            'dotted field paths to arrays, e.g. {"detail.eventBody.queueId": ["..."]}',
        )
    if nests_deeper_than(filter_policy):
        raise PatternError(rule, None, too_deep_problem("has a filter policy that"))
    if _nesting(filter_policy) > MAX_NESTING:
        raise PatternError(
            rule,
            None,
            f'nests "$or" and dotted path segments more than {MAX_NESTING} levels deep, which'
            f" cannot fit EventBridge's {MAX_PATTERN_LENGTH}-character limit; flatten it",
        )
    pattern: dict[str, Any] = {"source": [source], "detail-type": topics}
    pattern.update(_policy_pattern(filter_policy, rule=rule, topics=topics, where=""))
    validate_pattern(pattern, rule=rule)
    size = len(pattern_json(pattern))
    if size > max_length:
        raise PatternError(
            rule,
            None,
            f"is {size} characters long, over EventBridge's limit of {max_length}; "
            "split the filter policy across several rules (for example one rule per group of "
            'topics or per "$or" alternative), shorten its value lists, or set'
            " quotas.max_pattern_length if AWS raised the account's quota",
        )
    return pattern


def _nesting(policy: Mapping[Any, Any]) -> int:
    """How deep a filter policy nests ("$or" levels plus path segments), without recursing."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(policy, 0)]
    while stack and deepest <= MAX_NESTING:
        node, depth = stack.pop()
        if not isinstance(node, Mapping):
            continue
        for key, value in node.items():
            if key == "$or" and isinstance(value, list | tuple):
                stack.extend((branch, depth + 1) for branch in value)
            elif isinstance(key, str):
                deepest = max(deepest, depth + key.count(".") + 1)
    return deepest


def _topics(rule: str, detail_types: Sequence[str]) -> list[str]:
    # A bare string is one topic; iterating it would yield its characters.
    items = [detail_types] if isinstance(detail_types, str) else list(detail_types)
    topics: list[str] = []
    for topic in items:
        if not isinstance(topic, str) or not topic:
            raise PatternError(
                rule,
                "detail-type",
                f"gets the topic {topic!r}; topics are non-empty strings such as "
                "'v2.users.{id}.presence'",
            )
        if topic not in topics:
            topics.append(topic)
    if not topics:
        raise PatternError(
            rule, "detail-type", "has no topics; give the rule at least one subscribed topic"
        )
    return topics


def _policy_pattern(
    policy: Mapping[Any, Any], *, rule: str, topics: list[str], where: str
) -> dict[str, Any]:
    """The nested pattern fields for one policy (the top one or a "$or" alternative)."""
    fields: dict[tuple[str, ...], list[Any]] = {}
    pattern: dict[str, Any] = {}
    for key, value in policy.items():
        name = f"{where}{key}"
        if key == "$or":
            continue
        if not isinstance(key, str):
            raise PatternError(rule, repr(key), "is not a string; field paths are dotted strings")
        path = _path(rule, name, key)
        matchers = _matchers(rule, name, value)
        if path[0] == "detail-type":
            topics = _narrowed_topics(rule, name, path, matchers, topics)
            pattern["detail-type"] = topics
            continue
        fields[path] = matchers
    _check_conflicts(rule, where, list(fields))
    if "$or" in policy:
        # Alternatives may only pick among the topics this level already narrowed to.
        pattern["$or"] = _or_patterns(policy["$or"], rule=rule, topics=topics, where=where)
    for path, matchers in fields.items():
        node = pattern
        for segment in path[:-1]:
            node = node.setdefault(segment, {})
        node[path[-1]] = matchers
    return pattern


def _or_patterns(value: Any, *, rule: str, topics: list[str], where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise PatternError(
            rule,
            f"{where}$or",
            "must be a list of at least 2 filter policies, e.g. "
            '[{"detail.eventBody.queueId": ["q1"]}, {"detail.eventBody.direction": ["OUTBOUND"]}]',
        )
    branches = []
    for index, branch in enumerate(value):
        branch_where = f"{where}$or[{index}]."
        if not isinstance(branch, Mapping) or not branch:
            raise PatternError(
                rule,
                branch_where[:-1],
                "must be a non-empty filter policy (a mapping of dotted field paths to arrays)",
            )
        branches.append(_policy_pattern(branch, rule=rule, topics=topics, where=branch_where))
    return branches


def _path(rule: str, name: str, key: str) -> tuple[str, ...]:
    segments = tuple(key.split("."))
    if not all(segments):
        raise PatternError(
            rule, name, "has an empty segment; write dotted paths like detail.eventBody.queueId"
        )
    if "$or" in segments:
        raise PatternError(
            rule,
            name,
            'puts "$or" inside a path; use a top-level "$or" key holding a list of filter policies',
        )
    head = segments[0]
    if head == "source":
        raise PatternError(
            rule,
            name,
            "cannot be filtered: the rule always matches this integration's own event source; "
            "remove it from the filter policy",
        )
    if head == "detail-type" and len(segments) > 1:
        raise PatternError(
            rule, name, "is not an object: detail-type is the topic name; filter on detail-type"
        )
    if head not in EVENT_ENVELOPE_FIELDS:
        raise PatternError(
            rule,
            name,
            f"starts with {head!r}, which is not a field of an EventBridge event, so it would "
            f"never match; start from one of {', '.join(EVENT_ENVELOPE_FIELDS)} "
            "(Genesys payloads are under detail.eventBody)",
        )
    return segments


def _matchers(rule: str, name: str, value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping):
        if len(value) == 1 and next(iter(value)) in KNOWN_OPERATORS:
            fix = json.dumps([dict(value)], ensure_ascii=False)
            raise PatternError(rule, name, f"must be an array of matchers; write {fix}")
        raise PatternError(
            rule,
            name,
            "is a nested object; the filter policy takes dotted paths to arrays, e.g. "
            '"detail.eventBody.queueId": ["..."]',
        )
    fix = json.dumps([value], ensure_ascii=False, default=str)
    raise PatternError(rule, name, f"must be an array of matchers; write {fix}")


def _narrowed_topics(
    rule: str, name: str, path: tuple[str, ...], matchers: list[Any], topics: list[str]
) -> list[str]:
    """detail-type in a policy may only pick some of the rule's own topics."""
    known = ", ".join(repr(topic) for topic in topics)
    for matcher in matchers:
        if not isinstance(matcher, str):
            raise PatternError(
                rule,
                name,
                f"can only list exact topic names from this rule's topics ({known}); to filter "
                "on the concrete topic with ids, use detail.topicName",
            )
        if matcher not in topics:
            raise PatternError(
                rule,
                name,
                f"lists {matcher!r}, which is not one of this rule's topics ({known}); subscribe "
                "that topic on the integration and add it to the rule's topics",
            )
    if not matchers:
        raise PatternError(rule, name, f"is empty; list some of this rule's topics ({known})")
    return [topic for topic in topics if topic in matchers]


def _check_conflicts(rule: str, where: str, paths: list[tuple[str, ...]]) -> None:
    # Sorted, a path is followed by the paths under it, so checking neighbours suffices.
    ordered = sorted(paths)
    for shorter, longer in zip(ordered, ordered[1:], strict=False):
        if longer[: len(shorter)] == shorter:
            raise PatternError(
                rule,
                where + ".".join(shorter),
                f"conflicts with {where + '.'.join(longer)!r}: a field cannot be both a value "
                "and an object; keep only one of the two paths",
            )
