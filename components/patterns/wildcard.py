"""EventBridge wildcard strings: AWS's syntax rules and the equivalent regular expression.

Syntax (Event Ruler's WildcardParser, which EventBridge uses): `*` matches zero or more characters;
two consecutive `*` are rejected; `\\*` is a literal asterisk and `\\\\` a literal backslash; a
backslash before anything else (or at the end) is rejected.
"""

from __future__ import annotations

import functools
import re


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
def wildcard_regex(text: str) -> re.Pattern[str]:
    """Compile a valid EventBridge wildcard to a regex that must match the whole value."""
    parts: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            parts.append(re.escape(text[i + 1]))
            i += 2
        elif char == "*":
            parts.append(".*")
            i += 1
        else:
            parts.append(re.escape(char))
            i += 1
    # DOTALL: EventBridge's `*` also spans newlines (it works on bytes, not lines).
    return re.compile("".join(parts), re.DOTALL)
