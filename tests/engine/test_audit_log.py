"""The audit log through the real provider host: it never changes the outcome of an operation.

Before, an audit path that could not be written (a directory, a FIFO, a symlink, a file of another
user, a full disk) made a create that had already created and activated the integration fail in
the engine's eyes; every later `pulumi up` then created another one.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from tests.engine.integration_host import NEWS, checked, start_host

WARNING = "warning: genesys-eventbridge: could not write the audit log"


def _directory(tmp: Path) -> tuple[Path, str]:
    path = tmp / "audit.jsonl"
    path.mkdir()
    return path, "it is a directory"


def _fifo(tmp: Path) -> tuple[Path, str]:
    # Opened for writing without O_NONBLOCK, a FIFO without a reader blocks the host forever.
    path = tmp / "audit.jsonl"
    os.mkfifo(path)
    return path, "not a regular file"


def _symlink(tmp: Path) -> tuple[Path, str]:
    target = tmp / "elsewhere.txt"
    target.write_text("someone else's file\n")
    path = tmp / "audit.jsonl"
    path.symlink_to(target)
    return path, "symbolic link"


def _missing_directory(tmp: Path) -> tuple[Path, str]:
    return tmp / "no-such-dir" / "audit.jsonl", "its directory does not exist"


def _other_users_file(tmp: Path) -> tuple[Path, str]:
    path = tmp / "audit.jsonl"
    path.write_text("")
    path.chmod(0o666)
    try:
        os.chown(path, 65534, os.getegid())  # in our group: the user is what counts
    except PermissionError:
        pytest.skip("chown to another user needs root")
    return path, "owned by uid 65534"


BROKEN_PATHS: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "directory": _directory,
    "fifo": _fifo,
    "symlink": _symlink,
    "missing-directory": _missing_directory,
    "another-users-file": _other_users_file,
}


@pytest.mark.timeout(90)  # the FIFO case used to block forever
@pytest.mark.parametrize("kind", list(BROKEN_PATHS))
def test_an_unwritable_audit_log_is_a_warning_and_the_create_succeeds(
    emulator: GenesysEmulator, tmp_path: Path, kind: str
) -> None:
    path, reason = BROKEN_PATHS[kind](tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    host = start_host(emulator, path)
    try:
        first_id, outs = host.create(checked(host, NEWS))
        second_id, _ = host.create(
            checked(host, {**NEWS, "resource_name": "second", "event_source_suffix": "second"})
        )
        stderr = host.stderr_text()
    finally:
        host.stop()
    assert outs["reported_state"] == "ACTIVE"
    # Exactly the integrations asked for: none counted as failed and created again.
    assert sorted(i["id"] for i in emulator.integrations()) == sorted([first_id, second_id])
    warnings = [line for line in stderr.splitlines() if line.startswith(WARNING)]
    print(f"\n{kind}: {warnings}")
    assert len(warnings) == 1, stderr  # once per process, not once per operation
    assert reason in warnings[0] and "genesyscloud:auditLogPath" in warnings[0]
    # Nothing written through the symlink, into someone else's file or anywhere else.
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before


def test_the_log_is_created_0600_and_a_wider_existing_file_is_a_warning(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.jsonl"
    wide = tmp_path / "wide.jsonl"
    wide.write_text("")
    wide.chmod(0o644)
    host = start_host(emulator, fresh)
    try:
        host.create(checked(host, NEWS))
        fresh_stderr = host.stderr_text()
    finally:
        host.stop()
    host = start_host(emulator, wide)
    try:
        host.create(checked(host, {**NEWS, "resource_name": "b", "event_source_suffix": "b"}))
        wide_stderr = host.stderr_text()
    finally:
        host.stop()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert "warning:" not in fresh_stderr
    assert [json.loads(line)["operation"] for line in fresh.read_text().splitlines()] == ["create"]
    # A readable log is still written (it holds no secret), with a warning saying how to fix it.
    assert [json.loads(line)["operation"] for line in wide.read_text().splitlines()] == ["create"]
    assert "can be read by other users (mode 0644); run `chmod 600" in wide_stderr
