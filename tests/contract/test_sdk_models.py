"""Requests exactly as the official SDK sends them: every body we send and every reply the
emulator gives has only keys of the SDK's model for that operation (PureCloudPlatformClientV2,
read from the installed package), and every query parameter is one the SDK knows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from genesys_eventbridge.emulator import GenesysEmulator, catalog, topic_models
from genesys_eventbridge.provider import filter_schema
from genesys_eventbridge.provider.ownership import split_notes
from tests.contract import sdk
from tests.engine.integration_host import NEWS, TOPICS, checked, start_host
from tests.samples import load_samples

EB = "amazon-eventbridge-source"
# Every operation the provider and the commands use (the token request excepted: it is OAuth,
# not a Platform API model).
OPERATIONS_WE_USE = {
    ("GET", "/api/v2/organizations/me"),
    ("GET", "/api/v2/notifications/availabletopics"),
    ("GET", "/api/v2/integrations"),
    ("POST", "/api/v2/integrations"),
    ("GET", "/api/v2/integrations/{integrationId}"),
    ("PATCH", "/api/v2/integrations/{integrationId}"),
    ("DELETE", "/api/v2/integrations/{integrationId}"),
    ("GET", "/api/v2/integrations/{integrationId}/config/current"),
    ("PUT", "/api/v2/integrations/{integrationId}/config/current"),
}


def test_the_sdk_knows_the_operations_we_use() -> None:
    known = {(op.method, op.path) for op in sdk.operations()}
    assert OPERATIONS_WE_USE <= known
    create = sdk.operation_for("POST", "/api/v2/integrations")
    assert create.body == "CreateIntegrationRequest"
    assert "notes" not in sdk.model_fields("CreateIntegrationRequest")


def test_a_foreign_key_is_found_at_any_depth() -> None:
    # The checker itself: a key the model lacks is reported, nested ones included.
    found = list(
        sdk.foreign_keys(
            "Integration",
            {"name": "n", "reportedState": {"code": "ACTIVE", "colour": "green"}, "extra": 1},
        )
    )
    assert found == [
        "reportedState.colour (not in IntegrationStatusInfo)",
        "extra (not in Integration)",
    ]


def test_every_request_and_reply_has_only_sdk_model_keys(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    host = start_host(emulator, tmp_path / "audit.jsonl")
    try:
        inputs = checked(host, {**NEWS, "notes": "owned by CX"})
        emulator.inject_version_conflict(1)  # a 409 error body, and the re-read after it
        integration_id, outs = host.create(inputs)
        changed = {**NEWS, "topics": [*TOPICS, "v2.users.{id}.presence"], "notes": "n2"}
        outs = host.update(integration_id, outs, checked(host, changed, inputs))
        disabled = checked(host, {**changed, "enabled": False}, inputs)
        outs = host.update(integration_id, outs, disabled)
        host.read(integration_id, outs)
        host.delete(integration_id, outs)  # polls until a 404 error body
    finally:
        host.stop()

    problems: list[str] = []
    covered: set[tuple[str, str]] = set()
    statuses: set[int] = set()
    for record in emulator.requests:
        if record.path == "/oauth/token":
            continue
        op = sdk.operation_for(record.method, record.path)
        covered.add((op.method, op.path))
        where = f"{record.method} {record.path}"
        problems += [f"{where}: query {key}" for key in record.query if key not in op.query]
        if record.body is not None:
            if op.body is None:
                problems.append(f"{where}: a body, where the SDK sends none")
            else:
                problems += [f"{where}: body {k}" for k in sdk.foreign_keys(op.body, record.body)]
        if record.reply is not None and record.status is not None:
            statuses.add(record.status)
            model = sdk.ERROR_MODEL if record.status >= 400 else op.reply
            assert model is not None, where
            problems += [f"{where}: reply {k}" for k in sdk.foreign_keys(model, record.reply)]
    assert problems == []
    assert covered == OPERATIONS_WE_USE
    assert {404, 409} <= statuses  # error bodies were checked too

    # Notes go in the config PUT, never in the POST.
    [post] = [r for r in emulator.requests if r.method == "POST" and r.path.endswith("ions")]
    assert set(post.body) == {"integrationType", "name"}
    puts = [r.body for r in emulator.requests if r.method == "PUT" and r.status == 200]
    # ... with the owner marker after the user's notes (read back without it).
    assert split_notes(puts[0]["notes"]) == ("owned by CX", NEWS["owner"])
    assert split_notes(puts[-1]["notes"]) == ("n2", NEWS["owner"])


def test_the_emulators_topic_models_are_the_sdks() -> None:
    # The emulator's schemas are built from these pinned copies: they must not drift.
    for model, fields in topic_models.MODELS.items():
        assert fields == sdk.model_fields(model), model
    assert set(topic_models.TOPIC_MODELS.values()) <= set(topic_models.MODELS)
    for model, extra in topic_models.SAMPLE_FIELDS.items():
        assert not set(extra) & set(sdk.model_fields(model)), model  # only what the SDK lacks


def test_every_field_of_the_samples_is_in_its_topics_schema() -> None:
    for name, sample in load_samples().items():
        topic = sample["detail-type"]
        paths = sorted(set(_leaf_paths(sample["detail"]["eventBody"], "detail.eventBody")))
        policy = {path: [{"exists": True}] for path in paths}
        found = filter_schema.problems(
            filter_schema.RuleFilter(name, [topic], policy), {topic: catalog.topic_schema(topic)}
        )
        assert found == [], name


def _leaf_paths(value: Any, where: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaf_paths(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _leaf_paths(item, where)
    else:
        yield where


def test_every_kind_of_error_reply_has_only_error_body_keys(emulator: GenesysEmulator) -> None:
    token = httpx.post(
        f"{emulator.base_url}/oauth/token",
        auth=(emulator.client_id, emulator.client_secret),
        data={"grant_type": "client_credentials"},
    ).json()["access_token"]
    integrations = f"{emulator.base_url}/api/v2/integrations"
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as api:
        created = api.post(integrations, json={"integrationType": {"id": EB}, "name": "n"}).json()
        one = f"{integrations}/{created['id']}"
        api.post(integrations, json={"integrationType": {"id": EB}, "notes": "x"})  # 400
        api.patch(one, json={"intendedState": "ON"})  # 400
        api.put(f"{one}/config/current", json={"version": 99})  # 409
        api.get(f"{integrations}/{uuid.uuid4()}")  # 404
        api.get(f"{emulator.base_url}/api/v2/nowhere")  # 404, no such route
        api.post(f"{one}/config/current", json={})  # 405
        httpx.get(integrations, headers={"Authorization": "Bearer nope"})  # 401
        emulator.revoke_permission("integrations:integration:delete")
        api.delete(one)  # 403
        emulator.inject_status(503)
        api.get(integrations)  # 503
        emulator.rate_limit_per_minute = 1
        api.get(integrations)
        api.get(integrations)  # 429
    errors = [r for r in emulator.requests if r.status is not None and r.status >= 400]
    assert {r.status for r in errors} >= {400, 401, 403, 404, 405, 409, 429, 503}
    problems = [
        f"{r.method} {r.path} {r.status}: {key}"
        for r in errors
        if r.path != "/oauth/token"
        for key in sdk.foreign_keys(sdk.ERROR_MODEL, r.reply)
    ]
    assert problems == []
    assert all(isinstance(r.reply, dict) and r.reply.get("status") == r.status for r in errors)
