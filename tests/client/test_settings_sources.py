"""Credentials and base URLs resolve as a unit: from one place, or refused naming both places."""

from __future__ import annotations

import pytest

from genesys_eventbridge.provider.genesys import ConfigurationError, Settings

LOCAL = "http://127.0.0.1:8787"


def test_a_base_url_in_the_stack_and_credentials_in_the_environment_are_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(
            {"genesyscloud:apiBaseUrl": "https://api.example.com"},
            {"GENESYSCLOUD_OAUTHCLIENT_ID": "id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s3cr3t-x"},
        )
    message = str(caught.value)
    assert caught.value.setting == "genesyscloud:apiBaseUrl"
    assert "Pulumi config (genesyscloud:apiBaseUrl)" in message
    assert "the environment (GENESYSCLOUD_OAUTHCLIENT_ID)" in message
    assert "s3cr3t-x" not in message


def test_emulator_urls_in_the_environment_and_a_prod_stack_are_refused() -> None:
    env = {
        "GENESYSCLOUD_API_BASE_URL": LOCAL,
        "GENESYSCLOUD_LOGIN_BASE_URL": LOCAL,
        "GENESYSCLOUD_ALLOW_INSECURE_HTTP": "true",
    }
    config = {
        "genesyscloud:oauthclientId": "prod",
        "genesyscloud:oauthclientSecret": "prod-secret",
        "genesyscloud:region": "eu-west-1",
    }
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(config, env)
    assert str(caught.value) == (
        "Invalid Genesys Cloud settings: the API base URL is set in the environment"
        " (GENESYSCLOUD_API_BASE_URL) but the OAuth client id in Pulumi config"
        " (genesyscloud:oauthclientId): credentials are only sent to base URLs set in the same"
        " place, so no request was sent; remove GENESYSCLOUD_API_BASE_URL from the environment"
        " (e.g. a leftover emulator `export`), or set both base URLs in Pulumi config with the"
        " credentials."
    )


@pytest.mark.parametrize(
    ("config", "env", "source"),
    [
        ({"genesyscloud:oauthclientId": "id"}, {"GENESYSCLOUD_OAUTHCLIENT_SECRET": "s"}, None),
        ({}, {"GENESYSCLOUD_OAUTHCLIENT_ID": "id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s"}, None),
        (
            {
                "genesyscloud:oauthclientId": "id",
                "genesyscloud:apiBaseUrl": "https://api.example.com",
            },
            {"GENESYSCLOUD_REGION": "eu-west-1"},
            "Pulumi config",
        ),
    ],
)
def test_one_place_or_no_base_url_is_accepted(
    config: dict[str, str], env: dict[str, str], source: str | None
) -> None:
    settings = Settings.resolve(config, env)
    if source:
        assert settings.source == source
