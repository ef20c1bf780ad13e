"""ApiSession: authenticated, paced and retried requests to the Platform API, errors classified.

An ApiSession holds only its Settings: it is cheap to build and safe to pickle (Pulumi pickles
the dynamic provider). Connections, tokens, rate-limit gates and caches are process-wide, in
transport, auth, retries and the modules of the calls.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from genesys_eventbridge.provider.genesys import auth, retries, transport
from genesys_eventbridge.provider.genesys.errors import (
    CORRELATION_HEADER,
    AuthenticationError,
    GenesysError,
    RateLimitExhaustedError,
    error_from_response,
    parse_error_body,
)
from genesys_eventbridge.provider.genesys.settings import Settings

logger = logging.getLogger("genesys_eventbridge.provider.genesys")

STATIC_TOKEN_REFUSED = (
    "the access token set in genesyscloud:accessToken (GENESYSCLOUD_ACCESS_TOKEN) is invalid or"
    " expired (a given token is used as is, never renewed): set a fresh token, or set"
    " genesyscloud:oauthclientId and genesyscloud:oauthclientSecret"
    " (GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET) so the provider fetches its"
    " own"
)

CacheKey = tuple[str, str]
"""What a process-wide cache of org facts is keyed by: (API base URL, OAuth client id)."""


class ApiSession:
    """Sends the Platform API requests of one set of Settings; the calls build on `_request`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()

    # Pickle only the settings (which themselves leave the secret out): a threading.local, like
    # every connection and token, belongs to the process, not to the state file.
    def __getstate__(self) -> dict[str, Any]:
        """Pickle only the settings."""
        return {"settings": self.settings}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        """Rebuild from pickled settings."""
        self.settings = state["settings"]
        self._local = threading.local()

    @property
    def last_correlation_id(self) -> str | None:
        """The `inin-correlation-id` of the last API reply this client saw in this thread."""
        value: str | None = getattr(self._local, "correlation_id", None)
        return value

    @property
    def _cache_key(self) -> CacheKey:
        return (self.settings.api_base_url, self.settings.client_id or "")

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        permission: str | None = None,
        versioned: bool = False,
        missing_ok: bool = False,
    ) -> httpx.Response:
        """Send an authenticated request with retries; renew the token once after a 401.

        Each attempt takes the pool token with the most budget left (waiting for budget within
        the retry budget); a 429 pauses the token it came through (see auth.Lease).
        """
        settings = self.settings
        deadline = time.monotonic() + settings.retry_budget
        leases: list[auth.Lease] = []
        refused: auth.AccessToken | None = None

        def send() -> httpx.Response:
            try:
                lease = auth.acquire(settings, deadline=deadline, newer_than=refused)
            except auth.PacingTimeout as err:
                raise self._paced_out(err, deadline, len(leases), method, path) from None
            leases.append(lease)
            response = transport.send(
                settings.api_base_url,
                method,
                path,
                timeout=settings.request_timeout,
                headers={"Authorization": f"Bearer {lease.token.value}"},
                params=params,
                json=json,
            )
            lease.observe(response)
            if response.status_code == 429:
                lease.rate_limited(response)
            return response

        for renewal in (False, True):
            response = retries.send_with_retries(
                send, method=method, path=path, budget=settings.retry_budget, gate_key=None
            )
            self._local.correlation_id = response.headers.get(CORRELATION_HEADER)
            logger.debug(
                "%s %s -> %d (correlation id %s)",
                method,
                path,
                response.status_code,
                self._local.correlation_id,
            )
            token = leases[-1].token
            if response.status_code == 401 and not renewal and auth.can_renew(settings, token):
                # The token expired or was revoked early: try once more with a newer one.
                refused = token
                auth.invalidate(settings, token)
                continue
            break
        if response.is_success or (missing_ok and response.status_code == 404):
            return response
        used = [lease.token for lease in leases]
        raise self._refusal(response, used, method, path, permission, versioned)

    def _paced_out(
        self, err: auth.PacingTimeout, deadline: float, attempts: int, method: str, path: str
    ) -> RateLimitExhaustedError:
        """The error when no token in hand may send again within this call's retry budget."""
        budget = self.settings.retry_budget
        return RateLimitExhaustedError(
            "every token in hand is"
            f" {'paused by a 429' if err.paused else 'out of request budget'} for"
            f" {err.seconds:.1f} s more, beyond this call's retry budget",
            waited=budget - max(0.0, deadline - time.monotonic()),
            attempts=attempts,
            budget=budget,
            last="429" if err.paused else "paced",
            method=method,
            path=path,
        )

    def _refusal(
        self,
        response: httpx.Response,
        used: list[auth.AccessToken],
        method: str,
        path: str,
        permission: str | None,
        versioned: bool,
    ) -> GenesysError:
        """The error for a final reply that is not a success (`used`: the tokens sent, in order)."""
        settings = self.settings
        secret = settings.client_secret.get_secret_value() if settings.client_secret else None
        secrets = (*(token.value for token in used), secret)
        if response.status_code == 401 and used[-1].static:
            body = parse_error_body(response)
            return AuthenticationError(
                (body.text if body else None) or response.reason_phrase,
                status=401,
                code=body.code if body else None,
                correlation_id=response.headers.get(CORRELATION_HEADER),
                method=method,
                path=path,
                action=STATIC_TOKEN_REFUSED,
                secrets=secrets,
            )
        return error_from_response(
            response,
            method=method,
            path=path,
            permission=permission,
            versioned=versioned,
            secrets=secrets,
        )
