"""Tests of the Genesys Cloud emulator itself, over real HTTP."""

from __future__ import annotations

import http.client
import json
import pickle
import queue
import re
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from genesys_eventbridge.emulator import GenesysEmulator, RequestRecord

REPO_ROOT = Path(__file__).resolve().parents[1]
EVENTBRIDGE = "amazon-eventbridge-source"
VALID_PROPERTIES: dict[str, Any] = {
    "awsAccountId": "123456789012",
    "awsAccountRegion": "us-east-1",
    "eventSourceSuffix": "genesys-test_1.0",
    "eventFilter": [
        "v2.detail.events.conversation.{id}.customer.start",
        "v2.audits.entitytype.{id}.entityid.{id}",
    ],
}


# The emulator speaks plain HTTP; one shared SSL context spares each httpx client the
# ~0.13 s of loading CA certificates.
TLS_CONTEXT = ssl.create_default_context()

# -- helpers -------------------------------------------------------------------------------


def http_request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    with httpx.Client(verify=TLS_CONTEXT) as client:
        return client.request(method, url, **kwargs)


def http_get(url: str, **kwargs: Any) -> httpx.Response:
    return http_request("GET", url, **kwargs)


def http_post(url: str, **kwargs: Any) -> httpx.Response:
    return http_request("POST", url, **kwargs)


def get_token(emu: GenesysEmulator) -> str:
    reply = http_post(
        f"{emu.base_url}/oauth/token",
        auth=(emu.client_id, emu.client_secret),
        data={"grant_type": "client_credentials"},
    )
    assert reply.status_code == 200, reply.text
    return str(reply.json()["access_token"])


def client_for(emu: GenesysEmulator, token: str | None = None) -> httpx.Client:
    token = token or get_token(emu)
    return httpx.Client(
        base_url=emu.base_url, headers={"Authorization": f"Bearer {token}"}, verify=TLS_CONTEXT
    )


