"""GenesysEmulator: the public face of the emulator (lifecycle, knobs, faults, log, state)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from types import TracebackType
from typing import Any, NoReturn

from . import catalog
from .api import GenesysApi
from .auth import Authority
from .faults import Fault, FaultKind, FaultQueue
from .requestlog import RequestLog, RequestRecord
from .server import CONNECTION_TIMEOUT, HOST, EmulatorServer
from .store import EVENTBRIDGE_TYPE, IntegrationStore


class GenesysEmulator:
    """An in-process Genesys Cloud org (OAuth + the integrations API) on 127.0.0.1."""

    def __init__(
        self,
        client_id: str = "emulator-client",
        client_secret: str | None = None,
        org_id: str | None = None,
        port: int = 0,
        activation_delay: float = 0.05,
        token_ttl: float = 86400,
        rate_limit_per_minute: int | None = None,
        latency: float = 0.0,
        permissions: Iterable[str] | None = None,
        org_name: str = "Emulated Org",
        connection_timeout: float = CONNECTION_TIMEOUT,
    ) -> None:
        self._authority = Authority(
            client_id,
            client_secret or f"emulator-secret-{secrets.token_hex(12)}",
            token_ttl=token_ttl,
            rate_limit_per_minute=rate_limit_per_minute,
            permissions=permissions,
        )
        self._org_id = org_id or str(uuid.uuid4())
        self._store = IntegrationStore(catalog.eventbridge_topic_ids(), activation_delay)
        self._faults = FaultQueue()
        self._log = RequestLog()
        self._api = GenesysApi(
            store=self._store,
            authority=self._authority,
            faults=self._faults,
            request_log=self._log,
            org_id=self._org_id,
            org_name=org_name,
            latency=latency,
        )
        # Seconds a connection may idle or trickle a request before the emulator closes it.
        self._server = EmulatorServer(self._api, port, connection_timeout)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> GenesysEmulator:
        """Start serving; returns once the socket is listening."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket and open connections (safe to call twice)."""
        self._server.stop()

    def __enter__(self) -> GenesysEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return f"GenesysEmulator({where}, client_id={self.client_id!r}, org_id={self.org_id!r})"

    def __reduce__(self) -> NoReturn:
        # Pickling would carry the client secret and live tokens; an emulator is not data.
        raise TypeError("GenesysEmulator cannot be pickled")

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server.port is not None

    @property
    def port(self) -> int:
        """The bound port (only while running)."""
        port = self._server.port
        if port is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return port

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>, serving both /oauth/token and /api/v2/..."""
        return f"http://{HOST}:{self.port}"

    # -- identity and settings -------------------------------------------------------------

    @property
    def client_id(self) -> str:
        """The OAuth client id the token endpoint accepts."""
        return self._authority.client_id

    @property
    def client_secret(self) -> str:
        """The OAuth client secret the token endpoint accepts."""
        return self._authority.client_secret

    @property
    def org_id(self) -> str:
        """The org id GET /api/v2/organizations/me answers."""
        return self._org_id

    def settings_env(self) -> dict[str, str]:
        """GENESYSCLOUD_* environment variables pointing a client at this emulator."""
        return {
            "GENESYSCLOUD_OAUTHCLIENT_ID": self.client_id,
            "GENESYSCLOUD_OAUTHCLIENT_SECRET": self.client_secret,
            "GENESYSCLOUD_REGION": "us-east-1",
            "GENESYSCLOUD_API_BASE_URL": self.base_url,
            "GENESYSCLOUD_LOGIN_BASE_URL": self.base_url,
            # The emulator speaks plain http on loopback: the client refuses that without this.
            "GENESYSCLOUD_ALLOW_INSECURE_HTTP": "true",
        }

    def settings_config(self) -> dict[str, str]:
        """The same settings as genesyscloud:* Pulumi config keys."""
        return {
            "genesyscloud:oauthclientId": self.client_id,
            "genesyscloud:oauthclientSecret": self.client_secret,
            "genesyscloud:region": "us-east-1",
            "genesyscloud:apiBaseUrl": self.base_url,
            "genesyscloud:loginBaseUrl": self.base_url,
            "genesyscloud:allowInsecureHttp": "true",
        }

    # -- knobs (changeable while running) -------------------------------------------------

    @property
    def activation_delay(self) -> float:
        """Seconds ACTIVATING -> ACTIVE and DEACTIVATING -> INACTIVE."""
        return self._store.activation_delay

    @activation_delay.setter
    def activation_delay(self, seconds: float) -> None:
        self._store.activation_delay = seconds

    @property
    def fail_activation(self) -> bool:
        """When set, activations (and re-validations) end in ERROR with a detail."""
        return self._store.fail_activation

    @fail_activation.setter
    def fail_activation(self, value: bool) -> None:
        self._store.fail_activation = value

    @property
    def latency(self) -> float:
        """Seconds added to every reply."""
        return self._api.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._api.latency = seconds

    @property
    def token_ttl(self) -> float:
        """Token lifetime in seconds (also the expires_in of new tokens)."""
        return self._authority.token_ttl

    @token_ttl.setter
    def token_ttl(self, seconds: float) -> None:
        self._authority.token_ttl = seconds

    @property
    def rate_limit_per_minute(self) -> int | None:
        """Requests allowed per token per sliding 60 s, or None for no limit."""
        return self._authority.rate_limit_per_minute

    @rate_limit_per_minute.setter
    def rate_limit_per_minute(self, limit: int | None) -> None:
        self._authority.rate_limit_per_minute = limit

    @property
    def rate_headers(self) -> bool:
        """Whether API replies state the token's budget (inin-ratelimit-*); True by default."""
        return self._authority.states_budget

    @rate_headers.setter
    def rate_headers(self, on: bool) -> None:
        self._authority.states_budget = on

    @property
    def permissions(self) -> frozenset[str] | None:
        """The granted permissions, or None when all are granted."""
        return self._authority.permissions

    def revoke_permission(self, permission: str) -> None:
        """Stop granting a permission: calls needing it answer 403."""
        self._authority.revoke(permission)

    def grant_permission(self, permission: str) -> None:
        """Grant a permission again."""
        self._authority.grant_permission(permission)

    def expire_token(self, number: int) -> None:
        """The `number`-th token granted (1-based) answers 401 from now on; others still work."""
        self._authority.expire_token(number)

    def expire_tokens(self) -> None:
        """Every token issued so far answers 401 from now on."""
        self._authority.expire_tokens()

    def issued_tokens(self) -> list[str]:
        """Every access token granted so far (so tests can scan output for leaked tokens)."""
        return self._authority.issued_tokens()

    # -- faults ---------------------------------------------------------------------------

    def inject_status(
        self,
        status: int = 503,
        count: int = 1,
        retry_after: int | str | None = None,
        method: str | None = None,
        path_contains: str | None = None,
        after: int = 0,
        token: int | None = None,
        message: str | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        context_id: str | None = None,
    ) -> None:
        """The next `count` matching requests (past the first `after`) answer `status`.

        `token`: only requests bearing the token of that issue number (1 = the first granted).
        `message` and `headers` shape the error reply (e.g. a 429 naming an org-wide limit);
        `code` and `context_id` replace the error body's defaults (e.g. a hostile server text).
        """
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        self._faults.add(
            Fault(
                FaultKind.STATUS,
                count,
                method,
                path_contains,
                status=status,
                retry_after=retry_after,
                after=after,
                token=token,
                message=message,
                headers=headers,
                code=code,
                context_id=context_id,
            )
        )

    def inject_delay(
        self,
        seconds: float,
        count: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """The next `count` matching requests wait `seconds`, then are processed normally."""
        self._faults.add(Fault(FaultKind.DELAY, count, method, path_contains, seconds=seconds))

    def inject_drop_after_commit(
        self,
        count: int = 1,
        method: str | None = "POST",
        path_contains: str | None = None,
    ) -> None:
        """The next `count` matching requests are processed and committed, then the connection
        closes without a reply."""
        self._faults.add(Fault(FaultKind.DROP_AFTER_COMMIT, count, method, path_contains))

    def inject_drop(
        self,
        count: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """The next `count` matching requests are not processed; the connection just closes."""
        self._faults.add(Fault(FaultKind.DROP, count, method, path_contains))

    def inject_version_conflict(self, count: int = 1) -> None:
        """The next `count` PUT config calls answer 409 and bump the stored version."""
        self._faults.add(Fault(FaultKind.VERSION_CONFLICT, count, "PUT", "/config/current"))

    def clear_faults(self) -> None:
        """Forget every fault not yet used."""
        self._faults.clear()

    # -- request log ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request so far, oldest first."""
        return self._log.records()

    def count(
        self,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> int:
        """How many logged requests match all the given filters."""
        return self._log.count(method, path_contains, status)

    @property
    def token_requests(self) -> int:
        """Successful POST /oauth/token calls."""
        return self._log.token_grants

    def reset_log(self) -> None:
        """Clear the request log and the token grant count."""
        self._log.reset()

    # -- direct state access (no HTTP) ----------------------------------------------------

    def integrations(self) -> list[dict[str, Any]]:
        """Integration JSON of every integration, in creation order."""
        return self._store.find()

    def integration(self, integration_id: str) -> dict[str, Any]:
        """Integration JSON of one integration (KeyError if unknown)."""
        return self._store.get(integration_id)

    def integration_config(self, integration_id: str) -> dict[str, Any]:
        """IntegrationConfiguration JSON of one integration (KeyError if unknown)."""
        return self._store.config(integration_id)

    def add_topic(
        self, topic_id: str, description: str, transports: Iterable[str] = (catalog.ALL,)
    ) -> None:
        """Add a topic to the catalog (e.g. one whose description a test needs)."""
        self._api.extra_topics.append(
            {
                "id": topic_id,
                "description": description,
                "transports": list(transports),
                "visibility": "Public",
                "topicParameters": [],
            }
        )

    def seed_integration(
        self,
        name: str,
        properties: dict[str, Any] | None = None,
        intended_state: str = "DISABLED",
        integration_type: str = EVENTBRIDGE_TYPE,
        notes: str | None = None,
    ) -> str:
        """Add an integration directly (config version 1; ENABLED ones are already settled)."""
        created = self._store.create(
            name,
            integration_type,
            notes,
            properties=properties,
            intended_state=intended_state,
        )
        return str(created["id"])

    def edit_config(self, integration_id: str, **properties: Any) -> dict[str, Any]:
        """Out-of-band edit: merge properties into the config and bump its version."""
        return self._store.edit_properties(integration_id, properties)

    def delete_integration(self, integration_id: str) -> dict[str, Any]:
        """Out-of-band delete (KeyError if unknown); returns the deleted Integration JSON."""
        return self._store.delete(integration_id)
