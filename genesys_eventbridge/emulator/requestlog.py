"""The emulator's request log: one record per request, without any credential."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

# Bounds on what the log holds, so a long-running emulator (or a client posting large bodies)
# cannot grow it without limit: the newest records, and bodies up to a size a real call needs.
MAX_RECORDS = 10_000
MAX_KEPT_BODY = 256 * 1024  # bytes of JSON; the largest real config body is a few KiB


@dataclass(frozen=True)
class RequestRecord:
    """One request as the emulator saw it (never the secret or the token value)."""

    method: str
    path: str
    query: dict[str, str] = field(hash=False)
    # None when no reply was sent (an injected connection drop).
    status: int | None
    authorization_kind: str | None  # "basic", "bearer" or None
    ts: float  # time.time() when the request arrived
    correlation_id: str | None = None
    fault: str | None = None  # the injected fault that shaped this reply, if any
    # The JSON request body and the JSON reply body (None when absent or not JSON); never kept
    # for the token endpoint, whose reply is a credential.
    body: Any = field(default=None, hash=False, compare=False)
    reply: Any = field(default=None, hash=False, compare=False)
    # Which issued token the request bore, by issue order (1 = the first token granted).
    token: int | None = None


def _too_large(value: Any) -> bool:
    if value is None:
        return False
    try:
        return len(json.dumps(value)) > MAX_KEPT_BODY
    except (TypeError, ValueError):
        return True


class RequestLog:
    """Thread-safe log of the newest RequestRecords (up to `max_records`) plus the token grant
    counter.

    Bodies are kept only for authenticated requests and only up to MAX_KEPT_BODY: a request
    without credentials, or refused for them, is recorded without its body.
    """

    def __init__(self, max_records: int = MAX_RECORDS) -> None:
        self._lock = threading.Lock()
        self._records: deque[RequestRecord] = deque(maxlen=max_records)
        self._token_grants = 0

    def add(self, record: RequestRecord) -> None:
        """Append one record (dropping the oldest beyond the bound)."""
        unauthenticated = record.authorization_kind is None or record.status == 401
        if unauthenticated or _too_large(record.body):
            record = replace(record, body=None)
        if _too_large(record.reply):
            record = replace(record, reply=None)
        with self._lock:
            self._records.append(record)

    def count_token_grant(self) -> None:
        """Note one successful POST /oauth/token."""
        with self._lock:
            self._token_grants += 1

    @property
    def token_grants(self) -> int:
        """Successful token grants since the last reset."""
        with self._lock:
            return self._token_grants

    def records(self) -> list[RequestRecord]:
        """A snapshot of the records, oldest first."""
        with self._lock:
            return list(self._records)

    def count(
        self,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> int:
        """How many records match every given filter."""
        return sum(
            1
            for r in self.records()
            if (method is None or r.method == method.upper())
            and (path_contains is None or path_contains in r.path)
            and (status is None or r.status == status)
        )

    def reset(self) -> None:
        """Forget every record and the token grant count."""
        with self._lock:
            self._records.clear()
            self._token_grants = 0
