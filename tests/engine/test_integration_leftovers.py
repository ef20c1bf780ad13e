"""A create finds the integration an earlier failed create of the same resource left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import GenesysClient, Settings
from genesys_eventbridge.provider.ownership import mark_notes, provisional_name, split_notes
from tests.engine.harness import EngineError, ProviderHost
from tests.engine.integration_host import NEWS, TOPICS, checked, start_host

INTEGRATIONS = "/api/v2/integrations"


def _write_notes(emulator: GenesysEmulator, integration_id: str, notes: str | None) -> None:
    """Set an integration's config notes through the API, as its creator's config PUT did."""
    client = GenesysClient(Settings.resolve(emulator.settings_config(), environ={}))
    config = client.get_integration_config(integration_id)
    client.put_integration_config(integration_id, config.model_copy(update={"notes": notes}))


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


def test_a_leftover_is_taken_over_by_the_next_create_in_the_same_host(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    host = start_host(emulator, config={"genesyscloud:retryBudget": 1})
    try:
        inputs = checked(host, NEWS)
        # The host's listing (for the cap) is taken before the POST: it cannot show the leftover.
        emulator.inject_status(status=503, count=10_000, path_contains=INTEGRATIONS, after=2)
        with pytest.raises(EngineError):
            host.create(inputs)
        emulator.clear_faults()
        [left] = emulator.integrations()
        integration_id, outs = host.create(checked(host, NEWS))
    finally:
        host.stop()
    assert integration_id == left["id"] and outs["reported_state"] == "ACTIVE"
    assert [i["id"] for i in emulator.integrations()] == [integration_id]


def test_an_active_leftover_marked_as_this_resources_is_taken_without_a_post(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, {**NEWS, "notes": "owned by the contact centre"})
    # Fully configured, marked and ACTIVE, but the state lost it (say, the reply of the last call).
    leftover = emulator.seed_integration(
        inputs["integration_name"], {**_properties(), "eventFilter": TOPICS}, "ENABLED"
    )
    _write_notes(emulator, leftover, mark_notes("old notes", NEWS["owner"]))
    emulator.reset_log()
    integration_id, outs = host.create(inputs)
    assert integration_id == leftover and outs["reported_state"] == "ACTIVE"
    assert [i["id"] for i in emulator.integrations()] == [leftover]
    notes = emulator.integration_config(leftover)["notes"]
    assert split_notes(notes) == ("owned by the contact centre", NEWS["owner"])
    assert outs["notes"] == "owned by the contact centre"
    assert emulator.count(method="POST", path_contains=INTEGRATIONS) == 0


@pytest.mark.parametrize(
    "owner",
    [None, "tests/other-stack/contact-centre", "tests/dev/another-resource"],
    ids=["unmarked", "another-stack", "another-resource"],
)
def test_an_integration_for_the_same_source_not_marked_as_ours_is_refused(
    host: ProviderHost, emulator: GenesysEmulator, owner: str | None
) -> None:
    inputs = checked(host, NEWS)
    theirs = emulator.seed_integration(inputs["integration_name"], _properties(), "ENABLED")
    if owner is not None:
        _write_notes(emulator, theirs, mark_notes("their notes", owner))
    before = (emulator.integration(theirs), emulator.integration_config(theirs))
    emulator.reset_log()
    with pytest.raises(EngineError) as caught:
        host.create(inputs)
    message = caught.value.message
    assert theirs in message and f"adopt_integration_id={theirs!r}" in message
    assert "event source suffix" in message  # the other fix
    if owner is None:
        assert "no resource that marked it" in message
    else:
        project, stack, resource = owner.split("/")
        assert f"resource {resource!r} of stack {stack!r} in project {project!r}" in message
    assert [i["id"] for i in emulator.integrations()] == [theirs]
    assert (emulator.integration(theirs), emulator.integration_config(theirs)) == before
    assert emulator.count(method="POST", path_contains=INTEGRATIONS) == 0
    assert emulator.count(method="PUT") == emulator.count(method="DELETE") == 0


@pytest.mark.parametrize(
    "left_name",
    ["exact", "provisional-unmarked", "provisional-of-another-owner"],
)
def test_a_same_named_integration_without_config_not_provably_ours_is_left_alone(
    host: ProviderHost, emulator: GenesysEmulator, left_name: str
) -> None:
    inputs = checked(host, NEWS)
    name = inputs["integration_name"]
    seeded_name = {
        "exact": name,
        "provisional-unmarked": f"{name} (creating 0123abcd)",
        "provisional-of-another-owner": provisional_name(name, "tests/other/contact-centre"),
    }[left_name]
    other = emulator.seed_integration(seeded_name)
    before = emulator.integration_config(other)
    integration_id, _ = host.create(inputs)
    assert integration_id != other
    assert {i["id"] for i in emulator.integrations()} == {other, integration_id}
    assert emulator.integration_config(other) == before
    assert emulator.integration(other)["name"] == seeded_name


def test_a_provisional_integration_without_config_marked_as_ours_is_taken(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    # The POST of an earlier create went through; its config PUT never did.
    ours = emulator.seed_integration(provisional_name(inputs["integration_name"], NEWS["owner"]))
    emulator.reset_log()
    integration_id, outs = host.create(inputs)
    assert integration_id == ours and outs["reported_state"] == "ACTIVE"
    assert [i["id"] for i in emulator.integrations()] == [ours]
    assert emulator.integration(ours)["name"] == inputs["integration_name"]
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
