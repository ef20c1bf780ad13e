"""The real Pulumi CLI (scripts/pulumi-cli builds it), run offline in throwaway workspaces.

Every command runs with a `file://` backend and a PULUMI_HOME in a temporary directory, a fixed
passphrase, no update check and no plugin downloads, the built CLI first on PATH and this
virtualenv's bin next (the dynamic provider's plugin runs `python3 -m pulumi.dynamic`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SKIP_VARIABLE = "GENESYS_EVENTBRIDGE_SKIP_E2E"
BIN_VARIABLE = "GENESYS_EVENTBRIDGE_PULUMI_BIN"
# Encrypts only throwaway state in a temporary directory.
PASSPHRASE = "e2e-passphrase-not-a-secret"
BUILD_TIMEOUT = 3600.0
COMMAND_TIMEOUT = 240.0
HOW_TO_GET_THE_CLI = (
    "The end-to-end suite runs the real Pulumi CLI, which scripts/pulumi-cli builds from its Go"
    " modules: install Go 1.26+ (https://go.dev/doc/install) and run ./scripts/test again (it"
    " builds the CLI once per machine). To skip this suite on a machine without Go, set"
    f" {SKIP_VARIABLE}=1 (CI never does)."
)


class CliUnavailableError(RuntimeError):
    """The Pulumi CLI could not be built or found."""


def locate_cli() -> Path:
    """The directory holding the built `pulumi` (built now if not cached)."""
    given = os.environ.get(BIN_VARIABLE)
    if given and (Path(given) / "pulumi").exists():
        return Path(given)
    go_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/go/bin"])
    if shutil.which("go", path=go_path) is None:
        raise CliUnavailableError(f"Go is not installed. {HOW_TO_GET_THE_CLI}")
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "pulumi-cli")],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise CliUnavailableError(
            f"scripts/pulumi-cli failed ({done.returncode}):\n{done.stderr[-4000:]}\n"
            f"{HOW_TO_GET_THE_CLI}"
        )
    return Path(done.stdout.strip().splitlines()[-1])


@dataclass
class Run:
    """One finished pulumi command."""

    args: Sequence[str]
    code: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        """stdout and stderr together."""
        return self.out + self.err

    def __str__(self) -> str:
        return f"$ pulumi {' '.join(self.args)}  (exit {self.code})\n{self.out}\n{self.err}"


class CommandFailedError(AssertionError):
    """A pulumi command exited other than expected."""


def copy_project(source: Path, target: Path, *, files: Sequence[str] | None = None) -> Path:
    """Copy a Pulumi project to `target`, its `virtualenv` pointed at this test's virtualenv."""
    target.mkdir(parents=True, exist_ok=True)
    names = files or [p.name for p in source.iterdir() if p.is_file()]
    for name in names:
        if name.startswith("Pulumi.") and name not in ("Pulumi.yaml", "Pulumi.example.yaml"):
            continue  # stack files of someone's own stacks
        shutil.copy2(source / name, target / name)
    project = target / "Pulumi.yaml"
    text = re.sub(
        r"^(\s+virtualenv:).*$",
        lambda m: f"{m.group(1)} {sys.prefix}",
        project.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    project.write_text(text, encoding="utf-8")
    return target


def offline_environment(
    bin_dir: Path, home: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of every pulumi command: offline, isolated, this virtualenv's Python."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Settings come from the stack config under test, never from the caller's environment.
        if not key.startswith(("GENESYSCLOUD_", "PULUMI_"))
    }
    home.mkdir(parents=True, exist_ok=True)
    (home / "state").mkdir(exist_ok=True)
    env.update(
        PATH=os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env["PATH"]]),
        PULUMI_HOME=str(home / "pulumi-home"),
        PULUMI_BACKEND_URL=f"file://{home / 'state'}",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PULUMI_PYTHON_CMD=sys.executable,
        # The project's packages, as `pip install` of it would provide them.
        PYTHONPATH=str(REPO_ROOT),
        NO_COLOR="1",
    )
    env.update(extra or {})
    return env


class Workspace:
    """A Pulumi project directory and the offline environment its commands run in."""

    def __init__(self, bin_dir: Path, project: Path, home: Path) -> None:
        self.project = project
        self.env = offline_environment(bin_dir, home)
        self.log: list[Run] = []

    def pulumi(
        self,
        *args: str,
        expect: int | None = 0,
        timeout: float = COMMAND_TIMEOUT,
        stdin: str | None = None,
    ) -> Run:
        """Run `pulumi args...` in the project; raise unless it exits `expect` (None: any)."""
        started = time.monotonic()
        done = subprocess.run(
            ["pulumi", *args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin if stdin is not None else "",
            check=False,
        )
        run = Run(args, done.returncode, done.stdout, done.stderr, time.monotonic() - started)
        self.log.append(run)
        if expect is not None and run.code != expect:
            raise CommandFailedError(f"expected exit {expect}, got:\n{run}")
        return run

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start `pulumi args...` in its own process group (as a terminal runs a command)."""
        return subprocess.Popen(
            ["pulumi", *args],
            cwd=self.project,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    @staticmethod
    def interrupt(process: subprocess.Popen[str]) -> None:
        """Ctrl-C: SIGINT to the command's whole process group."""
        os.killpg(process.pid, signal.SIGINT)

    def set_config(self, values: Mapping[str, Any], *, secret: Sequence[str] = ()) -> None:
        """Set stack config: `secret` keys with `config set --secret`, the rest (lists and maps
        too) in one `config set-all --json`."""
        plain: dict[str, Any] = {}
        for key, value in values.items():
            if key in secret:
                self.pulumi("config", "set", "--secret", key, str(value))
            elif isinstance(value, str):
                plain[key] = {"value": value, "secret": False}
            else:
                plain[key] = {"value": json.dumps(value), "objectValue": value, "secret": False}
        if plain:
            self.pulumi("config", "set-all", "--json", json.dumps(plain))

    def config_json(self) -> dict[str, Any]:
        """`pulumi config --json`, secrets hidden."""
        loaded: dict[str, Any] = json.loads(self.pulumi("config", "--json").out)
        return loaded

    def outputs(self) -> dict[str, Any]:
        """`pulumi stack output --json`."""
        loaded: dict[str, Any] = json.loads(self.pulumi("stack", "output", "--json").out)
        return loaded

    def export(self) -> dict[str, Any]:
        """`pulumi stack export` as JSON."""
        loaded: dict[str, Any] = json.loads(self.pulumi("stack", "export").out)
        return loaded

    def resources(self, type_suffix: str = "EventBridgeIntegration") -> list[dict[str, Any]]:
        """The state's resources whose type ends with `type_suffix`."""
        deployment = self.export().get("deployment", {})
        return [
            r for r in deployment.get("resources") or [] if r.get("type", "").endswith(type_suffix)
        ]
