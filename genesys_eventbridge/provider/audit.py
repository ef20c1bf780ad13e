"""The audit log: one JSON line per change the provider makes in Genesys Cloud.

The log rotates at MAX_BYTES, keeping BACKUPS older files beside it (`<path>.1` the newest).

Auditing never changes the outcome of an operation: when the log cannot be written (a directory,
FIFO or symlink at the path, a file of another user, a full disk) the integration was still
created, changed or deleted, so the failure is a warning (once per process), never an error that
would make the engine record a successful create as failed and create it again on the next `up`.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pulumi

if TYPE_CHECKING:
    from genesys_eventbridge.provider.genesys import GenesysClient

_WRITE_LOCK = threading.Lock()
SETTING = "genesyscloud:auditLogPath (GENESYSCLOUD_AUDIT_LOG)"
# Never through a symlink, never waiting for a FIFO's reader (refused below: not a regular file).
_OPEN_FLAGS = (
    os.O_WRONLY
    | os.O_APPEND
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
# Rotation: past MAX_BYTES the log moves to `<path>.1` (older ones to .2 ... .BACKUPS, the oldest
# dropped), so a long-lived stack's log never fills the disk.
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 5
# Warnings already given in this process (one per kind, so a broken path warns once, not per write).
_warned: set[str] = set()


@dataclass
class AuditRecord:
    """What one create / update / delete / adopt / recover / rollback did, and how it ended."""

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


class AuditLogError(OSError):
    """The audit log path cannot be used; the message says why and what to do."""


def write(record: AuditRecord, path: str | None) -> None:
    """Append `record` to the JSON-lines at `path` (when set) and print a summary to stderr.

    Never raises: a log that cannot be written is a warning, once per process.
    """
    try:
        data = asdict(record)
        data["changed_fields"] = list(record.changed_fields)
        line = (json.dumps(data, sort_keys=True) + "\n").encode("utf-8")
        with _WRITE_LOCK:
            if path:
                try:
                    _append(path, line)
                except OSError as err:
                    _warn_once("write", f"{_describe(path, err)}; {_FIX}")
            print(record.summary(), file=sys.stderr, flush=True)
    except Exception as err:  # noqa: BLE001 - whatever goes wrong here must not fail the operation
        _warn_once("unexpected", f"could not write the audit record: {type(err).__name__}: {err}")


_FIX = (
    f"the operation itself was not affected; point {SETTING} at a regular file you own"
    " (or unset it) to keep an audit log"
)


def _append(path: str, line: bytes) -> None:
    """Append one whole line to the regular file at `path`, created 0600, never via a symlink;
    rotated first when the line would take it past MAX_BYTES."""
    fd = os.open(path, _OPEN_FLAGS, 0o600)
    try:
        info = _checked(fd)
        if info.st_size and info.st_size + len(line) > MAX_BYTES:
            _rotate(path, fd, info)
            os.close(fd)
            fd = os.open(path, _OPEN_FLAGS, 0o600)
            info = _checked(fd)
        if info.st_mode & 0o077:
            _warn_once(
                "mode",
                f"the audit log {path!r} can be read by other users (mode"
                f" {stat.S_IMODE(info.st_mode):04o}); run `chmod 600 {path}`",
            )
        _write_all(fd, line)
    finally:
        os.close(fd)


def _checked(fd: int) -> os.stat_result:
    """The open log's status, once it is known to be a regular file of this user."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise AuditLogError(errno.EINVAL, "not a regular file")
    if hasattr(os, "geteuid"):
        check_owner(info, os.geteuid())
    return info


def check_owner(info: os.stat_result, uid: int) -> None:
    """Raise AuditLogError unless the file of status `info` belongs to user `uid`.

    The user, not the group: a log in a group's shared directory may carry that group.
    """
    if info.st_uid != uid:
        raise AuditLogError(errno.EPERM, f"owned by uid {info.st_uid}, not by this user")


def _rotate(path: str, fd: int, info: os.stat_result) -> None:
    """Shift `path` to `path.1` (`path.1` to `path.2` ... up to BACKUPS), so the next write
    starts a new file. Provider hosts of parallel commands may write the same log: the first to
    hold the lock rotates, the others find the path already renamed and leave it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, a rare double rotation only loses the order
        fcntl = None  # type: ignore[assignment]
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        current = os.stat(path, follow_symlinks=False)
        if (current.st_dev, current.st_ino) != (info.st_dev, info.st_ino):
            return  # another process rotated it meanwhile
        for number in range(BACKUPS - 1, 0, -1):
            try:
                os.replace(f"{path}.{number}", f"{path}.{number + 1}")
            except FileNotFoundError:
                pass
        os.replace(path, f"{path}.1")
    finally:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _write_all(fd: int, data: bytes) -> None:
    """Write all of `data`: os.write may write less (a signal, a nearly full disk)."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except InterruptedError:
            continue
        if written <= 0:
            raise AuditLogError(errno.EIO, "the file accepted no more bytes")
        view = view[written:]


def _describe(path: str, err: OSError) -> str:
    reasons = {
        errno.ELOOP: "it is a symbolic link (not followed)",
        errno.EISDIR: "it is a directory",
        errno.ENXIO: "it is a FIFO or socket without a reader (not a regular file)",
        errno.ENOENT: "its directory does not exist",
        errno.EACCES: "permission denied",
        errno.ENOSPC: "the disk is full",
    }
    reason = err.strerror if isinstance(err, AuditLogError) else None
    reason = reason or reasons.get(err.errno or 0) or err.strerror or str(err)
    return f"could not write the audit log {path!r}: {reason}"


def _warn_once(kind: str, message: str) -> None:
    if kind in _warned:
        return
    _warned.add(kind)
    try:
        pulumi.log.warn(f"genesys-eventbridge: {message}")
    except Exception:  # noqa: BLE001 - a warning that cannot be shown must not fail either
        pass


@contextmanager
def audited(
    operation: str, client: GenesysClient, name: str | None, changed: Sequence[str]
) -> Iterator[AuditRecord]:
    """Time an operation and write one audit record for it, whether it succeeds or fails."""
    settings = client.settings
    record = AuditRecord(
        operation=operation,
        integration_id=None,
        integration_name=name,
        org_id=None,
        client_id=settings.client_id,
        changed_fields=list(changed),
    )
    started = time.monotonic()
    try:
        yield record
    except Exception as err:
        if record.outcome == "ok":
            record.outcome, record.error = "failed", str(err)
        raise
    finally:
        record.latency_ms = round((time.monotonic() - started) * 1000)
        record.correlation_id = client.last_correlation_id
        # Never raises: a log that cannot be written must not turn a done create into a failed
        # one (the engine would create the integration again on the next `up`).
        write(record, settings.audit_log_path)
