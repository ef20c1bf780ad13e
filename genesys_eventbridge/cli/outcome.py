"""One doctor check's outcome (a Genesys setting or an endpoint) and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from genesys_eventbridge.provider.genesys.errors import sanitize

Status = Literal["OK", "WARN", "FAIL", "SKIP"]
PASSING: frozenset[Status] = frozenset({"OK", "WARN"})
NAME_WIDTH = 16
INDENT = " " * (6 + NAME_WIDTH + 1)


@dataclass
class Outcome:
    """The result of one check: its status, one line of detail, a fix, and follow-up notes."""

    status: Status
    detail: str
    fix: str | None = None
    notes: list[str] = field(default_factory=list)

    def lines(self, name: str) -> list[str]:
        """The check as printed: `STATUS name detail`, then indented note and fix lines."""
        lines = [f"{self.status:<5} {name:<{NAME_WIDTH}} {self.detail}"]
        lines += [f"{INDENT}note: {note}" for note in self.notes]
        if self.fix:
            lines.append(f"{INDENT}fix: {self.fix}")
        # Details quote the server (org name, error texts): printed only sanitized.
        return [sanitize(line) for line in lines]
