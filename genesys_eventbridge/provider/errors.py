"""Errors the EventBridgeIntegration resource raises beyond the API client's own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from genesys_eventbridge.provider.genesys.errors import sanitize


class IntegrationError(Exception):
    """A provisioning step failed; the message says what happened and what to do."""

    def __init__(self, message: str = "", *args: Any) -> None:
        # Messages quote what Genesys reported (state details, names, other errors): no control
        # characters or secrets may reach the engine's output through them.
        super().__init__(sanitize(str(message)), *args)


class CapacityError(IntegrationError):
    """The org already holds as many EventBridge integrations as the configured cap allows."""


class ActivationError(IntegrationError):
    """The integration did not become ACTIVE (it reported ERROR, or the wait timed out)."""


class AdoptionError(IntegrationError):
    """The integration named by adopt_integration_id cannot be brought under management."""


class RolledBackError(IntegrationError):
    """Create failed after the POST; the half-created integration was deleted (or could not be)."""


class OwnershipError(IntegrationError):
    """A same-named integration for the resource's event source belongs to something else."""


def problem_list(problems: Sequence[str]) -> str:
    """Config problems as one message: a single problem as it is, several one a line under a
    count, so the CLI shows them all at once and each once."""
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems in the stack config:" + "".join(
        f"\n  {problem}" for problem in problems
    )
