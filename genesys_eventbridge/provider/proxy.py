"""Integration operations composed from single API calls: converge, wait, reconcile.

This is the "API proxy" layer of the resource (after the CX as Code provider's split):
the resource logic in `integration_provider` says what should happen, this module knows
which calls make it so and how to survive their races.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

from genesys_eventbridge.provider import ownership
from genesys_eventbridge.provider.errors import ActivationError, IntegrationError
from genesys_eventbridge.provider.genesys import (
    AmbiguousRequestError,
    GenesysClient,
    GenesysError,
    Integration,
    IntegrationConfig,
    NotFoundError,
    VersionMismatchError,
)

# The Terraform provider gives up after 10 version conflicts; so do we.
MAX_VERSION_ATTEMPTS = 10
POLL_FIRST = 0.05
POLL_MAX = 5.0
DELETE_WAIT = 30.0


def eventbridge_properties(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The `properties` of an EventBridge integration config for the given inputs."""
    return {
        "awsAccountId": inputs["aws_account_id"],
        "awsAccountRegion": inputs["aws_region"],
        "eventSourceSuffix": inputs["event_source_suffix"],
        "eventFilter": list(inputs["topics"]),
    }


def put_config(
    client: GenesysClient,
    integration_id: str,
    inputs: Mapping[str, Any],
    *,
    version: int | None = None,
    name: str | None = None,
    current: IntegrationConfig | None = None,
) -> IntegrationConfig:
    """PUT the config for `inputs` (on `current` when just read), re-reading the version and
    retrying on a version mismatch."""
    if current is not None:
        version = current.version
    elif version is not None:
        # A version known from the POST reply means a fresh, empty config: no need to read it.
        current = IntegrationConfig(version=version)
    for attempt in range(1, MAX_VERSION_ATTEMPTS + 1):
        if current is None or version is None:
            current = client.get_integration_config(integration_id)
            version = current.version
        properties = {**(current.properties or {}), **eventbridge_properties(inputs)}
        desired = current.model_copy(
            update={
                "name": name or inputs.get("integration_name") or current.name,
                "notes": ownership.mark_notes(inputs.get("notes"), inputs.get(ownership.OWNER)),
                "properties": properties,
                "version": version,
                "advanced": current.advanced or {},
            }
        )
        try:
            return client.put_integration_config(integration_id, desired)
        except VersionMismatchError:
            if attempt == MAX_VERSION_ATTEMPTS:
                raise
            version = None  # someone else wrote in between: read the new version and try again
    raise AssertionError("unreachable")


def converge(
    client: GenesysClient,
    integration: Integration,
    inputs: Mapping[str, Any],
    version: int | None,
    before_enable: Callable[[], None] | None = None,
    *,
    config: IntegrationConfig | None = None,
) -> tuple[Integration, int | None]:
    """PUT the config (on `config` when just read), call `before_enable`, then bring
    intendedState to `enabled` (waiting for ACTIVE); return the integration and the config
    version written."""
    written = put_config(client, integration.id, inputs, version=version, current=config).version
    if before_enable is not None:
        before_enable()
    want: Literal["ENABLED", "DISABLED"] = "ENABLED" if inputs["enabled"] else "DISABLED"
    if integration.intended_state != want:
        integration = client.set_intended_state(integration.id, want)
    if inputs["enabled"]:
        integration = wait_until_active(client, integration.id, client.settings.activation_timeout)
    return integration, written


def wait_until_active(client: GenesysClient, integration_id: str, timeout: float) -> Integration:
    """Poll the integration until it reports ACTIVE; ERROR or the timeout raise ActivationError."""
    deadline = time.monotonic() + timeout
    pause = POLL_FIRST
    while True:
        integration = client.get_integration(integration_id)
        state = integration.reported_state
        code = state.code if state else None
        if code == "ACTIVE":
            return integration
        if code == "ERROR":
            detail = (state.detail_message if state else None) or "no detail given"
            raise ActivationError(
                f"Genesys reports integration {integration_id} in ERROR after enabling it"
                f" ({detail}); fix the AWS account, region, suffix or topics and run"
                " `pulumi up` again"
            )
        if time.monotonic() + pause > deadline:
            raise ActivationError(
                f"integration {integration_id} is still {code or 'not reporting a state'} after"
                f" {timeout:g} s; raise genesyscloud:activationTimeout or check the integration in"
                " Genesys Cloud Admin > Integrations"
            )
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX)


def wait_until_gone(
    client: GenesysClient, integration_id: str, timeout: float = DELETE_WAIT
) -> bool:
    """Poll until GET answers 404; return False when it still exists after `timeout`."""
    deadline = time.monotonic() + timeout
    pause = POLL_FIRST
    while True:
        try:
            client.get_integration(integration_id)
        except NotFoundError:
            return True
        if time.monotonic() + pause > deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX)


def post_provisional(
    client: GenesysClient, name: str, owner: str | None = None
) -> tuple[str, Integration | AmbiguousRequestError]:
    """POST a new integration under a provisional name marked as `owner`'s; return the name and
    the integration, or the AmbiguousRequestError when the reply was lost (see
    reconcile_lost_post)."""
    marker = ownership.provisional_name(name, owner)
    try:
        return marker, client.create_integration(marker)
    except AmbiguousRequestError as err:
        return marker, err


def reconcile_lost_post(
    client: GenesysClient,
    name: str,
    marker: str,
    lost: AmbiguousRequestError,
    *,
    settle: float = 0.25,
    looks: int = 5,
    posts: int = 2,
) -> Integration:
    """After a POST whose reply was lost, find the integration by its provisional name; POST
    again only when the list shows it never committed, so a lost reply never yields a second
    integration. A create that gives up names the provisional name, so what it may have left
    behind can be found.
    """
    for attempt in range(1, posts + 1):
        if attempt > 1:
            try:
                return client.create_integration(marker)
            except AmbiguousRequestError as err:
                lost = err
        listed = False
        pause = settle
        for look in range(looks):
            try:
                found = [i for i in client.list_integrations() if i.name == marker]
                listed = True
            except GenesysError:
                found = []
            if found:
                return found[0]
            if look < looks - 1:
                time.sleep(pause)  # the list may lag the write briefly
                pause *= 2
        if not listed:
            break
        # The list answered, repeatedly, without it: the POST never committed, so sending it
        # once more cannot duplicate it.
    raise IntegrationError(
        f"the POST creating integration {name!r} got no reply ({lost.summary}) and"
        f" {'the integration list could not be read' if not listed else 'it was not found'} to"
        f" learn whether it was created; look for an integration named {marker!r} in Genesys"
        " Cloud Admin > Integrations, delete it or set adopt_integration_id to its id, then run"
        " `pulumi up` again"
    )
