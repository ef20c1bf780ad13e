"""The error raised for a filter policy or event pattern that EventBridge would reject."""

from __future__ import annotations

from typing import Any

_MAX_REASON = 400


def _elide(text: str) -> str:
    """Keep a reason readable when it quotes a huge value: its start and its end (the fix)."""
    if len(text) <= _MAX_REASON:
        return text
    half = _MAX_REASON // 2 - 20
    return f"{text[:half]} …({len(text) - 2 * half} characters elided)… {text[-half:]}"


class PatternError(ValueError):
    """An invalid filter policy or event pattern: names the rule, the field and the fix."""

    def __init__(self, rule: str, field: str | None, reason: str) -> None:
        self.rule = rule
        self.field = field
        self.reason = _elide(reason.rstrip(". "))
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        if self.field:
            return f"Event pattern of rule {self.rule!r}: field {self.field!r} {self.reason}."
        return f"Event pattern of rule {self.rule!r} {self.reason}."

    def __str__(self) -> str:
        return self._sentence()

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce replays args=(message,) into __init__, which takes three.
        return (type(self), (self.rule, self.field, self.reason))
