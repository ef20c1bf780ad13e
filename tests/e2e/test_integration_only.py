"""examples/integration-only through the real Pulumi CLI against the emulator."""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import GenesysClient, Settings
from tests.e2e.cli import Workspace
from tests.e2e.conftest import EXAMPLE, WorkspaceFactory, free_port, point_at

ENDS = [
    "v2.detail.events.conversation.{id}.customer.end",
    "v2.detail.events.conversation.{id}.acd.end",
]
AUDITS = ["v2.audits.entitytype.{id}.entityid.{id}"]
PRESENCE = "v2.users.{id}.presence"


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
    ws = stack(workspace_factory, emulator, **{"genesyscloud:maxIntegrations": "2"})
    ws.set_config(
        integrations(
            [
                {"name": "orders", "topics": ENDS, "eventSourceSuffix": "orders-v1"},
                {"name": "audits", "topics": AUDITS},
            ]
        )
    )

    preview = ws.pulumi("preview", "--diff")
    assert re.search(r"\+ 3 to create", preview.out), preview  # the stack too
    assert "genesys:EventBridgeIntegration" in preview.out, preview
    assert emulator.integrations() == [], "preview must not create anything"
    # The names preview shows are the names `up` creates (its two passes re-Check afresh).
    previewed = set(re.findall(r'integration_name\s*:\s*"([^"]+)"', preview.out))
    assert len(previewed) == 2, preview

    up = ws.pulumi("up", "--yes")
    assert re.search(r"\+ 3 created", up.out), up
    made = by_name(emulator)
    assert set(made) == previewed
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

    # A new suffix replaces, creating the new integration before deleting the old: at the cap
    # (2 of 2) there is no room, and up says so and changes nothing; one more slot and it goes.
    old_name = ws.outputs()["orders"]["integration_name"]
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
    capped = ws.pulumi("up", "--yes", expect=None)
    assert capped.code != 0 and "a replacement needs one free slot" in capped.out, capped
    assert len(emulator.integrations()) == 2 and emulator.integration(orders_id)
    ws.set_config({"genesyscloud:maxIntegrations": "3"})
    ws.pulumi("up", "--yes")
    new_id = ws.outputs()["orders"]["integration_id"]
    assert new_id != orders_id
    assert {i["id"] for i in emulator.integrations()} == {
        new_id,
        ws.outputs()["audits"]["integration_id"],
    }
    assert emulator.integration_config(new_id)["properties"]["eventSourceSuffix"] == "orders-v2"
    names = set(by_name(emulator))
    # The engine re-Checks a replacement without its old inputs: it gets a new auto-name, so
    # the old and the new integration never share a name while both exist.
    new_name = ws.outputs()["orders"]["integration_name"]
    assert new_name != old_name and new_name.startswith("orders-") and new_name in names
    assert not any("(creating" in name for name in names), names

    destroy = ws.pulumi("destroy", "--yes")
    assert re.search(r"- 3 deleted", destroy.out), destroy
    assert emulator.integrations() == []
    assert ws.resources() == []


