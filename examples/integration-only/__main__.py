"""Genesys Cloud EventBridge integrations alone: no AWS resources, only the Genesys side.

Teams whose partner event bus, rules and targets live in another stack (or another tool) manage
just the integrations with this program. Without any config it declares the one integration of
Pulumi.yaml's default, so `pulumi up` against the emulator works out of the box (scripts/try).
Every entry is checked before anything is declared: a misspelled field or an unquoted account id
is an error naming its config path (`python -m genesys_eventbridge validate` runs the same checks).
"""

from __future__ import annotations

import pulumi

from genesys_eventbridge.provider import EventBridgeIntegration, EventBridgeIntegrationArgs
from genesys_eventbridge.provider.integration_config import INTEGRATIONS_KEY, parse_integrations

config = pulumi.Config()
# Defaults (one integration, a placeholder account) are declared in Pulumi.yaml.
entries = parse_integrations(
    config.get_object(INTEGRATIONS_KEY),
    account=config.get("awsAccountId"),
    region=config.get("awsRegion"),
    stack=pulumi.get_stack(),
)

for entry in entries:
    integration = EventBridgeIntegration(entry.name, EventBridgeIntegrationArgs(**entry.inputs))
    pulumi.export(
        entry.name,
        {
            "integration_id": integration.integration_id,
            "integration_name": integration.integration_name,
            "event_source_name": integration.event_source_name,
            "reported_state": integration.reported_state,
        },
    )
