"""OAuth client-credentials access tokens, cached process-wide per (login base, client id).

The cache is module state, never an attribute of a pickled object. One lock per key makes
concurrent callers share a single token request. A token is renewed shortly before it expires,
and after the API refuses it (see invalidate()).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import re
import secrets
import threading
import time
from typing import NoReturn

import httpx

from genesys_eventbridge.provider.genesys import retries, transport
from genesys_eventbridge.provider.genesys.errors import (
    CORRELATION_HEADER,
    ConfigurationError,
    GenesysError,
    TokenRequestRejectedError,
    error_from_response,
    parse_error_body,
)
from genesys_eventbridge.provider.genesys.settings import Settings

TOKEN_PATH = "/oauth/token"
# Renew this long before expiry: the smaller of a minute and a tenth of the token's lifetime.
RENEW_MARGIN_MAX = 60.0
RENEW_MARGIN_FRACTION = 0.1
# When a reply lacks expires_in, assume the shortest lifetime Genesys lets an OAuth client have.
DEFAULT_LIFETIME = 300.0

# (login base, client id, secret digest). The digest keeps a token fetched with one secret from
# serving settings that carry another (e.g. a rotated or mistyped secret) in the same process; it
# is keyed with a per-process random key so it is worthless outside this process.
_Key = tuple[str, str, str]
_DIGEST_KEY = secrets.token_bytes(32)

_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class AccessToken:
    """A bearer token and when it expires; its repr never shows the token."""

    __slots__ = ("_value", "expires_at", "lifetime", "static")

    def __init__(
        self, value: str, lifetime: float, *, now: float | None = None, static: bool = False
    ) -> None:
        self._value = value
        self.lifetime = lifetime
        # A token given in the settings (genesyscloud:accessToken): used as is, never renewed.
        self.static = static
        self.expires_at = (time.monotonic() if now is None else now) + lifetime

    @property
    def value(self) -> str:
        """The bearer token itself (a secret: never log it)."""
        return self._value

    def fresh(self, now: float | None = None) -> bool:
        """Whether the token is usable without renewal (not within the renewal margin of expiry)."""
        margin = min(RENEW_MARGIN_MAX, RENEW_MARGIN_FRACTION * self.lifetime)
        return (time.monotonic() if now is None else now) < self.expires_at - margin

    def __repr__(self) -> str:
        if self.static:
            return "<AccessToken given in the settings>"
        return f"<AccessToken expires in {self.expires_at - time.monotonic():.0f} s>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("access tokens are not picklable (they are secrets)")


_TOKENS: dict[_Key, AccessToken] = {}
# Digests of given tokens the API refused (401), so client credentials take over when set.
_REFUSED: set[str] = set()
_LOCKS: dict[_Key, threading.Lock] = {}
_GUARD = threading.Lock()


def _key(settings: Settings) -> _Key:
    secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
    digest = hmac.new(_DIGEST_KEY, secret.encode(), hashlib.sha256).hexdigest()
    return (settings.login_base_url, settings.client_id or "", digest)


def _lock_for(key: _Key) -> threading.Lock:
    with _GUARD:
        lock = _LOCKS.get(key)
        if lock is None:
            lock = _LOCKS[key] = threading.Lock()
        return lock


def _token_digest(value: str) -> str:
    return hmac.new(_DIGEST_KEY, value.encode(), hashlib.sha256).hexdigest()


def access_token(settings: Settings) -> AccessToken:
    """Return a fresh token: the one given in the settings, else one for the OAuth client.

    A given token is used as is. Once the API has refused it (see invalidate()), client
    credentials take over when they are set too; there is no other fallback.
    """
    if settings.has_access_token and settings.access_token is not None:
        value = settings.access_token.get_secret_value()
        if not settings.has_client_credentials or _token_digest(value) not in _REFUSED:
            return AccessToken(value, math.inf, static=True)
    if not settings.has_credentials:
        raise ConfigurationError(
            "no Genesys Cloud credentials are set: neither OAuth client credentials"
            " (genesyscloud:oauthclientId / GENESYSCLOUD_OAUTHCLIENT_ID and"
            " genesyscloud:oauthclientSecret / GENESYSCLOUD_OAUTHCLIENT_SECRET) nor an access"
            " token (genesyscloud:accessToken / GENESYSCLOUD_ACCESS_TOKEN)",
            setting="genesyscloud:oauthclientId",
            action=(
                "run `pulumi config set genesyscloud:oauthclientId <id>` and"
                " `pulumi config set --secret genesyscloud:oauthclientSecret <secret>`, or export"
                " the two environment variables"
            ),
        )
    key = _key(settings)
    token = _TOKENS.get(key)
    if token is not None and token.fresh():
        return token
    with _lock_for(key):
        # Another thread may have fetched one while this one waited for the lock.
        token = _TOKENS.get(key)
        if token is not None and token.fresh():
            return token
        token = _request_token(settings)
        _TOKENS[key] = token
        return token


def can_renew(settings: Settings, token: AccessToken) -> bool:
    """Whether a refused `token` can be replaced: yes, unless it was given and nothing else is."""
    return not token.static or settings.has_client_credentials


def invalidate(settings: Settings, token: AccessToken) -> None:
    """Forget `token` (the API refused it), unless another thread has already replaced it."""
    if token.static:
        with _GUARD:
            _REFUSED.add(_token_digest(token.value))
        return
    key = _key(settings)
    with _lock_for(key):
        if _TOKENS.get(key) is token:
            del _TOKENS[key]


def clear() -> None:
    """Forget every cached token."""
    with _GUARD:
        _TOKENS.clear()
        _REFUSED.clear()


def _request_token(settings: Settings) -> AccessToken:
    client_id = settings.client_id or ""
    secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
    hidden = (secret, basic)

    def send() -> httpx.Response:
        return transport.send(
            settings.login_base_url,
            "POST",
            TOKEN_PATH,
            timeout=settings.request_timeout,
            headers={"Authorization": f"Basic {basic}"},
            data={"grant_type": "client_credentials"},
        )

    # Asking for a token twice is harmless, so network errors are retried even for this POST.
    response = retries.send_with_retries(
        send,
        method="POST",
        path=settings.token_url,
        budget=settings.retry_budget,
        gate_key=(settings.login_base_url, "oauth", client_id),
        idempotent=True,
    )
    correlation_id = response.headers.get(CORRELATION_HEADER)
    if 400 <= response.status_code < 500:
        body = parse_error_body(response)
        raise TokenRequestRejectedError(
            (body.text if body else None) or response.reason_phrase,
            client_id=client_id,
            login_url=settings.token_url,
            status=response.status_code,
            code=(body.error or body.code) if body else None,
            correlation_id=correlation_id,
            secrets=hidden,
        )
    if not response.is_success:
        raise error_from_response(response, method="POST", path=settings.token_url, secrets=hidden)
    try:
        data = response.json()
        value = data["access_token"]
        lifetime = float(data.get("expires_in") or DEFAULT_LIFETIME)
    except (ValueError, KeyError, TypeError, AttributeError):
        value, lifetime = None, math.nan
    # RFC 6750 token characters only: anything else would end up inside an HTTP header (and
    # in the error a header-encoding failure quotes).
    if (
        not isinstance(value, str)
        or not _TOKEN.fullmatch(value)
        or not math.isfinite(lifetime)
        or lifetime <= 0
    ):
        raise GenesysError(
            "the reply has no usable access_token/expires_in",
            status=response.status_code,
            correlation_id=correlation_id,
            method="POST",
            path=settings.token_url,
            action=(
                "check that genesyscloud:loginBaseUrl (GENESYSCLOUD_LOGIN_BASE_URL) points at"
                " Genesys Cloud"
            ),
            secrets=hidden,
        )
    return AccessToken(value, lifetime)


def _after_fork_in_child() -> None:
    global _GUARD
    _GUARD = threading.Lock()
    _LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
