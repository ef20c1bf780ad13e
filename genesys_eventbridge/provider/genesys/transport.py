"""HTTP transport: one process-wide httpx.Client per base URL, created lazily.

Connections are reused across calls and threads. Nothing here lives on a GenesysClient, which
Pulumi pickles: an httpx.Client (sockets, SSL contexts) cannot be pickled.
"""

from __future__ import annotations

import os
import platform
import threading
from collections.abc import Mapping
from typing import Any

import httpx

from genesys_eventbridge.provider.genesys._version import PROJECT_NAME, __version__
from genesys_eventbridge.provider.genesys.regions import is_loopback_host

USER_AGENT = (
    f"{PROJECT_NAME}/{__version__} (+pulumi dynamic provider)"
    f" httpx/{httpx.__version__} python/{platform.python_version()}"
)

_CLIENTS: dict[str, httpx.Client] = {}
_LOCK = threading.Lock()


def http_client(base_url: str) -> httpx.Client:
    """Return this process's httpx.Client for `base_url`, creating it on first use."""
    with _LOCK:
        client = _CLIENTS.get(base_url)
        if client is None or client.is_closed:
            client = _new_client(base_url)
            _CLIENTS[base_url] = client
        return client


def _new_client(base_url: str) -> httpx.Client:
    host = httpx.URL(base_url).host
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
        # Proxy variables are honoured for Genesys Cloud, but a local emulator is never proxied.
        trust_env=not is_loopback_host(host),
    )


def send(
    base_url: str,
    method: str,
    path: str,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str | int] | None = None,
    json: Any = None,
    data: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Send one request (no retries) and return the reply, body read; transport errors propagate."""
    return http_client(base_url).request(
        method,
        base_url + path,
        headers=dict(headers or {}),
        params=dict(params) if params else None,
        json=json,
        data=dict(data) if data else None,
        timeout=httpx.Timeout(timeout),
    )


def close_all() -> None:
    """Close every pooled client (they are recreated on next use)."""
    with _LOCK:
        clients = list(_CLIENTS.values())
        _CLIENTS.clear()
    for client in clients:
        client.close()


def _after_fork_in_child() -> None:
    # A forked child must not share the parent's sockets, and a lock held by another parent thread
    # at fork time would never be released: start over.
    global _LOCK
    _LOCK = threading.Lock()
    _CLIENTS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
