"""`topics` and `doctor` print server text only sanitized, and a malformed base URL in the
environment is an error naming the setting, never a traceback."""

from __future__ import annotations

import json

from genesys_eventbridge.emulator import GenesysEmulator
from tests.commands.conftest import run_cli

# Set the window title, clear the screen, turn text red, an 8-bit CSI and a right-to-left override.
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b2K\u202e"
CONTROL_CHARACTERS = set("\x1b\x07\x9b\u202e")


def test_topics_prints_catalog_text_without_escapes_or_secrets(
    emulator: GenesysEmulator, env: dict[str, str]
) -> None:
    secret = emulator.client_secret
    emulator.add_topic(
        "v2.hostile.{id}.topic", f"{ESCAPES}Looks harmless {secret} and {ESCAPES}more"
    )
    table = run_cli("topics", "--match", "hostile", environ={**env, "COLUMNS": "200"})
    as_json = run_cli("topics", "--match", "hostile", "--json", environ=env)
    print(f"\n{table.out}{as_json.out}")
    assert table.code == as_json.code == 0
    for result in (table, as_json):
        assert not CONTROL_CHARACTERS & set(result.text)
        assert secret not in result.text
    assert "Looks harmless [redacted] and more" in table.out
    [entry] = json.loads(as_json.out)
    assert not CONTROL_CHARACTERS & set(entry["description"])


def test_topics_prints_a_server_error_without_escapes_or_secrets(
    emulator: GenesysEmulator, env: dict[str, str]
) -> None:
    secret = emulator.client_secret
    emulator.inject_status(
        403,
        count=100,
        path_contains="availabletopics",
        message=f"{ESCAPES}denied for {secret}",
        code=f"missing{ESCAPES}",
    )
    result = run_cli("topics", environ=env)
    print(f"\n{result.err}")
    assert result.code == 2
    assert not CONTROL_CHARACTERS & set(result.text)
    assert secret not in result.text and "denied for [redacted]" in result.err


def test_a_tab_in_the_base_url_is_a_setting_error_not_an_invalid_url_traceback(
    env: dict[str, str],
) -> None:
    base = env["GENESYSCLOUD_API_BASE_URL"]
    for url in (f"{base}\t/x", base.replace(":", ":\n", 2), "https://svc:hunter2@api.x.com:bad"):
        for command in ("topics", "doctor"):
            result = run_cli(command, environ={**env, "GENESYSCLOUD_API_BASE_URL": url})
            print(f"\n{command}: {result.text}")
            assert result.code != 0
            assert "GENESYSCLOUD_API_BASE_URL" in result.text
            assert "Traceback" not in result.text and "InvalidURL" not in result.text
            assert "hunter2" not in result.text
