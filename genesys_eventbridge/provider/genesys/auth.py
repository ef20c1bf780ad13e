"""OAuth client-credentials access tokens: a pool per (login base, client id) in each process.

The pool is module state, never an attribute of a pickled object. It holds up to
`genesyscloud:tokenPoolSize` tokens, fetched one at a time and only when every token in hand is
short of request budget (see pacing), so a small stack uses a single token and a large one as many
as its rate needs. A request takes the token with the most budget left. A token is renewed shortly
before it expires and after the API refuses it, the others serving on meanwhile.
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
from dataclasses import dataclass
from typing import NoReturn

import httpx

from genesys_eventbridge.provider.genesys import pacing, retries, transport
from genesys_eventbridge.provider.genesys.errors import (
    CORRELATION_HEADER,
    ConfigurationError,
    GenesysError,
    TokenRequestRejectedError,
    error_from_response,
    parse_error_body,
    remember_secrets,
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
        remember_secrets(value)  # redacted by value from every later message of this process
        self.lifetime = lifetime
        # A token given in the settings (genesyscloud:accessToken): used as is, never renewed.
        self.static = static
        self.expires_at = (time.monotonic() if now is None else now) + lifetime

    @property
    def value(self) -> str:
        """The bearer token itself (a secret: never log it)."""
        return self._value

    @property
    def issued_at(self) -> float:
        """The monotonic time the token was received (a given token counts as oldest)."""
        return -math.inf if self.static else self.expires_at - self.lifetime

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


class PacingTimeout(Exception):
    """No pool token may send before the caller's deadline."""

    def __init__(self, seconds: float, *, paused: bool) -> None:
        self.seconds = seconds
        self.paused = paused
        super().__init__(f"no token may send for {seconds:.1f} s")


@dataclass(eq=False)
class _Slot:
    token: AccessToken
    pacer: pacing.Pacer


@dataclass(frozen=True, eq=False)
class Lease:
    """The pool token one request is sent with (report what the API answered through it)."""

    token: AccessToken
    _slot: _Slot
    _pool: TokenPool

    def observe(self, response: httpx.Response) -> None:
        """Learn the token's budget from the reply's rate-limit headers (if it has usable ones)."""
        budget = pacing.read_budget(response.headers)
        if budget is not None:
            self._pool.learn(self._slot, budget)

    def rate_limited(self, response: httpx.Response) -> float:
        """Pause this token (or, for a client-wide limit, every token) for the 429's Retry-After.

        Returns the pause in seconds.
        """
        told = retries.parse_retry_after(response.headers.get("Retry-After"))
        seconds = pacing.DEFAULT_PAUSE if told is None else told
        self._pool.pause(self._slot, time.monotonic() + seconds, pacing.client_wide(response))
        return seconds


class TokenPool:
    """The tokens of one OAuth client in this process, each with its own pacing."""

    def __init__(self, given: AccessToken | None = None) -> None:
        self._cond = threading.Condition()
        # A pool over a token given in the settings holds just that one and never fetches.
        self._given = given
        self._slots: list[_Slot] = [] if given is None else [_Slot(given, pacing.Pacer())]
        self._fetching = 0
        self._paused_until = 0.0  # a client-wide 429 pauses every token
        self._told: int | None = None  # the limit the server last stated for a token

    def tokens(self) -> list[AccessToken]:
        """The tokens in hand, oldest first."""
        with self._cond:
            return [slot.token for slot in self._slots]

    def acquire(
        self,
        settings: Settings,
        *,
        deadline: float = math.inf,
        newer_than: AccessToken | None = None,
        spend: bool = True,
    ) -> Lease:
        """The fresh token with the most budget left, waiting (until `deadline`) for budget or
        fetching a token when every one in hand is short of it and the pool has room.

        `newer_than`: only tokens received after that one (the API just refused it). `spend`:
        count one request against the token's budget. Raises PacingTimeout when nothing could
        send before `deadline`.
        """
        rate, size = settings.requests_per_minute, settings.token_pool_size
        while True:
            with self._cond:
                now = time.monotonic()
                # Renew before expiry: a token in its renewal margin leaves the pool.
                self._slots = [slot for slot in self._slots if slot.token.fresh(now)]
                candidates = [
                    slot
                    for slot in self._slots
                    if newer_than is None or slot.token.issued_at > newer_than.issued_at
                ]
                paused = now < self._paused_until
                if not paused and candidates:
                    best = max(candidates, key=lambda slot: slot.pacer.budget(now, rate))
                    if best.pacer.budget(now, rate) > 0:
                        if spend:
                            best.pacer.spend(now)
                        return Lease(best.token, best, self)
                fetch = not paused and self._fetching == 0 and self._given is None
                if fetch and len(self._slots) >= size:
                    # A full pool takes a new token only in place of one older than a refused one.
                    older = [s for s in self._slots if s not in candidates]
                    if older:
                        self._slots.remove(older[0])
                    else:
                        fetch = False
                if fetch:
                    self._fetching += 1
                else:
                    if paused:
                        opens = self._paused_until
                    else:
                        opens = min(
                            (slot.pacer.opens_at(now, rate) for slot in candidates),
                            default=math.inf,
                        )
                        if self._fetching:
                            opens = min(opens, deadline)  # or sooner: woken when it lands
                    if opens > deadline:
                        raise PacingTimeout(opens - now, paused=paused)
                    wait = min(opens, deadline) - now
                    self._cond.wait(timeout=None if math.isinf(wait) else max(0.0, wait))
                    continue
            try:
                token = _request_token(settings)
            except BaseException:
                with self._cond:
                    self._fetching -= 1
                    self._cond.notify_all()
                raise
            with self._cond:
                self._fetching -= 1
                # A new token starts from the limit its siblings were told, if any.
                self._slots.append(_Slot(token, pacing.Pacer(self._told)))
                self._cond.notify_all()

    def learn(self, slot: _Slot, budget: pacing.Budget) -> None:
        """Take in what a reply through the token said about its budget."""
        with self._cond:
            slot.pacer.learn(budget, time.monotonic())
            self._told = budget.allowed
            self._cond.notify_all()

    def pause(self, slot: _Slot, until: float, client_wide: bool) -> None:
        """Hold one token, or every token of the client, until the monotonic time `until`."""
        with self._cond:
            if client_wide:
                self._paused_until = max(self._paused_until, until)
            slot.pacer.pause(until)
            self._cond.notify_all()

    def invalidate(self, token: AccessToken) -> None:
        """Drop `token` (the API refused it), if it is still in the pool."""
        with self._cond:
            self._slots = [slot for slot in self._slots if slot.token is not token]
            self._cond.notify_all()

    def reset_after_fork(self) -> None:
        """Start over in a forked child (a lock held at fork time would never be released)."""
        self._cond = threading.Condition()
        self._slots = [] if self._given is None else [_Slot(self._given, pacing.Pacer())]
        self._fetching = 0
        self._paused_until = 0.0
        self._told = None


