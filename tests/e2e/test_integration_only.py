"""examples/integration-only through the real Pulumi CLI against the emulator: the whole lifecycle."""

from __future__ import annotations

import re
from typing import Any

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import GenesysClient, Settings
from tests.e2e.cli import Workspace
from tests.e2e.conftest import WorkspaceFactory, point_at

ENDS = [
    "v2.detail.events.conversation.{id}.customer.end",
    "v2.detail.events.conversation.{id}.acd.end",
]
AUDITS = ["v2.audits.entitytype.{id}.entityid.{id}"]
PRESENCE = "v2.users.{id}.presence"


@pytest.fixture
def emulator(e2e_emulator: GenesysEmulator) -> GenesysEmulator:
    """The module's emulator, emptied for this test."""
    for integration in e2e_emulator.integrations():
        e2e_emulator.delete_integration(integration["id"])
    e2e_emulator.reset_log()
    return e2e_emulator


def integrations(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The example's `integrations` config."""
    return {"genesys-integration-only:integrations": entries}


def by_name(emulator: GenesysEmulator) -> dict[str, dict[str, Any]]:
    """What exists in the emulator, by integration name, with its config's properties."""
    found = {}
    for integration in emulator.integrations():
        config = emulator.integration_config(integration["id"])
        found[integration["name"]] = {**integration, "properties": config.get("properties") or {}}
    return found


def changed_properties(diff: str) -> set[str]:
    """The resource properties a `--diff` marks as changed (`~ name :`), stack outputs aside."""
    resources = diff.split("--outputs:--")[0]
    return set(re.findall(r"^\s+[~+-] (\w+)\s*:", resources, flags=re.MULTILINE))


def admin_client(emulator: GenesysEmulator) -> GenesysClient:
    """Someone editing the org by hand (the admin UI's API calls)."""
    return GenesysClient(Settings.resolve(dict(emulator.settings_config()), environ={}))


def stack(make: WorkspaceFactory, emulator: GenesysEmulator, **extra: str) -> Workspace:
    """A fresh `dev` stack of the example, configured for the emulator."""
    ws = make()
    ws.pulumi("stack", "init", "dev")
    point_at(ws, emulator, **extra)
    return ws


def test_lifecycle_preview_up_update_refresh_replace_destroy(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = stack(workspace_factory, emulator, **{"genesyscloud:maxIntegrations": "3"})
    ws.set_config(
        integrations(
            [
                {"name": "orders", "topics": ENDS, "eventSourceSuffix": "orders-v1"},
                {"name": "audits", "topics": AUDITS},
            ]
        )
    )

    preview = ws.pulumi("preview")
    assert re.search(r"\+ 3 to create", preview.out), preview  # the stack too
    assert "genesys:EventBridgeIntegration" in preview.out, preview
    assert emulator.integrations() == [], "preview must not create anything"

    up = ws.pulumi("up", "--yes")
    assert re.search(r"\+ 3 created", up.out), up
    made = by_name(emulator)
    assert len(made) == 2
    outputs = ws.outputs()
    orders_id = outputs["orders"]["integration_id"]
    orders = emulator.integration(orders_id)
    assert orders["intendedState"] == "ENABLED"
    assert orders["reportedState"]["code"] == "ACTIVE"
    assert made[orders["name"]]["properties"]["eventFilter"] == ENDS
    assert outputs["orders"]["event_source_name"].endswith(f"/{emulator.org_id}/orders-v1")

    # No perpetual diff: the program unchanged, the engine sees nothing to do.
    ws.pulumi("preview", "--expect-no-changes")

    ws.set_config(
        integrations(
            [
                {"name": "orders", "topics": [*ENDS, PRESENCE], "eventSourceSuffix": "orders-v1"},
                {"name": "audits", "topics": AUDITS},
            ]
        )
    )
    diff = ws.pulumi("preview", "--diff")
    assert re.search(r"~ 1 to update", diff.out), diff
    assert "replace" not in diff.out.replace("to replace", ""), diff
    assert PRESENCE in diff.out, diff
    assert changed_properties(diff.out) == {"topics"}, diff
    ws.pulumi("up", "--yes")
    assert emulator.integration_config(orders_id)["properties"]["eventFilter"] == [*ENDS, PRESENCE]

    # Out of band: someone drops a topic and disables the integration in the admin UI.
    emulator.edit_config(orders_id, eventFilter=ENDS[:1])
    admin_client(emulator).set_intended_state(orders_id, "DISABLED")
    refresh = ws.pulumi("refresh", "--yes", "--diff")
    assert re.search(r"~ 1 updated", refresh.out), refresh
    assert changed_properties(refresh.out) >= {"enabled", "topics"}, refresh
    drifted = ws.pulumi("preview", "--expect-no-changes", expect=None)
    assert drifted.code != 0, "after a refresh that found drift the program differs from the state"
    ws.pulumi("up", "--yes")
    assert emulator.integration(orders_id)["intendedState"] == "ENABLED"
    assert emulator.integration_config(orders_id)["properties"]["eventFilter"] == [*ENDS, PRESENCE]

    # A new suffix replaces: the new integration first (one free slot under the cap of 3).
    ws.set_config(
        integrations(
            [
                {"name": "orders", "topics": [*ENDS, PRESENCE], "eventSourceSuffix": "orders-v2"},
                {"name": "audits", "topics": AUDITS},
            ]
        )
    )
    replace = ws.pulumi("preview")
    assert re.search(r"\+-\s*1 to replace", replace.out), replace
    ws.pulumi("up", "--yes")
    new_id = ws.outputs()["orders"]["integration_id"]
    assert new_id != orders_id
    assert {i["id"] for i in emulator.integrations()} == {
        new_id,
        ws.outputs()["audits"]["integration_id"],
    }
    assert emulator.integration_config(new_id)["properties"]["eventSourceSuffix"] == "orders-v2"
    names = set(by_name(emulator))
    assert ws.outputs()["orders"]["integration_name"] in names
    assert not any("(creating" in name for name in names), names

    destroy = ws.pulumi("destroy", "--yes")
    assert re.search(r"- 3 deleted", destroy.out), destroy
    assert emulator.integrations() == []
    assert ws.resources() == []
