"""Genesys notification topic templates: their syntax and their place in the org's topic catalog."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ID_PLACEHOLDER = "{id}"
# A template is `v2.` followed by dot-separated segments, each a word or the literal `{id}`.
# Concrete ids (UUIDs) are tolerated in place of `{id}`: whether Genesys accepts them in an
# EventBridge filter is unverified, so the catalog check matches them against the `{id}` slot.
_SEGMENT = re.compile(r"\{id\}|[A-Za-z0-9_-]+")  # fullmatch: `$` would accept a trailing newline
MAX_TOPIC_LENGTH = 256


def template_syntax_error(topic: object) -> str | None:
    """Return why `topic` is not a well-formed topic template, or None when it is."""
    if not isinstance(topic, str):
        return f"a topic must be a string, got {type(topic).__name__}"
    if not topic:
        return "a topic must not be empty"
    if len(topic) > MAX_TOPIC_LENGTH:
        return f"a topic must be at most {MAX_TOPIC_LENGTH} characters, got {len(topic)}"
    segments = topic.split(".")
    if segments[0] != "v2" or len(segments) < 2:
        return (
            f"topic {topic!r} must start with 'v2.', "
            "e.g. 'v2.detail.events.conversation.{id}.customer.start'"
        )
    for segment in segments[1:]:
        if not _SEGMENT.fullmatch(segment):
            return (
                f"topic {topic!r} has an invalid segment {segment!r}: segments are letters, digits,"
                " '_' or '-', or the literal placeholder '{id}'"
            )
    return None


def _fits(topic: str, template: str) -> bool:
    """Whether a topic equals a template, a concrete id standing in for each `{id}`."""
    got, want = topic.split("."), template.split(".")
    if len(got) != len(want):
        return False
    return all(
        g == w or (w == ID_PLACEHOLDER and g != ID_PLACEHOLDER)
        for g, w in zip(got, want, strict=True)
    )


@dataclass(frozen=True)
class CatalogEntry:
    """One topic of the org's catalog, reduced to what topic and filter validation need."""

    id: str
    eventbridge: bool
    schema: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)
    """The JSON schema of the topic's eventBody, when the catalog gave one."""


def catalog_entry(topic: str, catalog: Sequence[CatalogEntry]) -> CatalogEntry | None:
    """The catalog entry `topic` is (a concrete id standing in for `{id}`), or None."""
    return next((entry for entry in catalog if _fits(topic, entry.id)), None)


def catalog_problem(topic: str, catalog: Sequence[CatalogEntry]) -> str | None:
    """Return why `topic` cannot be subscribed according to the catalog, or None when it can."""
    match = catalog_entry(topic, catalog)
    if match is None:
        close = difflib.get_close_matches(topic, [entry.id for entry in catalog], n=3, cutoff=0.5)
        hint = (
            "closest catalog entries: " + ", ".join(repr(c) for c in close)
            if close
            else "run `python -m genesys_eventbridge topics` to list them"
        )
        return f"topic {topic!r} is not in this org's topic catalog ({hint})"
    if not match.eventbridge:
        return (
            f"topic {topic!r} exists but is not available to EventBridge"
            " (its catalog transports exclude it); choose another topic"
        )
    return None


def duplicates(topics: Iterable[str]) -> list[str]:
    """Return the topics that appear more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for topic in topics:
        if topic in seen and topic not in repeated:
            repeated.append(topic)
        seen.add(topic)
    return repeated
