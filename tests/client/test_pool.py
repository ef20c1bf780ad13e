"""The token pool over real HTTP: lazy tokens, per-token pacing, per-token and client-wide 429s."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.emulator import auth as emulator_auth
from genesys_eventbridge.provider.genesys import (
    GenesysClient,
    RateLimitExhaustedError,
    Settings,
    auth,
    pacing,
)
from tests.client.conftest import Reply, ScriptedServer, settings_for


def pool_settings(emulator: GenesysEmulator, size: int, rate: int = 300, **more: Any) -> Settings:
    """Settings for `emulator` with a pool of `size` tokens paced at `rate` requests a minute."""
    return settings_for(
        emulator,
        **{
            "genesyscloud:tokenPoolSize": size,
            "genesyscloud:requestsPerMinute": rate,
            "genesyscloud:retryBudget": 20,
            **more,
        },
    )


def api_calls(emulator: GenesysEmulator, integration_id: str) -> list[Any]:
    """The emulator's records of calls on `integration_id`."""
    return [r for r in emulator.requests if integration_id in r.path]


@pytest.mark.parametrize("threads", [1, 4])
def test_threads_within_budget_share_one_token_even_with_a_pool_of_20(
    emulator: GenesysEmulator, threads: int
) -> None:
    integration_id = emulator.seed_integration("lazy")
    settings = pool_settings(emulator, size=20)

    def work(_: int) -> None:
        for _ in range(25):
            GenesysClient(settings).get_integration(integration_id)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    # Tokens are fetched when the ones in hand are short of budget, not one per thread.
    assert emulator.token_requests == 1
    assert {r.token for r in api_calls(emulator, integration_id)} == {1}


def test_n_threads_short_of_budget_never_hold_more_than_n_tokens(
    emulator: GenesysEmulator,
) -> None:
    # 10 requests a minute per token: 3 threads x 10 calls need exactly 3 tokens' budget.
    integration_id = emulator.seed_integration("budget")
    emulator.inject_delay(0.2, count=20, path_contains="/oauth/token")  # widen the races
    settings = pool_settings(emulator, size=20, rate=10)
    barrier = threading.Barrier(3)

    def work(_: int) -> None:
        client = GenesysClient(settings)
        barrier.wait()
        for _ in range(10):
            client.get_integration(integration_id)

    started = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(work, range(3)))
    elapsed = time.monotonic() - started
    per_token = Counter(r.token for r in api_calls(emulator, integration_id))
    print(f"\n3 threads x 10 calls at 10/min per token: {dict(per_token)} in {elapsed:.2f} s")
    assert emulator.token_requests == 3
    assert sorted(per_token.values()) == [10, 10, 10]  # each token's whole budget, no more
    assert len(auth.pool_for(settings).tokens()) == 3
    assert emulator.count(status=429) == 0
    assert elapsed < 5  # nobody waited for a window to pass


