"""Filter policies checked against the topics' own JSON schemas (the catalog's `schema`).

A rule's filter policy names event fields (`detail.eventBody.queueId`); each topic of the catalog
describes its eventBody with a JSON schema. A field no topic of the rule has, or a value of a type
the field never holds, would make the rule silently match nothing: both are reported at preview.

The catalog's schemas are JSON schemas as Genesys' platform writes them: objects with
`properties`, nested objects inline (with an `id`) or as `$ref` (to such an `id`, or a `#/...`
JSON pointer such as `#/definitions/X`), arrays with `items`, maps with `additionalProperties`.
Whatever the schema leaves open (no `properties`, a map, an unresolvable `$ref`, type `any`) is
not checked: only what the schema says for sure fails.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

INPUT = "rule_filters"
"""The EventBridgeIntegration input that carries the filters; check() reads it and drops it."""
EVENT_BODY = "detail.eventBody."
_NUMBER_TYPES = frozenset({"number", "integer"})
_STRING_OPERATORS = frozenset({"prefix", "suffix", "equals-ignore-case", "wildcard", "cidr"})
_MAX_LISTED_FIELDS = 12


@dataclass(frozen=True)
class RuleFilter:
    """One EventBridge rule's filter policy and the topics it selects, for checking at preview."""

    rule: str
    """The rule's name, as the user declared it."""
    topics: Sequence[str]
    """The topic templates the rule covers."""
    filter_policy: Mapping[str, Any]
    """The rule's filter policy: dotted event field paths -> arrays of EventBridge matchers."""


def to_json(filters: Sequence[RuleFilter]) -> list[dict[str, Any]]:
    """`filters` as the JSON structure `encode` writes (values may still be pulumi Outputs)."""
    return [
        {"rule": f.rule, "topics": list(f.topics), "filterPolicy": dict(f.filter_policy)}
        for f in filters
    ]


def encode(filters: Sequence[RuleFilter] | Sequence[Mapping[str, Any]]) -> str:
    """The resource input carrying `filters`: JSON text, so values keep their exact JSON types
    (Pulumi's wire format would turn every integer into a float)."""
    items = [f if isinstance(f, Mapping) else to_json([f])[0] for f in filters]
    return json.dumps(items, sort_keys=True)


def decode(value: Any) -> list[RuleFilter]:
    """The RuleFilters of a `rule_filters` input; ValueError says what is malformed."""
    try:
        items = json.loads(value) if isinstance(value, str) else None
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list):
        raise ValueError(
            "rule_filters must be the JSON text of a list of {rule, topics, filterPolicy};"
            " pass EventBridgeIntegrationArgs.rule_filters a list of RuleFilter"
        )
    filters = []
    for item in items:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("rule"), str)
            and isinstance(item.get("topics"), list)
            and isinstance(item.get("filterPolicy"), dict)
        ):
            raise ValueError(
                f"rule_filters holds {json.dumps(item)[:80]}, not a {{rule, topics, filterPolicy}}"
            )
        filters.append(RuleFilter(item["rule"], tuple(item["topics"]), item["filterPolicy"]))
    return filters


def problems(rule_filter: RuleFilter, schemas: Mapping[str, Mapping[str, Any] | None]) -> list[str]:
    """Why fields of the rule's filter policy can never match the events of its topics.

    `schemas` maps topic templates to their catalog schema (None or absent: not checked).
    """
    found: list[str] = []
    reported: set[str] = set()
    for topics, path, matchers in _fields(rule_filter.filter_policy, tuple(rule_filter.topics)):
        known = [(t, _Schema(s)) for t in topics if isinstance(s := schemas.get(t), Mapping)]
        if not known or path in reported:
            continue
        problem = _field_problem(path, matchers, known)
        if problem:
            reported.add(path)
            found.append(f"rule {rule_filter.rule!r}: filter field {path!r} {problem}")
    return found


