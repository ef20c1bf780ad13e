"""EventBridge wildcard strings: AWS's syntax rules, and matching a value in linear time.

Syntax (Event Ruler's WildcardParser, which EventBridge uses): `*` matches zero or more characters;
two consecutive `*` are rejected; `\\*` is a literal asterisk and `\\\\` a literal backslash; a
backslash before anything else (or at the end) is rejected.
"""

from __future__ import annotations

import functools


def wildcard_syntax_error(text: str) -> str | None:
    """Return why `text` is not a valid EventBridge wildcard, or None when it is valid."""
    i = 0
    previous_was_wildcard = False
    while i < len(text):
        char = text[i]
        if char == "*":
            if previous_was_wildcard:
                return (
                    f"has consecutive '*' characters at position {i - 1} of {text!r}, which "
                    "EventBridge rejects; use a single '*'"
                )
            previous_was_wildcard = True
            i += 1
            continue
        previous_was_wildcard = False
        if char == "\\":
            if i + 1 < len(text) and text[i + 1] in "*\\":
                i += 2
                continue
            return (
                f"has a backslash at position {i} of {text!r} that escapes neither '*' nor '\\'; "
                "write '\\\\' for a literal backslash and '\\*' for a literal asterisk"
            )
        i += 1
    return None


@functools.lru_cache(maxsize=1024)
def wildcard_segments(text: str) -> tuple[str, ...]:
    """The literal pieces between the unescaped `*` of a valid wildcard (one piece: no `*`)."""
    segments: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
        elif char == "*":
            segments.append("".join(current))
            current = []
            i += 1
        else:
            current.append(char)
            i += 1
    segments.append("".join(current))
    return tuple(segments)


def wildcard_matches(text: str, value: str) -> bool:
    """Whether the valid wildcard `text` matches the whole of `value`.

    Linear in len(value) (no regex, which backtracks super-linearly on `*a*a*...*b`): the first
    piece anchors at the start, the last at the end, and each piece between is found, leftmost,
    after the one before; leftmost is never worse, since `*` on both sides absorbs the rest.
    `*` spans newlines too: EventBridge works on bytes, not lines.
    """
    first, *middle_and_last = wildcard_segments(text)
    if not middle_and_last:
        return value == first
    *middle, last = middle_and_last
    if len(value) < len(first) + len(last) or not value.startswith(first):
        return False
    if not value.endswith(last):
        return False
    position, end = len(first), len(value) - len(last)
    for piece in middle:
        found = value.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True
