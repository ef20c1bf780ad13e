"""Fixtures of the end-to-end suite: the built Pulumi CLI, offline workspaces, the emulator."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from tests.e2e.cli import (
    REPO_ROOT,
    SKIP_VARIABLE,
    CliUnavailableError,
    Workspace,
    copy_project,
    locate_cli,
)

EXAMPLE = REPO_ROOT / "examples" / "integration-only"


@pytest.fixture(scope="session")
def pulumi_bin() -> Path:
    """The directory of the built Pulumi CLI; the suite fails (not skips) when it cannot be had."""
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{SKIP_VARIABLE}=1: the end-to-end suite through the Pulumi CLI is skipped")
    try:
        return locate_cli()
    except CliUnavailableError as err:
        pytest.fail(str(err), pytrace=False)


def free_port() -> int:
    """A loopback port nothing listens on now, so an emulator can be restarted on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def e2e_emulator() -> Iterator[GenesysEmulator]:
    """One emulator per test module, on a fixed port (tests stop and restart it)."""
    with GenesysEmulator(port=free_port(), activation_delay=0.05) as emu:
        yield emu


@pytest.fixture
def emulator(e2e_emulator: GenesysEmulator) -> GenesysEmulator:
    """The module's emulator, emptied for this test."""
    for integration in e2e_emulator.integrations():
        e2e_emulator.delete_integration(integration["id"])
    e2e_emulator.reset_log()
    return e2e_emulator


WorkspaceFactory = Callable[..., Workspace]


@pytest.fixture
def workspace_factory(pulumi_bin: Path, tmp_path: Path) -> WorkspaceFactory:
    """`make(source=EXAMPLE, name="ws", files=None)` -> a Workspace on a copy of the project."""

    def make(source: Path = EXAMPLE, name: str = "ws", files: list[str] | None = None) -> Workspace:
        project = copy_project(source, tmp_path / name / "project", files=files)
        return Workspace(pulumi_bin, project, tmp_path / name / "home")

    return make


def point_at(workspace: Workspace, emulator: GenesysEmulator, **extra: str) -> None:
    """Stack config for the emulator: its settings, the secret set with --secret."""
    values = {**emulator.settings_config(), **extra}
    workspace.set_config(values, secret=["genesyscloud:oauthclientSecret"])
