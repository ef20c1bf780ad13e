"""The error raised for a filter policy or event pattern that EventBridge would reject."""

from __future__ import annotations

from typing import Any


class PatternError(ValueError):
    """An invalid filter policy or event pattern: names the rule, the field and the fix."""

    def __init__(self, rule: str, field: str | None, reason: str) -> None:
        self.rule = rule
        self.field = field
        self.reason = reason.rstrip(". ")
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
