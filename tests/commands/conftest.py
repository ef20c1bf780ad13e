"""Fixtures for the command-line tests: a fresh process state, the emulator, in-process runs."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from genesys_eventbridge.__main__ import main
from genesys_eventbridge.emulator import GenesysEmulator


@pytest.fixture
def env(emulator: GenesysEmulator) -> dict[str, str]:
    """GENESYSCLOUD_* variables pointing at the emulator (and nothing else of this process)."""
    return {**emulator.settings_env(), "GENESYSCLOUD_RETRY_BUDGET": "2"}


@dataclass
class Result:
    """What one command run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr together (for "never printed" assertions)."""
        return self.out + self.err


def run_cli(*argv: str, environ: Mapping[str, str]) -> Result:
    """Run `python -m genesys_eventbridge <argv>` in-process."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ=environ)
    return Result(code, out.getvalue(), err.getvalue())


def closed_port_url() -> str:
    """http://127.0.0.1:<port> where nothing listens (the port was just bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def unreachable_environ() -> tuple[str, dict[str, str]]:
    """A closed-port base URL and settings that point at it, with a short retry budget."""
    url = closed_port_url()
    return url, {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "someone",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s3cret-value",
        "GENESYSCLOUD_API_BASE_URL": url,
        "GENESYSCLOUD_ALLOW_INSECURE_HTTP": "true",
        "GENESYSCLOUD_RETRY_BUDGET": "0.2",
    }


# -- a stand-in for the Pulumi CLI's `pulumi config --json --show-secrets --stack NAME` --------

FAKE_PULUMI = """#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls.jsonl"), "a") as log:
    log.write(json.dumps({{"args": args, "cwd": os.getcwd()}}) + "\\n")
if args[:3] != ["config", "--json", "--show-secrets"] or args[3] != "--stack":
    sys.exit("unexpected arguments: " + " ".join(args))
stacks = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stacks.json")))
if args[4] not in stacks:
    sys.stderr.write("error: no stack named '" + args[4] + "' found\\n")
    sys.exit(255)
print(json.dumps(stacks[args[4]], indent=4))
"""


def as_cli_json(config: dict[str, str], secret_keys: set[str]) -> dict[str, Any]:
    """What `pulumi config --json --show-secrets` prints for plain (string) values."""
    return {k: {"value": v, "secret": k in secret_keys} for k, v in config.items()}


@pytest.fixture
def fake_pulumi(tmp_path: Path) -> Path:
    """A directory holding a stand-in `pulumi` (put it on PATH with path_with())."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pulumi"
    script.write_text(FAKE_PULUMI.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    (bin_dir / "stacks.json").write_text("{}")
    return bin_dir


def set_stacks(bin_dir: Path, stacks: dict[str, dict[str, Any]]) -> None:
    """What the stand-in prints for each stack name."""
    (bin_dir / "stacks.json").write_text(json.dumps(stacks))


def calls(bin_dir: Path) -> list[dict[str, Any]]:
    """The stand-in's calls: their arguments and working directory."""
    path = bin_dir / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def path_with(bin_dir: Path) -> dict[str, str]:
    """An environment whose PATH finds the stand-in first."""
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
