"""Fault sequences the chaos run can hit by chance, replayed deterministically.

Each test injects an exact sequence into the emulator and drives one Create through the real
provider host; what it asserts is what the chaos invariants demand of every run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from tests.chaos.engine_model import MAX_MESSAGE, message_problems, sentence_of
from tests.engine.harness import EngineError, ProviderHost
from tests.engine.integration_host import NEWS, checked, start_host

POSTS = "/api/v2/integrations"


@pytest.fixture
def emulator() -> Iterator[GenesysEmulator]:
    with GenesysEmulator(activation_delay=0.02) as emu:
        yield emu


@pytest.fixture
def host(emulator: GenesysEmulator, tmp_path: Path) -> Iterator[ProviderHost]:
    h = start_host(emulator, tmp_path / "audit.jsonl", {"genesyscloud:retryBudget": "1"})
    try:
        yield h
    finally:
        h.stop()


def create_outcome(host: ProviderHost, emulator: GenesysEmulator) -> tuple[str | None, str]:
    """Create NEWS; return (id or None when it failed, the error message or "")."""
    inputs = checked(host, NEWS)
    try:
        integration_id, _ = host.create(inputs)
    except EngineError as err:
        return None, err.message
    return integration_id, ""


def test_two_ambiguous_posts_leave_no_unnamed_orphan(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    emulator.inject_drop(count=1, method="POST", path_contains=POSTS)
    emulator.inject_drop_after_commit(count=1, method="POST", path_contains=POSTS)
    integration_id, message = create_outcome(host, emulator)
    live = [i["id"] for i in emulator.integrations()]
    if integration_id is not None:
        assert live == [integration_id]
    else:
        # A failed create may leave an integration only if its error names it.
        assert all(i in message for i in live), (live, message)


def test_ambiguous_post_then_dropped_reply_again_is_one_integration_or_none(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    # Committed, reply lost, found by name: the reconciliation path that works today.
    emulator.inject_drop_after_commit(count=1, method="POST", path_contains=POSTS)
    integration_id, message = create_outcome(host, emulator)
    assert message == ""
    assert [i["id"] for i in emulator.integrations()] == [integration_id]
    assert emulator.count(method="POST", path_contains=POSTS) == 1


def test_rollback_error_is_one_bounded_sentence(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    # The PATCH that enables the integration fails (500, not retried), so create rolls back;
    # the rollback's DELETE fails too, so the error must also name the orphan.
    emulator.inject_status(500, count=1, method="PATCH")
    emulator.inject_status(500, count=1, method="DELETE")
    integration_id, message = create_outcome(host, emulator)
    assert integration_id is None
    [orphan] = [i["id"] for i in emulator.integrations()]
    assert orphan in message and "adopt_integration_id" in message
    assert message_problems(message) == [], (len(sentence_of(message)), MAX_MESSAGE, message)


def test_rollback_error_names_the_cause_and_says_nothing_is_left(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    emulator.inject_status(500, count=1, method="PATCH")
    integration_id, message = create_outcome(host, emulator)
    assert integration_id is None and emulator.integrations() == []
    assert "PATCH" in message and "500" in message
    assert "nothing is left behind" in message
    assert "\n" not in message and "Traceback" not in message


def test_failed_lookup_after_ambiguous_post_names_what_may_exist(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    """A lookup that fails once is tried again; a create that fails must name what it left."""
    inputs = checked(host, NEWS)
    # The POST is held 0.5 s, then committed and its reply dropped; while it is held, the
    # lookup that follows it is set up to fail. The list before the POST has already passed.
    emulator.inject_delay(0.5, method="POST", path_contains=POSTS)
    emulator.inject_drop_after_commit(count=1, method="POST", path_contains=POSTS)
    outcome: dict[str, str] = {}

    def create() -> None:
        try:
            outcome["id"] = host.create(inputs)[0]
        except EngineError as err:
            outcome["message"] = err.message

    worker = threading.Thread(target=create)
    worker.start()
    deadline = time.monotonic() + 10
    while emulator.count(method="GET", path_contains=POSTS) < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    emulator.inject_status(500, count=1, method="GET", path_contains=POSTS)
    worker.join(timeout=30)
    live = emulator.integrations()
    if "id" in outcome:
        assert [i["id"] for i in live] == [outcome["id"]]
    else:
        message = outcome["message"]
        assert all(i["id"] in message or i["name"] in message for i in live), (live, message)


def concurrent_creates(hosts: list[ProviderHost], count: int) -> list[str]:
    """Create `count` integrations at once, spread over `hosts`; return the errors' messages."""
    inputs = [
        checked(
            hosts[n % len(hosts)],
            {
                **NEWS,
                "resource_name": f"r{n}",
                "owner": f"t/dev/r{n}",
                "event_source_suffix": f"s{n}",
            },
        )
        for n in range(count)
    ]
    messages: list[str] = []

    def create(n: int) -> None:
        try:
            hosts[n % len(hosts)].create(inputs[n])
        except EngineError as err:
            messages.append(err.message)

    with ThreadPoolExecutor(count) as pool:
        list(pool.map(create, range(count)))
    return messages


def test_concurrent_creates_in_one_host_never_exceed_max_integrations(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    cap = 2
    host = start_host(emulator, tmp_path / "audit.jsonl", {"genesyscloud:maxIntegrations": cap})
    try:
        # Each POST is held 0.3 s, so without a guard all four lists precede the first commit.
        emulator.inject_delay(0.3, count=4, method="POST", path_contains=POSTS)
        messages = concurrent_creates([host], 4)
    finally:
        host.stop()
    assert len(emulator.integrations()) == cap
    assert len(messages) == 2 and all("maxIntegrations" in m for m in messages), messages


def test_concurrent_creates_in_two_hosts_never_exceed_max_integrations(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    cap = 1
    config = {"genesyscloud:maxIntegrations": cap}
    hosts = [start_host(emulator, tmp_path / f"audit{n}.jsonl", config) for n in range(2)]
    try:
        # Both POSTs are held 0.3 s: each host's list is taken before the other's POST commits.
        emulator.inject_delay(0.3, count=2, method="POST", path_contains=POSTS)
        messages = concurrent_creates(hosts, 2)
    finally:
        for host in hosts:
            host.stop()
    assert len(emulator.integrations()) <= cap
    assert all("maxIntegrations" in m for m in messages), messages
