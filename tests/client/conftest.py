"""Fixtures for the client tests: the emulator, settings pointing at it, a scripted server."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import GenesysClient, Settings


def settings_for(emu: GenesysEmulator, **overrides: Any) -> Settings:
    """Settings resolved from the emulator's Pulumi config keys (plus overrides), no environment."""
    config: dict[str, Any] = dict(emu.settings_config())
    config.update(overrides)
    return Settings.resolve(config, environ={})


@pytest.fixture
def settings(emulator: GenesysEmulator) -> Settings:
    """Settings pointing at the emulator, with a short retry budget."""
    return settings_for(emulator, **{"genesyscloud:retryBudget": 5.0})


@pytest.fixture
def client(settings: Settings) -> GenesysClient:
    """A client of the emulator."""
    return GenesysClient(settings)


@dataclass
class Seen:
    """One request the scripted server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int


@dataclass
class Reply:
    """One scripted reply."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedServer:
    """A plain HTTP server on 127.0.0.1 for what the emulator cannot show: request headers, and
    replies it does not produce (an HTTP-date Retry-After, a body echoing a credential).

    POST /oauth/token always grants `token`; other requests get the queued replies in order, then
    200 {} once the queue is empty. Every request's headers are recorded.
    """

    def __init__(self, token: str = "scripted-token-0123456789abcdef") -> None:
        self.token = token
        self.seen: list[Seen] = []
        self.replies: queue.Queue[Reply] = queue.Queue()
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with outer._lock:
                    outer.seen.append(
                        Seen(
                            self.command,
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            self.client_address[1],
                        )
                    )
                if self.path == "/oauth/token":
                    reply = Reply(
                        200,
                        {"access_token": outer.token, "token_type": "bearer", "expires_in": 3600},
                    )
                else:
                    try:
                        reply = outer.replies.get_nowait()
                    except queue.Empty:
                        reply = Reply(200, {})
                payload = json.dumps(reply.body).encode() if reply.body is not None else b""
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("inin-correlation-id", "scripted-correlation-id")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self._server.server_port}"

    def queue(self, *replies: Reply) -> None:
        """Queue replies for the next non-token requests."""
        for reply in replies:
            self.replies.put(reply)

    def settings(self, **overrides: Any) -> Settings:
        """Settings pointing at this server."""
        config: dict[str, Any] = {
            "genesyscloud:oauthclientId": "scripted-client",
            "genesyscloud:oauthclientSecret": "scripted-secret-value",
            "genesyscloud:apiBaseUrl": self.base_url,
            "genesyscloud:allowInsecureHttp": True,
            "genesyscloud:retryBudget": 5,
        }
        config.update(overrides)
        return Settings.resolve(config, environ={})

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    """A running ScriptedServer."""
    server = ScriptedServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
