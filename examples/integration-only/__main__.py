"""Genesys Cloud EventBridge integrations alone: no AWS resources, only the Genesys side.

Teams whose partner event bus, rules and targets live in another stack (or another tool) manage
just the integrations with this program. Without any config it declares the one integration of
Pulumi.yaml's default, so `pulumi up` against the emulator works out of the box (scripts/try).
"""

from __future__ import annotations

from typing import Any

import pulumi

from genesys_eventbridge.provider import EventBridgeIntegration, EventBridgeIntegrationArgs

config = pulumi.Config()
# Defaults (one integration, a placeholder account) are declared in Pulumi.yaml.
account = config.require("awsAccountId")
region = config.require("awsRegion")
entries: list[dict[str, Any]] = config.require_object("integrations")
# Two stacks of this program (say dev and prod) in one org and AWS account must not share an
# event source: the default suffix, and so the derived integration name, carries the stack.
stack = pulumi.get_stack()

for entry in entries:
    name = str(entry["name"])
    integration = EventBridgeIntegration(
        name,
        EventBridgeIntegrationArgs(
            aws_account_id=str(entry.get("awsAccountId", account)),
            aws_region=str(entry.get("awsRegion", region)),
            event_source_suffix=str(entry.get("eventSourceSuffix", f"{stack}-{name}")),
            topics=list(entry.get("topics", [])),
            enabled=entry.get("enabled"),
            notes=entry.get("notes"),
            integration_name=entry.get("integrationName"),
            adopt_integration_id=entry.get("adoptIntegrationId"),
        ),
    )
    pulumi.export(
        name,
        {
            "integration_id": integration.integration_id,
            "integration_name": integration.integration_name,
            "event_source_name": integration.event_source_name,
            "reported_state": integration.reported_state,
        },
    )