def _fields(
    policy: Mapping[str, Any], topics: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str, list[Any]]]:
    """(topics in scope, field path, matchers) for each eventBody field of a policy, `$or`
    alternatives included; a `detail-type` key narrows the topics of its level."""
    detail_types = policy.get("detail-type")
    if isinstance(detail_types, list):
        topics = tuple(t for t in topics if t in detail_types) or topics
    for key, value in policy.items():
        if key == "$or" and isinstance(value, list):
            for branch in value:
                if isinstance(branch, Mapping):
                    yield from _fields(branch, topics)
        elif isinstance(key, str) and key.startswith(EVENT_BODY) and isinstance(value, list):
            yield topics, key, value


class _Schema:
    """A topic schema with its `$ref`s resolvable."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.ids: dict[str, Mapping[str, Any]] = {}
        stack: list[Any] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, Mapping):
                if isinstance(node.get("id"), str):
                    self.ids.setdefault(node["id"], node)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)

    def resolve(self, node: Any) -> Mapping[str, Any] | None:
        """`node` with `$ref`s followed; None when it cannot be resolved (left unchecked)."""
        for _ in range(32):  # a $ref cycle is not a schema: give up rather than loop
            if not isinstance(node, Mapping):
                return None
            ref = node.get("$ref")
            if not isinstance(ref, str):
                return node
            node = self._pointer(ref[1:]) if ref.startswith("#") else self.ids.get(ref)
        return None

    def _pointer(self, pointer: str) -> Any:
        node: Any = self.root
        for part in filter(None, pointer.split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node.get(part) if isinstance(node, Mapping) else None
        return node

    def through_arrays(self, node: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        """EventBridge matches array elements: an array stands for its items."""
        for _ in range(32):
            if node is None or "array" not in _types(node):
                return node
            node = self.resolve(node.get("items"))
        return None


@dataclass(frozen=True)
class _Found:
    """What one topic's schema says about a field path."""

    node: Mapping[str, Any] | None = None  # the field's schema (None: left open, unchecked)
    missing: str | None = None  # the path up to the first segment the schema lacks
    siblings: tuple[str, ...] = ()  # the fields that exist where `missing` was looked up


def _lookup(schema: _Schema, segments: Sequence[str]) -> _Found:
    node = schema.resolve(schema.root)
    # Unverified whether a catalog schema describes the eventBody or the whole notification
    # ({topicName, version, eventBody, metadata}): a wrapper is looked through.
    wrapped = node.get("properties") if node is not None else None
    if isinstance(wrapped, Mapping) and "eventBody" in wrapped and "topicName" in wrapped:
        node = schema.resolve(wrapped["eventBody"])
    for index, segment in enumerate(segments):
        node = schema.through_arrays(node)
        if node is None:
            return _Found()
        properties = node.get("properties")
        if not isinstance(properties, Mapping) or segment not in properties:
            if (
                not isinstance(properties, Mapping)
                # Any schema for the other keys opens the object, even `{}` (any value).
                or node.get("additionalProperties") not in (None, False)
                or node.get("patternProperties")
            ):
                return _Found()  # an open object or a map: any key may appear
            return _Found(missing=".".join(segments[: index + 1]), siblings=tuple(properties))
        node = schema.resolve(properties[segment])
    return _Found(node=schema.through_arrays(node))


def _field_problem(path: str, matchers: list[Any], known: list[tuple[str, _Schema]]) -> str | None:
    """Why `path` with `matchers` matches no event of any topic in `known`, or None."""
    segments = path[len(EVENT_BODY) :].split(".")
    results = [(topic, _lookup(schema, segments)) for topic, schema in known]
    present = [(topic, r.node) for topic, r in results if r.missing is None]
    if not present:
        return _unknown_field(path, results)
    for matcher in matchers:
        wanted = _matcher_types(matcher)
        if wanted is None:
            continue
        holds = [(topic, _types(node)) for topic, node in present if node is not None]
        if len(holds) < len(present) or any(not types or "any" in types for _, types in holds):
            continue  # some topic leaves the field's type open
        if any(types & wanted or _number_fits(types, wanted) for _, types in holds):
            continue
        topic, types = holds[0]
        return _wrong_type(matcher, types, topic, present[0][1])
    return None