def create(api: httpx.Client, name: str = "events") -> dict[str, Any]:
    reply = api.post(
        "/api/v2/integrations", json={"integrationType": {"id": EVENTBRIDGE}, "name": name}
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def put_config(
    api: httpx.Client, integration_id: str, properties: dict[str, Any], **extra: Any
) -> httpx.Response:
    version = api.get(f"/api/v2/integrations/{integration_id}/config/current").json()["version"]
    body = {"version": version, "properties": properties, "advanced": {}, **extra}
    return api.put(f"/api/v2/integrations/{integration_id}/config/current", json=body)


def set_state(api: httpx.Client, integration_id: str, state: str) -> dict[str, Any]:
    reply = api.patch(f"/api/v2/integrations/{integration_id}", json={"intendedState": state})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def wait_for_state(
    api: httpx.Client, integration_id: str, done: Callable[[str], bool], timeout: float = 5.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        integration = dict(api.get(f"/api/v2/integrations/{integration_id}").json())
        if done(integration["reportedState"]["code"]) or time.monotonic() > deadline:
            return integration
        time.sleep(0.01)


def settled(code: str) -> bool:
    return code not in ("ACTIVATING", "DEACTIVATING")


def assert_genesys_error(reply: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    body = dict(reply.json())
    assert body["code"] == code
    assert body["status"] == status
    assert body["contextId"] == reply.headers["inin-correlation-id"]
    assert {"message", "details", "errors", "messageParams"} <= body.keys()
    return body


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@pytest.fixture
def emu() -> Iterator[GenesysEmulator]:
    with GenesysEmulator(activation_delay=0.05) as emulator:
        yield emulator


@pytest.fixture
def api(emu: GenesysEmulator) -> Iterator[httpx.Client]:
    with client_for(emu) as client:
        yield client


# -- OAuth and org --------------------------------------------------------------------------


def test_token_grant_returns_a_bearer_token(emu: GenesysEmulator) -> None:
    reply = http_post(
        f"{emu.base_url}/oauth/token",
        auth=(emu.client_id, emu.client_secret),
        data={"grant_type": "client_credentials"},
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400
    assert isinstance(body["access_token"], str) and len(body["access_token"]) > 20
    assert emu.token_requests == 1


def test_token_rejects_bad_client_and_grant(emu: GenesysEmulator) -> None:
    url = f"{emu.base_url}/oauth/token"
    form = {"grant_type": "client_credentials"}
    wrong_secret = http_post(url, auth=(emu.client_id, "wrong"), data=form)
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    assert wrong_secret.json()["description"]
    assert http_post(url, auth=("someone-else", emu.client_secret), data=form).status_code == 401
    assert http_post(url, data=form).json()["error"] == "invalid_client"
    wrong_grant = http_post(
        url, auth=(emu.client_id, emu.client_secret), data={"grant_type": "password"}
    )
    assert wrong_grant.status_code == 400
    assert wrong_grant.json()["error"] == "unsupported_grant_type"
    assert emu.token_requests == 0


def test_org_me_answers_the_org_id(emu: GenesysEmulator, api: httpx.Client) -> None:
    reply = api.get("/api/v2/organizations/me")
    assert reply.status_code == 200
    assert reply.json()["id"] == emu.org_id
    assert is_uuid(emu.org_id)
    assert reply.json()["name"]


def test_fixed_identity_is_used() -> None:
    with GenesysEmulator(client_id="cid", client_secret="s3cret", org_id="org-1") as emu:
        assert (emu.client_id, emu.client_secret) == ("cid", "s3cret")
        with client_for(emu) as api:
            assert api.get("/api/v2/organizations/me").json()["id"] == "org-1"


def test_api_without_or_with_a_bad_token_is_401(emu: GenesysEmulator) -> None:
    no_token = http_get(f"{emu.base_url}/api/v2/integrations")
    assert_genesys_error(no_token, 401, "authentication.required")
    bad = http_get(
        f"{emu.base_url}/api/v2/integrations", headers={"Authorization": "Bearer not-a-token"}
    )
    assert_genesys_error(bad, 401, "bad.credentials")


def test_settings_point_at_the_emulator(emu: GenesysEmulator) -> None:
    env = emu.settings_env()
    assert env["GENESYSCLOUD_API_BASE_URL"] == emu.base_url
    assert env["GENESYSCLOUD_LOGIN_BASE_URL"] == emu.base_url
    assert env["GENESYSCLOUD_OAUTHCLIENT_ID"] == emu.client_id
    assert env["GENESYSCLOUD_OAUTHCLIENT_SECRET"] == emu.client_secret
    config = emu.settings_config()
    assert config["genesyscloud:apiBaseUrl"] == emu.base_url
    assert config["genesyscloud:oauthclientSecret"] == emu.client_secret
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emu.base_url)


# -- integrations CRUD ----------------------------------------------------------------------


def test_create_returns_a_disabled_integration_at_config_version_1(api: httpx.Client) -> None:
    created = create(api, "orders")
    assert is_uuid(created["id"])
    assert created["name"] == "orders"
    assert created["integrationType"]["id"] == EVENTBRIDGE
    assert created["intendedState"] == "DISABLED"
    assert created["reportedState"]["code"] == "INACTIVE"
    assert created["reportedState"]["lastUpdated"].endswith("Z")
    assert created["config"]["current"]["version"] == 1
    assert created["selfUri"] == f"/api/v2/integrations/{created['id']}"
    config = api.get(f"/api/v2/integrations/{created['id']}/config/current").json()
    assert config["version"] == 1
    assert config["properties"] == {}
    assert config["advanced"] == {}
    assert config["id"] == created["id"]
    assert config["selfUri"] == f"/api/v2/integrations/{created['id']}/config/current"
    assert api.get(f"/api/v2/integrations/{created['id']}").json() == created


def test_create_validation(api: httpx.Client) -> None:
    # Notes are not part of the SDK's CreateIntegrationRequest: they go in the config PUT.
    with_notes = api.post(
        "/api/v2/integrations",
        json={"integrationType": {"id": EVENTBRIDGE}, "name": "n", "notes": "why"},
    )
    body = assert_genesys_error(with_notes, 400, "bad.request")
    assert body["details"][0]["fieldName"] == "notes"
    assert "config/current" in body["message"]
    missing_type = api.post("/api/v2/integrations", json={"name": "x"})
    body = assert_genesys_error(missing_type, 400, "bad.request")
    assert body["details"][0]["fieldName"] == "integrationType"
    unknown = api.post("/api/v2/integrations", json={"integrationType": {"id": "nope"}})
    assert_genesys_error(unknown, 400, "bad.request")


def test_put_config_stores_properties_renames_and_bumps_version(api: httpx.Client) -> None:
    integration_id = create(api, "before")["id"]
    reply = put_config(api, integration_id, VALID_PROPERTIES, name="after", notes="n1")
    assert reply.status_code == 200, reply.text
    config = reply.json()
    assert config["version"] == 2
    assert config["properties"] == VALID_PROPERTIES
    assert config["name"] == "after"
    assert config["notes"] == "n1"
    assert api.get(f"/api/v2/integrations/{integration_id}/config/current").json() == config
    integration = api.get(f"/api/v2/integrations/{integration_id}").json()
    assert integration["name"] == "after"
    assert integration["config"]["current"]["version"] == 2


def test_put_config_with_a_stale_version_is_409(api: httpx.Client) -> None:
    integration_id = create(api)["id"]
    path = f"/api/v2/integrations/{integration_id}/config/current"
    assert api.put(path, json={"version": 1, "properties": {}}).status_code == 200
    stale = api.put(path, json={"version": 1, "properties": VALID_PROPERTIES})
    body = assert_genesys_error(stale, 409, "conflict")
    assert "does not match the current version" in body["message"]
    assert api.get(path).json()["properties"] == {}


def test_put_config_requires_an_integer_version(api: httpx.Client) -> None:
    integration_id = create(api)["id"]
    path = f"/api/v2/integrations/{integration_id}/config/current"
    body = assert_genesys_error(api.put(path, json={"properties": {}}), 400, "bad.request")
    assert body["details"][0]["fieldName"] == "version"
    assert_genesys_error(api.put(path, json={"version": "1"}), 400, "bad.request")
    assert_genesys_error(api.put(path, json={"version": 1, "properties": []}), 400, "bad.request")


def test_delete_returns_the_integration_and_then_404(api: httpx.Client) -> None:
    created = create(api)
    reply = api.delete(f"/api/v2/integrations/{created['id']}")
    assert reply.status_code == 200
    assert reply.json()["id"] == created["id"]
    assert reply.json()["name"] == created["name"]
    body = assert_genesys_error(api.get(f"/api/v2/integrations/{created['id']}"), 404, "not.found")
    assert created["id"] in body["message"]
    assert_genesys_error(api.delete(f"/api/v2/integrations/{created['id']}"), 404, "not.found")


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"intendedState": "ENABLED"}),
        ("DELETE", "", None),
        ("GET", "/config/current", None),
        ("PUT", "/config/current", {"version": 1, "properties": {}}),
    ],
)
def test_unknown_integration_id_is_404(
    api: httpx.Client, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    for integration_id in (str(uuid.uuid4()), "not-a-uuid"):
        reply = api.request(method, f"/api/v2/integrations/{integration_id}{suffix}", json=body)
        assert_genesys_error(reply, 404, "not.found")


def test_unknown_paths_bad_methods_and_bad_json(api: httpx.Client) -> None:
    assert_genesys_error(api.get("/api/v2/nothing/here"), 404, "not.found")
    assert_genesys_error(api.get("/api/v2/integrations/a/b/c"), 404, "not.found")
    wrong_method = api.put("/api/v2/integrations", json={})
    assert_genesys_error(wrong_method, 405, "method.not.allowed")
    assert "POST" in wrong_method.headers["Allow"]
    bad_json = api.post(
        "/api/v2/integrations",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert "not valid JSON" in assert_genesys_error(bad_json, 400, "bad.request")["message"]
    not_object = api.post("/api/v2/integrations", json=["a"])
    assert_genesys_error(not_object, 400, "bad.request")
    integration_id = create(api)["id"]
    bad_state = api.patch(f"/api/v2/integrations/{integration_id}", json={"intendedState": "ON"})
    assert_genesys_error(bad_state, 400, "bad.request")


def test_unsupported_http_method_still_answers_in_genesys_shape(emu: GenesysEmulator) -> None:
    reply = http_request("OPTIONS", f"{emu.base_url}/api/v2/integrations")
    assert reply.status_code == 501
    assert reply.json()["contextId"] == reply.headers["inin-correlation-id"]


# -- activation -----------------------------------------------------------------------------


def test_activation_goes_activating_then_active_and_back() -> None:
    delay = 0.4
    with GenesysEmulator(activation_delay=delay) as emu, client_for(emu) as api:
        integration_id = create(api)["id"]
        assert put_config(api, integration_id, VALID_PROPERTIES).status_code == 200
        started = time.monotonic()
        patched = set_state(api, integration_id, "ENABLED")
        assert patched["intendedState"] == "ENABLED"
        assert patched["reportedState"]["code"] == "ACTIVATING"
        assert api.get(f"/api/v2/integrations/{integration_id}").json()["reportedState"][
            "code"
        ] == ("ACTIVATING")
        active = wait_for_state(api, integration_id, lambda code: code == "ACTIVE")
        assert active["reportedState"]["code"] == "ACTIVE"
        assert time.monotonic() - started >= delay
        assert "detail" not in active["reportedState"]

        disabling = set_state(api, integration_id, "DISABLED")
        assert disabling["reportedState"]["code"] == "DEACTIVATING"
        inactive = wait_for_state(api, integration_id, lambda code: code == "INACTIVE")
        assert inactive["reportedState"]["code"] == "INACTIVE"
        assert inactive["intendedState"] == "DISABLED"


def test_disabling_a_never_enabled_integration_is_immediate(api: httpx.Client) -> None:
    integration_id = create(api)["id"]
    assert set_state(api, integration_id, "DISABLED")["reportedState"]["code"] == "INACTIVE"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"awsAccountId": "12345"}, "awsAccountId"),
        ({"awsAccountId": 123456789012}, "awsAccountId"),
        ({"awsAccountRegion": "useast1"}, "awsAccountRegion"),
        ({"awsAccountRegion": "US-EAST-1"}, "awsAccountRegion"),
        ({"eventSourceSuffix": "has space"}, "eventSourceSuffix"),
        ({"eventSourceSuffix": "x" * 65}, "eventSourceSuffix"),
        ({"eventSourceSuffix": ""}, "eventSourceSuffix"),
        ({"eventFilter": []}, "eventFilter"),
        ({"eventFilter": ["v2.users.{id}.conversations"]}, "v2.users.{id}.conversations"),
        ({"eventFilter": ["v2.no.such.{id}.topic"]}, "v2.no.such.{id}.topic"),
    ],
)
def test_invalid_properties_end_in_error_with_detail(
    api: httpx.Client, change: dict[str, Any], field: str
) -> None:
    integration_id = create(api)["id"]
    assert put_config(api, integration_id, {**VALID_PROPERTIES, **change}).status_code == 200
    assert set_state(api, integration_id, "ENABLED")["reportedState"]["code"] == "ACTIVATING"
    result = wait_for_state(api, integration_id, settled)
    state = result["reportedState"]
    assert state["code"] == "ERROR"
    assert state["detail"]["localizableMessageCode"]
    assert field in state["detail"]["message"]


