"""Retries over real HTTP: shared Retry-After, 5xx backoff, budgets, ambiguous POSTs."""

from __future__ import annotations

import math
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import (
    AmbiguousRequestError,
    BadRequestError,
    GenesysClient,
    NotFoundError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    retries,
)
from genesys_eventbridge.provider.genesys.retries import parse_retry_after
from tests.client.conftest import Reply, ScriptedServer, settings_for


def test_retry_after_storm_holds_every_thread_until_the_time_given(
    emulator: GenesysEmulator,
) -> None:
    # With one token (as before the pool), a 429 pauses every call: they all share that token.
    integration_id = emulator.seed_integration("storm")
    settings = settings_for(
        emulator, **{"genesyscloud:retryBudget": 10, "genesyscloud:tokenPoolSize": 1}
    )
    GenesysClient(settings).get_integration(integration_id)  # token in cache
    emulator.reset_log()
    emulator.inject_status(429, count=5, retry_after=1, path_contains=integration_id)
    barrier = threading.Barrier(4)
    first_success: dict[int, float] = {}

    def work(index: int) -> None:
        client = GenesysClient(settings)
        barrier.wait()
        for call in range(3):
            client.get_integration(integration_id)
            if call == 0:
                first_success[index] = time.time()

    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(work, i) for i in range(4)]:
            future.result()  # all succeed
    wall = time.monotonic() - started

    records = [r for r in emulator.requests if integration_id in r.path]
    rejected = [r for r in records if r.status == 429]
    assert len(rejected) == 5
    assert sum(1 for r in records if r.status == 200) == 12
    first_429 = min(r.ts for r in rejected)
    # While the first Retry-After runs, nobody sends: the other threads wait at the shared gate.
    during_wait = [r for r in records if first_429 + 0.15 < r.ts < first_429 + 0.95]
    print(
        f"\nRetry-After storm: wall {wall:.2f} s, {len(records)} requests,"
        f" {len(during_wait)} during the 1 s wait window"
    )
    assert wall >= 1.0
    assert during_wait == []
    assert all(t >= first_429 + 0.95 for t in first_success.values())


def test_http_date_retry_after_is_honoured(scripted: ScriptedServer) -> None:
    client = GenesysClient(scripted.settings())
    scripted.queue(
        Reply(
            429,
            {"code": "too.many.requests"},
            {"Retry-After": formatdate(math.ceil(time.time()) + 1, usegmt=True)},
        ),
        Reply(200, {"id": "org-after-date", "name": "x"}),
    )
    started = time.monotonic()
    assert client.org_id() == "org-after-date"
    elapsed = time.monotonic() - started
    api_calls = [s for s in scripted.seen if s.path.startswith("/api/v2")]
    assert len(api_calls) == 2
    # The date is 1-2 s ahead (whole seconds); the client waited for it.
    assert elapsed >= 0.95


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.5 ") == 0.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize("status", [502, 503, 504])
def test_5xx_is_retried_then_succeeds(
    emulator: GenesysEmulator, client: GenesysClient, status: int
) -> None:
    integration_id = emulator.seed_integration("flaky")
    emulator.inject_status(status, count=2, path_contains=integration_id)
    assert client.get_integration(integration_id).id == integration_id
    assert emulator.count(path_contains=integration_id, status=status) == 2
    assert emulator.count(path_contains=integration_id, status=200) == 1


