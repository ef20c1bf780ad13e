"""The emulator on a shared machine: bounded memory, bounded request framing, loopback Host
names only, idle connections closed, and no published default secret."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.emulator.__main__ import SECRET_VARIABLE, _parser, main
from genesys_eventbridge.emulator.requestlog import MAX_KEPT_BODY, RequestLog, RequestRecord
from genesys_eventbridge.emulator.server import MAX_BODY

REPO_ROOT = Path(__file__).resolve().parents[1]


def _raw(emulator: GenesysEmulator, request: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, then read the reply until the server closes or `timeout` passes."""
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=timeout) as sock:
        sock.sendall(request)
        reply = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                break
            if not data:
                break
            reply += data
            if b"\r\n\r\n" in reply and b'"status"' in reply:
                break
        return reply


def _status(reply: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3})", reply)
    assert match, reply[:200]
    return int(match.group(1))


def test_a_rebound_dns_name_gets_no_token() -> None:
    with GenesysEmulator() as emulator:
        auth = (emulator.client_id, emulator.client_secret)
        form = {"grant_type": "client_credentials"}
        url = f"{emulator.base_url}/oauth/token"
        refused = httpx.post(url, auth=auth, data=form, headers={"Host": "evil.example:80"})
        assert refused.status_code == 421
        assert "127.0.0.1 or localhost" in refused.json()["message"]
        other_port = httpx.post(
            url, auth=auth, data=form, headers={"Host": f"localhost:{emulator.port + 1}"}
        )
        assert other_port.status_code == 421
        assert emulator.token_requests == 0
        named = httpx.post(
            url, auth=auth, data=form, headers={"Host": f"localhost:{emulator.port}"}
        )
        assert named.status_code == 200 and emulator.token_requests == 1


@pytest.mark.parametrize("size", [b"-1", b"+5", b"0x5", b"zz"])
def test_a_malformed_chunk_size_is_refused_at_once(size: bytes) -> None:
    with GenesysEmulator() as emulator:
        head = b"POST /api/v2/integrations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        # The connection stays open: a reader that waits for its end would hang here.
        reply = _raw(emulator, head + b"Transfer-Encoding: chunked\r\n\r\n" + size + b"\r\nab")
        assert _status(reply) == 400


def test_a_chunked_body_is_capped_like_a_sized_one() -> None:
    with GenesysEmulator() as emulator:
        chunk = b"x" * (1024 * 1024)
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/v2/integrations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            try:
                for _ in range(MAX_BODY // len(chunk) + 2):
                    sock.sendall(b"100000\r\n" + chunk + b"\r\n")
            except OSError:
                pass  # refused mid-body: the server closed the connection
            reply = sock.recv(65536)
        assert _status(reply) == 413


def test_an_idle_connection_is_closed() -> None:
    with GenesysEmulator(connection_timeout=0.3) as emulator:
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
            sock.sendall(b"GET /api/v2/organizations/me HTTP/1.1\r\n")  # and nothing more
            started = time.monotonic()
            assert sock.recv(1024) == b""
            assert time.monotonic() - started < 3


def test_bodies_of_unauthenticated_requests_are_not_kept() -> None:
    with GenesysEmulator() as emulator:
        body = {"name": "x" * 1000}
        reply = httpx.post(f"{emulator.base_url}/api/v2/integrations", json=body)
        assert reply.status_code == 401
        [record] = emulator.requests
        assert record.status == 401 and record.body is None


def test_the_request_log_is_bounded() -> None:
    log = RequestLog(max_records=3)
    for index in range(5):
        log.add(RequestRecord("GET", f"/{index}", {}, 200, "bearer", 0.0, body={"n": "x" * index}))
    assert [r.path for r in log.records()] == ["/2", "/3", "/4"]
    log.add(RequestRecord("PUT", "/big", {}, 200, "bearer", 0.0, body="x" * (MAX_KEPT_BODY + 1)))
    assert log.records()[-1].body is None


SERVE = """
import sys
from genesys_eventbridge.emulator import GenesysEmulator
with GenesysEmulator() as emulator:
    print(emulator.port, flush=True)
    sys.stdin.read()
"""


def test_large_posts_leave_the_emulator_small() -> None:
    # Four 9 MiB JSON bodies of many small objects (their parsed form is ~20x their size).
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        item = b'{"k":1},'
        body = b"[" + item * (9 * 1024 * 1024 // len(item)) + b'{"k":1}]'
        for _ in range(4):
            reply = httpx.post(
                f"http://127.0.0.1:{port}/api/v2/integrations",
                content=body,
                headers={"Content-Type": "application/json"},
                timeout=60,
            )
            assert reply.status_code == 401
        status = Path(f"/proc/{process.pid}/status").read_text()
        rss_kib = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
        assert rss_kib < 300 * 1024, f"emulator RSS {rss_kib // 1024} MiB"
    finally:
        process.kill()
        process.wait(timeout=10)


def test_the_client_secret_is_new_at_each_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _parser().parse_args([]).client_secret is None
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    seen = set()
    for _ in range(2):
        emulator = _started_by_main(monkeypatch)
        seen.add(emulator.client_secret)
    assert len(seen) == 2 and "emulator-local-only-secret" not in seen
    monkeypatch.setenv(SECRET_VARIABLE, "from-the-environment")
    assert _started_by_main(monkeypatch).client_secret == "from-the-environment"


def _started_by_main(monkeypatch: pytest.MonkeyPatch) -> GenesysEmulator:
    """The emulator main() builds (stopped right after it starts)."""
    started: list[GenesysEmulator] = []

    class Recording(GenesysEmulator):
        def start(self) -> GenesysEmulator:
            started.append(self)
            raise OSError("not started by this test")

    monkeypatch.setattr("genesys_eventbridge.emulator.__main__.GenesysEmulator", Recording)
    assert main(["--port", "0"]) == 1
    return started[0]


def test_try_never_puts_the_secret_on_a_command_line() -> None:
    script = (REPO_ROOT / "scripts" / "try").read_text()
    assert "--client-secret" not in script
    for line in script.splitlines():
        if "$secret" in line and not line.lstrip().startswith("#"):
            # Only shell assignments/builtins and environment variables carry it.
            assert re.match(
                r"\s*(printf '%s' \"\$secret\" \||GENESYSCLOUD_\w+=|\[ -n|secret=)", line
            ), line
    assert os.access(REPO_ROOT / "scripts" / "try", os.X_OK)