def test_topic_typo_fails_preview_naming_the_field(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = stack(workspace_factory, emulator)
    typo = "v2.detail.events.conversation.{id}.customer.ends"
    ws.set_config(integrations([{"name": "orders", "topics": [typo]}]))
    preview = ws.pulumi("preview", expect=None)
    assert preview.code != 0
    # The provider's CheckFailure, as the CLI shows it: the property, the topic, the fix.
    assert "topics" in preview.out and typo in preview.out, preview
    assert "v2.detail.events.conversation.{id}.customer.end" in preview.out, preview
    assert "Traceback" not in preview.text, preview
    assert emulator.integrations() == []


def test_wrong_credentials_fail_fast_naming_client_and_login_url_never_the_secret(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = stack(workspace_factory, emulator)
    wrong = "wrong-secret-3f9a7c1e"
    ws.set_config(
        {"genesyscloud:oauthclientSecret": wrong}, secret=["genesyscloud:oauthclientSecret"]
    )
    preview = ws.pulumi("preview", expect=None)
    assert preview.code != 0
    assert preview.seconds < 30, f"took {preview.seconds:.0f} s"
    assert emulator.client_id in preview.out, preview
    assert f"client id '{emulator.client_id}' at {emulator.base_url}/oauth/token" in preview.out
    # The reason alone, not "property genesyscloud:oauthclientId value {<nil>} has a problem".
    assert "{<nil>}" not in preview.out and "has a problem: " in preview.out, preview
    assert wrong not in preview.text and emulator.client_secret not in preview.text
    up = ws.pulumi("up", "--yes", expect=None)
    assert up.code != 0 and wrong not in up.text
    assert emulator.integrations() == []


def test_unreachable_genesys_fails_preview_in_seconds_naming_url_and_cause(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    # The emulator stopped, the stack still pointing at it, credentials set.
    ws = stack(workspace_factory, emulator)
    closed = f"http://127.0.0.1:{free_port()}"
    ws.set_config({"genesyscloud:apiBaseUrl": closed, "genesyscloud:loginBaseUrl": closed})
    ws.set_config(integrations([{"name": n, "topics": AUDITS} for n in ["orders", "audits"]]))
    preview = ws.pulumi("preview", expect=None)
    print(f"unreachable Genesys: preview failed after {preview.seconds:.1f} s")
    assert preview.code != 0, preview
    assert preview.seconds < 20, f"took {preview.seconds:.1f} s"
    assert f"Genesys Cloud did not answer at {closed}/oauth/token" in preview.out, preview
    assert "attempts of POST over" in preview.out and "ConnectError" in preview.out, preview
    assert "is the emulator running?" in preview.out, preview
    # The engine prints the reason itself, not against a property it does not have.
    assert "{<nil>}" not in preview.out and "Traceback" not in preview.text, preview
    assert emulator.client_secret not in preview.text

    # Without credentials nothing is sent, and preview stays a warning.
    ws.pulumi("config", "rm", "genesyscloud:oauthclientId")
    ws.pulumi("config", "rm", "genesyscloud:oauthclientSecret")
    unchecked = ws.pulumi("preview")
    assert "credentials are not set" in unchecked.text, unchecked
    assert unchecked.seconds < 20, f"took {unchecked.seconds:.1f} s"


def test_the_built_cli_needs_no_virtualenv_on_path(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    # A shell where `python3` is the system's (no pulumi SDK): the project's virtualenv, named in
    # Pulumi.yaml, must serve the dynamic provider's plugin too, as the language host arranges.
    ws = stack(workspace_factory, emulator)
    ws.set_config(integrations([{"name": "orders", "topics": AUDITS}]))
    ws.env.pop("PULUMI_PYTHON_CMD")
    ws.env["PATH"] = os.pathsep.join([ws.env["PATH"].split(os.pathsep)[0], "/usr/bin", "/bin"])
    preview = ws.pulumi("preview", expect=None)
    assert preview.code == 0, preview
    assert "No module named 'pulumi'" not in preview.text, preview
    assert "+ 2 to create" in preview.out, preview


def start_up_and_wait_for_posts(ws: Workspace, emulator: GenesysEmulator, posts: int) -> Any:
    """Start `pulumi up --yes` and return once `posts` integrations were POSTed."""
    running = ws.start("up", "--yes")
    deadline = time.monotonic() + 60
    while emulator.count("POST", "/integrations") < posts and time.monotonic() < deadline:
        time.sleep(0.02)
    return running


def test_emulator_down_mid_up_and_back_then_up_again_leaves_no_orphan(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = stack(workspace_factory, emulator)
    names = ["orders", "audits", "presence"]
    ws.set_config(integrations([{"name": n, "topics": AUDITS} for n in names]))
    emulator.activation_delay = 1.0  # creates wait for ACTIVE: the outage lands mid-create
    try:
        running = start_up_and_wait_for_posts(ws, emulator, 1)
        emulator.stop()
        time.sleep(2)  # connections refused meanwhile; the provider retries within its budget
        emulator.start()
        output = running.communicate(timeout=180)[0]
    finally:
        emulator.start() if not emulator.running else None
        emulator.activation_delay = 0.05
    assert running.returncode == 0, output
    ws.pulumi("up", "--yes")
    state_ids = {r["id"] for r in ws.resources()}
    assert len(state_ids) == 3
    assert {i["id"] for i in emulator.integrations()} == state_ids, "orphan or duplicate"
    ws.pulumi("preview", "--expect-no-changes")


def test_outage_past_the_retry_budget_leaves_one_integration_per_resource_after_the_next_up(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = stack(workspace_factory, emulator, **{"genesyscloud:retryBudget": "2"})
    ws.set_config(integrations([{"name": n, "topics": AUDITS} for n in ["orders", "audits"]]))
    emulator.activation_delay = 1.0
    try:
        running = start_up_and_wait_for_posts(ws, emulator, 2)
        emulator.stop()
        output = running.communicate(timeout=180)[0]
    finally:
        emulator.start()
        emulator.activation_delay = 0.05
    assert running.returncode != 0, output
    left = [i["id"] for i in emulator.integrations()]
    # The rollback could not delete them (Genesys was down): the user is told which, and how to
    # adopt them, so nothing is left behind silently. A POST whose reply the outage cut off never
    # told the provider its id: that one is named by the provisional name it was posted under.
    for integration in emulator.integrations():
        by_id = f"adopt_integration_id={integration['id']!r}" in output
        assert by_id or f"named {integration['name']!r}" in output, output

    # The next up takes them over (same derived names, same partner event sources) instead of
    # creating new ones beside them: exactly one integration per resource, none orphaned.
    again = ws.pulumi("up", "--yes")
    state = ws.resources()
    assert sorted(r["outputs"]["resource_name"] for r in state) == ["audits", "orders"]
    assert {i["id"] for i in emulator.integrations()} == {r["id"] for r in state} == set(left)
    for resource in state:
        assert resource["outputs"]["reported_state"] == "ACTIVE"
        config = emulator.integration_config(resource["id"])
        assert config["name"] == resource["outputs"]["integration_name"]
        assert config["properties"]["eventFilter"] == AUDITS
        assert f"integration {resource['id']}" in again.text, again
    ws.pulumi("preview", "--expect-no-changes")


def test_stack_export_holds_no_secret_and_refresh_forgets_a_deleted_integration(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = stack(workspace_factory, emulator)
    ws.pulumi("up", "--yes")
    exported = json.dumps(ws.export())
    assert emulator.issued_tokens(), "the provider must have logged in"
    for token in emulator.issued_tokens():
        assert token not in exported
    assert emulator.client_secret not in exported
    stack_file = (ws.project / "Pulumi.dev.yaml").read_text(encoding="utf-8")
    assert emulator.client_secret not in stack_file and "secure:" in stack_file
    provider_blob = ws.resources()[0]["inputs"]["__provider"]
    assert emulator.client_id not in provider_blob  # the pickled provider holds no settings

    # Deleted by hand: refresh drops it from the state (Read's empty id), up creates it again.
    emulator.delete_integration(ws.resources()[0]["id"])
    refresh = ws.pulumi("refresh", "--yes")
    assert re.search(r"- 1 deleted", refresh.out), refresh
    assert ws.resources() == []
    ws.pulumi("up", "--yes")
    assert [i["id"] for i in emulator.integrations()] == [r["id"] for r in ws.resources()]
    ws.pulumi("destroy", "--yes")


def test_sigint_during_create_then_up_converges_without_duplicate_or_orphan(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = stack(workspace_factory, emulator)
    names = [f"queue-{n}" for n in range(4)]
    ws.set_config(integrations([{"name": n, "topics": AUDITS} for n in names]))
    emulator.activation_delay = 1.5
    try:
        running = ws.start("up", "--yes", "--parallel", "4")
        deadline = time.monotonic() + 60
        while emulator.count("POST", "/integrations") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        Workspace.interrupt(running)  # Ctrl-C while integrations are being created
        interrupted = running.communicate(timeout=120)[0]
    finally:
        emulator.activation_delay = 0.05
    assert running.returncode != 0, interrupted
    ws.pulumi("up", "--yes")
    state = ws.resources()
    in_emulator = emulator.integrations()
    assert sorted(r["outputs"]["resource_name"] for r in state) == sorted(names)
    assert {i["id"] for i in in_emulator} == {r["id"] for r in state}, "duplicate or orphan"
    ws.pulumi("preview", "--expect-no-changes")


def test_import_of_a_dynamic_resource_fails_and_adoption_brings_it_under_management(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    handmade = emulator.seed_integration(
        "handmade",
        properties={
            "awsAccountId": "123456789012",
            "awsAccountRegion": "us-east-1",
            "eventSourceSuffix": "handmade",
            "eventFilter": AUDITS,
        },
        intended_state="ENABLED",
    )
    ws = stack(workspace_factory, emulator)
    ws.set_config(integrations([{"name": "handmade", "topics": AUDITS}]))
    # `pulumi import` needs the language host, which the CLI built here lacks (see the note in
    # scripts/pulumi_inline.py); the import resource option goes through the same engine import.
    program = ws.project / "__main__.py"
    declared = "EventBridgeIntegrationArgs(**entry.inputs)"
    text = program.read_text(encoding="utf-8")
    assert declared in text
    program.write_text(
        text.replace(declared, f"{declared}, opts=pulumi.ResourceOptions(import_={handmade!r})"),
        encoding="utf-8",
    )
    imported = ws.pulumi("preview", expect=None)
    assert imported.code != 0
    # The SDK's dynamic provider host cannot Read without the pickled provider in the state.
    assert "KeyError: '__provider'" in imported.out, imported
    assert ws.resources() == []

    program.write_text((EXAMPLE / "__main__.py").read_text(encoding="utf-8"), encoding="utf-8")
    ws.set_config(
        integrations([{"name": "handmade", "topics": AUDITS, "adoptIntegrationId": handmade}])
    )
    ws.pulumi("up", "--yes")
    assert [r["id"] for r in ws.resources()] == [handmade]
    assert [i["id"] for i in emulator.integrations()] == [handmade]
    ws.pulumi("preview", "--expect-no-changes")


def test_a_genesys_secret_set_without_secret_is_refused_before_it_reaches_the_state(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    # The engine records stack config as the default provider's inputs: a plain credential
    # would sit in the state (and every checkpoint) in clear text.
    ws = stack(workspace_factory, emulator)
    ws.set_config({"genesyscloud:oauthclientSecret": emulator.client_secret})
    for command in (("preview",), ("up", "--yes")):
        run = ws.pulumi(*command, expect=None)
        assert run.code != 0, run
        assert "genesyscloud:oauthclientSecret: is set in plain text" in run.out, run
        assert "pulumi config set --secret genesyscloud:oauthclientSecret" in run.out
        assert emulator.client_secret not in run.text
    assert emulator.client_secret not in json.dumps(ws.export())
    assert emulator.integrations() == []
    # Set as a secret, the same value is taken.
    ws.set_config(
        {"genesyscloud:oauthclientSecret": emulator.client_secret},
        secret=["genesyscloud:oauthclientSecret"],
    )
    ws.pulumi("up", "--yes")
    assert emulator.client_secret not in json.dumps(ws.export())
    ws.pulumi("destroy", "--yes")