_POOLS: dict[_Key, TokenPool] = {}
# Digests of given tokens the API refused (401), so client credentials take over when set.
_REFUSED: set[str] = set()
_GUARD = threading.Lock()


def _key(settings: Settings) -> _Key:
    secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
    digest = hmac.new(_DIGEST_KEY, secret.encode(), hashlib.sha256).hexdigest()
    return (settings.login_base_url, settings.client_id or "", digest)


def _token_digest(value: str) -> str:
    return hmac.new(_DIGEST_KEY, value.encode(), hashlib.sha256).hexdigest()


def pool_for(settings: Settings) -> TokenPool:
    """This process's token pool for the settings' credentials.

    A token given in the settings is a pool of that one token (paced, never renewed). Once the
    API has refused it (see invalidate()), client credentials take over when they are set too;
    there is no other fallback.
    """
    given: str | None = None
    if settings.has_access_token and settings.access_token is not None:
        value = settings.access_token.get_secret_value()
        if not settings.has_client_credentials or _token_digest(value) not in _REFUSED:
            given = value
    if given is None and not settings.has_client_credentials:
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
    key = ("given", _token_digest(given), "") if given is not None else _key(settings)
    with _GUARD:
        pool = _POOLS.get(key)
        if pool is None:
            static = AccessToken(given, math.inf, static=True) if given is not None else None
            pool = _POOLS[key] = TokenPool(static)
        return pool


def access_token(settings: Settings) -> AccessToken:
    """A fresh token (the pool's best): the one given in the settings, else one for the OAuth
    client, requested only when none is in hand."""
    return pool_for(settings).acquire(settings, spend=False).token


def acquire(
    settings: Settings, *, deadline: float = math.inf, newer_than: AccessToken | None = None
) -> Lease:
    """The pool token to send one request with (see TokenPool.acquire)."""
    return pool_for(settings).acquire(settings, deadline=deadline, newer_than=newer_than)


def can_renew(settings: Settings, token: AccessToken) -> bool:
    """Whether a refused `token` can be replaced: yes, unless it was given and nothing else is."""
    return not token.static or settings.has_client_credentials


def invalidate(settings: Settings, token: AccessToken) -> None:
    """Forget `token` (the API refused it); the pool's other tokens stay."""
    if token.static:
        with _GUARD:
            _REFUSED.add(_token_digest(token.value))
        return
    pool_for(settings).invalidate(token)


def clear() -> None:
    """Forget every pool and its tokens."""
    with _GUARD:
        _POOLS.clear()
        _REFUSED.clear()


def _request_token(settings: Settings) -> AccessToken:
    client_id = settings.client_id or ""
    secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
    hidden = (secret, basic)
    remember_secrets(*hidden)

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
    for pool in _POOLS.values():
        pool.reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
