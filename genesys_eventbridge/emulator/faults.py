"""The fault queue: injected failures that shape the next matching requests."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum


class FaultKind(str, Enum):
    """What an injected fault does to the request it matches."""

    STATUS = "status"  # answer with an error status instead of processing
    DELAY = "delay"  # sleep, then process normally
    DROP = "drop"  # close the connection without processing or replying
    DROP_AFTER_COMMIT = "drop_after_commit"  # process and commit, then close without replying
    VERSION_CONFLICT = "version_conflict"  # next PUT config: 409 and bump the stored version


# Faults decided when a request arrives; a request takes at most one of these
# (plus at most one DELAY, which combines with anything).
OUTCOME_KINDS = frozenset({FaultKind.STATUS, FaultKind.DROP, FaultKind.DROP_AFTER_COMMIT})


@dataclass
class Fault:
    """One queued fault with its remaining use count and optional filters."""

    kind: FaultKind
    remaining: int
    method: str | None = None
    path_contains: str | None = None
    status: int = 503
    retry_after: int | str | None = None
    seconds: float = 0.0
    after: int = 0  # matching requests to let through untouched before this fault applies
    token: int | None = None  # only requests bearing the token of this issue number
    message: str | None = None  # the error message of a STATUS fault
    headers: dict[str, str] | None = None  # extra headers of a STATUS fault
    code: str | None = None  # the error code of a STATUS fault (the platform's default if None)
    context_id: str | None = None  # its body's contextId (the correlation id if None)

    def matches(self, method: str, path: str, token: int | None = None) -> bool:
        """Whether this fault applies to a request."""
        return (
            (self.method is None or self.method == method)
            and (self.path_contains is None or self.path_contains in path)
            and (self.token is None or self.token == token)
        )


class FaultQueue:
    """Thread-safe FIFO of faults; each match uses up one of a fault's count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Queue a fault (count must be at least 1)."""
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        if fault.method is not None:
            fault.method = fault.method.upper()
        with self._lock:
            self._faults.append(fault)

    def take(
        self, kinds: frozenset[FaultKind], method: str, path: str, token: int | None = None
    ) -> Fault | None:
        """Consume one use of the earliest queued fault of `kinds` matching the request."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(method, path, token):
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        """A snapshot of the queued faults."""
        with self._lock:
            return list(self._faults)
