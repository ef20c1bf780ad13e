"""How the suite gets its Pulumi CLI, and what it says when it cannot."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e import cli
from tests.e2e.cli import BIN_VARIABLE, REPO_ROOT, CliUnavailableError, locate_cli


def test_without_go_the_suite_fails_saying_how_to_get_the_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(BIN_VARIABLE, raising=False)
    monkeypatch.setattr(cli.shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(CliUnavailableError) as raised:
        locate_cli()
    message = str(raised.value)
    assert "Go is not installed" in message
    assert "https://go.dev/doc/install" in message
    assert "GENESYS_EVENTBRIDGE_SKIP_E2E=1" in message


def test_the_cached_cli_is_found_in_seconds_and_is_the_pinned_version(pulumi_bin: Path) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "pulumi-cli")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert time.monotonic() - started < 10, "a cached CLI must not be rebuilt"
    assert Path(done.stdout.strip()) == pulumi_bin
    go_mod = (REPO_ROOT / ".ci" / "pulumi-cli" / "go.mod").read_text(encoding="utf-8")
    pinned = next(
        line.split()[1]
        for line in go_mod.splitlines()
        if "github.com/pulumi/pulumi/pkg/v3 " in line
    )
    version = subprocess.run(
        [str(pulumi_bin / "pulumi"), "version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == pinned
    libexec = pulumi_bin.parent / "libexec"
    for script in ("pulumi-language-python-exec", "pulumi-resource-pulumi-python"):
        assert shutil.which(script, path=str(libexec)), f"{script} missing beside the CLI"
