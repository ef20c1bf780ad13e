"""Pydantic models of the Genesys Cloud JSON this client reads and writes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

EVENTBRIDGE_INTEGRATION_TYPE = "amazon-eventbridge-source"

# The `transports` strings of the topic catalog are unverified: these are compared
# case-insensitively, and any of them means "EventBridge may subscribe to this topic".
EVENTBRIDGE_TRANSPORTS = frozenset({"all", "eventbridge", "event_bridge", "amazoneventbridge"})


class GenesysModel(BaseModel):
    """Base of the JSON models: camelCase aliases, snake_case names, extra keys ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
    )

    def to_json(self) -> dict[str, Any]:
        """The model as Genesys JSON (camelCase keys, unset optional fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Organization(GenesysModel):
    """The org of the OAuth client (GET /api/v2/organizations/me)."""

    id: str
    name: str | None = None


class IntegrationTypeRef(GenesysModel):
    """The type of an integration (`integrationType`), e.g. amazon-eventbridge-source."""

    id: str
    name: str | None = None
    self_uri: str | None = None


class ConfigRef(GenesysModel):
    """A pointer to an integration's configuration (`config.current`)."""

    id: str | None = None
    name: str | None = None
    version: int | None = None
    self_uri: str | None = None


class IntegrationConfigInfo(GenesysModel):
    """The `config` of an Integration: the current configuration's id and version."""

    current: ConfigRef | None = None


class ReportedState(GenesysModel):
    """An integration's reported state: ACTIVE, ACTIVATING, INACTIVE, DEACTIVATING, ERROR."""

    code: str | None = None
    effective: str | None = None
    # Genesys sends a MessageInfo ({message, localizableMessageCode, ...}); tolerate a string.
    detail: dict[str, Any] | str | None = None
    last_updated: str | None = None

    @property
    def detail_message(self) -> str | None:
        """The human-readable text of `detail`, when there is one."""
        if isinstance(self.detail, dict):
            for key in ("message", "messageWithParams", "localizableMessageCode", "code"):
                value = self.detail.get(key)
                if value:
                    return str(value)
            return None
        return self.detail or None


class Integration(GenesysModel):
    """An integration instance (GET /api/v2/integrations/{integrationId})."""

    id: str
    name: str | None = None
    integration_type: IntegrationTypeRef | None = None
    notes: str | None = None
    intended_state: str | None = None
    config: IntegrationConfigInfo | None = None
    reported_state: ReportedState | None = None
    attributes: dict[str, Any] | None = None
    self_uri: str | None = None

    @property
    def config_version(self) -> int | None:
        """The version of the current configuration, when the reply carries it."""
        if self.config is None or self.config.current is None:
            return None
        return self.config.current.version

    @property
    def type_id(self) -> str | None:
        """The integration type id, e.g. amazon-eventbridge-source."""
        return self.integration_type.id if self.integration_type else None


class IntegrationConfig(GenesysModel):
    """An integration's configuration (GET/PUT /api/v2/integrations/{id}/config/current)."""

    id: str | None = None
    name: str | None = None
    version: int | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    advanced: dict[str, Any] = Field(default_factory=dict)
    notes: str | None = None
    credentials: dict[str, Any] = Field(default_factory=dict)
    self_uri: str | None = None

    def eventbridge(self) -> EventBridgeProperties:
        """The EventBridge view of `properties`."""
        return EventBridgeProperties.model_validate(self.properties)


class EventBridgeProperties(GenesysModel):
    """The `properties` of an amazon-eventbridge-source configuration.

    Fields are optional: a freshly created integration has empty properties, and a read must not
    fail on what someone typed in the Genesys UI. Validation belongs to the resource's check().
    """

    aws_account_id: str | None = Field(default=None, alias="awsAccountId")
    aws_account_region: str | None = Field(default=None, alias="awsAccountRegion")
    event_source_suffix: str | None = Field(default=None, alias="eventSourceSuffix")
    event_filter: list[str] = Field(default_factory=list, alias="eventFilter")


class AvailableTopic(GenesysModel):
    """One entry of the notification topic catalog (GET /api/v2/notifications/availabletopics)."""

    id: str
    description: str | None = None
    # None when the reply has no transports list (e.g. the catalog was fetched without expand).
    transports: list[str] | None = None
    requires_permissions: list[str] | None = None
    visibility: str | None = None
    topic_parameters: list[str] | None = None
    public_api_template_uri_paths: list[str] | None = None
    topic_schema: dict[str, Any] | None = Field(default=None, alias="schema")

    @property
    def eventbridge_available(self) -> bool:
        """Whether EventBridge may subscribe to this topic (no transports list counts as yes)."""
        if self.transports is None:
            return True
        return any(t.strip().lower() in EVENTBRIDGE_TRANSPORTS for t in self.transports)


class ErrorBody(GenesysModel):
    """The Genesys error body (and the OAuth endpoint's `error`/`description` variant)."""

    message: str | None = None
    code: str | None = None
    status: int | None = None
    entity_id: str | None = None
    entity_name: str | None = None
    message_with_params: str | None = None
    message_params: dict[str, Any] | None = None
    context_id: str | None = None
    details: list[Any] = Field(default_factory=list)
    errors: list[Any] = Field(default_factory=list)
    limit: Any = None
    # The OAuth token endpoint answers {"error": ..., "description"/"error_description": ...}.
    error: str | None = Field(default=None, alias="error")
    description: str | None = Field(default=None, alias="description")
    error_description: str | None = Field(default=None, alias="error_description")

    @property
    def text(self) -> str | None:
        """The most helpful message the body carries."""
        return self.message or self.description or self.error_description or self.error

    def field_messages(self) -> list[str]:
        """The per-field messages of `details` and `errors`, as "field: message" strings."""
        found: list[str] = []
        for item in [*self.details, *self.errors]:
            text = _field_message(item)
            if text and text not in found:
                found.append(text)
        return found


class IntegrationPage(GenesysModel):
    """One page of GET /api/v2/integrations."""

    entities: list[Integration] = Field(default_factory=list)
    page_size: int | None = None
    page_number: int | None = None
    total: int | None = None
    page_count: int | None = None
    next_uri: str | None = None


def _field_message(item: Any) -> str | None:
    if isinstance(item, str):
        return item or None
    if not isinstance(item, dict):
        return None
    field = item.get("fieldName") or item.get("field") or item.get("entityName")
    text = (
        item.get("message")
        or item.get("messageWithParams")
        or item.get("errorMessage")
        or item.get("errorCode")
        or item.get("code")
    )
    if field and text:
        return f"{field}: {text}"
    return str(text or field) if (text or field) else None
