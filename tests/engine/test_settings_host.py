"""Settings as the provider host sees them: one source for credentials and endpoints, and what
a preview without credentials tells the user."""

from __future__ import annotations

import socket
import time

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider import EventBridgeIntegrationProvider
from tests.engine.conftest import ProviderHostFactory
from tests.engine.integration_host import NEWS, SECRET_KEY

PROD = {
    "genesyscloud:oauthclientId": "prod-client-id",
    SECRET_KEY: "prod-client-secret-value",
    "genesyscloud:region": "eu-west-1",
}


def test_emulator_urls_in_the_shell_never_receive_the_stack_credentials(
    provider_host_factory: ProviderHostFactory, emulator: GenesysEmulator
) -> None:
    # The reproduced case: the emulator's export lines are still in the shell, the stack is prod.
    host = provider_host_factory(
        EventBridgeIntegrationProvider(),
        config=PROD,
        env=emulator.settings_env(),
        secret_config_keys=[SECRET_KEY],
    )
    _, failures = host.check({}, NEWS)
    [(prop, reason)] = failures
    assert prop == ""  # not an input of the resource: the engine shows the reason alone
    assert "GENESYSCLOUD_API_BASE_URL" in reason and "the environment" in reason
    assert "genesyscloud:oauthclientId" in reason and "Pulumi config" in reason
    assert "no request was sent" in reason
    assert "prod-client-secret-value" not in reason + host.stderr_text()
    assert emulator.requests == []


def test_preview_without_credentials_warns_once_naming_what_was_not_checked(
    provider_host_factory: ProviderHostFactory, emulator: GenesysEmulator
) -> None:
    host = provider_host_factory(
        EventBridgeIntegrationProvider(),
        config={"genesyscloud:region": "eu-west-1"},
        env={"GENESYSCLOUD_OAUTHCLIENT_ID": "", "GENESYSCLOUD_OAUTHCLIENT_SECRET": ""},
    )
    for name in ("first", "second", "third"):
        _, failures = host.check({}, {**NEWS, "resource_name": name})
        assert failures == []
    # The host has no engine connection: pulumi.log writes to its stderr, which the CLI shows.
    stderr = host.stderr_text()
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, stderr
    [warning] = warnings
    for named in (
        "not the topics",
        "not the org",
        "integration cap",
        "genesyscloud:oauthclientId",
        "genesyscloud:oauthclientSecret",
        "GENESYSCLOUD_OAUTHCLIENT_ID",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "genesyscloud:accessToken",
        "GENESYSCLOUD_ACCESS_TOKEN",
    ):
        assert named in warning, named
    endpoint = [line for line in stderr.splitlines() if "Genesys Cloud endpoint:" in line]
    assert endpoint == [
        "info: Genesys Cloud endpoint: API https://api.mypurecloud.ie, login"
        " https://login.mypurecloud.ie (region eu-west-1; no credentials or base URLs set)"
    ]
    assert emulator.requests == []


def test_a_misspelled_setting_fails_check_naming_the_closest_key(
    provider_host_factory: ProviderHostFactory, emulator: GenesysEmulator
) -> None:
    config = dict(emulator.settings_config())
    config["genesyscloud:oauthClientId"] = config.pop("genesyscloud:oauthclientId")
    host = provider_host_factory(EventBridgeIntegrationProvider(), config=config)
    _, failures = host.check({}, NEWS)
    [(prop, reason)] = [(f[0], f[1]) for f in failures if "oauthClientId" in f[1]]
    assert prop == ""
    assert reason == (
        "genesyscloud:oauthClientId is not a known Genesys Cloud setting;"
        " did you mean genesyscloud:oauthclientId?"
    )


def test_check_fails_fast_naming_the_url_when_nothing_listens_there(
    provider_host_factory: ProviderHostFactory, emulator: GenesysEmulator
) -> None:
    # The emulator's settings, but its port closed: what a user sees with the emulator stopped.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = {
        **emulator.settings_config(),
        "genesyscloud:apiBaseUrl": closed,
        "genesyscloud:loginBaseUrl": closed,
    }
    host = provider_host_factory(
        EventBridgeIntegrationProvider(), config=config, secret_config_keys=[SECRET_KEY]
    )
    started = time.monotonic()
    _, failures = host.check({}, NEWS)
    first = time.monotonic() - started
    [(prop, reason)] = failures
    # No property: the engine then prints the reason alone, not "property ... value {<nil>}".
    assert prop == ""
    assert f"Genesys Cloud did not answer at {closed}/oauth/token" in reason
    assert "attempts of POST over" in reason and "ConnectError" in reason
    assert "is the emulator running?" in reason
    assert "python -m genesys_eventbridge.emulator --port 0" in reason
    assert emulator.client_secret not in reason + host.stderr_text()
    assert first < 12, first
    # A second resource of the same run gets the same answer at once.
    started = time.monotonic()
    _, again = host.check({}, {**NEWS, "resource_name": "second"})
    assert again == failures
    assert time.monotonic() - started < 2


def test_check_with_genesys_answering_is_not_slowed_by_the_reachability_probe(
    provider_host_factory: ProviderHostFactory, emulator: GenesysEmulator
) -> None:
    host = provider_host_factory(
        EventBridgeIntegrationProvider(),
        config=emulator.settings_config(),
        secret_config_keys=[SECRET_KEY],
    )
    inputs, failures = host.check({}, NEWS)
    assert failures == []
    assert inputs["org_id"] == emulator.org_id
    # The probe's org id is the one check reports: asked once, not twice.
    assert [r for r in emulator.requests if r.path.endswith("/organizations/me")][1:] == []
