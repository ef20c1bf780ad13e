"""Who may call: the OAuth client, issued tokens (expiry), per-token rate limit and permissions."""

from __future__ import annotations

import base64
import binascii
import collections
import hmac
import math
import secrets
import threading
import time
from collections.abc import Iterable

from .errors import ApiError

# Every permission an endpoint of the emulator checks (see the facts table).
ALL_PERMISSIONS = frozenset(
    {
        "integrations:integration:add",
        "integrations:integration:view",
        "integrations:integration:edit",
        "integrations:integration:delete",
    }
)

RATE_WINDOW_SECONDS = 60.0


class TokenRequestError(Exception):
    """A rejected POST /oauth/token; the body is the OAuth error shape, not a Genesys one."""

    def __init__(self, status: int, error: str, description: str) -> None:
        self.status = status
        self.error = error
        self.description = description
        super().__init__(f"{status} {error}: {description}")

    def body(self) -> dict[str, str]:
        """The OAuth error body the login service returns."""
        return {
            "error": self.error,
            "description": self.description,
            "error_description": self.description,
        }


def authorization_kind(header: str | None) -> str | None:
    """'basic', 'bearer' or None for an Authorization header (the value itself is never kept)."""
    if not header:
        return None
    scheme = header.split(" ", 1)[0].lower()
    return scheme if scheme in ("basic", "bearer") else None


def _permission_matches(granted: str, wanted: str) -> bool:
    """Genesys permissions are domain:entity:action; a granted '*' segment matches any value."""
    g, w = granted.split(":"), wanted.split(":")
    return len(g) == len(w) and all(a in ("*", b) for a, b in zip(g, w, strict=True))


