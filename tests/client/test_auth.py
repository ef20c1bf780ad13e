"""OAuth: one token per process and client, shared by threads, renewed early and after a 401."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import (
    AuthenticationError,
    ConfigurationError,
    GenesysClient,
    GenesysError,
    TokenRequestRejectedError,
    auth,
)
from tests.client.conftest import ScriptedServer, settings_for


def run_threads(count: int, work: object) -> list[object]:
    """Run `work(index)` in `count` threads released together; return results, re-raise errors."""
    barrier = threading.Barrier(count)

    def start(index: int) -> object:
        barrier.wait()
        return work(index)  # type: ignore[operator]

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(start, range(count)))


def test_three_threads_times_fifty_calls_use_exactly_one_token(emulator: GenesysEmulator) -> None:
    integration_id = emulator.seed_integration("shared-token")
    settings = settings_for(emulator)
    clients = [GenesysClient(settings) for _ in range(3)]  # separate clients, one process cache

    def work(index: int) -> int:
        for _ in range(50):
            assert clients[index].get_integration(integration_id).id == integration_id
        return 50

    assert sum(run_threads(3, work)) == 150  # type: ignore[arg-type]
    print(f"\ntoken requests for 3 threads x 50 calls: {emulator.token_requests}")
    assert emulator.token_requests == 1
    assert emulator.count(method="POST", path_contains="/oauth/token") == 1
    assert emulator.count(method="GET", path_contains=integration_id, status=200) == 150


def test_threads_racing_for_a_slow_token_share_one_request(emulator: GenesysEmulator) -> None:
    # A slow token endpoint widens the window in which every thread finds no token.
    emulator.inject_delay(0.3, count=10, path_contains="/oauth/token")
    settings = settings_for(emulator)

    def work(_: int) -> str:
        return GenesysClient(settings).org_id()

    assert set(run_threads(8, work)) == {emulator.org_id}
    assert emulator.count(method="POST", path_contains="/oauth/token") == 1


def test_token_expiring_mid_sequence_is_renewed_once_and_the_call_succeeds(
    emulator: GenesysEmulator,
) -> None:
    integration_id = emulator.seed_integration("expiry")
    client = GenesysClient(settings_for(emulator))
    client.get_integration(integration_id)
    emulator.expire_tokens()
    assert client.get_integration(integration_id).id == integration_id
    client.get_integration(integration_id)
    assert emulator.token_requests == 2
    assert emulator.count(path_contains=integration_id, status=401) == 1
    assert emulator.count(path_contains=integration_id, status=200) == 3


def test_concurrent_401s_renew_the_token_once(emulator: GenesysEmulator) -> None:
    integration_id = emulator.seed_integration("expiry-threads")
    settings = settings_for(emulator)
    GenesysClient(settings).get_integration(integration_id)
    emulator.expire_tokens()

    def work(_: int) -> str:
        return GenesysClient(settings).get_integration(integration_id).id

    assert set(run_threads(6, work)) == {integration_id}
    assert emulator.token_requests == 2


def test_token_is_renewed_before_it_expires(
    emulator: GenesysEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.token_ttl = 1  # expires_in 1
    monkeypatch.setattr(auth, "RENEW_MARGIN_FRACTION", 0.5)  # renew in the last 0.5 s
    integration_id = emulator.seed_integration("renewal")
    client = GenesysClient(settings_for(emulator))
    client.get_integration(integration_id)
    time.sleep(0.6)
    client.get_integration(integration_id)
    assert emulator.token_requests == 2
    # Renewed ahead of time: the API never saw the old token expire.
    assert emulator.count(status=401) == 0


def test_a_token_refused_again_after_renewal_is_an_authentication_error(
    emulator: GenesysEmulator,
) -> None:
    emulator.token_ttl = 0  # every token is refused by the API at once
    client = GenesysClient(settings_for(emulator))
    with pytest.raises(AuthenticationError) as caught:
        client.org_id()
    assert not isinstance(caught.value, TokenRequestRejectedError)
    assert caught.value.status == 401 and caught.value.code == "bad.credentials"
    assert emulator.count(method="POST", path_contains="/oauth/token") == 2
    assert emulator.count(path_contains="/organizations/me") == 2
    assert "oauthclientId" in str(caught.value)


def test_bad_credentials_fail_fast_naming_client_and_login_url(emulator: GenesysEmulator) -> None:
    wrong = "wrong-secret-9f8e7d6c5b4a"
    client = GenesysClient(
        settings_for(
            emulator, **{"genesyscloud:oauthclientSecret": wrong, "genesyscloud:retryBudget": 30}
        )
    )
    started = time.monotonic()
    with pytest.raises(TokenRequestRejectedError) as caught:
        client.org_id()
    elapsed = time.monotonic() - started
    message = str(caught.value)
    print(f"\n{message} ({elapsed:.3f} s)")
    assert elapsed < 2.0
    assert emulator.count(method="POST", path_contains="/oauth/token") == 1
    assert emulator.count(path_contains="/api/v2") == 0
    assert caught.value.status == 401 and caught.value.code == "invalid_client"
    assert caught.value.client_id == emulator.client_id
    assert emulator.client_id in message
    assert f"{emulator.base_url}/oauth/token" in message
    assert wrong not in message and wrong not in repr(caught.value)
    assert emulator.client_secret not in message
    assert "GENESYSCLOUD_OAUTHCLIENT_SECRET" in message


def test_missing_credentials_are_a_configuration_error_before_any_request(
    emulator: GenesysEmulator,
) -> None:
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:oauthclientSecret": None}))
    with pytest.raises(ConfigurationError, match="genesyscloud:oauthclientSecret"):
        client.org_id()
    assert emulator.requests == []


def test_access_token_repr_hides_the_token(emulator: GenesysEmulator) -> None:
    token = auth.access_token(settings_for(emulator))
    assert token.value not in repr(token)
    with pytest.raises(TypeError):
        __import__("pickle").dumps(token)


@pytest.mark.parametrize("token", ["good-token\n", "two words", "tok\x00en"])
def test_a_token_that_cannot_go_in_a_header_is_refused_without_quoting_it(token: str) -> None:
    server = ScriptedServer(token=token)
    server.start()
    try:
        with pytest.raises(GenesysError) as caught:
            GenesysClient(server.settings()).org_id()
    finally:
        server.stop()
    assert "no usable access_token" in str(caught.value)
    assert token.strip().split()[0] not in str(caught.value)
    assert len(server.seen) == 1  # the token request only: the token was never sent on
