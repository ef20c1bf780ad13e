"""GenesysEmulator: the public face of the emulator.

Lifecycle, identity and client settings live here; the knobs (knobs.py), fault injection
(fault_controls.py) and the request log and state access (inspection.py) are mixed in.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from types import TracebackType
from typing import NoReturn

from . import catalog
from .api import GenesysApi
from .auth import Authority
from .fault_controls import FaultControls
from .faults import FaultQueue
from .inspection import Inspection
from .knobs import Knobs
from .requestlog import RequestLog
from .server import CONNECTION_TIMEOUT, HOST, EmulatorServer
from .store import IntegrationStore


class GenesysEmulator(Knobs, FaultControls, Inspection):
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
