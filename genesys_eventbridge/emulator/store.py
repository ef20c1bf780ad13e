"""The emulated org's integrations: configs, versions and lazily computed activation state."""

from __future__ import annotations

import copy
import datetime
import threading
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .validation import activation_problem

EVENTBRIDGE_TYPE = "amazon-eventbridge-source"

# Integration types POST accepts (display names as the platform shows them).
KNOWN_TYPES: dict[str, str] = {
    EVENTBRIDGE_TYPE: "Amazon EventBridge Source",
    "purecloud-data-actions": "Genesys Cloud Data Actions",
    "custom-rest-actions": "Web Services Data Actions",
    "embedded-client-app": "Client Application",
}

ENABLED, DISABLED = "ENABLED", "DISABLED"
_EFFECTIVE = {
    "ACTIVE": "Active",
    "ACTIVATING": "Activating",
    "INACTIVE": "Inactive",
    "DEACTIVATING": "Deactivating",
    "ERROR": "Error",
}


def iso(wall: float) -> str:
    """ISO-8601 UTC with milliseconds, as the platform writes dates."""
    moment = datetime.datetime.fromtimestamp(wall, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class _Activation:
    """One intendedState change; the reported state is derived from it at read time."""

    target: str  # ENABLED or DISABLED
    started_mono: float
    started_wall: float
    settle_mono: float  # when ACTIVATING/DEACTIVATING ends
    problem: dict[str, str] | None = None  # ERROR detail once settled (ENABLED only)

    def state(self, now: float) -> tuple[str, float, dict[str, str] | None]:
        """(code, lastUpdated wall time, detail) at monotonic time `now`."""
        if now < self.settle_mono:
            code = "ACTIVATING" if self.target == ENABLED else "DEACTIVATING"
            return code, self.started_wall, None
        settled_wall = self.started_wall + (self.settle_mono - self.started_mono)
        if self.target == DISABLED:
            return "INACTIVE", settled_wall, None
        if self.problem is not None:
            return "ERROR", settled_wall, self.problem
        return "ACTIVE", settled_wall, None


@dataclass
class _Integration:
    id: str
    name: str
    integration_type: str
    notes: str | None
    activation: _Activation
    version: int = 1
    properties: dict[str, Any] = field(default_factory=dict)
    advanced: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, Any] = field(default_factory=dict)
    config_notes: str | None = None

    @property
    def intended_state(self) -> str:
        return self.activation.target


class UnknownIntegrationError(KeyError):
    """No integration has this id (the API layer answers 404)."""