def test_pacing_keeps_one_token_within_its_rate_without_429s(
    emulator: GenesysEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 2 s window on both sides, so the test does not wait a minute.
    monkeypatch.setattr(pacing, "WINDOW", 2.0)
    monkeypatch.setattr(pacing, "WINDOW_SLACK", 0.1)
    monkeypatch.setattr(emulator_auth, "RATE_WINDOW_SECONDS", 2.0)
    emulator.rate_limit_per_minute = 5
    integration_id = emulator.seed_integration("paced")
    client = GenesysClient(pool_settings(emulator, size=1, rate=5))
    started = time.monotonic()
    for _ in range(8):
        client.get_integration(integration_id)
    elapsed = time.monotonic() - started
    calls = api_calls(emulator, integration_id)
    assert emulator.count(status=429) == 0
    assert len(calls) == 8 and emulator.token_requests == 1
    # Calls 6-8 waited for call 1 to leave the window: never more than 5 in any 2 s.
    assert elapsed >= 2.0
    assert calls[5].ts - calls[0].ts >= 2.0


def test_a_429_on_one_token_pauses_that_token_only(emulator: GenesysEmulator) -> None:
    integration_id = emulator.seed_integration("pause-one")
    settings = pool_settings(emulator, size=4)
    GenesysClient(settings).get_integration(integration_id)  # token 1 in hand
    emulator.inject_status(429, count=1, retry_after=2, path_contains=integration_id, token=1)
    told: dict[str, float] = {}

    def told_to_wait() -> None:
        started = time.monotonic()
        GenesysClient(settings).get_integration(integration_id)
        told["seconds"] = time.monotonic() - started

    waiting = threading.Thread(target=told_to_wait)
    waiting.start()
    while emulator.count(status=429) == 0:
        time.sleep(0.01)
    time.sleep(0.2)  # the log has the 429 a moment before the client has read it
    started = time.monotonic()
    for _ in range(5):  # the other calls go on with another token, without waiting
        GenesysClient(settings).get_integration(integration_id)
    others = time.monotonic() - started
    waiting.join()

    [rejected] = [r for r in api_calls(emulator, integration_id) if r.status == 429]
    during = [r for r in api_calls(emulator, integration_id) if 0 < r.ts - rejected.ts < 1.9]
    print(f"\nothers took {others:.2f} s; the told call {told['seconds']:.2f} s")
    assert told["seconds"] >= 2.0  # Retry-After still wins for the call that was told
    assert others < 1.5
    assert len(during) == 5 and {r.token for r in during} == {2}
    assert emulator.token_requests == 2


@pytest.mark.parametrize(
    "says",
    [
        {"message": "Rate limit exceeded for the organization [org.app.rate.per.minute]"},
        {"headers": {"inin-ratelimit-key": "client.credentials.token.rate.per.minute"}},
    ],
    ids=["message", "header"],
)
def test_a_429_that_says_it_is_client_wide_pauses_every_token(
    emulator: GenesysEmulator, says: dict[str, Any]
) -> None:
    integration_id = emulator.seed_integration("pause-all")
    settings = pool_settings(emulator, size=4)
    GenesysClient(settings).get_integration(integration_id)
    emulator.inject_status(
        429, count=1, retry_after=1, path_contains=integration_id, token=1, **says
    )
    threads = [
        threading.Thread(target=GenesysClient(settings).get_integration, args=(integration_id,))
        for _ in range(3)
    ]
    threads[0].start()
    while emulator.count(status=429) == 0:
        time.sleep(0.01)
    time.sleep(0.2)  # the log has the 429 a moment before the client has read it
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join()
    calls = api_calls(emulator, integration_id)
    [rejected] = [r for r in calls if r.status == 429]
    after = [r for r in calls if r.ts > rejected.ts]
    assert len(after) == 3 and all(r.ts - rejected.ts >= 0.95 for r in after)
    # A new token would not escape a limit of the whole client: none was fetched.
    assert emulator.token_requests == 1


def test_a_per_token_429_unannounced_by_headers_pauses_one_token_and_a_new_one_serves(
    emulator: GenesysEmulator,
) -> None:
    # The server allows 1 request a minute per token without saying so; the client thinks 300.
    emulator.rate_limit_per_minute = 1
    emulator.rate_headers = False
    integration_id = emulator.seed_integration("plain")
    client = GenesysClient(pool_settings(emulator, size=3, **{"genesyscloud:retryBudget": 2}))
    client.get_integration(integration_id)
    with pytest.raises(RateLimitExhaustedError):  # told to wait ~60 s, more than its budget
        client.get_integration(integration_id)
    started = time.monotonic()
    client.get_integration(integration_id)  # token 1 is paused: token 2 serves at once
    assert time.monotonic() - started < 1.0
    assert [r.token for r in api_calls(emulator, integration_id)] == [1, 1, 2]
    assert emulator.token_requests == 2


def test_an_expired_token_is_renewed_alone(emulator: GenesysEmulator) -> None:
    integration_id = emulator.seed_integration("expire-one")
    settings = pool_settings(emulator, size=4, rate=4)
    client = GenesysClient(settings)
    for _ in range(6):  # 4 calls spend token 1, 2 go through token 2
        client.get_integration(integration_id)
    assert emulator.token_requests == 2
    first = auth.pool_for(settings).tokens()[0]
    emulator.expire_token(2)
    client.get_integration(integration_id)  # token 2 (most budget) -> 401 -> token 3
    client.get_integration(integration_id)
    calls = api_calls(emulator, integration_id)
    assert [r.token for r in calls if r.status == 401] == [2]
    assert [r.token for r in calls[-2:]] == [3, 3]
    assert emulator.token_requests == 3
    # Token 1 was not renewed: it is still in the pool.
    assert auth.pool_for(settings).tokens()[0] is first
    assert len(auth.pool_for(settings).tokens()) == 2


def test_a_429_without_retry_after_pauses_its_token_for_the_default_pause(
    emulator: GenesysEmulator,
) -> None:
    integration_id = emulator.seed_integration("no-retry-after")
    client = GenesysClient(pool_settings(emulator, size=1))
    client.get_integration(integration_id)
    emulator.inject_status(429, count=1, path_contains=integration_id)  # no Retry-After
    client.get_integration(integration_id)
    rejected, retried = api_calls(emulator, integration_id)[-2:]
    assert rejected.status == 429 and retried.status == 200
    # The one token sat out the default pause, not just the (shorter) backoff step.
    assert retried.ts - rejected.ts >= pacing.DEFAULT_PAUSE


def test_a_stated_limit_lower_than_the_setting_hands_work_to_the_next_token_without_429s(
    emulator: GenesysEmulator,
) -> None:
    # The server allows 5 a minute per token and says so; the client was told 300.
    emulator.rate_limit_per_minute = 5
    integration_id = emulator.seed_integration("told-lower")
    client = GenesysClient(pool_settings(emulator, size=3, **{"genesyscloud:retryBudget": 2}))
    started = time.monotonic()
    for _ in range(12):
        client.get_integration(integration_id)
    elapsed = time.monotonic() - started
    assert [r.token for r in api_calls(emulator, integration_id)] == [1] * 5 + [2] * 5 + [3] * 2
    assert emulator.count(status=429) == 0
    assert elapsed < 2  # no token sat out a window


def test_a_stated_limit_higher_than_the_setting_lets_one_token_send_more(
    emulator: GenesysEmulator,
) -> None:
    emulator.rate_limit_per_minute = 20
    integration_id = emulator.seed_integration("told-higher")
    # Told 5 a minute and a 2 s budget: without the server's word, call 6 would give up.
    client = GenesysClient(
        pool_settings(emulator, size=1, rate=5, **{"genesyscloud:retryBudget": 2})
    )
    for _ in range(12):
        client.get_integration(integration_id)
    assert {r.token for r in api_calls(emulator, integration_id)} == {1}
    assert emulator.count(status=429) == 0


def test_threads_paced_by_a_stated_limit_get_no_429s_and_stay_within_the_pool(
    emulator: GenesysEmulator,
) -> None:
    emulator.rate_limit_per_minute = 10
    integration_id = emulator.seed_integration("told-threads")
    settings = pool_settings(emulator, size=6)
    barrier = threading.Barrier(4)

    def work(_: int) -> None:
        client = GenesysClient(settings)
        barrier.wait()
        for _ in range(10):
            client.get_integration(integration_id)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(4)))
    per_token = Counter(r.token for r in api_calls(emulator, integration_id))
    print(f"\n4 threads x 10 calls, server 10/min per token: {dict(per_token)}")
    assert emulator.count(status=429) == 0
    # Each token spends exactly what the server stated, and no more tokens than that needs.
    assert sorted(per_token.values()) == [10, 10, 10, 10]
    assert emulator.token_requests == 4


