"""Genesys Cloud Platform API client for EventBridge integrations (httpx, tenacity, pydantic)."""

from __future__ import annotations

from genesys_eventbridge.provider.genesys import auth, reachability, retries, transport
from genesys_eventbridge.provider.genesys._version import __version__
from genesys_eventbridge.provider.genesys.api import (
    GenesysClient,
    check_integration_id,
    clear_caches,
)
from genesys_eventbridge.provider.genesys.errors import (
    AmbiguousRequestError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    GenesysError,
    InvalidPathParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    TokenRequestRejectedError,
    VersionMismatchError,
)
from genesys_eventbridge.provider.genesys.models import (
    EVENTBRIDGE_INTEGRATION_TYPE,
    AvailableTopic,
    ErrorBody,
    EventBridgeProperties,
    Integration,
    IntegrationConfig,
    Organization,
    ReportedState,
)
from genesys_eventbridge.provider.genesys.regions import DEFAULT_REGION, REGION_DOMAINS
from genesys_eventbridge.provider.genesys.settings import SETTING_KEYS, Settings, unknown_keys
from genesys_eventbridge.provider.genesys.transport import USER_AGENT


def reset_process_state() -> None:
    """Forget every process-wide cache: tokens, org ids, topics, rate-limit holds, connections."""
    auth.clear()
    clear_caches()
    reachability.clear()
    retries.GATE.clear()
    transport.close_all()


__all__ = [
    "unknown_keys",
    "DEFAULT_REGION",
    "EVENTBRIDGE_INTEGRATION_TYPE",
    "REGION_DOMAINS",
    "SETTING_KEYS",
    "USER_AGENT",
    "AmbiguousRequestError",
    "AuthenticationError",
    "AvailableTopic",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ErrorBody",
    "EventBridgeProperties",
    "GenesysClient",
    "GenesysError",
    "Integration",
    "IntegrationConfig",
    "InvalidPathParameterError",
    "NotFoundError",
    "Organization",
    "PermissionDeniedError",
    "RateLimitExhaustedError",
    "ReportedState",
    "ServiceUnavailableError",
    "Settings",
    "TokenRequestRejectedError",
    "VersionMismatchError",
    "__version__",
    "check_integration_id",
    "reset_process_state",
]
