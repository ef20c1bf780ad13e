"""Inspection: what tests read and arrange behind the API (the request log and the store)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import catalog
from .api import GenesysApi
from .requestlog import RequestLog, RequestRecord
from .store import EVENTBRIDGE_TYPE, IntegrationStore


class Inspection:
    """The request log, and the org's state read and edited without HTTP (mixed into
    GenesysEmulator)."""

    _log: RequestLog
    _store: IntegrationStore
    _api: GenesysApi

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
