"""A baseline Genesys client that makes the calls the CX as Code Terraform provider makes.

The call sequences follow MyPureCloud/terraform-provider-genesyscloud `genesyscloud/integration/`:
- create: POST, then GET config/current + PUT config/current (repeated on a version mismatch),
  PATCH intendedState, then the read-back: GET the integration and GET its config;
- update: GET config/current + PUT config/current, then the read-back (GET, GET config);
- read: GET the integration and GET its config;
- delete: DELETE, then poll GET until 404.
Tokens as CX as Code holds them: a pool of `token_pool_size` SDK clients (10 by default), each
authorized with its own token when the pool is made; a resource operation takes a client from the
pool for its whole duration and gives it back after (waiting when none is free). Each client keeps
its connection. A 429 is waited out for its Retry-After, as the Genesys SDKs do, so the baseline
is never penalised for a limit it hit.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any

import httpx

EVENTBRIDGE = "amazon-eventbridge-source"
VERSION_ATTEMPTS = 10
DELETE_POLL = 0.1
DELETE_WAIT = 30.0
POOL_SIZE = 10  # CX as Code's token_pool_size default


class BaselineError(Exception):
    """A call the baseline could not complete."""


class BaselineClient:
    """One SDK client of the pool: its own token, its own connection."""

    def __init__(self, base_url: str, client_id: str, client_secret: str) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=30.0, trust_env=False)
        response = self._http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, client_secret),
        )
        response.raise_for_status()
        self._token: str = response.json()["access_token"]

    def close(self) -> None:
        """Close the connection."""
        self._http.close()

    def call(self, method: str, path: str, body: Any = None, ok_404: bool = False) -> Any:
        """One API call, 429s waited out for their Retry-After."""
        while True:
            response = self._http.request(
                method, path, json=body, headers={"Authorization": f"Bearer {self._token}"}
            )
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            if ok_404 and response.status_code == 404:
                return None
            if response.is_error:
                raise BaselineError(f"{method} {path} answered {response.status_code}")
            return response.json() if response.content else None


class BaselinePool:
    """CX as Code's SDK client pool: every client authorized up front, one per operation."""

    def __init__(
        self, base_url: str, client_id: str, client_secret: str, size: int = POOL_SIZE
    ) -> None:
        with ThreadPoolExecutor(size) as pool:
            clients = list(
                pool.map(lambda _: BaselineClient(base_url, client_id, client_secret), range(size))
            )
        self._free: queue.Queue[BaselineClient] = queue.Queue()
        for client in clients:
            self._free.put(client)
        self._all = clients

    def operation(self) -> BaselineOperation:
        """A resource operation holding one client of the pool until it ends."""
        return BaselineOperation(self)

    def take(self) -> BaselineClient:
        """A free client (waits for one)."""
        return self._free.get()

    def give_back(self, client: BaselineClient) -> None:
        """Return a client to the pool."""
        self._free.put(client)

    def close(self) -> None:
        """Close every client."""
        for client in self._all:
            client.close()


class BaselineOperation:
    """One resource operation, with the calls CX as Code makes for it."""

    def __init__(self, pool: BaselinePool) -> None:
        self._pool = pool
        self._client: BaselineClient | None = None

    def __enter__(self) -> BaselineOperation:
        self._client = self._pool.take()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._client is not None
        self._pool.give_back(self._client)
        self._client = None

    def _call(self, method: str, path: str, body: Any = None, ok_404: bool = False) -> Any:
        assert self._client is not None, "use the operation as a context manager"
        return self._client.call(method, path, body, ok_404)

    def _put_config(self, integration_id: str, properties: Mapping[str, Any], name: str) -> None:
        path = f"/api/v2/integrations/{integration_id}/config/current"
        for attempt in range(VERSION_ATTEMPTS):
            current = self._call("GET", path)
            body = {**current, "name": name, "properties": dict(properties), "advanced": {}}
            try:
                self._call("PUT", path, body)
                return
            except BaselineError as err:
                if "409" not in str(err) or attempt == VERSION_ATTEMPTS - 1:
                    raise

    def read(self, integration_id: str) -> dict[str, Any]:
        """GET the integration and its config."""
        integration = self._call("GET", f"/api/v2/integrations/{integration_id}")
        config = self._call("GET", f"/api/v2/integrations/{integration_id}/config/current")
        return {"integration": integration, "config": config}

    def create(self, name: str, properties: Mapping[str, Any], enabled: bool = True) -> str:
        """POST, configure, enable, read back; return the id."""
        body = {"integrationType": {"id": EVENTBRIDGE}}
        created = self._call("POST", "/api/v2/integrations", body)
        integration_id: str = created["id"]
        self._put_config(integration_id, properties, name)
        state = "ENABLED" if enabled else "DISABLED"
        self._call("PATCH", f"/api/v2/integrations/{integration_id}", {"intendedState": state})
        self.read(integration_id)
        return integration_id

    def update(self, integration_id: str, name: str, properties: Mapping[str, Any]) -> None:
        """PUT the new config, read back."""
        self._put_config(integration_id, properties, name)
        self.read(integration_id)

    def delete(self, integration_id: str) -> None:
        """DELETE, then poll GET until 404."""
        self._call("DELETE", f"/api/v2/integrations/{integration_id}", ok_404=True)
        deadline = time.monotonic() + DELETE_WAIT
        while time.monotonic() < deadline:
            if self._call("GET", f"/api/v2/integrations/{integration_id}", ok_404=True) is None:
                return
            time.sleep(DELETE_POLL)
        raise BaselineError(f"integration {integration_id} still exists after {DELETE_WAIT} s")
