"""Write the state a release left behind, for the upgrade test (test_upgrade.py) to read.

Run it from a checkout of the release whose state to pin (its code on PYTHONPATH, the CLI built):

    PYTHONPATH=<release checkout> GENESYS_EVENTBRIDGE_PULUMI_BIN=<cli dir> \\
        <venv>/bin/python tests/e2e/legacy/make_fixture.py <output dir>

It deploys examples/integration-only (two integrations) to a `legacy` stack against an emulator,
then keeps the file backend's stack, the stack's config file and what the emulator held.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from genesys_eventbridge.emulator import GenesysEmulator
from tests.e2e.cli import REPO_ROOT, Workspace, copy_project, locate_cli

CLIENT_SECRET = "legacy-fixture-secret"  # the emulator's, in a throwaway test org
ORG_ID = "5f1e9d2a-0c1b-4d3e-8f4a-6b7c8d9e0f1a"
STACK = "legacy"
INTEGRATIONS = [
    {
        "name": "orders",
        "topics": ["v2.detail.events.conversation.{id}.customer.end"],
        "eventSourceSuffix": "legacy-orders",
    },
    {
        "name": "audits",
        "topics": ["v2.audits.entitytype.{id}.entityid.{id}"],
        "eventSourceSuffix": "legacy-audits",
    },
]


def main(out: Path) -> None:
    """Deploy the legacy stack and copy what the upgrade test needs into `out`."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        GenesysEmulator(client_secret=CLIENT_SECRET, org_id=ORG_ID) as emulator,
    ):
        example = REPO_ROOT / "examples" / "integration-only"
        ws = Workspace(locate_cli(), copy_project(example, Path(tmp) / "project"), Path(tmp))
        ws.pulumi("stack", "init", STACK)
        ws.set_config(
            {
                **emulator.settings_config(),
                "genesys-integration-only:integrations": INTEGRATIONS,
            },
            secret=["genesyscloud:oauthclientSecret"],
        )
        ws.pulumi("up", "--yes")
        held = [
            {**item, "config": emulator.integration_config(item["id"])}
            for item in emulator.integrations()
        ]
        if out.exists():
            shutil.rmtree(out)
        (out / "state").mkdir(parents=True)
        backend = Path(tmp) / "state" / ".pulumi"
        shutil.copy2(backend / "meta.yaml", out / "state" / "meta.yaml")
        shutil.copytree(backend / "stacks", out / "state" / "stacks")
        shutil.copy2(ws.project / f"Pulumi.{STACK}.yaml", out / f"Pulumi.{STACK}.yaml")
        (out / "emulator.json").write_text(
            json.dumps(
                {"base_url": emulator.base_url, "integrations": held},
                indent=2,
                sort_keys=True,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
