"""GenesysClient: the Platform API calls this project makes, typed, authenticated and retried.

A GenesysClient holds only its Settings: it is cheap to build and safe to pickle (Pulumi pickles
the dynamic provider). Connections, tokens, rate-limit gates and caches are process-wide, in
transport, auth, retries and this module.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from genesys_eventbridge.provider.genesys import auth, retries, transport
from genesys_eventbridge.provider.genesys.errors import (
    CORRELATION_HEADER,
    AuthenticationError,
    GenesysError,
    InvalidPathParameterError,
    RateLimitExhaustedError,
    error_from_response,
    parse_error_body,
)
from genesys_eventbridge.provider.genesys.models import (
    EVENTBRIDGE_INTEGRATION_TYPE,
    AvailableTopic,
    Integration,
    IntegrationConfig,
    IntegrationPage,
    Organization,
)
from genesys_eventbridge.provider.genesys.settings import Settings

logger = logging.getLogger("genesys_eventbridge.provider.genesys")

# The permission each call needs (the facts table), named in PermissionDeniedError.
PERMISSION_ADD = "integrations:integration:add"
PERMISSION_VIEW = "integrations:integration:view"
PERMISSION_EDIT = "integrations:integration:edit"
PERMISSION_DELETE = "integrations:integration:delete"

PAGE_SIZE = 100  # the largest page Genesys serves
MAX_PAGES = 10_000  # a guard against a server that never stops paging

INTEGRATIONS_PATH = "/api/v2/integrations"
ORGANIZATION_PATH = "/api/v2/organizations/me"
TOPICS_PATH = "/api/v2/notifications/availabletopics"

STATIC_TOKEN_REFUSED = (
    "the access token set in genesyscloud:accessToken (GENESYSCLOUD_ACCESS_TOKEN) is invalid or"
    " expired (a given token is used as is, never renewed): set a fresh token, or set"
    " genesyscloud:oauthclientId and genesyscloud:oauthclientSecret"
    " (GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET) so the provider fetches its"
    " own"
)

# Canonical 8-4-4-4-12 hex; fullmatch, so no trailing newline, slash, query or encoding slips in.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

_CacheKey = tuple[str, str]
_ORG_IDS: dict[_CacheKey, str] = {}
_TOPICS: dict[_CacheKey, tuple[AvailableTopic, ...]] = {}
_TOPICS_LOCK = threading.Lock()
# A failed catalog fetch is remembered this long, so a preview of many resources during an outage
# waits for the retry budget once, not once per resource.
TOPICS_FAILURE_TTL = 60.0
_TOPICS_FAILURES: dict[_CacheKey, tuple[float, Exception]] = {}

_M = TypeVar("_M", bound=BaseModel)


def check_integration_id(value: object) -> str:
    """Return `value` if it is a canonical UUID, else raise InvalidPathParameterError."""
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise InvalidPathParameterError(
            "integration id", value, "a UUID (8-4-4-4-12 hexadecimal digits)"
        )
    return value


def clear_caches() -> None:
    """Forget the cached org ids and topic catalogs."""
    with _TOPICS_LOCK:
        _ORG_IDS.clear()
        _TOPICS.clear()
        _TOPICS_FAILURES.clear()


class GenesysClient:
    """Genesys Cloud Platform API client for EventBridge integrations."""

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

    def __repr__(self) -> str:
        return (
            f"GenesysClient(api_base_url={self.settings.api_base_url!r},"
            f" client_id={self.settings.client_id!r})"
        )

    @property
    def last_correlation_id(self) -> str | None:
        """The `inin-correlation-id` of the last API reply this client saw in this thread."""
        value: str | None = getattr(self._local, "correlation_id", None)
        return value

    @property
    def _cache_key(self) -> _CacheKey:
        return (self.settings.api_base_url, self.settings.client_id or "")

    # --- calls -------------------------------------------------------------------------------

    def organization(self) -> Organization:
        """GET the OAuth client's org (id and name); also fills the org id cache."""
        response = self._request("GET", ORGANIZATION_PATH)
        org = self._parse(Organization, response, "GET", ORGANIZATION_PATH)
        _ORG_IDS[self._cache_key] = org.id
        return org

    def org_id(self) -> str:
        """The id of the OAuth client's org (cached per process per API base and client id)."""
        cached = _ORG_IDS.get(self._cache_key)
        return cached if cached is not None else self.organization().id

    def create_integration(
        self, name: str, *, integration_type: str = EVENTBRIDGE_INTEGRATION_TYPE
    ) -> Integration:
        """POST a new integration (config version 1, DISABLED); never repeated without a reply.

        The body is the SDK's CreateIntegrationRequest: name and type only. Notes belong to the
        configuration (put_integration_config).
        """
        body: dict[str, Any] = {"integrationType": {"id": integration_type}, "name": name}
        response = self._request("POST", INTEGRATIONS_PATH, json=body, permission=PERMISSION_ADD)
        return self._parse(Integration, response, "POST", INTEGRATIONS_PATH)

    def get_integration(self, integration_id: str) -> Integration:
        """GET one integration."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}"
        response = self._request("GET", path, permission=PERMISSION_VIEW)
        return self._parse(Integration, response, "GET", path)

    def get_integration_config(self, integration_id: str) -> IntegrationConfig:
        """GET an integration's current configuration (with its version)."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}/config/current"
        response = self._request("GET", path, permission=PERMISSION_VIEW)
        return self._parse(IntegrationConfig, response, "GET", path)

    def put_integration_config(
        self, integration_id: str, config: IntegrationConfig
    ) -> IntegrationConfig:
        """PUT the config; `config.version` must be the current one (VersionMismatchError)."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}/config/current"
        if config.version is None:
            raise ValueError(
                "put_integration_config needs config.version (the current version, from"
                " get_integration_config)"
            )
        response = self._request(
            "PUT", path, json=config.to_json(), permission=PERMISSION_EDIT, versioned=True
        )
        return self._parse(IntegrationConfig, response, "PUT", path)

    def set_intended_state(
        self, integration_id: str, state: Literal["ENABLED", "DISABLED"]
    ) -> Integration:
        """PATCH intendedState (ENABLED starts activation; poll reported_state for the outcome)."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}"
        if state not in ("ENABLED", "DISABLED"):
            raise ValueError(f"state must be 'ENABLED' or 'DISABLED', got {state!r}")
        response = self._request(
            "PATCH", path, json={"intendedState": state}, permission=PERMISSION_EDIT
        )
        return self._parse(Integration, response, "PATCH", path)

    def delete_integration(self, integration_id: str) -> Integration | None:
        """DELETE an integration; None when it was already gone (404) or the reply has no body."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}"
        response = self._request("DELETE", path, permission=PERMISSION_DELETE, missing_ok=True)
        if response.status_code == 404 or not response.content.strip():
            return None
        return self._parse(Integration, response, "DELETE", path)

    def list_integrations(
        self, integration_type: str | None = EVENTBRIDGE_INTEGRATION_TYPE
    ) -> list[Integration]:
        """Every integration (of `integration_type`; None for all types), paging 100 at a time."""
        found: dict[str, Integration] = {}
        for page_number in range(1, MAX_PAGES + 1):
            params: dict[str, str | int] = {"pageSize": PAGE_SIZE, "pageNumber": page_number}
            if integration_type is not None:
                params["integrationType"] = integration_type
            response = self._request(
                "GET", INTEGRATIONS_PATH, params=params, permission=PERMISSION_VIEW
            )
            page = self._parse(IntegrationPage, response, "GET", INTEGRATIONS_PATH)
            for integration in page.entities:
                # The filter is applied here too, in case a server ignores it; a listing that
                # shifts while paging must not yield the same integration twice.
                if integration_type is None or integration.type_id in (None, integration_type):
                    found.setdefault(integration.id, integration)
            if not page.entities:
                break
            if page.page_count is not None:
                if page_number >= page.page_count:
                    break
            elif len(page.entities) < PAGE_SIZE:
                break
        return list(found.values())

    def count_integrations(self, integration_type: str = EVENTBRIDGE_INTEGRATION_TYPE) -> int:
        """How many integrations of `integration_type` exist: one call when the server filters."""
        return self.integration_census(integration_type)[0]

    def integration_census(
        self, integration_type: str = EVENTBRIDGE_INTEGRATION_TYPE
    ) -> tuple[int, list[Integration]]:
        """How many integrations of `integration_type` exist, and those the count saw.

        The first page's `total` is the count when every entity on it is of the type (the
        server honoured the filter): one call, and the integrations seen are that page's (all of
        them below PAGE_SIZE). Otherwise the integrations are listed and counted.
        """
        params: dict[str, str | int] = {
            "pageSize": PAGE_SIZE,
            "pageNumber": 1,
            "integrationType": integration_type,
        }
        response = self._request(
            "GET", INTEGRATIONS_PATH, params=params, permission=PERMISSION_VIEW
        )
        page = self._parse(IntegrationPage, response, "GET", INTEGRATIONS_PATH)
        filtered = all(i.type_id in (None, integration_type) for i in page.entities)
        if filtered and (page.page_count or 1) <= 1 and len(page.entities) < PAGE_SIZE:
            unique = list({i.id: i for i in page.entities}.values())
            return len(unique), unique
        if filtered and page.total is not None and page.total >= len(page.entities):
            return page.total, list(page.entities)
        listed = self.list_integrations(integration_type)
        return len(listed), listed

    def available_topics(self) -> list[AvailableTopic]:
        """The org's notification topic catalog, with transports (cached per process)."""
        key = self._cache_key
        cached = _TOPICS.get(key)
        if cached is None:
            # One fetch per key even when several threads ask at once.
            with _TOPICS_LOCK:
                cached = _TOPICS.get(key)
                if cached is None:
                    failed = _TOPICS_FAILURES.get(key)
                    if failed is not None and time.monotonic() - failed[0] < TOPICS_FAILURE_TTL:
                        raise failed[1]
                    try:
                        cached = self._fetch_topics()
                    except GenesysError as err:
                        _TOPICS_FAILURES[key] = (time.monotonic(), err)
                        raise
                    _TOPICS[key] = cached
        return list(cached)

    def _fetch_topics(self) -> tuple[AvailableTopic, ...]:
        # One fetch serves the topic and the filter checks; the SDK sends a list comma-joined.
        params = {"expand": "transports,schema", "includePreview": "true"}
        response = self._request("GET", TOPICS_PATH, params=params)
        data = self._json(response, "GET", TOPICS_PATH)
        entities = data.get("entities") if isinstance(data, dict) else data
        if not isinstance(entities, list):
            raise self._bad_reply(response, "GET", TOPICS_PATH, "no list of topics")
        try:
            return tuple(AvailableTopic.model_validate(item) for item in entities)
        except ValidationError as err:
            raise self._bad_reply(response, "GET", TOPICS_PATH, _first_error(err)) from None

    # --- plumbing ------------------------------------------------------------------------------

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
                raise RateLimitExhaustedError(
                    "every token in hand is"
                    f" {'paused by a 429' if err.paused else 'out of request budget'} for"
                    f" {err.seconds:.1f} s more, beyond this call's retry budget",
                    waited=settings.retry_budget - max(0.0, deadline - time.monotonic()),
                    attempts=len(leases),
                    budget=settings.retry_budget,
                    last="429" if err.paused else "paced",
                    method=method,
                    path=path,
                ) from None
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

    def _json(self, response: httpx.Response, method: str, path: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise self._bad_reply(response, method, path, "the body is not JSON") from None

    def _parse(self, model: type[_M], response: httpx.Response, method: str, path: str) -> _M:
        data = self._json(response, method, path)
        try:
            return model.model_validate(data)
        except ValidationError as err:
            raise self._bad_reply(response, method, path, _first_error(err)) from None

    @staticmethod
    def _bad_reply(response: httpx.Response, method: str, path: str, why: str) -> GenesysError:
        return GenesysError(
            f"the reply is not what this client expects ({why})",
            status=response.status_code,
            code="unexpected.response",
            correlation_id=response.headers.get(CORRELATION_HEADER),
            method=method,
            path=path,
            action=(
                "check that genesyscloud:apiBaseUrl (GENESYSCLOUD_API_BASE_URL) points at the"
                " Genesys Cloud Platform API"
            ),
        )


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    return f"{where}: {first.get('msg', 'invalid')}"
