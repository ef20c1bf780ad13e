"""HTTP/1.1 transport for the emulator: a keep-alive ThreadingHTTPServer on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import re
import socket
import socketserver
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .api import GenesysApi, Request
from .errors import ApiError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
MAX_BODY = 10 * 1024 * 1024
# Seconds a connection may sit idle or trickle a request before it is closed (a stalled or
# hostile client must not hold a serving thread forever).
CONNECTION_TIMEOUT = 30.0
# Names a client on this machine uses for it. Any other Host is refused: a web page that rebinds
# its own DNS name to 127.0.0.1 still sends that name, and must not reach the API.
LOOPBACK_NAMES = frozenset({HOST, "localhost"})
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")


class _Refused(Exception):
    """A request the emulator will not serve: (status, message), then the connection closes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    """Reads one request at a time off a keep-alive connection and hands it to the API."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without NODELAY Nagle adds ~40 ms per reply.
    disable_nagle_algorithm = True
    server_version = "genesys-emulator"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def setup(self) -> None:
        super().setup()
        # Every read and write of this connection: an idle or trickling client is dropped.
        self.connection.settimeout(self.server.connection_timeout)

    def _check_host(self) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        if not host:
            return  # an HTTP/1.0 client; browsers always send Host
        name, colon, port = host.rpartition(":")
        if not colon or not port.isdigit():
            name, port = host, ""
        if name not in LOOPBACK_NAMES or (port and int(port) != self.server.server_port):
            raise _Refused(
                421,
                "This emulator answers only requests addressed to 127.0.0.1 or localhost on its"
                " own port (the Host header names another server).",
            )

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _Refused(400, "Malformed request body framing") from None
        if length < 0:
            raise _Refused(400, "Malformed request body framing")
        if length > MAX_BODY:
            raise _Refused(413, f"The request body is larger than {MAX_BODY} bytes.")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(line):
                raise _Refused(400, "Malformed request body framing")
            size = int(line, 16)
            if size == 0:
                # Skip trailers up to the blank line that ends the body (bounded like headers).
                for _ in range(100):
                    if self.rfile.readline(8192) in (b"\r\n", b"\n", b""):
                        return b"".join(chunks)
                raise _Refused(400, "Malformed request body framing")
            total += size
            if total > MAX_BODY:
                raise _Refused(413, f"The request body is larger than {MAX_BODY} bytes.")
            chunk = self.rfile.read(size)
            if len(chunk) != size:
                raise _Refused(400, "Malformed request body framing")
            chunks.append(chunk)
            self.rfile.readline(1024)

    def _dispatch(self) -> None:
        try:
            self._check_host()
            body = self._read_body()
        except _Refused as refused:
            self.send_error(refused.status, refused.message)
            return
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query_string=parts.query,
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        reply = self.server.api.handle(request)
        if reply.drop:
            # Nothing was written: closing now gives the client EOF before any response byte.
            self.close_connection = True
            return
        payload = b"" if reply.body is None else json.dumps(reply.body).encode("utf-8")
        self._write(reply.status, payload, reply.headers)

    def _write(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level errors (bad request line, unsupported method) in the Genesys shape."""
        correlation_id = str(uuid.uuid4())
        payload = json.dumps(ApiError(code, message).body(correlation_id)).encode("utf-8")
        # After a framing error the stream position is unknown, so the connection cannot be reused.
        self.close_connection = True
        self._write(code, payload, {"inin-correlation-id": correlation_id, "Connection": "close"})

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines only (credentials travel in headers, which are never logged).
        log.debug("%s %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its open connections so stop() can close them."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # tests open many connections at once

    def __init__(self, port: int, api: GenesysApi, connection_timeout: float) -> None:
        self.api = api
        self.connection_timeout = connection_timeout
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout, closed pool) is normal in fault tests, not an error.
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            log.debug("connection from %s ended: %s", client_address, error)
        else:
            log.exception("unexpected error serving %s", client_address)

    def close_connections(self) -> None:
        """End every open keep-alive connection (their handler threads then exit)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class EmulatorServer:
    """Owns the listening socket and the serving thread."""

    def __init__(
        self, api: GenesysApi, port: int = 0, connection_timeout: float = CONNECTION_TIMEOUT
    ) -> None:
        self._api = api
        self._requested_port = port
        self._connection_timeout = connection_timeout
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int | None:
        """The bound port while serving, else None."""
        return self._server.server_port if self._server is not None else None

    def start(self) -> int:
        """Bind, listen and serve in a background thread; return the bound port."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = _Server(self._requested_port, self._api, self._connection_timeout)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"genesys-emulator:{server.server_port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return server.server_port

    def stop(self) -> None:
        """Stop serving, close open connections and the listening socket (idempotent)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
