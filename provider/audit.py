"""The audit log: one JSON line per change the provider makes in Genesys Cloud."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

_WRITE_LOCK = threading.Lock()


@dataclass
class AuditRecord:
    """What one create / update / delete / adopt / rollback did, and how it ended."""

    operation: str
    integration_id: str | None
    integration_name: str | None
    org_id: str | None
    client_id: str | None
    changed_fields: Sequence[str] = ()
    latency_ms: int = 0
    outcome: str = "ok"
    correlation_id: str | None = None
    error: str | None = None
    timestamp: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())

    def summary(self) -> str:
        """One human-readable line for stderr."""
        what = f"{self.integration_name or '?'} ({self.integration_id or 'no id'})"
        line = (
            f"genesys-eventbridge: {self.operation} {what}: {self.outcome} in {self.latency_ms} ms"
        )
        if self.changed_fields:
            line += f", changed {', '.join(self.changed_fields)}"
        if self.correlation_id:
            line += f" [correlation id {self.correlation_id}]"
        if self.error:
            line += f": {self.error}"
        return line


def write(record: AuditRecord, path: str | None) -> None:
    """Append `record` to the JSON-lines at `path` (when set) and print a summary to stderr."""
    data = asdict(record)
    data["changed_fields"] = list(record.changed_fields)
    line = json.dumps(data, sort_keys=True) + "\n"
    with _WRITE_LOCK:
        if path:
            # O_APPEND keeps lines whole when several provider hosts share one log file.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        print(record.summary(), file=sys.stderr, flush=True)
