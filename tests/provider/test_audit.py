"""audit.write in process: whole lines despite short writes, and never an exception."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from genesys_eventbridge.provider import audit


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The warnings the audit module gives (to the engine, or stderr without one)."""
    seen: list[str] = []
    monkeypatch.setattr(audit, "_warned", set())
    monkeypatch.setattr(audit.pulumi.log, "warn", lambda message, *_, **__: seen.append(message))
    return seen


def _record(operation: str = "create") -> audit.AuditRecord:
    return audit.AuditRecord(operation, "id-1", "name", "org", "client", ["topics"], 12)


def test_short_writes_still_append_whole_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings: list[str]
) -> None:
    real_write = os.write
    calls: list[int] = []

    def short_write(fd: int, data: bytes) -> int:
        calls.append(len(data))
        return real_write(fd, bytes(data[:7]))  # as a nearly full disk or a signal may do

    monkeypatch.setattr(audit.os, "write", short_write)
    path = tmp_path / "audit.jsonl"
    audit.write(_record("create"), str(path))
    audit.write(_record("delete"), str(path))
    lines = path.read_text().splitlines()
    assert [json.loads(line)["operation"] for line in lines] == ["create", "delete"]
    assert len(calls) > 2 and warnings == []


def test_a_full_disk_is_one_warning_not_an_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings: list[str]
) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(audit.os, "write", full)
    for _ in range(3):
        audit.write(_record(), str(tmp_path / "audit.jsonl"))
    assert len(warnings) == 1 and "the disk is full" in warnings[0]


def test_a_fifo_with_a_reader_is_refused_not_written(tmp_path: Path, warnings: list[str]) -> None:
    path = tmp_path / "audit.fifo"
    os.mkfifo(path)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        audit.write(_record(), str(path))
        try:
            leaked = os.read(reader, 4096)
        except BlockingIOError:
            leaked = b""
    finally:
        os.close(reader)
    assert leaked == b""
    assert len(warnings) == 1 and "not a regular file" in warnings[0]


def _status(uid: int, gid: int) -> os.stat_result:
    """The status of a regular 0600 file owned by `uid` and group `gid`."""
    return os.stat_result((0o100600, 1, 1, 1, uid, gid, 0, 0, 0, 0))


def test_a_log_of_another_user_is_refused_even_in_this_users_group() -> None:
    with pytest.raises(audit.AuditLogError, match="owned by uid 2001, not by this user"):
        audit.check_owner(_status(uid=2001, gid=1000), uid=1000)


def test_a_log_of_this_user_is_accepted_even_in_another_group() -> None:
    audit.check_owner(_status(uid=1000, gid=2001), uid=1000)


_OTHER = 65534  # nobody / nogroup


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root"
)
@pytest.mark.parametrize(
    ("another_user", "another_group"),
    [(True, False), (False, True)],
    ids=["another-users-file-in-our-group", "our-file-in-another-group"],
)
def test_the_log_is_written_only_into_a_file_of_this_user(
    tmp_path: Path, warnings: list[str], another_user: bool, another_group: bool
) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o600)
    uid = _OTHER if another_user else os.geteuid()
    os.chown(path, uid, _OTHER if another_group else os.getegid())
    audit.write(_record(), str(path))
    if another_user:
        assert path.read_text() == ""
        assert len(warnings) == 1 and f"owned by uid {_OTHER}" in warnings[0]
    else:
        assert json.loads(path.read_text())["operation"] == "create"
        assert warnings == []