def test_a_new_token_starts_from_the_limit_its_siblings_were_told(
    emulator: GenesysEmulator,
) -> None:
    emulator.rate_limit_per_minute = 1
    integration_id = emulator.seed_integration("told-new")
    settings = pool_settings(emulator, size=3, **{"genesyscloud:retryBudget": 5})
    GenesysClient(settings).get_integration(integration_id)  # token 1 is told: 1 a minute
    # Both threads wait while token 2 is fetched; its first reply comes 0.2 s after it lands.
    emulator.inject_delay(0.2, count=1, path_contains="/oauth/token")
    emulator.latency = 0.2
    barrier = threading.Barrier(2)

    def work(_: int) -> None:
        client = GenesysClient(settings)
        barrier.wait()
        client.get_integration(integration_id)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(work, range(2)))
    # Token 2 was not taken twice on the setting's 300 before its own first reply said 1.
    assert emulator.count(status=429) == 0
    assert sorted(r.token for r in api_calls(emulator, integration_id)) == [1, 2, 3]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {
            "inin-ratelimit-allowed": "lots",
            "inin-ratelimit-count": "1",
            "inin-ratelimit-reset": "9",
        },
        {"inin-ratelimit-allowed": "0", "inin-ratelimit-count": "0", "inin-ratelimit-reset": "9"},
        {"inin-ratelimit-allowed": "3.5", "inin-ratelimit-count": "x", "inin-ratelimit-reset": "y"},
        {"inin-ratelimit-count": "999", "inin-ratelimit-reset": "60"},
    ],
    ids=["none", "word", "zero", "fraction", "no-allowed"],
)
def test_malformed_rate_limit_headers_leave_the_setting_in_charge(
    scripted: ScriptedServer, headers: dict[str, str]
) -> None:
    scripted.queue(*(Reply(200, {"id": "org-1", "name": "Org"}, headers) for _ in range(3)))
    client = GenesysClient(
        scripted.settings(**{"genesyscloud:requestsPerMinute": 3, "genesyscloud:tokenPoolSize": 1})
    )
    for _ in range(3):
        client.organization()
    started = time.monotonic()
    with pytest.raises(RateLimitExhaustedError, match="out of request budget"):
        client.organization()  # the setting's 3 a minute are spent, as with no headers
    assert time.monotonic() - started < 1  # refused at once, not after a hot loop
    assert len([s for s in scripted.seen if s.path != "/oauth/token"]) == 3


def test_a_given_token_spent_elsewhere_is_paced_by_the_count_the_server_states(
    emulator: GenesysEmulator,
) -> None:
    emulator.rate_limit_per_minute = 5
    integration_id = emulator.seed_integration("shared")
    GenesysClient(pool_settings(emulator, size=1)).get_integration(integration_id)
    [token] = emulator.issued_tokens()
    for _ in range(2):  # other processes spend three of the token's five in all
        reply = httpx.get(
            f"{emulator.base_url}/api/v2/organizations/me",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert reply.status_code == 200
    shared: dict[str, Any] = {"genesyscloud:accessToken": token, "genesyscloud:retryBudget": 1}
    given = GenesysClient(pool_settings(emulator, size=1, **shared))
    given.get_integration(integration_id)  # count 4 of 5: the server says 3 were spent elsewhere
    given.get_integration(integration_id)
    with pytest.raises(RateLimitExhaustedError, match="out of request budget"):
        given.get_integration(integration_id)  # refused here, not sent for a 429
    assert emulator.count(status=429) == 0
