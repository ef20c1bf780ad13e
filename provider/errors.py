"""Errors the EventBridgeIntegration resource raises beyond the API client's own."""

from __future__ import annotations


class IntegrationError(Exception):
    """A provisioning step failed; the message says what happened and what to do."""


class CapacityError(IntegrationError):
    """The org already holds as many EventBridge integrations as the configured cap allows."""


class ActivationError(IntegrationError):
    """The integration did not become ACTIVE (it reported ERROR, or the wait timed out)."""


class AdoptionError(IntegrationError):
    """The integration named by adopt_integration_id cannot be brought under management."""


class RolledBackError(IntegrationError):
    """Create failed after the POST; the half-created integration was deleted (or could not be)."""
