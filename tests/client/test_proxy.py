"""HTTPS proxies through the standard environment variables (HTTPS_PROXY, ...), as httpx's
trust_env reads them; a local emulator is never proxied."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from genesys_eventbridge.provider.genesys import transport


class ConnectRecorder:
    """A loopback proxy that records each request line and refuses every tunnel with 502."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                self.lines.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectRecorder]:
    recorder = ConnectRecorder()
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", recorder.url)
    transport.close_all()  # httpx reads the proxy variables when a client is created
    try:
        yield recorder
    finally:
        transport.close_all()
        recorder.close()


def test_genesys_cloud_is_reached_through_https_proxy(proxy: ConnectRecorder) -> None:
    with pytest.raises(Exception):  # noqa: B017 (the recorder refuses the tunnel)
        transport.send("https://api.mypurecloud.ie", "GET", "/api/v2/organizations/me", timeout=5)
    assert proxy.lines == ["CONNECT api.mypurecloud.ie:443 HTTP/1.1"]


def test_a_local_emulator_is_never_proxied(proxy: ConnectRecorder) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Exception):  # noqa: B017 (nothing listens there)
        transport.send(f"http://127.0.0.1:{port}", "GET", "/", timeout=2)
    assert proxy.lines == []
