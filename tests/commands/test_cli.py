"""`python -m genesys_eventbridge`: the command list, usage errors, and real subprocess runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from genesys_eventbridge.emulator import GenesysEmulator, catalog
from tests.commands.conftest import run_cli

REPO = Path(__file__).resolve().parents[2]


def _subprocess(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The child sees only the emulator's settings, never a GENESYSCLOUD_* of the test process.
    base = {k: v for k, v in os.environ.items() if not k.startswith("GENESYSCLOUD_")}
    return subprocess.run(
        [sys.executable, "-m", "genesys_eventbridge", *argv],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_lists_both_commands_with_descriptions() -> None:
    result = run_cli("--help", environ={})
    assert result.code == 0
    lines = result.out.splitlines()
    for name, words in (("topics", "notification topics"), ("doctor", "Check settings")):
        assert any(line.split()[:1] == [name] and words in line for line in lines), result.out


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("frobnicate", environ={})
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("usage: python -m genesys_eventbridge")
    assert "invalid choice: 'frobnicate'" in result.err
    assert "'topics'" in result.err and "'doctor'" in result.err


def test_no_command_is_a_usage_error() -> None:
    result = run_cli(environ={})
    assert result.code == 2
    assert "usage: python -m genesys_eventbridge" in result.err


def test_command_help_and_bad_option() -> None:
    helped = run_cli("topics", "--help", environ={})
    assert helped.code == 0
    for option in ("--match TEXT", "--eventbridge-only", "--json"):
        assert option in helped.out
    bad = run_cli("topics", "--colour", environ={})
    assert bad.code == 2
    assert "unrecognized arguments: --colour" in bad.err
    assert run_cli("doctor", "extra", environ={}).code == 2


def test_subprocess_help_and_unknown_command() -> None:
    helped = _subprocess("--help", env={})
    assert helped.returncode == 0
    assert "topics" in helped.stdout and "doctor" in helped.stdout
    unknown = _subprocess("nope", env={})
    assert unknown.returncode == 2
    assert "invalid choice" in unknown.stderr


def test_subprocess_doctor_passes_against_the_emulator(emulator: GenesysEmulator) -> None:
    done = _subprocess("doctor", env=emulator.settings_env())
    assert done.returncode == 0, done.stdout + done.stderr
    checks = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert len(checks) == 7
    assert all(line.startswith("OK ") for line in checks), done.stdout
    assert emulator.org_id in done.stdout
    assert emulator.client_secret not in done.stdout + done.stderr
    assert done.stderr == ""


def test_subprocess_topics_eventbridge_only(emulator: GenesysEmulator) -> None:
    done = _subprocess("topics", "--eventbridge-only", env=emulator.settings_env())
    assert done.returncode == 0, done.stderr
    shown = [line.split()[0] for line in done.stdout.splitlines()[1:-1]]
    assert shown == sorted(catalog.eventbridge_topic_ids())
    assert "v2.users.{id}.conversations" not in done.stdout
    assert done.stdout.splitlines()[-1].endswith(f"({len(shown)} available to EventBridge)")


def test_subprocess_topics_without_credentials_exits_2() -> None:
    done = _subprocess("topics", "--json", env={})
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "fix: set genesyscloud:oauthclientId and genesyscloud:oauthclientSecret" in done.stderr
    assert "`export GENESYSCLOUD_OAUTHCLIENT_ID=<client id>" in done.stderr


def test_a_closed_pipe_ends_the_command_quietly(env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "genesys_eventbridge", "topics"]
    with subprocess.Popen(
        command, cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        # Close the reading end before the command gets to print (like `| head -0`): every
        # write it then makes fails with EPIPE.
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        proc.wait(timeout=30)
    assert "Traceback" not in stderr