class Authority:
    """Issues and checks tokens, enforces the per-token rate limit and the granted permissions."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_ttl: float,
        rate_limit_per_minute: int | None,
        permissions: Iterable[str] | None,
    ) -> None:
        self._lock = threading.Lock()
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_ttl = token_ttl
        self.rate_limit_per_minute = rate_limit_per_minute
        # Off: replies carry no budget headers (a client that cannot learn its limit from them).
        self.states_budget = True
        self._permissions: set[str] | None = None if permissions is None else set(permissions)
        self._tokens: dict[str, float] = {}  # token -> monotonic issue time
        self._issued: list[str] = []  # every token ever granted, for leak scans in tests
        self._calls: dict[str, collections.deque[float]] = {}

    @property
    def client_secret(self) -> str:
        """The secret the token endpoint accepts."""
        return self._client_secret

    # -- tokens ---------------------------------------------------------------------------

    def grant(self, authorization: str | None, grant_type: str | None) -> dict[str, object]:
        """Answer a client-credentials token request or raise TokenRequestError."""
        client_id, client_secret = self._basic_credentials(authorization)
        # Compare in constant time: the secret is a credential even in an emulator.
        id_ok = hmac.compare_digest(client_id.encode(), self.client_id.encode())
        secret_ok = hmac.compare_digest(client_secret.encode(), self._client_secret.encode())
        if not (id_ok and secret_ok):
            raise TokenRequestError(401, "invalid_client", "client not found or secret mismatch")
        if grant_type != "client_credentials":
            raise TokenRequestError(
                400, "unsupported_grant_type", "grant_type must be client_credentials"
            )
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = time.monotonic()
            self._issued.append(token)
            ttl = self.token_ttl
        return {
            "access_token": token,
            "token_type": "bearer",
            # The real service states whole seconds; round up so a short test ttl is never 0.
            "expires_in": max(1, math.ceil(ttl)),
        }

    @staticmethod
    def _basic_credentials(authorization: str | None) -> tuple[str, str]:
        if not authorization or authorization_kind(authorization) != "basic":
            raise TokenRequestError(401, "invalid_client", "client authentication is required")
        try:
            decoded = base64.b64decode(authorization.split(" ", 1)[1].strip(), validate=True)
            client_id, sep, client_secret = decoded.decode("utf-8").partition(":")
        except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
            raise TokenRequestError(
                401, "invalid_client", "malformed basic authorization header"
            ) from None
        if not sep:
            raise TokenRequestError(401, "invalid_client", "malformed basic authorization header")
        return client_id, client_secret

    def token_number(self, authorization: str | None) -> int | None:
        """The 1-based issue order of the bearer token in `authorization` (None if not issued)."""
        if authorization_kind(authorization) != "bearer" or authorization is None:
            return None
        token = authorization.split(" ", 1)[1].strip() if " " in authorization else ""
        with self._lock:
            try:
                return self._issued.index(token) + 1
            except ValueError:
                return None

    def authenticate(self, authorization: str | None) -> str:
        """Return the bearer token of a valid API request or raise a 401 ApiError."""
        if authorization_kind(authorization) != "bearer" or authorization is None:
            raise ApiError(
                401,
                "No authentication bearer token specified in authorization header.",
                code="authentication.required",
            )
        token = authorization.split(" ", 1)[1].strip() if " " in authorization else ""
        with self._lock:
            issued = self._tokens.get(token)
            ttl = self.token_ttl
        if issued is None or time.monotonic() - issued >= ttl:
            raise ApiError(401, "Invalid login credentials.", code="bad.credentials")
        return token

    def issued_tokens(self) -> list[str]:
        """Every access token granted so far, expired ones included."""
        with self._lock:
            return list(self._issued)

    def expire_token(self, number: int) -> None:
        """Make the `number`-th token issued (1-based) answer 401."""
        with self._lock:
            token = self._issued[number - 1]
            self._tokens.pop(token, None)
            self._calls.pop(token, None)

    def expire_tokens(self) -> None:
        """Make every token issued so far answer 401."""
        with self._lock:
            self._tokens.clear()
            self._calls.clear()

    # -- rate limit -----------------------------------------------------------------------

    def check_rate(self, token: str) -> None:
        """Count one call for a token in its sliding 60 s window or raise a 429 ApiError."""
        now = time.monotonic()
        with self._lock:
            limit = self.rate_limit_per_minute
            if limit is None:
                return
            calls = self._window(token, now)
            if len(calls) >= limit:
                # Whole seconds until the oldest call leaves the window (never 0: retry now fails).
                retry_after = max(1, math.ceil(calls[0] + RATE_WINDOW_SECONDS - now))
                raise ApiError(
                    429,
                    f"Rate limit exceeded the maximum. [{limit}] requests for "
                    f"[{int(RATE_WINDOW_SECONDS)}] seconds",
                    code="too.many.requests",
                    headers={"Retry-After": str(retry_after)},
                )
            calls.append(now)

    def rate_headers(self, authorization: str | None) -> dict[str, str]:
        """The budget headers Genesys puts on every API reply for the bearer token's limit.

        `inin-ratelimit-allowed`: requests per window; `inin-ratelimit-count`: requests counted in
        the window now; `inin-ratelimit-reset`: whole seconds until the window moves on (here, a
        sliding window: until its oldest counted call leaves it). Empty without a rate limit or a
        valid token (a refused token has no budget to report).
        """
        if authorization_kind(authorization) != "bearer" or authorization is None:
            return {}
        token = authorization.split(" ", 1)[1].strip() if " " in authorization else ""
        now = time.monotonic()
        with self._lock:
            limit = self.rate_limit_per_minute
            issued = self._tokens.get(token)
            if (
                limit is None
                or not self.states_budget
                or issued is None
                or now - issued >= self.token_ttl
            ):
                return {}
            calls = self._window(token, now)
            oldest = calls[0] if calls else now
            reset = max(1, math.ceil(oldest + RATE_WINDOW_SECONDS - now))
            return {
                "inin-ratelimit-allowed": str(limit),
                "inin-ratelimit-count": str(len(calls)),
                "inin-ratelimit-reset": str(reset),
            }

    def _window(self, token: str, now: float) -> collections.deque[float]:
        """The token's calls in the last window (caller holds the lock)."""
        calls = self._calls.setdefault(token, collections.deque())
        while calls and now - calls[0] >= RATE_WINDOW_SECONDS:
            calls.popleft()
        return calls

    # -- permissions ----------------------------------------------------------------------

    def require(self, permission: str) -> None:
        """Raise a 403 ApiError unless the permission is granted."""
        with self._lock:
            granted = self._permissions
            ok = granted is None or any(_permission_matches(g, permission) for g in granted)
        if not ok:
            raise ApiError(
                403,
                "Unable to perform the requested action. You are missing the following "
                f"permission(s): [{permission}]",
                code="missing.permissions",
                message_params={"permissions": permission},
            )

    def revoke(self, permission: str) -> None:
        """Stop granting a permission."""
        with self._lock:
            if self._permissions is None:
                self._permissions = set(ALL_PERMISSIONS)
            self._permissions.discard(permission)

    def grant_permission(self, permission: str) -> None:
        """Grant a permission (no-op while every permission is granted)."""
        with self._lock:
            if self._permissions is not None:
                self._permissions.add(permission)

    @property
    def permissions(self) -> frozenset[str] | None:
        """The granted permissions, or None when everything is granted."""
        with self._lock:
            return None if self._permissions is None else frozenset(self._permissions)
