"""A create finds the integration an earlier failed create of the same resource left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from tests.engine.harness import EngineError, ProviderHost
from tests.engine.integration_host import NEWS, TOPICS, checked, start_host

INTEGRATIONS = "/api/v2/integrations"


def _properties(suffix: str = NEWS["event_source_suffix"]) -> dict[str, object]:
    return {
        "awsAccountId": NEWS["aws_account_id"],
        "awsAccountRegion": NEWS["aws_region"],
        "eventSourceSuffix": suffix,
        "eventFilter": TOPICS[:1],
    }


def test_an_outage_past_the_retry_budget_leaves_nothing_after_the_next_create(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    failing = start_host(emulator, audit, config={"genesyscloud:retryBudget": 1})
    try:
        inputs = checked(failing, NEWS)
        # The listing and the POST go through; then Genesys is down for every call, the
        # rollback's DELETE included.
        emulator.inject_status(status=503, count=10_000, path_contains=INTEGRATIONS, after=2)
        with pytest.raises(EngineError) as caught:
            failing.create(inputs)
    finally:
        failing.stop()
        emulator.clear_faults()
    [left] = emulator.integrations()
    assert f"adopt_integration_id={left['id']!r}" in caught.value.message
    assert left["name"].startswith(inputs["integration_name"] + " (creating ")

    # The next `pulumi up` is a new provider host, with the same (derived) name.
    host = start_host(emulator, audit)
    try:
        again = checked(host, NEWS)
        assert again["integration_name"] == inputs["integration_name"]
        emulator.reset_log()
        integration_id, outs = host.create(again)
        stderr = host.stderr_text()
    finally:
        host.stop()
    [live] = emulator.integrations()
    assert live["id"] == integration_id == left["id"]
    assert live["name"] == inputs["integration_name"]
    assert outs["reported_state"] == "ACTIVE" and live["intendedState"] == "ENABLED"
    config = emulator.integration_config(integration_id)
    assert config["properties"]["eventFilter"] == TOPICS
    assert config["properties"]["eventSourceSuffix"] == NEWS["event_source_suffix"]
    assert emulator.count(method="POST", path_contains=INTEGRATIONS) == 0
    assert integration_id in stderr and "left behind" in stderr
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [r["integration_id"] for r in records if r["operation"] == "recover"] == [integration_id]


def test_an_active_leftover_with_the_same_config_is_taken_without_a_post(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, {**NEWS, "notes": "owned by the contact centre"})
    # Fully configured and ACTIVE, but the state lost it (say, the reply of the last call).
    leftover = emulator.seed_integration(
        inputs["integration_name"], {**_properties(), "eventFilter": TOPICS}, "ENABLED"
    )
    emulator.reset_log()
    integration_id, outs = host.create(inputs)
    assert integration_id == leftover and outs["reported_state"] == "ACTIVE"
    assert [i["id"] for i in emulator.integrations()] == [leftover]
    assert emulator.integration_config(leftover)["notes"] == "owned by the contact centre"
    assert emulator.count(method="POST", path_contains=INTEGRATIONS) == 0


@pytest.mark.parametrize("provisional", [False, True], ids=["named", "provisional"])
def test_a_same_named_integration_for_another_source_is_left_alone(
    host: ProviderHost, emulator: GenesysEmulator, provisional: bool
) -> None:
    inputs = checked(host, {**NEWS, "integration_name": "shared name"})
    name = "shared name (creating 0123abcd)" if provisional else "shared name"
    others = [
        emulator.seed_integration(name, _properties(suffix="another-suffix"), "ENABLED"),
        emulator.seed_integration(name, {**_properties(), "awsAccountRegion": "us-east-1"}),
    ]
    before = [emulator.integration_config(i) for i in others]
    integration_id, _ = host.create(inputs)
    assert integration_id not in others
    assert {i["id"] for i in emulator.integrations()} == {*others, integration_id}
    assert [emulator.integration_config(i) for i in others] == before
    assert [emulator.integration(i)["name"] for i in others] == [name, name]