def _unknown_field(path: str, results: list[tuple[str, _Found]]) -> str:
    topics = ", ".join(repr(topic) for topic, _ in results)
    missing = results[0][1].missing or path
    siblings = sorted({s for _, r in results if r.missing == missing for s in r.siblings})
    parent = missing.rpartition(".")[0]
    prefix = f"{EVENT_BODY}{parent + '.' if parent else ''}"
    close = difflib.get_close_matches(missing.rpartition(".")[2], siblings, n=3, cutoff=0.75)
    close += [s for s in siblings if s.lower() == missing.rpartition(".")[2].lower()]
    close = list(dict.fromkeys(close))
    where = f"{EVENT_BODY}{missing}"
    what = f"is not a field of the events of {topics}"
    if where != path:
        what = f"is not a field of the events of {topics} ({where!r} does not exist)"
    if close:
        return f"{what}; did you mean {' or '.join(repr(prefix + c) for c in close)}?"
    listed = ", ".join(siblings[:_MAX_LISTED_FIELDS])
    more = ", ..." if len(siblings) > _MAX_LISTED_FIELDS else ""
    return f"{what}; the fields there are: {listed}{more}"


def _wrong_type(
    matcher: Any, types: frozenset[str], topic: str, node: Mapping[str, Any] | None
) -> str:
    holds = " or ".join(sorted(types))
    article = "an" if holds[0] in "aeiou" else "a"
    if "object" in types and node is not None and isinstance(node.get("properties"), Mapping):
        fields = ", ".join(sorted(node["properties"])[:_MAX_LISTED_FIELDS])
        return (
            f"is an object in the events of {topic!r}, so {json.dumps(matcher)} never matches it;"
            f" filter on one of its fields ({fields})"
        )
    fix = ""
    if isinstance(matcher, str) and types & _NUMBER_TYPES:
        fix = (
            f"; write the number {matcher}"
            if _is_number_text(matcher)
            else '; use a number, or {"numeric": [...]}'
        )
    elif _is_number(matcher) and "string" in types:
        fix = f'; write the string "{matcher}"'
    elif isinstance(matcher, bool) and "string" in types:
        fix = f'; write the string "{json.dumps(matcher)}"'
    return (
        f"holds {article} {holds} in the events of {topic!r}, but the filter matches it against"
        f" {_describe(matcher)}, which never matches{fix}"
    )


def _describe(matcher: Any) -> str:
    if isinstance(matcher, bool):
        return f"the boolean {json.dumps(matcher)}"
    if _is_number(matcher):
        return f"the number {json.dumps(matcher)}"
    if isinstance(matcher, str):
        return f"the string {json.dumps(matcher, ensure_ascii=False)}"
    return json.dumps(matcher, ensure_ascii=False)


def _matcher_types(matcher: Any) -> frozenset[str] | None:
    """The JSON types of the values `matcher` can match; None when any type (or none) will do."""
    if matcher is None:
        return None
    if isinstance(matcher, bool):
        return frozenset({"boolean"})
    if _is_number(matcher):
        return _NUMBER_TYPES
    if isinstance(matcher, str):
        return frozenset({"string"})
    if not isinstance(matcher, Mapping) or len(matcher) != 1:
        return None
    ((name, arg),) = matcher.items()
    if name in _STRING_OPERATORS:
        return frozenset({"string"})
    if name == "numeric":
        return _NUMBER_TYPES
    if name == "anything-but":
        # anything-but matches every present value of another type too: never a type error.
        return None
    return None


def _types(node: Mapping[str, Any] | None) -> frozenset[str]:
    if node is None:
        return frozenset()
    declared = node.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(t for t in declared if isinstance(t, str))
    if isinstance(node.get("properties"), Mapping):
        return frozenset({"object"})
    return frozenset()


def _number_fits(types: frozenset[str], wanted: frozenset[str]) -> bool:
    return bool(types & _NUMBER_TYPES and wanted & _NUMBER_TYPES)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
