"""`doctor --stack` / `topics --stack`: settings from a stack's config through the Pulumi CLI.

A stand-in `pulumi` on PATH prints what `pulumi config --json --show-secrets --stack NAME` prints
(`{"key": {"value": "...", "secret": bool}}`) for the stacks it knows, and fails like the real
CLI for others.
"""

from __future__ import annotations

from pathlib import Path

from genesys_eventbridge.cli.environment import (
    SettingsSource,
    read_stack_config,
    resolve_settings,
)
from genesys_eventbridge.emulator import GenesysEmulator
from tests.commands.conftest import as_cli_json, calls, path_with, run_cli, set_stacks


def test_doctor_reads_the_stack_config_secrets_included(
    emulator: GenesysEmulator, fake_pulumi: Path, tmp_path: Path
) -> None:
    config = emulator.settings_config()
    set_stacks(fake_pulumi, {"dev": as_cli_json(config, {"genesyscloud:oauthclientSecret"})})
    project = tmp_path / "project"
    project.mkdir()
    result = run_cli(
        "doctor", "--stack", "dev", "--cwd", str(project), environ=path_with(fake_pulumi)
    )
    assert result.code == 0, result.text
    assert f"login base {emulator.base_url} (from Pulumi config)" in result.out
    assert "read from stack dev's genesyscloud:* config, then the GENESYSCLOUD_* environment" in (
        result.out
    )
    assert "retry budget 120 s per call" in result.out  # the documented default
    assert emulator.client_secret not in result.text
    [call] = calls(fake_pulumi)
    assert call == {
        "args": ["config", "--json", "--show-secrets", "--stack", "dev"],
        "cwd": str(project),
    }


def test_topics_reads_the_stack_and_the_environment_fills_the_rest(
    emulator: GenesysEmulator, fake_pulumi: Path
) -> None:
    config = emulator.settings_config()
    secret = config.pop("genesyscloud:oauthclientSecret")
    set_stacks(fake_pulumi, {"dev": as_cli_json(config, set())})
    # Only the secret from the environment: base URLs and the client id are in the stack.
    environ = {**path_with(fake_pulumi), "GENESYSCLOUD_OAUTHCLIENT_SECRET": secret}
    result = run_cli("topics", "--stack", "dev", "--eventbridge-only", environ=environ)
    # The secret is a credential from another place than the stack's base URLs: refused.
    assert result.code == 2
    assert "the API base URL is set in Pulumi config (genesyscloud:apiBaseUrl)" in result.err
    assert "the OAuth client secret in the environment (GENESYSCLOUD_OAUTHCLIENT_SECRET)" in (
        result.err
    )
    assert emulator.requests == []
    # With the secret in the stack too, it works.
    config["genesyscloud:oauthclientSecret"] = secret
    set_stacks(fake_pulumi, {"dev": as_cli_json(config, {"genesyscloud:oauthclientSecret"})})
    ok = run_cli("topics", "--stack", "dev", environ={**path_with(fake_pulumi)})
    assert ok.code == 0, ok.err
    assert "available to EventBridge" in ok.out


def test_an_unknown_stack_exits_2_quoting_the_cli(fake_pulumi: Path) -> None:
    result = run_cli("doctor", "--stack", "nope", environ=path_with(fake_pulumi))
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        "error: `pulumi config --stack nope` failed in .: error: no stack named 'nope' found;"
        " check the stack name (`pulumi stack ls`), that you are logged in to its backend"
        " (`pulumi login`), and that --cwd is the project directory\n"
    )


def test_without_the_pulumi_cli_stack_is_refused_with_the_fix(tmp_path: Path) -> None:
    result = run_cli("topics", "--stack", "dev", environ={"PATH": str(tmp_path)})
    assert result.code == 2
    assert "--stack needs the Pulumi CLI, and `pulumi` is not on PATH" in result.err
    assert "leave out --stack and export the GENESYSCLOUD_* variables" in result.err


def test_a_misspelled_key_in_the_stack_names_the_closest(
    emulator: GenesysEmulator, fake_pulumi: Path
) -> None:
    config = emulator.settings_config()
    config["genesyscloud:oauthClientId"] = config.pop("genesyscloud:oauthclientId")
    set_stacks(fake_pulumi, {"dev": as_cli_json(config, set())})
    result = run_cli("doctor", "--stack", "dev", environ=path_with(fake_pulumi))
    assert result.code == 1
    assert (
        "FAIL  settings         genesyscloud:oauthClientId is not a known Genesys Cloud setting;"
        " did you mean genesyscloud:oauthclientId?"
    ) in result.out


def test_a_wrong_api_base_names_the_setting_to_fix(emulator: GenesysEmulator) -> None:
    env = {
        **emulator.settings_env(),
        "GENESYSCLOUD_API_BASE_URL": emulator.base_url + "/nothing-here",
        "GENESYSCLOUD_RETRY_BUDGET": "1",
    }
    result = run_cli("topics", environ=env)
    assert result.code == 2
    [line] = result.err.splitlines()
    assert "404" in line
    assert "pulumi refresh" not in line  # the advice for a missing integration does not apply
    assert (
        f"the API base {emulator.base_url}/nothing-here and login base {emulator.base_url} come"
        " from genesyscloud:apiBaseUrl (GENESYSCLOUD_API_BASE_URL) and genesyscloud:loginBaseUrl"
        " (GENESYSCLOUD_LOGIN_BASE_URL) (set in the environment): check them"
    ) in line


def test_the_commands_use_the_documented_retry_budget() -> None:
    settings = resolve_settings(SettingsSource(environ={}))
    assert settings.retry_budget == 120.0
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "| `genesyscloud:retryBudget` | `GENESYSCLOUD_RETRY_BUDGET` | `120` |" in readme


def test_secret_values_without_show_secrets_count_as_unset(
    fake_pulumi: Path, tmp_path: Path
) -> None:
    stacks = {"dev": {"genesyscloud:oauthclientSecret": {"secret": True}}}
    set_stacks(fake_pulumi, stacks)
    assert read_stack_config("dev", str(tmp_path), path_with(fake_pulumi)) == {}
