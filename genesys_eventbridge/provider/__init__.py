"""genesys-eventbridge's Pulumi dynamic provider for Genesys Cloud EventBridge integrations.

The resource classes load on first use, so the API client (`provider.genesys`) and the command
line (`python -m genesys_eventbridge`) import without pulling in the Pulumi SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genesys_eventbridge.provider.filter_schema import RuleFilter
    from genesys_eventbridge.provider.integration_provider import EventBridgeIntegrationProvider
    from genesys_eventbridge.provider.integration_resource import (
        EventBridgeIntegration,
        EventBridgeIntegrationArgs,
    )

__all__ = [
    "EventBridgeIntegration",
    "EventBridgeIntegrationArgs",
    "EventBridgeIntegrationProvider",
    "RuleFilter",
]
_HOMES = {
    "EventBridgeIntegration": "genesys_eventbridge.provider.integration_resource",
    "EventBridgeIntegrationArgs": "genesys_eventbridge.provider.integration_resource",
    "EventBridgeIntegrationProvider": "genesys_eventbridge.provider.integration_provider",
    "RuleFilter": "genesys_eventbridge.provider.filter_schema",
}


def __getattr__(name: str) -> Any:
    """Import a public resource class on first access."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'genesys_eventbridge.provider' has no attribute {name!r}")