def test_a_post_answered_503_is_retried_since_nothing_was_processed(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    emulator.inject_status(503, count=1, method="POST", path_contains="/api/v2/integrations")
    created = client.create_integration("after-503")
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 2
    assert [i["id"] for i in emulator.integrations()] == [created.id]


@pytest.mark.parametrize("status", [502, 504])
def test_a_post_answered_by_a_gateway_error_is_ambiguous(
    emulator: GenesysEmulator, client: GenesysClient, status: int
) -> None:
    emulator.inject_status(status, count=1, method="POST", path_contains="/api/v2/integrations")
    with pytest.raises(AmbiguousRequestError) as caught:
        client.create_integration("via-gateway")
    assert caught.value.status == status and caught.value.correlation_id
    assert f"got {status}" in str(caught.value) and "not repeated" in str(caught.value)
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 1


def test_ambiguous_post_is_reported_and_never_repeated(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    emulator.inject_drop_after_commit(count=1, method="POST", path_contains="/api/v2/integrations")
    with pytest.raises(AmbiguousRequestError) as caught:
        client.create_integration("maybe-created")
    message = str(caught.value)
    print(f"\n{message}")
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 1
    assert len(emulator.integrations()) == 1
    assert caught.value.method == "POST" and caught.value.path == "/api/v2/integrations"
    assert "not repeated" in message


def test_post_whose_connection_drops_unprocessed_is_still_ambiguous(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    # The client cannot tell "dropped before" from "dropped after" processing: it must not guess.
    emulator.inject_drop(count=1, method="POST", path_contains="/api/v2/integrations")
    with pytest.raises(AmbiguousRequestError):
        client.create_integration("dropped")
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 1


def test_idempotent_calls_are_retried_after_a_dropped_connection(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    integration_id = emulator.seed_integration("drop-get")
    emulator.inject_drop(count=2, method="GET", path_contains=integration_id)
    assert client.get_integration(integration_id).id == integration_id
    emulator.inject_drop_after_commit(count=1, method="PATCH", path_contains=integration_id)
    assert client.set_intended_state(integration_id, "DISABLED").intended_state == "DISABLED"
    assert emulator.count(method="GET", path_contains=integration_id) == 3
    assert emulator.count(method="PATCH", path_contains=integration_id) == 2


def test_a_read_timeout_on_get_is_retried(emulator: GenesysEmulator) -> None:
    integration_id = emulator.seed_integration("slow")
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:requestTimeout": 0.2}))
    client.org_id()
    emulator.inject_delay(0.5, count=1, path_contains=integration_id)
    assert client.get_integration(integration_id).id == integration_id
    time.sleep(0.4)  # the emulator logs the slow request once it has finished
    assert emulator.count(method="GET", path_contains=integration_id) == 2


def test_a_read_timeout_on_post_is_ambiguous(emulator: GenesysEmulator) -> None:
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:requestTimeout": 0.2}))
    client.org_id()
    emulator.inject_delay(0.5, count=1, method="POST", path_contains="/api/v2/integrations")
    with pytest.raises(AmbiguousRequestError, match="ReadTimeout"):
        client.create_integration("slow-post")
    time.sleep(0.4)  # let the slow request finish on the server
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 1
    assert len(emulator.integrations()) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connect_errors_are_retried_even_for_post_until_the_budget_runs_out(
    emulator: GenesysEmulator,
) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    client = GenesysClient(
        settings_for(
            emulator,
            **{
                "genesyscloud:apiBaseUrl": dead,
                "genesyscloud:loginBaseUrl": emulator.base_url,
                # Long enough that a loaded machine's slow token request leaves room for a
                # second attempt; the test is about the retry, not the budget's precision.
                "genesyscloud:retryBudget": 1.5,
            },
        )
    )
    started = time.monotonic()
    with pytest.raises(ServiceUnavailableError) as caught:
        client.create_integration("nobody-home")
    elapsed = time.monotonic() - started
    message = str(caught.value)
    print(f"\n{message}")
    assert not isinstance(caught.value, AmbiguousRequestError)
    assert caught.value.attempts >= 2  # nothing was sent, so the POST was tried again
    assert elapsed < 4.0
    assert "ConnectError" in message and "retry budget 1.5 s" in message


def test_budget_exhaustion_on_5xx_says_how_long_was_tried_and_what_to_do(
    emulator: GenesysEmulator,
) -> None:
    integration_id = emulator.seed_integration("down")
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:retryBudget": 1.5}))
    emulator.inject_status(503, count=10_000, path_contains=integration_id)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailableError) as caught:
        client.get_integration(integration_id)
    elapsed = time.monotonic() - started
    error = caught.value
    message = str(error)
    print(f"\n{message}")
    assert elapsed < 4.0
    assert error.status == 503 and error.attempts == emulator.count(path_contains=integration_id)
    assert error.attempts >= 2
    assert "after trying for" in message and "retry budget 1.5 s" in message
    assert "genesyscloud:retryBudget" in message and "GENESYSCLOUD_RETRY_BUDGET" in message
    assert error.correlation_id and error.correlation_id in message


def test_a_retry_after_beyond_the_budget_gives_up_at_once(emulator: GenesysEmulator) -> None:
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:retryBudget": 2}))
    emulator.inject_status(429, count=100, retry_after=30, path_contains="/organizations/me")
    started = time.monotonic()
    with pytest.raises(RateLimitExhaustedError) as caught:
        client.org_id()
    message = str(caught.value)
    print(f"\n{message}")
    assert time.monotonic() - started < 1.0
    assert emulator.count(path_contains="/organizations/me") == 1
    assert "asked to wait 30.0 s (Retry-After)" in message
    assert "--parallel" in message and "genesyscloud:retryBudget" in message


def test_other_4xx_are_not_retried(emulator: GenesysEmulator, client: GenesysClient) -> None:
    integration_id = emulator.seed_integration("four-hundreds")
    emulator.inject_status(400, count=5, path_contains=integration_id)
    with pytest.raises(BadRequestError):
        client.get_integration(integration_id)
    emulator.clear_faults()
    emulator.inject_status(404, count=5, path_contains=integration_id)
    with pytest.raises(NotFoundError):
        client.get_integration(integration_id)
    assert emulator.count(path_contains=integration_id) == 2


@pytest.mark.parametrize(
    "retry_after",
    [0, formatdate(time.time() - 3600, usegmt=True)],
    ids=["retry-after-0", "retry-after-past-date"],
)
def test_a_zero_retry_after_waits_the_backoff_step_not_a_hot_loop(
    emulator: GenesysEmulator, monkeypatch: pytest.MonkeyPatch, retry_after: int | str
) -> None:
    # The shipped backoff (the autouse fixture shrinks it): what a user's `pulumi up` would do.
    monkeypatch.setattr(retries, "BACKOFF_BASE", 0.5)
    monkeypatch.setattr(retries, "BACKOFF_CAP", 20.0)
    integration_id = emulator.seed_integration("hot-loop")
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:retryBudget": 1}))
    client.org_id()  # token and org cached: only the rate-limited call is counted
    emulator.inject_status(
        429, count=100_000, retry_after=retry_after, path_contains=integration_id
    )
    started = time.monotonic()
    with pytest.raises(RateLimitExhaustedError) as caught:
        client.get_integration(integration_id)
    elapsed = time.monotonic() - started
    sent = [r.ts for r in emulator.requests if integration_id in r.path]
    print(f"\nRetry-After {retry_after!r}: {len(sent)} attempts in {elapsed:.2f} s (budget 1 s)")
    # Steps of 0.25, 0.5, 1 s: three attempts fit a 1 s budget (thousands did before the floor).
    assert caught.value.attempts == len(sent) <= 3
    gaps = [later - earlier for earlier, later in zip(sent, sent[1:], strict=False)]
    assert all(gap >= 0.2 for gap in gaps), gaps
    assert "asked to wait 0.0 s" not in str(caught.value)


def test_one_call_makes_at_most_max_attempts_whatever_the_budget(
    emulator: GenesysEmulator,
) -> None:
    integration_id = emulator.seed_integration("capped")
    client = GenesysClient(settings_for(emulator, **{"genesyscloud:retryBudget": 60}))
    emulator.inject_status(503, count=100_000, path_contains=integration_id)
    with pytest.raises(ServiceUnavailableError) as caught:
        client.get_integration(integration_id)
    message = str(caught.value)
    print(f"\n{message}")
    assert emulator.count(path_contains=integration_id) == retries.MAX_ATTEMPTS
    assert caught.value.attempts == retries.MAX_ATTEMPTS
    assert f"gave up after {retries.MAX_ATTEMPTS} attempts" in message