def test_missing_properties_end_in_error(api: httpx.Client) -> None:
    integration_id = create(api)["id"]
    set_state(api, integration_id, "ENABLED")
    assert wait_for_state(api, integration_id, settled)["reportedState"]["code"] == "ERROR"


def test_fail_activation_ends_in_error(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.fail_activation = True
    integration_id = create(api)["id"]
    put_config(api, integration_id, VALID_PROPERTIES)
    set_state(api, integration_id, "ENABLED")
    state = wait_for_state(api, integration_id, settled)["reportedState"]
    assert state["code"] == "ERROR"
    assert state["detail"]["localizableMessageCode"] == "ACTIVATION_FAILED"
    assert state["detail"]["message"]

    # Enabling again after the cause is gone retries the activation.
    emu.fail_activation = False
    assert set_state(api, integration_id, "ENABLED")["reportedState"]["code"] == "ACTIVATING"
    assert wait_for_state(api, integration_id, settled)["reportedState"]["code"] == "ACTIVE"


def test_config_change_while_enabled_revalidates_without_reactivating(api: httpx.Client) -> None:
    integration_id = create(api)["id"]
    put_config(api, integration_id, VALID_PROPERTIES)
    set_state(api, integration_id, "ENABLED")
    assert wait_for_state(api, integration_id, settled)["reportedState"]["code"] == "ACTIVE"

    changed = {**VALID_PROPERTIES, "eventFilter": ["v2.users.{id}.presence"]}
    assert put_config(api, integration_id, changed).status_code == 200
    assert api.get(f"/api/v2/integrations/{integration_id}").json()["reportedState"]["code"] == (
        "ACTIVE"
    )

    broken = {**VALID_PROPERTIES, "awsAccountRegion": "nowhere"}
    assert put_config(api, integration_id, broken).status_code == 200
    state = api.get(f"/api/v2/integrations/{integration_id}").json()["reportedState"]
    assert state["code"] == "ERROR"
    assert "awsAccountRegion" in state["detail"]["message"]

    assert put_config(api, integration_id, VALID_PROPERTIES).status_code == 200
    assert api.get(f"/api/v2/integrations/{integration_id}").json()["reportedState"]["code"] == (
        "ACTIVE"
    )


def test_enabling_twice_does_not_restart_activation(api: httpx.Client) -> None:
    integration_id = create(api)["id"]
    put_config(api, integration_id, VALID_PROPERTIES)
    set_state(api, integration_id, "ENABLED")
    first = wait_for_state(api, integration_id, settled)["reportedState"]
    again = set_state(api, integration_id, "ENABLED")["reportedState"]
    assert again == first


# -- listing and paging ---------------------------------------------------------------------


def test_paging_across_250_integrations(emu: GenesysEmulator, api: httpx.Client) -> None:
    ids = [emu.seed_integration(f"seed-{i:03d}") for i in range(250)]
    emu.seed_integration("other type", integration_type="purecloud-data-actions")

    pages = []
    reply = api.get(
        "/api/v2/integrations",
        params={"pageSize": 100, "pageNumber": 1, "integrationType": EVENTBRIDGE},
    )
    while True:
        assert reply.status_code == 200, reply.text
        page = reply.json()
        pages.append(page)
        if "nextUri" not in page:
            break
        assert "integrationType=amazon-eventbridge-source" in page["nextUri"]
        reply = api.get(page["nextUri"])

    assert [len(p["entities"]) for p in pages] == [100, 100, 50]
    assert [p["pageNumber"] for p in pages] == [1, 2, 3]
    assert all(p["total"] == 250 and p["pageCount"] == 3 and p["pageSize"] == 100 for p in pages)
    assert [e["id"] for p in pages for e in p["entities"]] == ids
    assert "previousUri" not in pages[0] and "previousUri" in pages[1]
    assert pages[0]["firstUri"] and pages[0]["lastUri"] and pages[0]["selfUri"]

    everything = api.get("/api/v2/integrations", params={"pageSize": 100, "pageNumber": 3}).json()
    assert everything["total"] == 251
    default_page = api.get("/api/v2/integrations").json()
    assert default_page["pageSize"] == 25 and len(default_page["entities"]) == 25
    beyond = api.get("/api/v2/integrations", params={"pageSize": 100, "pageNumber": 9}).json()
    assert beyond["entities"] == []


def test_page_size_above_100_or_invalid_is_400(api: httpx.Client) -> None:
    for bad in ("101", "0", "abc"):
        reply = api.get("/api/v2/integrations", params={"pageSize": bad})
        body = assert_genesys_error(reply, 400, "bad.request")
        assert body["details"][0]["fieldName"] == "pageSize"
    reply = api.get("/api/v2/integrations", params={"pageNumber": "0"})
    assert_genesys_error(reply, 400, "bad.request")


def test_list_filters_by_ids_and_reported_state(emu: GenesysEmulator, api: httpx.Client) -> None:
    on = emu.seed_integration("on", properties=VALID_PROPERTIES, intended_state="ENABLED")
    off = emu.seed_integration("off")
    emu.seed_integration("third")
    by_ids = api.get("/api/v2/integrations", params={"ids": f"{on},{off}"}).json()
    assert {e["id"] for e in by_ids["entities"]} == {on, off}
    active = api.get("/api/v2/integrations", params={"reportedState": "ACTIVE"}).json()
    assert [e["id"] for e in active["entities"]] == [on]


# -- topic catalog --------------------------------------------------------------------------


def test_topic_catalog_honours_expand_transports(api: httpx.Client) -> None:
    plain = api.get("/api/v2/notifications/availabletopics")
    assert plain.status_code == 200
    assert all("transports" not in t for t in plain.json()["entities"])
    reply = api.get(
        "/api/v2/notifications/availabletopics",
        params={"expand": "transports", "includePreview": "true"},
    )
    topics = {t["id"]: t for t in reply.json()["entities"]}
    assert len(topics) >= 20
    for expected in (
        "v2.detail.events.conversation.{id}.customer.start",
        "v2.detail.events.conversation.{id}.customer.end",
        "v2.detail.events.conversation.{id}.acd.start",
        "v2.detail.events.conversation.{id}.user.end",
        "v2.audits.entitytype.{id}.entityid.{id}",
        "v2.users.{id}.presence",
        "v2.analytics.flow.{id}.aggregates",
        "v2.conversations.{id}.transcription",
        "v2.operations.events.{id}",
    ):
        assert expected in topics
    transports = [tuple(t["transports"]) for t in topics.values()]
    assert ("Websocket",) in transports and ("EventBridge",) in transports
    assert transports.count(("All",)) > len(transports) / 2
    presence = topics["v2.users.{id}.presence"]
    for key in ("description", "requiresPermissions", "visibility", "topicParameters"):
        assert key in presence
    assert presence["topicParameters"] == ["userId"]
    assert all("schema" not in t for t in topics.values())


def test_topic_catalog_serves_json_schemas_of_the_event_bodies(api: httpx.Client) -> None:
    # The SDK's list form: several expand values comma-joined.
    reply = api.get("/api/v2/notifications/availabletopics", params={"expand": "transports,schema"})
    topics = {t["id"]: t for t in reply.json()["entities"]}
    acd_start = topics["v2.detail.events.conversation.{id}.acd.start"]["schema"]
    assert acd_start["type"] == "object"
    assert acd_start["properties"]["queueId"] == {"type": "string"}
    assert acd_start["properties"]["eventTime"] == {"type": "integer"}
    assert acd_start["properties"]["callbackNumbers"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    audit = topics["v2.audits.entitytype.{id}.entityid.{id}"]["schema"]
    change = audit["properties"]["propertyChanges"]["items"]
    assert set(change["properties"]) == {"property", "oldValues", "newValues"}
    # A model met a second time is a $ref to the id of its first, inline occurrence.
    assert audit["properties"]["entity"] == {"$ref": audit["properties"]["username"]["id"]}
    # A topic whose event shape is not known is an open object.
    assert "properties" not in topics["v2.analytics.flow.{id}.aggregates"]["schema"]


def test_topic_catalog_preview_topics_and_auth(emu: GenesysEmulator, api: httpx.Client) -> None:
    with_preview = api.get("/api/v2/notifications/availabletopics").json()["entities"]
    without = api.get(
        "/api/v2/notifications/availabletopics", params={"includePreview": "false"}
    ).json()["entities"]
    assert any(t["visibility"] == "Preview" for t in with_preview)
    assert all(t["visibility"] == "Public" for t in without)
    unauthenticated = http_get(f"{emu.base_url}/api/v2/notifications/availabletopics")
    assert unauthenticated.status_code == 401


# -- faults ---------------------------------------------------------------------------------


def test_inject_status_answers_errors_then_recovers(
    emu: GenesysEmulator, api: httpx.Client
) -> None:
    emu.inject_status(503, count=2)
    for _ in range(2):
        assert_genesys_error(api.get("/api/v2/organizations/me"), 503, "service.unavailable")
    assert api.get("/api/v2/organizations/me").status_code == 200
    assert emu.count(status=503) == 2


def test_inject_status_429_with_retry_after(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.inject_status(429, retry_after=7)
    reply = api.get("/api/v2/integrations")
    assert_genesys_error(reply, 429, "too.many.requests")
    assert reply.headers["Retry-After"] == "7"
    emu.inject_status(500)
    assert "Retry-After" not in api.get("/api/v2/integrations").headers


def test_faults_respect_method_and_path_filters(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.inject_status(502, method="POST", path_contains="/api/v2/integrations")
    assert api.get("/api/v2/integrations").status_code == 200
    assert api.post("/oauth/token").status_code == 401  # POST, but not the filtered path
    reply = api.post("/api/v2/integrations", json={"integrationType": {"id": EVENTBRIDGE}})
    assert_genesys_error(reply, 502, "bad.gateway")
    assert emu.integrations() == []
    assert create(api)["name"] == "events"


def test_clear_faults(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.inject_status(500, count=5)
    emu.inject_drop(count=5)
    emu.clear_faults()
    assert api.get("/api/v2/organizations/me").status_code == 200


def test_inject_delay_slows_a_reply_then_processes_it(
    emu: GenesysEmulator, api: httpx.Client
) -> None:
    emu.inject_delay(0.3, path_contains="/organizations/me")
    started = time.monotonic()
    assert api.get("/api/v2/organizations/me").status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert api.get("/api/v2/organizations/me").status_code == 200
    assert time.monotonic() - started < 0.3
    with pytest.raises(httpx.ReadTimeout):
        emu.inject_delay(1.0)
        api.get("/api/v2/organizations/me", timeout=0.2)


def test_inject_drop_closes_without_processing(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.inject_drop(method="POST")
    with pytest.raises(httpx.TransportError):
        create(api)
    assert emu.integrations() == []
    assert emu.requests[-1].status is None
    assert emu.requests[-1].fault == "drop"
    assert create(api)["name"] == "events"  # the client recovers on a new connection


def test_inject_drop_after_commit_commits_then_closes(
    emu: GenesysEmulator, api: httpx.Client
) -> None:
    emu.inject_drop_after_commit()
    with pytest.raises(httpx.TransportError):
        create(api, "committed")
    assert [i["name"] for i in emu.integrations()] == ["committed"]
    listed = api.get("/api/v2/integrations").json()
    assert [e["name"] for e in listed["entities"]] == ["committed"]
    assert emu.requests[-2].fault == "drop_after_commit"


def test_drop_after_commit_sends_no_bytes(emu: GenesysEmulator, api: httpx.Client) -> None:
    integration_id = create(api)["id"]
    token = api.headers["Authorization"]
    emu.inject_drop_after_commit(method="PATCH")
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    connection.request(
        "PATCH",
        f"/api/v2/integrations/{integration_id}",
        body=json.dumps({"intendedState": "ENABLED"}),
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    assert connection.sock is not None
    assert connection.sock.recv(1024) == b""  # EOF before any response byte
    connection.close()
    assert emu.integration(integration_id)["intendedState"] == "ENABLED"


def test_inject_version_conflict_answers_409_and_bumps_the_version(
    emu: GenesysEmulator, api: httpx.Client
) -> None:
    integration_id = create(api)["id"]
    emu.inject_version_conflict()
    path = f"/api/v2/integrations/{integration_id}/config/current"
    assert api.get(f"/api/v2/integrations/{integration_id}").status_code == 200  # not a PUT
    reply = api.put(path, json={"version": 1, "properties": VALID_PROPERTIES})
    body = assert_genesys_error(reply, 409, "conflict")
    assert "does not match the current version" in body["message"]
    config = api.get(path).json()
    assert config["version"] == 2
    assert config["properties"] == {}
    retried = api.put(path, json={"version": 2, "properties": VALID_PROPERTIES})
    assert retried.status_code == 200
    assert retried.json()["version"] == 3


def test_fault_count_must_be_positive(emu: GenesysEmulator) -> None:
    with pytest.raises(ValueError):
        emu.inject_drop(count=0)
    with pytest.raises(ValueError):
        emu.inject_status(200)


def test_latency_is_added_to_every_reply() -> None:
    with GenesysEmulator(latency=0.15) as emu:
        started = time.monotonic()
        token = get_token(emu)
        with client_for(emu, token) as api:
            api.get("/api/v2/organizations/me")
        assert time.monotonic() - started >= 0.3


# -- tokens, rate limit, permissions --------------------------------------------------------


def test_tokens_expire_after_their_ttl() -> None:
    with GenesysEmulator(token_ttl=0.3) as emu:
        reply = http_post(
            f"{emu.base_url}/oauth/token",
            auth=(emu.client_id, emu.client_secret),
            data={"grant_type": "client_credentials"},
        )
        assert reply.json()["expires_in"] == 1  # whole seconds, rounded up
        with client_for(emu, reply.json()["access_token"]) as api:
            assert api.get("/api/v2/organizations/me").status_code == 200
            time.sleep(0.35)
            assert_genesys_error(api.get("/api/v2/organizations/me"), 401, "bad.credentials")
        with client_for(emu) as fresh:
            assert fresh.get("/api/v2/organizations/me").status_code == 200


def test_expire_tokens_makes_every_issued_token_401(
    emu: GenesysEmulator, api: httpx.Client
) -> None:
    assert api.get("/api/v2/integrations").status_code == 200
    emu.expire_tokens()
    assert_genesys_error(api.get("/api/v2/integrations"), 401, "bad.credentials")
    with client_for(emu) as fresh:
        assert fresh.get("/api/v2/integrations").status_code == 200
    assert emu.token_requests == 2


def test_rate_limit_is_per_token_with_retry_after() -> None:
    with GenesysEmulator(rate_limit_per_minute=3) as emu:
        with client_for(emu) as api:
            for _ in range(3):
                assert api.get("/api/v2/organizations/me").status_code == 200
            limited = api.get("/api/v2/organizations/me")
            assert_genesys_error(limited, 429, "too.many.requests")
            assert 1 <= int(limited.headers["Retry-After"]) <= 60
        with client_for(emu) as other:  # token grants are not limited; a new token has budget
            assert other.get("/api/v2/organizations/me").status_code == 200


def test_every_api_reply_states_its_tokens_budget_and_a_429_says_it_is_spent() -> None:
    with GenesysEmulator(rate_limit_per_minute=3) as emu:
        with client_for(emu) as api, client_for(emu) as other:
            first = api.get("/api/v2/organizations/me")
            second = api.get("/api/v2/integrations/not-there")  # an error reply states it too
            theirs = other.get("/api/v2/organizations/me")
            api.get("/api/v2/organizations/me")
            limited = api.get("/api/v2/organizations/me")
            token = http_post(
                f"{emu.base_url}/oauth/token",
                auth=(emu.client_id, emu.client_secret),
                data={"grant_type": "client_credentials"},
            )
        budgets = [
            (r.headers["inin-ratelimit-allowed"], r.headers["inin-ratelimit-count"])
            for r in (first, second, theirs, limited)
        ]
        # Counted per token: the other token's first call is its count 1.
        assert budgets == [("3", "1"), ("3", "2"), ("3", "1"), ("3", "3")]
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["inin-ratelimit-reset"]) <= 60
        assert all(
            1 <= int(r.headers["inin-ratelimit-reset"]) <= 60 for r in (first, second, theirs)
        )
        assert token.status_code == 200 and "inin-ratelimit-allowed" not in token.headers
        emu.rate_headers = False  # a server that keeps its budget to itself
        with client_for(emu) as quiet:
            assert "inin-ratelimit-allowed" not in quiet.get("/api/v2/organizations/me").headers


def test_missing_permission_is_403_naming_it(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.revoke_permission("integrations:integration:add")
    reply = api.post("/api/v2/integrations", json={"integrationType": {"id": EVENTBRIDGE}})
    body = assert_genesys_error(reply, 403, "missing.permissions")
    assert "[integrations:integration:add]" in body["message"]
    assert api.get("/api/v2/integrations").status_code == 200
    emu.grant_permission("integrations:integration:add")
    assert create(api)["name"] == "events"


@pytest.mark.parametrize(
    ("permission", "method", "suffix", "body"),
    [
        ("integrations:integration:view", "GET", "", None),
        ("integrations:integration:view", "GET", "/config/current", None),
        ("integrations:integration:edit", "PUT", "/config/current", {"version": 1}),
        ("integrations:integration:edit", "PATCH", "", {"intendedState": "ENABLED"}),
        ("integrations:integration:delete", "DELETE", "", None),
    ],
)
def test_each_endpoint_checks_its_permission(
    permission: str, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    granted = {
        "integrations:integration:add",
        "integrations:integration:view",
        "integrations:integration:edit",
        "integrations:integration:delete",
    } - {permission}
    with GenesysEmulator(permissions=granted) as emu, client_for(emu) as api:
        integration_id = emu.seed_integration("x")
        reply = api.request(method, f"/api/v2/integrations/{integration_id}{suffix}", json=body)
        assert (
            f"[{permission}]" in assert_genesys_error(reply, 403, "missing.permissions")["message"]
        )
        # The org and the topic catalog need no permission.
        assert api.get("/api/v2/organizations/me").status_code == 200
        assert api.get("/api/v2/notifications/availabletopics").status_code == 200


# -- HTTP behaviour -------------------------------------------------------------------------


def test_every_reply_carries_a_correlation_id(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.reset_log()
    replies = [
        api.get("/api/v2/organizations/me"),
        api.get("/api/v2/no/such/path"),
        http_get(f"{emu.base_url}/api/v2/integrations"),
        http_post(f"{emu.base_url}/oauth/token", data={"grant_type": "client_credentials"}),
    ]
    emu.inject_status(503)
    replies.append(api.get("/api/v2/integrations"))
    ids = [r.headers["inin-correlation-id"] for r in replies]
    assert all(is_uuid(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert [r.correlation_id for r in emu.requests] == ids


def test_keep_alive_and_content_length(emu: GenesysEmulator) -> None:
    token = get_token(emu)
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        connection.request(
            "GET", "/api/v2/organizations/me", headers={"Authorization": f"Bearer {token}"}
        )
        first = connection.getresponse()
        body = first.read()
        assert first.status == 200
        assert int(first.headers["Content-Length"]) == len(body)
        socket_used = connection.sock
        connection.request("GET", "/api/v2/nope", headers={"Authorization": f"Bearer {token}"})
        second = connection.getresponse()
        assert int(second.headers["Content-Length"]) == len(second.read())
        assert second.status == 404
        assert connection.sock is socket_used  # same TCP connection for both requests
    finally:
        connection.close()


def test_stop_closes_the_socket() -> None:
    emu = GenesysEmulator().start()
    base_url = emu.base_url
    assert http_post(f"{base_url}/oauth/token").status_code == 401
    emu.stop()
    emu.stop()  # idempotent
    assert not emu.running
    with pytest.raises(httpx.ConnectError):
        http_post(f"{base_url}/oauth/token")
    with pytest.raises(RuntimeError):
        _ = emu.base_url


def test_concurrent_requests_are_safe(emu: GenesysEmulator) -> None:
    token = get_token(emu)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with client_for(emu, token) as api:
                for _ in range(15):
                    create(api)
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [i["id"] for i in emu.integrations()]
    assert len(ids) == len(set(ids)) == 120


# -- request log and direct state access ----------------------------------------------------


def test_request_log_records_requests_without_credentials(
    emu: GenesysEmulator, api: httpx.Client
) -> None:
    token = api.headers["Authorization"].split(" ", 1)[1]
    create(api)
    api.get("/api/v2/integrations", params={"pageSize": 5, "integrationType": EVENTBRIDGE})
    http_post(
        f"{emu.base_url}/oauth/token", auth=("x", "y"), data={"grant_type": "client_credentials"}
    )

    records = emu.requests
    assert all(isinstance(r, RequestRecord) for r in records)
    assert [(r.method, r.path, r.status, r.authorization_kind) for r in records] == [
        ("POST", "/oauth/token", 200, "basic"),
        ("POST", "/api/v2/integrations", 200, "bearer"),
        ("GET", "/api/v2/integrations", 200, "bearer"),
        ("POST", "/oauth/token", 401, "basic"),
    ]
    assert records[2].query == {"pageSize": "5", "integrationType": EVENTBRIDGE}
    assert records[0].ts <= records[-1].ts <= time.time()
    assert emu.count(method="POST") == 3
    assert emu.count(path_contains="/oauth/token") == 2
    assert emu.count(method="post", path_contains="/oauth/token", status=200) == 1
    assert emu.token_requests == 1
    dumped = repr(records) + repr(emu)
    assert token not in dumped and emu.client_secret not in dumped

    emu.reset_log()
    assert emu.requests == [] and emu.token_requests == 0
    api.get("/api/v2/organizations/me")
    assert emu.count() == 1


def test_emulator_cannot_be_pickled(emu: GenesysEmulator) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(emu)


def test_direct_state_access(emu: GenesysEmulator, api: httpx.Client) -> None:
    seeded = emu.seed_integration(
        "seeded", properties=VALID_PROPERTIES, intended_state="ENABLED", notes="n"
    )
    integration = api.get(f"/api/v2/integrations/{seeded}").json()
    assert integration["reportedState"]["code"] == "ACTIVE"
    assert integration["notes"] == "n"
    assert emu.integration_config(seeded)["properties"] == VALID_PROPERTIES
    broken = emu.seed_integration("broken", intended_state="ENABLED")
    assert emu.integration(broken)["reportedState"]["code"] == "ERROR"

    updated = emu.edit_config(seeded, eventSourceSuffix="changed")
    assert updated["version"] == 2
    config = api.get(f"/api/v2/integrations/{seeded}/config/current").json()
    assert config["properties"]["eventSourceSuffix"] == "changed"
    stale = api.put(
        f"/api/v2/integrations/{seeded}/config/current", json={"version": 1, "properties": {}}
    )
    assert_genesys_error(stale, 409, "conflict")

    emu.delete_integration(seeded)
    assert_genesys_error(api.get(f"/api/v2/integrations/{seeded}"), 404, "not.found")
    assert [i["id"] for i in emu.integrations()] == [broken]
    with pytest.raises(KeyError):
        emu.integration_config(seeded)
    with pytest.raises(KeyError):
        emu.delete_integration(seeded)


def test_knobs_can_change_while_running(emu: GenesysEmulator, api: httpx.Client) -> None:
    emu.rate_limit_per_minute = 1
    assert api.get("/api/v2/organizations/me").status_code == 200
    assert api.get("/api/v2/organizations/me").status_code == 429
    emu.rate_limit_per_minute = None
    assert api.get("/api/v2/organizations/me").status_code == 200
    emu.activation_delay = 0.0
    integration_id = create(api)["id"]
    put_config(api, integration_id, VALID_PROPERTIES)
    set_state(api, integration_id, "ENABLED")
    assert api.get(f"/api/v2/integrations/{integration_id}").json()["reportedState"]["code"] == (
        "ACTIVE"
    )


# -- CLI ------------------------------------------------------------------------------------


class _LineReader:
    """Collects a child's stdout lines on a thread, so waits can time out."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen = ""
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def read_until(self, marker: str, timeout: float = 15.0) -> str:
        """Everything read so far, once a line containing `marker` arrived."""
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {marker!r} in CLI output: {self.seen!r}"
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            assert line is not None, f"CLI exited early: {self.seen!r}"
            self.seen += line
        return self.seen


@pytest.mark.parametrize("fixed_secret", [None, "cli-fixed-secret"])
def test_cli_serves_and_stops_cleanly(fixed_secret: str | None) -> None:
    command = [sys.executable, "-m", "genesys_eventbridge.emulator", "--port", "0"]
    if fixed_secret:
        command += ["--client-secret", fixed_secret]
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    try:
        assert process.stdout is not None
        reader = _LineReader(process.stdout)
        output = reader.read_until("Ctrl-C")
        match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", output)
        assert match is not None and match.group(2) != "0", output
        base_url = match.group(1)
        secret_match = re.search(r"client secret: (\S+)", output)
        assert secret_match is not None
        secret = secret_match.group(1)
        if fixed_secret:
            assert secret == fixed_secret
        assert f"export GENESYSCLOUD_API_BASE_URL={base_url}" in output
        assert f"pulumi config set genesyscloud:apiBaseUrl {base_url}" in output
        assert "pulumi config set --secret genesyscloud:oauthclientSecret" in output

        token = http_post(
            f"{base_url}/oauth/token",
            auth=("emulator-client", secret),
            data={"grant_type": "client_credentials"},
        ).json()["access_token"]
        org = http_get(
            f"{base_url}/api/v2/organizations/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert org.status_code == 200 and is_uuid(org.json()["id"])

        process.terminate()
        assert process.wait(timeout=10) == 0
        assert "stopped" in reader.read_until("stopped")
        with pytest.raises(httpx.ConnectError):
            http_get(f"{base_url}/api/v2/organizations/me")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_status_fault_can_let_the_first_requests_through(
    emu: GenesysEmulator, api: httpx.Client
) -> None:
    emu.inject_status(status=500, count=1, path_contains="organizations", after=2)
    statuses = [api.get("/api/v2/organizations/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 200]
