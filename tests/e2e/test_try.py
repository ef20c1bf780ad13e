"""scripts/try, the newcomer's one command: up, look, destroy on the emulator, then clean up."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from tests.e2e.cli import REPO_ROOT, offline_environment

TRY = REPO_ROOT / "scripts" / "try"


def run_try(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run scripts/try as a newcomer would, with this test's virtualenv."""
    return subprocess.run(
        [str(TRY)],
        env={**env, "VENV": sys.prefix},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_try_ups_shows_and_destroys_the_example_then_stops_everything(
    pulumi_bin: Path, tmp_path: Path
) -> None:
    env = offline_environment(pulumi_bin, tmp_path / "home")
    for key in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PYTHONPATH"):
        del env[key]  # scripts/try sets up its own backend, passphrase and import path
    env["TMPDIR"] = str(tmp_path)
    done = run_try(env)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    url = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", out)
    assert url, out
    shown = out.split("== what exists in the emulator now")[1].split("== pulumi destroy")[0]
    assert re.search(r"conversation-ends-\w{7}\s+id=\S+\s+ENABLED/ACTIVE", shown), out
    assert "v2.detail.events.conversation.{id}.customer.end" in shown
    assert "1 EventBridge integration(s)" in shown
    assert "0 EventBridge integration(s)" in out.split("after destroy")[1]
    # Its stack is removed with the destroy: Pulumi's hint to remove it would point at nothing.
    assert "pulumi stack rm" not in out + done.stderr, out
    # Everything it started is stopped, and its scratch directory is gone.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(url.group(2)))) != 0, "emulator still up"
    assert not list(tmp_path.glob("genesys-eventbridge-try.*"))


def test_try_without_pulumi_says_how_to_install_it(tmp_path: Path) -> None:
    env = {
        "PATH": os.pathsep.join(["/usr/bin", "/bin"]),
        "HOME": str(tmp_path),
        "GENESYS_EVENTBRIDGE_PULUMI_CACHE": str(tmp_path / "no-cache"),
    }
    done = run_try(env)
    assert done.returncode == 2
    assert "no `pulumi` on PATH" in done.stderr
    assert "https://www.pulumi.com/docs/install/" in done.stderr
