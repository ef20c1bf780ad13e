"""The doctor's check of an HTTPS target's endpoint: DNS, TLS with verification, the HTTP answer.

Run only by `python -m genesys_eventbridge doctor` (never by preview: a preview makes no call to
a target). The endpoints come from `--endpoint` and from the `https` targets of a stack's
subscriptions (`--stack`). Credentials are never sent: EventBridge's connection holds them, so an
endpoint that answers 401 or 403 to an anonymous request is reachable.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from genesys_eventbridge.cli.outcome import Outcome

TIMEOUT_S = 10.0
CA_FIX = (
    "if the endpoint's certificate comes from a private CA, pass its CA with --ca-file (or"
    " SSL_CERT_FILE); EventBridge itself trusts only public CAs, so a private one will also fail"
    " there"
)


def stack_endpoints(subscriptions: Any) -> Iterator[tuple[str, str]]:
    """(config path, URL) of every https target's endpoint and OAuth token endpoint."""
    if not isinstance(subscriptions, list):
        return
    for i, entry in enumerate(subscriptions):
        rules = entry.get("rules") if isinstance(entry, Mapping) else None
        for j, rule in enumerate(rules if isinstance(rules, list) else []):
            targets = rule.get("targets") if isinstance(rule, Mapping) else None
            for k, target in enumerate(targets if isinstance(targets, list) else []):
                if not isinstance(target, Mapping) or target.get("kind") != "https":
                    continue
                path = f"subscriptions[{i}].rules[{j}].targets[{k}]"
                if isinstance(target.get("endpoint"), str):
                    yield f"{path}.endpoint", target["endpoint"]
                auth = target.get("auth")
                oauth = auth.get("oauth") if isinstance(auth, Mapping) else None
                if isinstance(oauth, Mapping) and isinstance(
                    oauth.get("authorizationEndpoint"), str
                ):
                    yield f"{path}.auth.oauth.authorizationEndpoint", oauth["authorizationEndpoint"]


def tls_context(ca_file: str | None, environ: Mapping[str, str]) -> ssl.SSLContext:
    """A verifying context: the system's CAs, or `ca_file` / SSL_CERT_FILE when given."""
    cafile = ca_file or environ.get("SSL_CERT_FILE") or None
    return ssl.create_default_context(cafile=cafile)


def check_endpoint(url: str, context: ssl.SSLContext, *, timeout: float = TIMEOUT_S) -> Outcome:
    """DNS, then a verified TLS handshake, then HEAD (OPTIONS when HEAD is not allowed)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return Outcome(
            "FAIL",
            "is not an https URL",
            "EventBridge API destinations call https endpoints only: use https://",
        )
    host, port = parts.hostname, parts.port or 443
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    try:
        notes = [_resolve(url, host, port)]
        notes.append(_handshake(host, port, context, timeout, notes))
        method, status = _probe(url, host, port, target, context, timeout, notes)
    except _Failed as failed:
        return failed.outcome
    return _judge(method, status, notes)


class _Failed(Exception):
    """A step's FAIL outcome, which ends the check there."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.detail)
        self.outcome = outcome


def _resolve(url: str, host: str, port: int) -> str:
    """The DNS note: the addresses `host` resolves to."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise _Failed(
            Outcome(
                "FAIL",
                f"DNS: {host} does not resolve ({error.strerror or error})",
                f"check the host name in {url}",
            )
        ) from None
    addresses = sorted({str(info[4][0]) for info in found})
    return f"DNS: {host} -> {', '.join(addresses)}"


def _handshake(
    host: str, port: int, context: ssl.SSLContext, timeout: float, notes: list[str]
) -> str:
    """The TLS note: the version and certificate of a handshake verified with `context`."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                version = tls.version()
                certificate = tls.getpeercert() or {}
    except ssl.SSLCertVerificationError as error:
        detail = (
            f"TLS: {host}:{port} presented a certificate that does not verify"
            f" ({error.verify_message})"
        )
        raise _Failed(Outcome("FAIL", detail, CA_FIX, notes=list(notes))) from None
    except ssl.SSLError as error:
        detail = f"TLS: the handshake with {host}:{port} failed ({error.reason or error})"
        fix = f"check that {host}:{port} serves TLS"
        raise _Failed(Outcome("FAIL", detail, fix, notes=list(notes))) from None
    except OSError as error:
        detail = f"TCP: cannot connect to {host}:{port} ({error.strerror or error})"
        fix = "check the port and that the endpoint accepts connections from the internet"
        raise _Failed(Outcome("FAIL", detail, fix, notes=list(notes))) from None
    return f"TLS: {version}, certificate verified, valid until {certificate.get('notAfter', '?')}"


def _probe(
    url: str,
    host: str,
    port: int,
    target: str,
    context: ssl.SSLContext,
    timeout: float,
    notes: list[str],
) -> tuple[str, int]:
    """The method asked and the status answered: HEAD, or OPTIONS when HEAD is not allowed."""
    try:
        method = "HEAD"
        status = _ask(host, port, context, method, target, timeout)
        if status in (405, 501):
            method = "OPTIONS"
            status = _ask(host, port, context, method, target, timeout)
    except (OSError, http.client.HTTPException) as error:
        raise _Failed(
            Outcome(
                "FAIL",
                # A bad status line can be 64 KiB of the server's text: a glimpse is enough.
                f"HTTP: no answer from {url} ({type(error).__name__}: {str(error)[:200]})",
                "check that the endpoint answers HTTP requests",
                notes=notes,
            )
        ) from None
    return method, status


def _judge(method: str, status: int, notes: list[str]) -> Outcome:
    """What the endpoint's answer means for EventBridge's calls to it."""
    answer = f"{method} answered {status}"
    if status in (401, 403):
        notes.append("no credentials were sent: the EventBridge connection sends them")
        return Outcome("OK", f"reachable, {answer}", notes=notes)
    if status < 400:
        return Outcome("OK", f"reachable, {answer}", notes=notes)
    if status >= 500:
        return Outcome(
            "WARN",
            f"reachable, but {answer}: the endpoint reports a server error",
            "check the endpoint's service: EventBridge retries 5xx answers, then dead-letters",
            notes=notes,
        )
    return Outcome(
        "WARN",
        f"reachable, but {answer}",
        "check the URL's path: EventBridge's calls may get the same answer",
        notes=notes,
    )


def _ask(
    host: str, port: int, context: ssl.SSLContext, method: str, target: str, timeout: float
) -> int:
    """The status of one request over a connection verified with `context` (no credentials)."""
    connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    try:
        connection.request(method, target, headers={"User-Agent": "genesys-eventbridge doctor"})
        return connection.getresponse().status
    finally:
        connection.close()
