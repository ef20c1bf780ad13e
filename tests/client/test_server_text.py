"""What a server says is never printed or raised raw: no secret (by value), no terminal escape
sequence, no URL user info or query string; a malformed base URL is a setting error."""

from __future__ import annotations

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import (
    BadRequestError,
    ConfigurationError,
    GenesysClient,
    GenesysError,
    NotFoundError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    Settings,
)
from tests.client.conftest import settings_for

# Set the window title, clear the screen, turn text red, an 8-bit CSI and a right-to-left override.
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b2K\u202e"
CONTROL_CHARACTERS = set("\x1b\x07\x9b\u202e\t\n\r")


def hostile(emulator: GenesysEmulator, token: str) -> str:
    """Server text that echoes the client secret and the access token, bare (no 'Bearer')."""
    return (
        f"{ESCAPES}refused {emulator.client_secret} with {token};"
        " see https://svc:hunter2@status.example/incident?sig=abc123"
    )


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequestError),
        (404, NotFoundError),
        (503, ServiceUnavailableError),
        (429, RateLimitExhaustedError),
    ],
)
def test_server_text_is_redacted_by_value_and_stripped_of_escapes(
    emulator: GenesysEmulator, status: int, error_type: type[GenesysError]
) -> None:
    integration_id = emulator.seed_integration("hostile")
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:retryBudget": 0.3}))
    client.org_id()
    [token] = emulator.issued_tokens()
    text = hostile(emulator, token)
    emulator.inject_status(
        status,
        count=1000,
        path_contains=integration_id,
        message=text,
        code=f"bad{ESCAPES}.{token}",
        context_id=f"{emulator.client_secret}{ESCAPES}",
    )
    with pytest.raises(error_type) as caught:
        client.get_integration(integration_id)
    error = caught.value
    shown = " ".join(
        [str(error), repr(error), error.message, error.code or "", error.context_id or ""]
    )
    print(f"\n{error}")
    for leaked in (emulator.client_secret, token, "hunter2", "sig=abc123"):
        assert leaked not in shown
    assert not CONTROL_CHARACTERS & set(shown)
    assert "refused [redacted] with [redacted]" in str(error)
    assert "https://status.example/incident" in str(error)


@pytest.mark.parametrize(
    ("url", "kept_out"),
    [
        ("https://svc:hunter2@api.example.com:bad", "hunter2"),
        ("https://svc:hunter2@api.example.com", "hunter2"),
        ("https://api.example.com/?access=abc123", "abc123"),
        ("http://127.0.0.1:8787\t/x", "\t"),
        ("http://127.0.0.1\n:8787", "\n"),
        ("https://api.example.com:99999", None),
        ("https://[::1", None),
    ],
)
def test_a_malformed_base_url_is_a_configuration_error_naming_the_setting(
    url: str, kept_out: str | None
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(
            {"genesyscloud:apiBaseUrl": url, "genesyscloud:allowInsecureHttp": "true"}, environ={}
        )
    message = str(caught.value)
    print(f"\n{message}")
    assert caught.value.setting == "genesyscloud:apiBaseUrl"
    assert "genesyscloud:apiBaseUrl (GENESYSCLOUD_API_BASE_URL)" in message
    if kept_out:
        assert kept_out not in message
