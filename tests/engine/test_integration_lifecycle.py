"""EventBridgeIntegration through the real provider host, played like the Pulumi engine.

Every test starts the Genesys emulator and `python -m pulumi.dynamic`, calls Configure with
the stack config the CLI would send, then drives Check/Diff/Create/Read/Update/Delete.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider import EventBridgeIntegrationProvider
from tests.engine.harness import UNKNOWN, EngineError, ProviderHost
from tests.engine.integration_host import NEWS, SECRET_KEY, TOPICS, checked, start_host


def config_of(emulator: GenesysEmulator, integration_id: str) -> dict[str, Any]:
    return emulator.integration_config(integration_id)


def test_lifecycle_check_create_diff_update_read_delete(
    host: ProviderHost, emulator: GenesysEmulator, audit_log: Path
) -> None:
    inputs = checked(host, NEWS)
    assert inputs["integration_name"].startswith("contact-centre-")
    assert inputs["enabled"] is True

    integration_id, outs = host.create(inputs)
    assert outs["integration_id"] == integration_id
    assert outs["reported_state"] == "ACTIVE"
    assert outs["org_id"] == emulator.org_id
    assert outs["event_source_name"] == f"aws.partner/genesys.com/cloud/{emulator.org_id}/cc-prod"
    assert {k: outs[k] for k in NEWS} == NEWS
    [live] = emulator.integrations()
    assert live["id"] == integration_id and live["intendedState"] == "ENABLED"
    assert live["name"] == inputs["integration_name"]
    props = config_of(emulator, integration_id)["properties"]
    assert props == {
        "awsAccountId": "123456789012",
        "awsAccountRegion": "eu-west-1",
        "eventSourceSuffix": "cc-prod",
        "eventFilter": TOPICS,
    }

    # The same program again: no change, even with the topics reordered.
    again = checked(host, {**NEWS, "topics": TOPICS[::-1]}, inputs)
    assert again["integration_name"] == inputs["integration_name"]
    assert host.diff(integration_id, outs, again).changes == "none"

    # Add a topic: an in-place update.
    news = {**NEWS, "topics": [*TOPICS, "v2.users.{id}.presence"], "notes": "owned by CX"}
    updated_inputs = checked(host, news, inputs)
    diff = host.diff(integration_id, outs, updated_inputs)
    assert diff.changes == "some" and diff.replaces == []
    outs = host.update(integration_id, outs, updated_inputs)
    assert outs["topics"] == news["topics"] and outs["notes"] == "owned by CX"
    assert outs["reported_state"] == "ACTIVE"
    assert config_of(emulator, integration_id)["properties"]["eventFilter"] == news["topics"]

    # Refresh sees exactly what was written: no drift.
    read_id, read_outs, _ = host.read(integration_id, outs)
    assert read_id == integration_id
    assert host.diff(integration_id, read_outs, updated_inputs).changes == "none"

    host.delete(integration_id, outs)
    assert emulator.integrations() == []
    ops = [json.loads(line)["operation"] for line in audit_log.read_text().splitlines()]
    assert ops == ["create", "update", "delete"]


def test_disable_and_enable_patch_only_when_enabled_changes(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    integration_id, outs = host.create(inputs)
    emulator.reset_log()
    off = checked(host, {**NEWS, "enabled": False}, inputs)
    outs = host.update(integration_id, outs, off)
    assert outs["enabled"] is False
    assert emulator.count(method="PATCH") == 1 and emulator.count(method="PUT") == 0
    assert emulator.integrations()[0]["intendedState"] == "DISABLED"
    on = checked(host, {**NEWS, "enabled": True}, off)
    outs = host.update(integration_id, outs, on)
    assert outs["reported_state"] == "ACTIVE"
    assert emulator.count(method="PATCH") == 2


def test_replace_creates_the_new_integration_before_deleting_the_old(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    old_id, old_outs = host.create(inputs)
    news = checked(host, {**NEWS, "event_source_suffix": "cc-prod-2"}, inputs)
    diff = host.diff(old_id, old_outs, news)
    assert diff.changes == "some" and diff.replaces == ["event_source_suffix"]
    assert diff.delete_before_replace is False
    # As the engine does: the replacement is checked again without olds, then created.
    replacement, failures = host.replacement_check({**NEWS, "event_source_suffix": "cc-prod-2"})
    assert failures == []
    new_id, new_outs = host.create(replacement)
    assert new_id != old_id
    assert len(emulator.integrations()) == 2  # both exist between create and delete
    names = {i["name"] for i in emulator.integrations()}
    assert len(names) == 2, "the replacement must not share the old integration's name"
    host.delete(old_id, old_outs)
    [live] = emulator.integrations()
    assert live["id"] == new_id
    assert new_outs["event_source_name"].endswith("/cc-prod-2")


def test_refresh_finds_out_of_band_edit_and_update_repairs_it(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    integration_id, outs = host.create(inputs)
    emulator.edit_config(integration_id, eventFilter=["v2.users.{id}.presence"])
    emulator.reset_log()
    _, refreshed, _ = host.read(integration_id, outs)
    assert emulator.count() <= 2  # the integration and its config, nothing else
    assert refreshed["topics"] == ["v2.users.{id}.presence"]
    diff = host.diff(integration_id, refreshed, inputs)
    assert diff.changes == "some" and diff.replaces == []
    repaired = host.update(integration_id, refreshed, inputs)
    assert repaired["topics"] == TOPICS
    assert config_of(emulator, integration_id)["properties"]["eventFilter"] == TOPICS


def test_refresh_after_out_of_band_delete_reports_the_resource_gone(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    integration_id, outs = host.create(checked(host, NEWS))
    emulator.delete_integration(integration_id)
    read_id, read_outs, _ = host.read(integration_id, outs)
    assert read_id == ""
    host.delete(integration_id, outs)  # destroying what is already gone succeeds


def test_adoption_converges_an_existing_integration(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    legacy = emulator.seed_integration(
        "legacy-eventbridge",
        properties={
            "awsAccountId": "123456789012",
            "awsAccountRegion": "eu-west-1",
            "eventSourceSuffix": "cc-prod",
            "eventFilter": ["v2.users.{id}.presence"],
        },
    )
    inputs = checked(host, {**NEWS, "adopt_integration_id": legacy})
    integration_id, outs = host.create(inputs)
    assert integration_id == legacy
    assert outs["integration_name"] == "legacy-eventbridge"
    assert outs["reported_state"] == "ACTIVE"
    [live] = emulator.integrations()
    assert live["intendedState"] == "ENABLED"
    assert config_of(emulator, legacy)["properties"]["eventFilter"] == TOPICS
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 0


def test_adoption_of_another_type_is_refused_and_untouched(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    other = emulator.seed_integration("webhook", integration_type="purecloud-data-actions")
    inputs = checked(host, {**NEWS, "adopt_integration_id": other})
    with pytest.raises(EngineError) as caught:
        host.create(inputs)
    assert "only EventBridge integrations can be adopted" in caught.value.message
    assert len(emulator.integrations()) == 1


def test_check_validates_topics_against_the_catalog(host: ProviderHost) -> None:
    _, failures = host.check(
        {}, {**NEWS, "topics": ["v2.detail.events.conversation.{id}.customer.stat"]}
    )
    [(prop, reason)] = failures
    assert prop == "topics"
    assert "v2.detail.events.conversation.{id}.customer.start" in reason


def test_preview_with_unknown_inputs_checks_and_diffs_without_failing(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs, failures = host.check({}, {**NEWS, "aws_account_id": UNKNOWN})
    assert failures == []
    integration_id, outs = host.create(checked(host, NEWS))
    diff = host.diff(integration_id, outs, {**inputs, "aws_account_id": UNKNOWN})
    assert diff.changes == "some" and diff.replaces == ["aws_account_id"]


def test_cap_refuses_to_create_past_max_integrations(emulator: GenesysEmulator) -> None:
    for n in range(2):
        emulator.seed_integration(f"existing-{n}")
    host = start_host(emulator, config={"genesyscloud:maxIntegrations": 2})
    try:
        with pytest.raises(EngineError) as caught:
            host.create(checked(host, NEWS))
    finally:
        host.stop()
    assert "genesyscloud:maxIntegrations" in caught.value.message
    assert "is 2" in caught.value.message
    assert emulator.count(method="POST", path_contains="/api/v2/integrations") == 0


def test_failure_after_post_leaves_nothing_behind(
    host: ProviderHost, emulator: GenesysEmulator, audit_log: Path
) -> None:
    emulator.fail_activation = True
    with pytest.raises(EngineError) as caught:
        host.create(checked(host, NEWS))
    assert "was deleted, so nothing is left behind" in caught.value.message
    assert emulator.integrations() == []
    records = [json.loads(line) for line in audit_log.read_text().splitlines()]
    assert [(r["operation"], r["outcome"]) for r in records] == [
        ("rollback", "ok"),
        ("create", "failed"),
    ]


def test_failed_rollback_names_the_orphan(host: ProviderHost, emulator: GenesysEmulator) -> None:
    emulator.fail_activation = True
    emulator.inject_status(status=400, count=50, method="DELETE")
    with pytest.raises(EngineError) as caught:
        host.create(checked(host, NEWS))
    [orphan] = emulator.integrations()
    assert orphan["id"] in caught.value.message
    assert "adopt_integration_id" in caught.value.message


def test_wrong_credentials_fail_fast(emulator: GenesysEmulator) -> None:
    host = start_host(emulator, config={SECRET_KEY: "not-the-secret"})
    try:
        started = time.monotonic()
        _, failures = host.check({}, NEWS)
        [(prop, reason)] = failures
        assert prop == "" and "client id" in reason  # the reason alone, naming the client
        with pytest.raises(EngineError) as caught:
            host.create(checked_without_catalog(NEWS))
        elapsed = time.monotonic() - started
    finally:
        host.stop()
    assert elapsed < 10
    assert emulator.client_id in caught.value.message
    assert "not-the-secret" not in caught.value.details
    assert emulator.integrations() == []


def checked_without_catalog(news: dict[str, Any]) -> dict[str, Any]:
    return {**news, "integration_name": "named", "enabled": True}


def test_unreachable_catalog_is_a_warning_not_a_failure(emulator: GenesysEmulator) -> None:
    emulator.inject_status(status=503, count=1000, path_contains="availabletopics")
    host = start_host(emulator, config={"genesyscloud:retryBudget": 0.3})
    try:
        _, failures = host.check({}, NEWS)
        stderr = host.stderr_text()
    finally:
        host.stop()
    assert failures == []
    assert "warning: could not check topics against the Genesys topic catalog" in stderr


def test_validate_topics_false_skips_the_catalog(emulator: GenesysEmulator) -> None:
    host = start_host(emulator, config={"genesyscloud:validateTopics": "false"})
    try:
        _, failures = host.check({}, {**NEWS, "topics": ["v2.not.in.the.catalog"]})
    finally:
        host.stop()
    assert failures == []
    assert emulator.count(path_contains="availabletopics") == 0


@pytest.mark.parametrize(
    ("setting", "value", "reason_part"),
    [
        ("genesyscloud:apiBaseUrl", "http://api.example.com", "https"),
        ("genesyscloud:region", "mars-1", "eu-west-1"),
    ],
)
def test_bad_provider_settings_fail_check_naming_the_setting(
    emulator: GenesysEmulator, setting: str, value: str, reason_part: str
) -> None:
    config = {k: v for k, v in emulator.settings_config().items() if not k.endswith("BaseUrl")}
    config[setting] = value
    host = ProviderHost(
        EventBridgeIntegrationProvider(), config=config, secret_config_keys=[SECRET_KEY]
    ).start()
    try:
        _, failures = host.check({}, NEWS)
    finally:
        host.stop()
    [(prop, reason)] = failures
    assert prop == ""  # not an input of the resource: the engine shows the reason alone
    assert setting in reason and reason_part in reason
    assert emulator.requests == []


def test_check_knows_the_event_source_name_before_create(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    # The Python host cannot preview updates: the engine shows checked inputs as outputs, so a
    # known event_source_name keeps an in-place change from previewing the bus as replaced.
    inputs = checked(host, NEWS)
    assert inputs["org_id"] == emulator.org_id
    assert inputs["event_source_name"] == (
        f"aws.partner/genesys.com/cloud/{emulator.org_id}/cc-prod"
    )


def test_re_pointing_an_adopted_integration_happens_in_place(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    legacy = emulator.seed_integration("legacy")
    inputs = checked(host, {**NEWS, "adopt_integration_id": legacy})
    integration_id, outs = host.create(inputs)
    moved = checked(
        host, {**NEWS, "adopt_integration_id": legacy, "aws_region": "us-east-1"}, inputs
    )
    diff = host.diff(integration_id, outs, moved)
    assert diff.changes == "some" and diff.replaces == []
    outs = host.update(integration_id, outs, moved)
    assert outs["aws_region"] == "us-east-1"
    assert [i["id"] for i in emulator.integrations()] == [legacy]
    assert emulator.integration_config(legacy)["properties"]["awsAccountRegion"] == "us-east-1"
    other = emulator.seed_integration("other")
    diff = host.diff(integration_id, outs, {**moved, "adopt_integration_id": other})
    assert diff.replaces == ["adopt_integration_id"]


def test_an_update_that_puts_the_integration_in_error_fails(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    inputs = checked(host, NEWS)
    integration_id, outs = host.create(inputs)
    emulator.fail_activation = True
    news = checked(host, {**NEWS, "topics": TOPICS[:1]}, inputs)
    with pytest.raises(EngineError) as caught:
        host.update(integration_id, outs, news)
    assert "in ERROR" in caught.value.message


def test_clearing_notes_leaves_no_drift(host: ProviderHost, emulator: GenesysEmulator) -> None:
    inputs = checked(host, {**NEWS, "notes": "owned by CX"})
    integration_id, outs = host.create(inputs)
    cleared = checked(host, NEWS, inputs)
    outs = host.update(integration_id, outs, cleared)
    _, refreshed, _ = host.read(integration_id, outs)
    assert refreshed.get("notes") is None
    assert host.diff(integration_id, refreshed, cleared).changes == "none"


def test_api_calls_per_operation(host: ProviderHost, emulator: GenesysEmulator) -> None:
    inputs = checked(host, NEWS)

    def calls() -> list[str]:
        seen = [
            f"{r.method} {'config' if r.path.endswith('/config/current') else r.path.count('/')}"
            for r in emulator.requests
            if r.path != "/oauth/token" and not r.path.endswith("/organizations/me")
        ]
        emulator.reset_log()
        return seen

    emulator.activation_delay = 0  # ACTIVE at once: one GET confirms it
    emulator.reset_log()
    host.create(checked(host, {**NEWS, "resource_name": "first", "event_source_suffix": "first"}))
    # The first create of a process knows no count yet: it lists before its POST too.
    assert calls()[:3] == ["GET 3", "POST 3", "GET 3"]
    integration_id, outs = host.create(inputs)
    # POST, then at once one list (the cap: it counts this integration, so of two hosts racing
    # past the cap the later one sees both) and the PUT config (the POST's version: no read
    # first), then PATCH and a GET that finds it ACTIVE.
    create = calls()
    assert create[0] == "POST 3" and create[3:] == ["PATCH 4", "GET 4"]
    assert sorted(create[1:3]) == ["GET 3", "PUT config"]
    news = checked(host, {**NEWS, "topics": TOPICS[:1]}, inputs)
    outs = host.update(integration_id, outs, news)
    # The config version is in the state: PUT on it without reading it first.
    assert calls() == ["PUT config", "GET 4"]
    outs = host.read(integration_id, outs)[1]
    assert calls() == ["GET 4", "GET config"]
    # Someone edits the config meanwhile: the PUT on the stale version is refused and re-read.
    emulator.edit_config(integration_id, eventFilter=TOPICS)
    outs = host.update(integration_id, outs, checked(host, {**NEWS, "topics": TOPICS[1:]}, news))
    assert calls() == ["PUT config", "GET config", "PUT config", "GET 4"]
    assert emulator.integration_config(integration_id)["properties"]["eventFilter"] == TOPICS[1:]
    # A refresh brings the current version into the state: the next update PUTs at once again.
    outs = host.read(integration_id, outs)[1]
    calls()
    outs = host.update(integration_id, outs, checked(host, NEWS, news))
    assert calls() == ["PUT config", "GET 4"]
    host.delete(integration_id, outs)
    assert calls() == ["DELETE 4", "GET 4"]
