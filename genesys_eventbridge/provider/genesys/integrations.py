"""The integration calls: create, read, configure, enable or disable, delete, list and count."""

from __future__ import annotations

import re
from typing import Any, Literal

from genesys_eventbridge.provider.genesys.errors import InvalidPathParameterError
from genesys_eventbridge.provider.genesys.models import (
    EVENTBRIDGE_INTEGRATION_TYPE,
    Integration,
    IntegrationConfig,
    IntegrationPage,
)
from genesys_eventbridge.provider.genesys.replies import reply_model
from genesys_eventbridge.provider.genesys.session import ApiSession

# The permission each call needs (the facts table), named in PermissionDeniedError.
PERMISSION_ADD = "integrations:integration:add"
PERMISSION_VIEW = "integrations:integration:view"
PERMISSION_EDIT = "integrations:integration:edit"
PERMISSION_DELETE = "integrations:integration:delete"

PAGE_SIZE = 100  # the largest page Genesys serves
MAX_PAGES = 10_000  # a guard against a server that never stops paging

INTEGRATIONS_PATH = "/api/v2/integrations"

# Canonical 8-4-4-4-12 hex; fullmatch, so no trailing newline, slash, query or encoding slips in.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def check_integration_id(value: object) -> str:
    """Return `value` if it is a canonical UUID, else raise InvalidPathParameterError."""
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise InvalidPathParameterError(
            "integration id", value, "a UUID (8-4-4-4-12 hexadecimal digits)"
        )
    return value


class IntegrationCalls(ApiSession):
    """The /api/v2/integrations calls, typed, each naming the permission it needs."""

    def create_integration(
        self, name: str, *, integration_type: str = EVENTBRIDGE_INTEGRATION_TYPE
    ) -> Integration:
        """POST a new integration (config version 1, DISABLED); never repeated without a reply.

        The body is the SDK's CreateIntegrationRequest: name and type only. Notes belong to the
        configuration (put_integration_config).
        """
        body: dict[str, Any] = {"integrationType": {"id": integration_type}, "name": name}
        response = self._request("POST", INTEGRATIONS_PATH, json=body, permission=PERMISSION_ADD)
        return reply_model(Integration, response, "POST", INTEGRATIONS_PATH)

    def get_integration(self, integration_id: str) -> Integration:
        """GET one integration."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}"
        response = self._request("GET", path, permission=PERMISSION_VIEW)
        return reply_model(Integration, response, "GET", path)

    def get_integration_config(self, integration_id: str) -> IntegrationConfig:
        """GET an integration's current configuration (with its version)."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}/config/current"
        response = self._request("GET", path, permission=PERMISSION_VIEW)
        return reply_model(IntegrationConfig, response, "GET", path)

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
        return reply_model(IntegrationConfig, response, "PUT", path)

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
        return reply_model(Integration, response, "PATCH", path)

    def delete_integration(self, integration_id: str) -> Integration | None:
        """DELETE an integration; None when it was already gone (404) or the reply has no body."""
        path = f"{INTEGRATIONS_PATH}/{check_integration_id(integration_id)}"
        response = self._request("DELETE", path, permission=PERMISSION_DELETE, missing_ok=True)
        if response.status_code == 404 or not response.content.strip():
            return None
        return reply_model(Integration, response, "DELETE", path)

    def list_integrations(
        self, integration_type: str | None = EVENTBRIDGE_INTEGRATION_TYPE
    ) -> list[Integration]:
        """Every integration (of `integration_type`; None for all types), paging 100 at a time."""
        found: dict[str, Integration] = {}
        for page_number in range(1, MAX_PAGES + 1):
            params: dict[str, str | int] = {"pageSize": PAGE_SIZE, "pageNumber": page_number}
            if integration_type is not None:
                params["integrationType"] = integration_type
            page = self._integration_page(params)
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
        page = self._integration_page(params)
        filtered = all(i.type_id in (None, integration_type) for i in page.entities)
        if filtered and (page.page_count or 1) <= 1 and len(page.entities) < PAGE_SIZE:
            unique = list({i.id: i for i in page.entities}.values())
            return len(unique), unique
        if filtered and page.total is not None and page.total >= len(page.entities):
            return page.total, list(page.entities)
        listed = self.list_integrations(integration_type)
        return len(listed), listed

    def _integration_page(self, params: dict[str, str | int]) -> IntegrationPage:
        """GET one page of the integrations listing."""
        response = self._request(
            "GET", INTEGRATIONS_PATH, params=params, permission=PERMISSION_VIEW
        )
        return reply_model(IntegrationPage, response, "GET", INTEGRATIONS_PATH)
