"""A ready access token (genesyscloud:accessToken / GENESYSCLOUD_ACCESS_TOKEN), as CX as Code
takes it: used as is, never logged, a 401 says it is invalid or expired."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator

import httpx
import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import (
    AuthenticationError,
    GenesysClient,
    Settings,
    auth,
)


@pytest.fixture(autouse=True)
def fresh_tokens() -> Iterator[None]:
    auth.clear()
    yield
    auth.clear()


def _granted(emulator: GenesysEmulator) -> str:
    reply = httpx.post(
        f"{emulator.base_url}/oauth/token",
        auth=(emulator.client_id, emulator.client_secret),
        data={"grant_type": "client_credentials"},
    )
    token: str = reply.json()["access_token"]
    emulator.reset_log()
    return token


def _env(emulator: GenesysEmulator, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in emulator.settings_env().items() if "OAUTHCLIENT" not in k
    }  # no client credentials
    return {**env, "GENESYSCLOUD_RETRY_BUDGET": "2", **extra}


def test_a_given_token_is_used_as_is_and_never_logged(
    emulator: GenesysEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    token = _granted(emulator)
    settings = Settings.resolve({}, _env(emulator, GENESYSCLOUD_ACCESS_TOKEN=token))
    assert settings.has_access_token and not settings.has_client_credentials
    with caplog.at_level(logging.DEBUG):
        assert GenesysClient(settings).org_id() == emulator.org_id
    assert emulator.token_requests == 0
    [request] = emulator.requests
    assert request.path.endswith("/organizations/me")
    assert token not in caplog.text
    assert token not in repr(settings) and token not in str(settings.model_dump())
    # Pickles (the state file) never carry it.
    assert token.encode() not in pickle.dumps(settings)


def test_a_refused_token_is_reported_as_invalid_or_expired_without_a_fallback(
    emulator: GenesysEmulator,
) -> None:
    token = _granted(emulator)
    emulator.expire_tokens()
    settings = Settings.resolve({}, _env(emulator, GENESYSCLOUD_ACCESS_TOKEN=token))
    with pytest.raises(AuthenticationError) as caught:
        GenesysClient(settings).org_id()
    message = str(caught.value)
    assert "genesyscloud:accessToken (GENESYSCLOUD_ACCESS_TOKEN) is invalid or expired" in message
    assert token not in message
    assert emulator.token_requests == 0
    assert emulator.count(path_contains="/oauth/token") == 0
    assert emulator.count(path_contains="/organizations/me") == 1  # not retried with it


def test_client_credentials_take_over_only_when_they_are_set_too(
    emulator: GenesysEmulator,
) -> None:
    token = _granted(emulator)
    emulator.expire_tokens()
    settings = Settings.resolve({}, {**emulator.settings_env(), "GENESYSCLOUD_ACCESS_TOKEN": token})
    assert GenesysClient(settings).org_id() == emulator.org_id
    assert emulator.token_requests == 1


def test_a_token_in_the_stack_config_is_a_hidden_setting(emulator: GenesysEmulator) -> None:
    config = {k: v for k, v in emulator.settings_config().items() if "oauthclient" not in k} | {
        "genesyscloud:accessToken": "abc.def"
    }
    settings = Settings.resolve(config, environ={})
    assert settings.access_token is not None
    assert settings.access_token.get_secret_value() == "abc.def"
    assert settings.source == "Pulumi config"
