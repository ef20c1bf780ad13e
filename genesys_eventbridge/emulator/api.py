"""The emulated platform: routes one parsed request to a reply (no sockets here)."""

from __future__ import annotations

import copy
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from . import catalog
from .auth import Authority, TokenRequestError, authorization_kind
from .errors import ApiError, field_error
from .faults import OUTCOME_KINDS, FaultKind, FaultQueue
from .paging import envelope, page_params
from .requestlog import RequestLog, RequestRecord
from .store import (
    DISABLED,
    ENABLED,
    KNOWN_TYPES,
    IntegrationStore,
    UnknownIntegrationError,
    version_mismatch,
)

log = logging.getLogger(__name__)

VIEW = "integrations:integration:view"
ADD = "integrations:integration:add"
EDIT = "integrations:integration:edit"
DELETE = "integrations:integration:delete"
TOKEN_PATH = "/oauth/token"
# Replies under this prefix carry the calling token's rate-limit budget.
API_PREFIX = "/api/v2/"
# The JSON names of the SDK's CreateIntegrationRequest: all a POST /api/v2/integrations may hold.
CREATE_INTEGRATION_FIELDS = ("id", "name", "integrationType", "selfUri")


@dataclass
class Request:
    """One HTTP request as the transport parsed it (headers keyed in lower case)."""

    method: str
    path: str
    query_string: str
    headers: Mapping[str, str]
    body: bytes = b""


