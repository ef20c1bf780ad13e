"""Faults through the real provider host: rate limits, outages, races, lost replies, expiry."""

from __future__ import annotations

import base64
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from tests.engine.harness import EngineError, ProviderHost
from tests.engine.integration_host import NEWS, TOPICS, checked, start_host


def test_429_storm_with_retry_after_is_waited_out(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    emulator.inject_status(status=429, count=4, retry_after=1)
    started = time.monotonic()
    integration_id, outs = host.create(inputs)
    assert time.monotonic() - started >= 1.0
    assert outs["reported_state"] == "ACTIVE"
    assert [i["id"] for i in emulator.integrations()] == [integration_id]
    assert emulator.count(status=429) == 4


def test_503s_are_retried(host: ProviderHost, emulator: GenesysEmulator) -> None:
    inputs = checked(host, NEWS)
    emulator.inject_status(status=503, count=3)
    integration_id, _ = host.create(inputs)
    assert [i["id"] for i in emulator.integrations()] == [integration_id]
    assert emulator.count(status=503) == 3


def test_version_conflict_race_rereads_and_wins(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    emulator.inject_version_conflict(count=3)
    integration_id, _ = host.create(inputs)
    assert emulator.count(method="PUT", status=409) == 3
    assert emulator.integration_config(integration_id)["properties"]["eventFilter"] == TOPICS


def test_ambiguous_post_yields_exactly_one_integration(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    emulator.inject_drop_after_commit(count=1, method="POST", path_contains="/api/v2/integrations")
    integration_id, outs = host.create(inputs)
    [live] = emulator.integrations()
    assert live["id"] == integration_id and outs["reported_state"] == "ACTIVE"
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 1


def test_ambiguous_post_that_did_not_commit_is_sent_once_more(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    emulator.inject_drop(count=1, method="POST", path_contains="/api/v2/integrations")
    integration_id, _ = host.create(inputs)
    assert [i["id"] for i in emulator.integrations()] == [integration_id]


def test_token_expiry_mid_lifecycle_renews_once(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    integration_id, outs = host.create(inputs)
    assert emulator.token_requests == 1
    emulator.expire_tokens()
    news = checked(host, {**NEWS, "topics": TOPICS[:1]}, inputs)
    outs = host.update(integration_id, outs, news)
    assert outs["topics"] == TOPICS[:1]
    assert emulator.token_requests == 2


def test_concurrent_engine_calls_share_one_token(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    names = [f"sub-{n}" for n in range(4)]
    inputs = [checked(host, {**NEWS, "resource_name": n, "event_source_suffix": n}) for n in names]
    with ThreadPoolExecutor(4) as pool:
        created = list(pool.map(host.create, inputs))
    assert len({i for i, _ in created}) == 4
    assert len(emulator.integrations()) == 4
    assert emulator.token_requests == 1


def test_secrets_never_reach_outputs_provider_stderr_or_audit(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    host = start_host(emulator, audit)
    try:
        inputs = checked(host, NEWS)
        integration_id, outs = host.create(inputs)
        outs = host.update(integration_id, outs, checked(host, {**NEWS, "notes": "n"}, inputs))
        _, read_outs, _ = host.read(integration_id, outs)
        emulator.fail_activation = True
        failed = None
        try:
            host.create(checked(host, {**NEWS, "resource_name": "second"}))
        except Exception as err:  # noqa: BLE001 - the error text is what we scan
            failed = str(err)
        host.delete(integration_id, outs)
        stderr = host.stderr_text()
        blob = base64.b64decode(host.provider_blob).decode("latin-1")
    finally:
        host.stop()
    tokens = emulator.issued_tokens()
    assert tokens, "the emulator issued no token"
    haystacks = {
        "outputs": repr([inputs, outs, read_outs]),
        "__provider": host.provider_blob + blob,
        "stderr": stderr,
        "audit log": audit.read_text(),
        "error": failed or "",
    }
    assert "create" in haystacks["audit log"] and failed
    for where, text in haystacks.items():
        assert emulator.client_secret not in text, f"client secret found in {where}"
        for token in tokens:
            assert token not in text, f"access token found in {where}"


def test_ambiguous_post_with_an_unreadable_list_never_posts_twice(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    emulator.inject_drop_after_commit(count=1, method="POST", path_contains="/api/v2/integrations")
    # The list before the POST (the cap check) answers; every list after it fails.
    emulator.inject_status(
        status=400, count=20, method="GET", path_contains="/api/v2/integrations", after=1
    )
    with pytest.raises(EngineError) as caught:
        host.create(inputs)
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 1
    [orphan] = emulator.integrations()
    # The error names the provisional name it can be found by, so the user can adopt or delete it.
    assert orphan["name"].startswith(inputs["integration_name"] + " (creating ")
    assert orphan["name"] in caught.value.message
    assert "adopt_integration_id" in caught.value.message


def test_max_integrations_holds_under_concurrent_creates(emulator: GenesysEmulator) -> None:
    host = start_host(emulator, config={"genesyscloud:maxIntegrations": 2})
    try:
        names = [f"sub-{n}" for n in range(4)]
        inputs = [
            checked(host, {**NEWS, "resource_name": n, "event_source_suffix": n}) for n in names
        ]

        def create(props: dict) -> str:
            try:
                return host.create(props)[0]
            except EngineError as err:
                return err.message

        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(create, inputs))
    finally:
        host.stop()
    assert len(emulator.integrations()) == 2
    refused = [r for r in results if "genesyscloud:maxIntegrations" in r]
    assert len(refused) == 2, results


def test_a_count_gone_stale_in_one_host_still_holds_the_cap(emulator: GenesysEmulator) -> None:
    host = start_host(emulator, config={"genesyscloud:maxIntegrations": 2})
    try:
        host.create(checked(host, {**NEWS, "resource_name": "a", "event_source_suffix": "a"}))
        # Another host creates one: this host's own count (1, from its last listing) is stale.
        emulator.seed_integration("made-elsewhere")
        with pytest.raises(EngineError) as caught:
            host.create(checked(host, {**NEWS, "resource_name": "b", "event_source_suffix": "b"}))
    finally:
        host.stop()
    # The listing after the POST counted 3: the create rolled back, the cap held.
    assert len(emulator.integrations()) == 2
    assert "genesyscloud:maxIntegrations" in caught.value.message
    assert "nothing is left behind" in caught.value.message
