"""A stack deployed by the previous release is refreshed, previewed and destroyed by this code.

The fixture (tests/e2e/legacy/release-0.1.0, written by make_fixture.py from that release) holds
the file backend's stack with the pickled provider of that release's layout, the stack's config
file and the integrations the emulator held. The emulator here holds the same integrations under
new ids and another port: both are rewritten in the copied state, as moving an org would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from genesys_eventbridge.emulator import GenesysEmulator
from tests.e2e.cli import Workspace
from tests.e2e.conftest import WorkspaceFactory
from tests.e2e.legacy.make_fixture import CLIENT_SECRET, ORG_ID, STACK

FIXTURE = Path(__file__).resolve().parent / "legacy" / "release-0.1.0"
PROJECT = "genesys-integration-only"


def restore(ws: Workspace, emulator: GenesysEmulator) -> dict[str, str]:
    """Put the release's stack into the workspace's backend; returns old id -> new id."""
    held = json.loads((FIXTURE / "emulator.json").read_text(encoding="utf-8"))
    renames = {held["base_url"]: emulator.base_url}
    for item in held["integrations"]:
        new_id = emulator.seed_integration(
            item["name"], properties=item["config"]["properties"], intended_state="ENABLED"
        )
        renames[item["id"]] = new_id
    backend = Path(ws.env["PULUMI_BACKEND_URL"].removeprefix("file://")) / ".pulumi"
    shutil.copytree(FIXTURE / "state", backend, dirs_exist_ok=True)
    stack_files = [
        backend / "stacks" / PROJECT / f"{STACK}.json",
        ws.project / f"Pulumi.{STACK}.yaml",
    ]
    shutil.copy2(FIXTURE / f"Pulumi.{STACK}.yaml", stack_files[1])
    for path in stack_files:
        text = path.read_text(encoding="utf-8")
        for old, new in renames.items():
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return {old: new for old, new in renames.items() if old != held["base_url"]}


def test_a_stack_of_the_previous_release_is_refreshed_and_destroyed(
    workspace_factory: WorkspaceFactory,
) -> None:
    with GenesysEmulator(client_secret=CLIENT_SECRET, org_id=ORG_ID) as emulator:
        ws = workspace_factory()
        ids = restore(ws, emulator)
        ws.pulumi("stack", "select", STACK)
        assert sorted(r["id"] for r in ws.resources()) == sorted(ids.values())

        ws.pulumi("refresh", "--yes")
        # Read ran in this code's provider host, from the release's pickled provider.
        for new_id in ids.values():
            assert emulator.count("GET", f"/api/v2/integrations/{new_id}", status=200) >= 1
        assert sorted(i["id"] for i in emulator.integrations()) == sorted(ids.values())
        # The release's inputs read the same to this code: no replacement, no update.
        ws.pulumi("preview", "--expect-no-changes")

        ws.pulumi("destroy", "--yes")
        for new_id in ids.values():
            assert emulator.count("DELETE", f"/api/v2/integrations/{new_id}") == 1
        assert emulator.integrations() == []
        assert ws.resources() == []