@dataclass
class Reply:
    """What to send back; `drop` means close the connection without sending anything."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


@dataclass
class _Call:
    """Per-request context the routes may annotate."""

    request: Request
    query: dict[str, str]
    params: dict[str, str]
    fault: str | None = None


_Handler = Callable[[_Call], Any]


_SENSITIVE = ("secret", "token", "password", "assertion", "code")


def redacted(query: dict[str, str]) -> dict[str, str]:
    """The query for the request log, with credential-like values masked."""
    return {
        key: "<redacted>" if any(word in key.lower() for word in _SENSITIVE) else value
        for key, value in query.items()
    }


def _json_or_none(raw: bytes) -> Any:
    """A request body as JSON, or None when it is empty or not JSON."""
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def flatten_query(query_string: str) -> dict[str, str]:
    """Parsed query; a repeated key's values are joined with commas (the platform's list form)."""
    parsed = parse_qs(query_string, keep_blank_values=True)
    return {key: ",".join(values) for key, values in parsed.items()}


class GenesysApi:
    """Turns requests into replies: faults, auth, rate limit, permissions, then the route."""

    def __init__(
        self,
        *,
        store: IntegrationStore,
        authority: Authority,
        faults: FaultQueue,
        request_log: RequestLog,
        org_id: str,
        org_name: str,
        latency: float,
    ) -> None:
        self.store = store
        self.authority = authority
        self.faults = faults
        self.request_log = request_log
        self.org_id = org_id
        self.org_name = org_name
        self.latency = latency
        # Topics added to the catalog by a test (after the built-in ones).
        self.extra_topics: list[dict[str, Any]] = []
        # (path pattern, {method: (handler, permission or None, needs a bearer token)})
        self._routes: list[tuple[re.Pattern[str], dict[str, tuple[_Handler, str | None, bool]]]] = [
            (re.compile(re.escape(TOKEN_PATH)), {"POST": (self._token, None, False)}),
            (re.compile(r"/api/v2/organizations/me"), {"GET": (self._org, None, True)}),
            (
                re.compile(r"/api/v2/notifications/availabletopics"),
                {"GET": (self._topics, None, True)},
            ),
            (
                re.compile(r"/api/v2/integrations"),
                {"GET": (self._list, VIEW, True), "POST": (self._create, ADD, True)},
            ),
            (
                re.compile(r"/api/v2/integrations/(?P<id>[^/]+)"),
                {
                    "GET": (self._get, VIEW, True),
                    "PATCH": (self._patch, EDIT, True),
                    "DELETE": (self._delete, DELETE, True),
                },
            ),
            (
                re.compile(r"/api/v2/integrations/(?P<id>[^/]+)/config/current"),
                {"GET": (self._get_config, VIEW, True), "PUT": (self._put_config, EDIT, True)},
            ),
        ]

    # -- pipeline -------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request and record it in the request log."""
        arrived = time.time()
        correlation_id = str(uuid.uuid4())
        call = _Call(request, flatten_query(request.query_string), {})
        drop_after_commit = False
        token = self.authority.token_number(request.headers.get("authorization"))
        if self.latency > 0:
            time.sleep(self.latency)
        try:
            delay = self.faults.take(
                frozenset({FaultKind.DELAY}), request.method, request.path, token
            )
            if delay is not None:
                call.fault = delay.kind.value
                time.sleep(delay.seconds)
            outcome = self.faults.take(OUTCOME_KINDS, request.method, request.path, token)
            if outcome is not None:
                call.fault = outcome.kind.value
            if outcome is not None and outcome.kind is FaultKind.DROP:
                reply = Reply(drop=True)
            elif outcome is not None and outcome.kind is FaultKind.STATUS:
                headers = dict(outcome.headers or {})
                if outcome.retry_after is not None:
                    headers["Retry-After"] = str(outcome.retry_after)
                raise ApiError(
                    outcome.status,
                    outcome.message,
                    code=outcome.code,
                    headers=headers,
                    context_id=outcome.context_id,
                )
            else:
                drop_after_commit = outcome is not None
                reply = self._route(call)
        except ApiError as error:
            reply = Reply(error.status, error.body(correlation_id), dict(error.headers))
        except TokenRequestError as error:
            reply = Reply(error.status, error.body())
        except Exception:  # a bug in the emulator must still answer like the platform would
            log.exception("emulator error on %s %s", request.method, request.path)
            reply = Reply(500, ApiError(500).body(correlation_id))
        if drop_after_commit:
            # The change is committed; the client just never hears about it.
            reply = Reply(drop=True)
        reply.headers["inin-correlation-id"] = correlation_id
        if request.path.startswith(API_PREFIX) and not reply.drop:
            reply.headers.update(self.authority.rate_headers(request.headers.get("authorization")))
        credential = request.path == TOKEN_PATH
        self.request_log.add(
            RequestRecord(
                method=request.method,
                path=request.path,
                query=redacted(call.query),
                status=None if reply.drop else reply.status,
                authorization_kind=authorization_kind(request.headers.get("authorization")),
                ts=arrived,
                correlation_id=correlation_id,
                fault=call.fault,
                body=None if credential else _json_or_none(request.body),
                reply=None if credential or reply.drop else copy.deepcopy(reply.body),
                token=token,
            )
        )
        return reply

    def _route(self, call: _Call) -> Reply:
        request = call.request
        for pattern, methods in self._routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            if request.method not in methods:
                raise ApiError(405, headers={"Allow": ", ".join(sorted(methods))})
            handler, permission, needs_token = methods[request.method]
            if needs_token:
                token = self.authority.authenticate(request.headers.get("authorization"))
                self.authority.check_rate(token)
                if permission is not None:
                    self.authority.require(permission)
            call.params = {k: unquote(v) for k, v in match.groupdict().items()}
            result = handler(call)
            return result if isinstance(result, Reply) else Reply(200, result)
        raise ApiError(404, f"No resource matches {request.method} {request.path}.")

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _json_object(call: _Call) -> dict[str, Any]:
        try:
            body = json.loads(call.request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(400, f"The request body is not valid JSON: {error}.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return body

    @staticmethod
    def _not_found(integration_id: str) -> ApiError:
        return ApiError(
            404,
            f"Unable to find an integration with id {integration_id}.",
            code="not.found",
        )

    def _with_integration(self, call: _Call, action: Callable[[str], Any]) -> Any:
        integration_id = call.params["id"]
        try:
            return action(integration_id)
        except UnknownIntegrationError:
            raise self._not_found(integration_id) from None

    # -- routes ---------------------------------------------------------------------------

    def _token(self, call: _Call) -> Reply:
        form = flatten_query(call.request.body.decode("utf-8", errors="replace"))
        grant = self.authority.grant(
            call.request.headers.get("authorization"), form.get("grant_type")
        )
        self.request_log.count_token_grant()
        return Reply(200, grant)

    def _org(self, call: _Call) -> dict[str, Any]:
        return {
            "id": self.org_id,
            "name": self.org_name,
            "defaultLanguage": "en-us",
            "defaultCountryCode": "US",
            "thirdPartyOrgName": self.org_name.lower().replace(" ", "-"),
            "domain": self.org_name.lower().replace(" ", "-"),
            "state": "active",
            "version": 1,
            "productPlatform": "PureCloud",
            "selfUri": "/api/v2/organizations/me",
        }

    def _topics(self, call: _Call) -> dict[str, Any]:
        expand = {e.strip() for e in call.query.get("expand", "").split(",") if e.strip()}
        include_preview = call.query.get("includePreview", "true").lower() != "false"
        extra = [
            {k: v for k, v in topic.items() if k not in catalog.EXPANDABLE - expand}
            for topic in self.extra_topics
        ]
        return {"entities": catalog.available_topics(expand, include_preview) + extra}

    def _list(self, call: _Call) -> dict[str, Any]:
        size, number = page_params(call.query)
        filters = {
            k: call.query[k]
            for k in ("integrationType", "reportedState", "ids")
            if call.query.get(k)
        }
        ids = set(filters["ids"].split(",")) if "ids" in filters else None
        items = self.store.find(
            integration_type=filters.get("integrationType"),
            reported_state=filters.get("reportedState"),
            ids=ids,
        )
        return envelope(
            items,
            page_size=size,
            page_number=number,
            base_path="/api/v2/integrations",
            filters=filters,
        )

    def _create(self, call: _Call) -> dict[str, Any]:
        body = self._json_object(call)
        # Stricter than the platform may be, on purpose: a body the SDK could not send fails here.
        for key in body:
            if key not in CREATE_INTEGRATION_FIELDS:
                raise field_error(
                    key,
                    f"{key} is not a field of CreateIntegrationRequest"
                    f" ({', '.join(CREATE_INTEGRATION_FIELDS)}); notes and properties belong to"
                    " the configuration: PUT /api/v2/integrations/{id}/config/current.",
                )
        kind = body.get("integrationType")
        type_id = kind.get("id") if isinstance(kind, dict) else None
        if not isinstance(type_id, str) or not type_id:
            raise field_error("integrationType", "integrationType.id is required.")
        if type_id not in KNOWN_TYPES:
            raise field_error("integrationType", f"Unknown integration type {type_id!r}.")
        name = body.get("name", KNOWN_TYPES[type_id])
        if not isinstance(name, str) or not name.strip():
            raise field_error("name", "name must be a non-empty string.")
        return self.store.create(name, type_id)

    def _get(self, call: _Call) -> dict[str, Any]:
        return self._with_integration(call, self.store.get)

    def _patch(self, call: _Call) -> dict[str, Any]:
        body = self._json_object(call)
        state = body.get("intendedState")
        if state not in (ENABLED, DISABLED):
            raise field_error("intendedState", "intendedState must be ENABLED or DISABLED.")
        return self._with_integration(
            call, lambda integration_id: self.store.set_intended_state(integration_id, state)
        )

    def _delete(self, call: _Call) -> dict[str, Any]:
        return self._with_integration(call, self.store.delete)

    def _get_config(self, call: _Call) -> dict[str, Any]:
        return self._with_integration(call, self.store.config)

    def _put_config(self, call: _Call) -> dict[str, Any]:
        body = self._json_object(call)
        version = body.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise field_error("version", "version is required and must be an integer.")
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise field_error("name", "name must be a non-empty string.")
        notes = body.get("notes")
        if notes is not None and not isinstance(notes, str):
            raise field_error("notes", "notes must be a string.")
        objects: dict[str, dict[str, Any]] = {}
        for key in ("properties", "advanced", "credentials"):
            value = body.get(key)
            if value is not None and not isinstance(value, dict):
                raise field_error(key, f"{key} must be a JSON object.")
            objects[key] = value or {}

        def save(integration_id: str) -> dict[str, Any]:
            self.store.config(integration_id)  # 404 before a conflict for an unknown id
            conflict = self.faults.take(
                frozenset({FaultKind.VERSION_CONFLICT}), call.request.method, call.request.path
            )
            if conflict is not None:
                call.fault = conflict.kind.value
                raise version_mismatch(version, self.store.bump_version(integration_id))
            return self.store.put_config(
                integration_id,
                version=version,
                name=name,
                notes=notes,
                properties=objects["properties"],
                advanced=objects["advanced"],
                credentials=objects["credentials"],
            )

        return self._with_integration(call, save)