class IntegrationStore:
    """Thread-safe org state. Unknown ids raise UnknownIntegrationError (a KeyError)."""

    def __init__(self, topics: Collection[str], activation_delay: float) -> None:
        self._lock = threading.RLock()
        self._items: dict[str, _Integration] = {}
        self._topics = frozenset(topics)
        self.activation_delay = activation_delay
        self.fail_activation = False

    def _rec(self, integration_id: str) -> _Integration:
        try:
            return self._items[integration_id]
        except KeyError:
            raise UnknownIntegrationError(integration_id) from None

    # -- snapshots ------------------------------------------------------------------------

    def _integration_json(self, rec: _Integration, now: float) -> dict[str, Any]:
        code, updated, detail = rec.activation.state(now)
        reported: dict[str, Any] = {
            "code": code,
            "effective": _EFFECTIVE[code],
            "lastUpdated": iso(updated),
        }
        if detail is not None:
            reported["detail"] = dict(detail)
        body: dict[str, Any] = {
            "id": rec.id,
            "name": rec.name,
            "integrationType": {
                "id": rec.integration_type,
                "name": KNOWN_TYPES.get(rec.integration_type, rec.integration_type),
                "selfUri": f"/api/v2/integrations/types/{rec.integration_type}",
            },
            "intendedState": rec.intended_state,
            "config": {
                "current": {
                    "id": rec.id,
                    "name": rec.name,
                    "version": rec.version,
                    "selfUri": f"/api/v2/integrations/{rec.id}/config/current",
                }
            },
            "reportedState": reported,
            "attributes": {},
            "selfUri": f"/api/v2/integrations/{rec.id}",
        }
        if rec.notes is not None:
            body["notes"] = rec.notes
        return body

    @staticmethod
    def _config_json(rec: _Integration) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": rec.id,
            "name": rec.name,
            "version": rec.version,
            "properties": copy.deepcopy(rec.properties),
            "advanced": copy.deepcopy(rec.advanced),
            "credentials": copy.deepcopy(rec.credentials),
            "selfUri": f"/api/v2/integrations/{rec.id}/config/current",
        }
        if rec.config_notes is not None:
            body["notes"] = rec.config_notes
        return body

    def get(self, integration_id: str) -> dict[str, Any]:
        """The Integration JSON."""
        with self._lock:
            return self._integration_json(self._rec(integration_id), time.monotonic())

    def config(self, integration_id: str) -> dict[str, Any]:
        """The IntegrationConfiguration JSON."""
        with self._lock:
            return self._config_json(self._rec(integration_id))

    def find(
        self,
        integration_type: str | None = None,
        reported_state: str | None = None,
        ids: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Integration JSON of every integration matching the filters, in creation order."""
        now = time.monotonic()
        with self._lock:
            snapshots = [
                self._integration_json(rec, now)
                for rec in self._items.values()
                if (integration_type is None or rec.integration_type == integration_type)
                and (ids is None or rec.id in ids)
            ]
        if reported_state is not None:
            wanted = reported_state.upper()
            snapshots = [s for s in snapshots if s["reportedState"]["code"] == wanted]
        return snapshots

    # -- changes --------------------------------------------------------------------------

    def _problem(self, rec: _Integration) -> dict[str, str] | None:
        if self.fail_activation:
            return {
                "localizableMessageCode": "ACTIVATION_FAILED",
                "message": "The partner event source could not be created in the AWS account "
                "(the emulator's fail_activation is set).",
            }
        if rec.integration_type != EVENTBRIDGE_TYPE:
            return None
        return activation_problem(rec.properties, self._topics)

    def create(
        self,
        name: str,
        integration_type: str = EVENTBRIDGE_TYPE,
        notes: str | None = None,
        properties: dict[str, Any] | None = None,
        intended_state: str = DISABLED,
    ) -> dict[str, Any]:
        """Add an integration (config version 1); ENABLED ones start out settled."""
        if intended_state not in (ENABLED, DISABLED):
            raise ValueError(f"intended_state must be ENABLED or DISABLED, not {intended_state!r}")
        now, wall = time.monotonic(), time.time()
        rec = _Integration(
            id=str(uuid.uuid4()),
            name=name,
            integration_type=integration_type,
            notes=notes,
            activation=_Activation(DISABLED, now, wall, now),
            properties=copy.deepcopy(properties or {}),
        )
        with self._lock:
            if intended_state == ENABLED:
                rec.activation = _Activation(ENABLED, now, wall, now, self._problem(rec))
            self._items[rec.id] = rec
            return self._integration_json(rec, now)

    def put_config(
        self,
        integration_id: str,
        *,
        version: int,
        name: str | None,
        notes: str | None,
        properties: dict[str, Any],
        advanced: dict[str, Any],
        credentials: dict[str, Any],
    ) -> dict[str, Any]:
        """Replace the current config if `version` is current; return it with version+1."""
        with self._lock:
            rec = self._rec(integration_id)
            if version != rec.version:
                raise version_mismatch(version, rec.version)
            if name:
                rec.name = name
            rec.config_notes = notes
            rec.properties = copy.deepcopy(properties)
            rec.advanced = copy.deepcopy(advanced)
            rec.credentials = copy.deepcopy(credentials)
            rec.version += 1
            self._revalidate(rec)
            return self._config_json(rec)

    def edit_properties(self, integration_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        """Out-of-band edit: merge properties and bump the version, like another writer would."""
        with self._lock:
            rec = self._rec(integration_id)
            rec.properties.update(copy.deepcopy(properties))
            rec.version += 1
            self._revalidate(rec)
            return self._config_json(rec)

    def bump_version(self, integration_id: str) -> int:
        """A concurrent writer's save: the version moves on, nothing else changes."""
        with self._lock:
            rec = self._rec(integration_id)
            rec.version += 1
            return rec.version

    def _revalidate(self, rec: _Integration) -> None:
        """A config change on an enabled integration re-checks it without a new ACTIVATING."""
        if rec.intended_state != ENABLED:
            return
        now = time.monotonic()
        problem = self._problem(rec)
        act = rec.activation
        if now < act.settle_mono:
            act.problem = problem  # still activating: the verdict shows when it settles
            return
        if act.state(now)[2] != problem:
            rec.activation = _Activation(ENABLED, now, time.time(), now, problem)

    def set_intended_state(self, integration_id: str, state: str) -> dict[str, Any]:
        """PATCH intendedState: start ACTIVATING/DEACTIVATING (a repeat is a no-op unless ERROR)."""
        if state not in (ENABLED, DISABLED):
            raise ValueError(state)
        with self._lock:
            rec = self._rec(integration_id)
            now = time.monotonic()
            code = rec.activation.state(now)[0]
            if state == rec.intended_state and code != "ERROR":
                return self._integration_json(rec, now)
            # Disabling something never enabled has nothing to tear down.
            delay = self.activation_delay if (state == ENABLED or code != "INACTIVE") else 0.0
            problem = self._problem(rec) if state == ENABLED else None
            rec.activation = _Activation(state, now, time.time(), now + delay, problem)
            return self._integration_json(rec, now)

    def delete(self, integration_id: str) -> dict[str, Any]:
        """Remove an integration and return its last Integration JSON."""
        with self._lock:
            rec = self._items.pop(self._rec(integration_id).id)
            return self._integration_json(rec, time.monotonic())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


def version_mismatch(supplied: int, current: int) -> ApiError:
    """The 409 the platform answers to a stale config version."""
    return ApiError(
        409,
        f"The configuration version supplied ({supplied}) does not match the current "
        f"version ({current}) of the integration configuration.",
        code="conflict",
    )
