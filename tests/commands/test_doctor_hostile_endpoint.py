"""`doctor` against an endpoint that answers a 64 KiB status line: a quick FAIL quoting a glimpse
of it, not a stall while its text is sanitized."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from pathlib import Path

from tests.commands.conftest import run_cli
from tests.loopback_https import _certificates


def test_a_huge_bad_status_line_fails_fast_and_short(tmp_path: Path) -> None:
    ca_file, cert_file, key_file = _certificates(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(raw, server_side=True) as conn:
                    conn.recv(65536)
                    conn.sendall(b"a." * 32_000 + b"\r\n\r\n")
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        result = run_cli(
            "doctor",
            "--endpoints-only",
            "--endpoint",
            f"https://127.0.0.1:{port}/hook",
            "--ca-file",
            str(ca_file),
            environ={},
        )
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
    assert result.code == 1, result.text
    [line] = [line for line in result.out.splitlines() if "endpoint 1" in line]
    assert line.startswith("FAIL") and "HTTP: no answer from" in line
    assert len(line) < 600
    assert elapsed < 5, f"took {elapsed:.1f} s"
