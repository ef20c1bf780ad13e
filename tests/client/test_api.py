"""The API calls over real HTTP against the emulator: models, paging, caching, errors, safety."""

from __future__ import annotations

import pickle
import threading
import uuid
from typing import Any

import dill
import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import (
    EVENTBRIDGE_INTEGRATION_TYPE,
    USER_AGENT,
    AvailableTopic,
    BadRequestError,
    ConflictError,
    EventBridgeProperties,
    GenesysClient,
    GenesysError,
    IntegrationConfig,
    InvalidPathParameterError,
    NotFoundError,
    PermissionDeniedError,
    VersionMismatchError,
    auth,
)
from genesys_eventbridge.provider.genesys.errors import classify
from genesys_eventbridge.provider.genesys.models import ErrorBody
from tests.client.conftest import Reply, ScriptedServer, settings_for

PROPERTIES = {
    "awsAccountId": "123456789012",
    "awsAccountRegion": "us-east-1",
    "eventSourceSuffix": "my-suffix",
    "eventFilter": ["v2.detail.events.conversation.{id}.customer.start"],
}


def test_integration_lifecycle(emulator: GenesysEmulator, client: GenesysClient) -> None:
    created = client.create_integration("lifecycle")
    assert created.name == "lifecycle" and created.notes is None
    assert created.integration_type is not None
    assert created.integration_type.id == EVENTBRIDGE_INTEGRATION_TYPE
    assert created.intended_state == "DISABLED" and created.config_version == 1
    assert created.reported_state is not None and created.reported_state.code == "INACTIVE"

    config = client.get_integration_config(created.id)
    assert config.version == 1 and config.properties == {}
    assert config.eventbridge() == EventBridgeProperties()

    desired = config.model_copy(update={"properties": PROPERTIES, "name": "renamed"})
    saved = client.put_integration_config(created.id, desired)
    assert saved.version == 2 and saved.properties == PROPERTIES
    eventbridge = saved.eventbridge()
    assert eventbridge.aws_account_id == "123456789012"
    assert eventbridge.event_filter == PROPERTIES["eventFilter"]
    assert eventbridge.model_dump(by_alias=True) == PROPERTIES
    assert emulator.integration_config(created.id)["properties"] == PROPERTIES

    enabled = client.set_intended_state(created.id, "ENABLED")
    assert enabled.intended_state == "ENABLED"
    fetched = client.get_integration(created.id)
    assert fetched.name == "renamed" and fetched.config_version == 2

    deleted = client.delete_integration(created.id)
    assert deleted is not None and deleted.id == created.id
    assert emulator.integrations() == []
    with pytest.raises(NotFoundError) as caught:
        client.get_integration(created.id)
    assert caught.value.status == 404 and caught.value.code == "not.found"
    assert "pulumi refresh" in str(caught.value)
    # Deleting what is already gone is not an error.
    assert client.delete_integration(created.id) is None


def test_org_id_is_cached_per_process(emulator: GenesysEmulator) -> None:
    settings = settings_for(emulator)
    assert GenesysClient(settings).org_id() == emulator.org_id
    assert GenesysClient(settings).org_id() == emulator.org_id
    assert emulator.count(path_contains="/organizations/me") == 1


def test_version_mismatch_is_classified(emulator: GenesysEmulator, client: GenesysClient) -> None:
    integration_id = client.create_integration("versions").id
    config = client.get_integration_config(integration_id)
    emulator.inject_version_conflict()
    with pytest.raises(VersionMismatchError) as caught:
        client.put_integration_config(
            integration_id, config.model_copy(update={"properties": PROPERTIES})
        )
    assert isinstance(caught.value, ConflictError)
    assert caught.value.status == 409 and "read the current version" in str(caught.value)
    # Re-read and try again, as the Terraform provider does.
    current = client.get_integration_config(integration_id)
    assert current.version == 2
    saved = client.put_integration_config(
        integration_id, current.model_copy(update={"properties": PROPERTIES})
    )
    assert saved.version == 3
    # A stale version straight from the emulator's own check is a mismatch too.
    with pytest.raises(VersionMismatchError):
        client.put_integration_config(integration_id, config)


@pytest.mark.parametrize(
    ("status", "message", "versioned", "expected"),
    [
        (
            409,
            "The configuration version supplied (1) does not match the current version (2)",
            False,
            VersionMismatchError,
        ),
        (
            400,
            "Version 3 does not match the current version 4 of the configuration",
            False,
            VersionMismatchError,
        ),
        (408, "The request timed out", True, VersionMismatchError),
        (409, "Conflict", True, VersionMismatchError),
        (409, "Name already in use", False, ConflictError),
        (400, "Bad value", True, BadRequestError),
        (408, "The request timed out", False, GenesysError),
    ],
)
def test_version_mismatch_rule(status: int, message: str, versioned: bool, expected: type) -> None:
    error = classify(
        status,
        ErrorBody(message=message, code="x"),
        correlation_id="c-1",
        method="PUT",
        path="/api/v2/integrations/x/config/current",
        versioned=versioned,
    )
    assert type(error) is expected


def test_put_without_a_version_is_refused_locally(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    integration_id = emulator.seed_integration("no-version")
    with pytest.raises(ValueError, match="version"):
        client.put_integration_config(integration_id, IntegrationConfig(name="x"))
    assert emulator.count(method="PUT") == 0


def test_400_carries_the_field_messages(emulator: GenesysEmulator, client: GenesysClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.create_integration("   ")
    error = caught.value
    print(f"\n{error}")
    assert error.status == 400 and error.code == "bad.request"
    assert error.field_messages == ["name: invalid.value"]
    assert "name: invalid.value" in str(error)
    with pytest.raises(BadRequestError) as unknown_type:
        client.create_integration("typed", integration_type="no-such-type")
    assert unknown_type.value.field_messages == ["integrationType: invalid.value"]


def test_403_names_the_permission_the_call_needs(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    emulator.revoke_permission("integrations:integration:add")
    with pytest.raises(PermissionDeniedError) as caught:
        client.create_integration("forbidden")
    error = caught.value
    message = str(error)
    print(f"\n{message}")
    assert error.permission == "integrations:integration:add"
    assert "grant the permission integrations:integration:add" in message
    assert error.correlation_id is not None
    assert error.correlation_id == client.last_correlation_id
    assert f"(correlation id {error.correlation_id})" in message
    assert emulator.requests[-1].correlation_id == error.correlation_id
    emulator.revoke_permission("integrations:integration:delete")
    with pytest.raises(PermissionDeniedError) as on_delete:
        client.delete_integration(emulator.seed_integration("keep"))
    assert on_delete.value.permission == "integrations:integration:delete"


@pytest.mark.parametrize(
    "bad_id",
    [
        "../../organizations/me",
        "abc?x=1",
        "%2e%2e",
        "..",
        "",
        "not-a-uuid",
        "12345678-1234-1234-1234-1234567890123",
        "12345678123412341234123456789012",
        "{12345678-1234-1234-1234-123456789012}",
        "12345678-1234-1234-1234-123456789012\n",
        "12345678-1234-1234-1234-123456789012/config/current",
        " 12345678-1234-1234-1234-123456789012",
        "12345678-1234-1234-1234-12345678901g",
        None,
        42,
    ],
)
def test_injected_path_parameters_are_rejected_before_any_request(
    emulator: GenesysEmulator, client: GenesysClient, bad_id: object
) -> None:
    config = IntegrationConfig(name="x", version=1)
    calls = [
        lambda: client.get_integration(bad_id),  # type: ignore[arg-type]
        lambda: client.get_integration_config(bad_id),  # type: ignore[arg-type]
        lambda: client.put_integration_config(bad_id, config),  # type: ignore[arg-type]
        lambda: client.set_intended_state(bad_id, "ENABLED"),  # type: ignore[arg-type]
        lambda: client.delete_integration(bad_id),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(InvalidPathParameterError) as caught:
            call()
        assert isinstance(caught.value, ValueError)
        assert "no request was sent" in str(caught.value)
    assert emulator.requests == []  # not even a token request


def test_a_valid_uuid_in_any_case_is_accepted(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    with pytest.raises(NotFoundError):
        client.get_integration(str(uuid.uuid4()).upper())
    assert emulator.count(method="GET", path_contains="/api/v2/integrations/") == 1


def test_listing_pages_through_250_integrations(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    ids = [emulator.seed_integration(f"bulk-{n:03d}") for n in range(250)]
    for n in range(3):
        emulator.seed_integration(f"other-{n}", integration_type="purecloud-data-actions")
    listed = client.list_integrations()
    assert [i.id for i in listed] == ids
    list_calls = [
        r for r in emulator.requests if r.path == "/api/v2/integrations" and r.method == "GET"
    ]
    assert len(list_calls) == 3
    assert [r.query["pageNumber"] for r in list_calls] == ["1", "2", "3"]
    assert all(r.query["pageSize"] == "100" for r in list_calls)
    assert all(r.query["integrationType"] == EVENTBRIDGE_INTEGRATION_TYPE for r in list_calls)
    assert len(client.list_integrations(integration_type=None)) == 253


def test_listing_nothing_takes_one_request(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    assert client.list_integrations() == []
    assert emulator.count(method="GET", path_contains="/api/v2/integrations") == 1


def test_topic_catalog_is_fetched_once_with_transports_and_schemas(
    emulator: GenesysEmulator,
) -> None:
    settings = settings_for(emulator)
    topics = GenesysClient(settings).available_topics()
    again = GenesysClient(settings).available_topics()
    assert [t.id for t in topics] == [t.id for t in again] and len(topics) >= 10
    calls = [r for r in emulator.requests if r.path == "/api/v2/notifications/availabletopics"]
    assert len(calls) == 1
    assert calls[0].query == {"expand": "transports,schema", "includePreview": "true"}
    by_transport = {t.id: t for t in topics}
    assert all(t.transports is not None for t in topics)
    websocket_only = [t for t in topics if t.transports == ["Websocket"]]
    assert websocket_only and not any(t.eventbridge_available for t in websocket_only)
    assert any(t.eventbridge_available for t in topics if t.transports == ["EventBridge"])
    assert any(t.eventbridge_available for t in topics if t.transports == ["All"])
    assert "v2.detail.events.conversation.{id}.customer.start" in by_transport
    acd_start = by_transport["v2.detail.events.conversation.{id}.acd.start"].topic_schema
    assert acd_start is not None and acd_start["properties"]["queueId"] == {"type": "string"}


@pytest.mark.parametrize(
    ("transports", "available"),
    [
        (None, True),
        (["All"], True),
        (["EventBridge"], True),
        (["eventbridge"], True),
        (["Event_Bridge"], True),
        (["AmazonEventBridge"], True),
        (["Websocket", "EVENTBRIDGE"], True),
        (["Websocket"], False),
        ([], False),
    ],
)
def test_eventbridge_availability(transports: list[str] | None, available: bool) -> None:
    data: dict[str, object] = {"id": "v2.users.{id}.presence"}
    if transports is not None:
        data["transports"] = transports
    assert AvailableTopic.model_validate(data).eventbridge_available is available


def test_user_agent_and_auth_headers(scripted: ScriptedServer) -> None:
    scripted.queue(Reply(200, {"id": "org-1", "name": "Org"}))
    assert GenesysClient(scripted.settings()).org_id() == "org-1"
    token_request, api_request = scripted.seen
    assert token_request.path == "/oauth/token" and token_request.method == "POST"
    assert token_request.headers["authorization"].startswith("Basic ")
    assert token_request.body == b"grant_type=client_credentials"
    assert api_request.path == "/api/v2/organizations/me"
    assert api_request.headers["authorization"] == f"Bearer {scripted.token}"
    for seen in scripted.seen:
        assert seen.headers["user-agent"] == USER_AGENT
        assert seen.headers["user-agent"].startswith(
            "genesys-eventbridge/0.1.0 (+pulumi dynamic provider) httpx/"
        )


def test_connections_are_reused(scripted: ScriptedServer) -> None:
    settings = scripted.settings()
    for _ in range(4):
        GenesysClient(settings).list_integrations()  # each an empty page
    # One token request and four API calls, all over the same pooled connection.
    assert len(scripted.seen) == 5
    assert len({s.client_port for s in scripted.seen}) == 1


def test_last_correlation_id_is_per_thread(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    assert client.last_correlation_id is None
    client.org_id()
    mine = client.last_correlation_id
    assert mine == emulator.requests[-1].correlation_id
    seen_in_thread: list[str | None] = []
    thread = threading.Thread(target=lambda: seen_in_thread.append(client.last_correlation_id))
    thread.start()
    thread.join()
    assert seen_in_thread == [None]


def test_client_pickles_without_secrets_and_works_after(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    integration_id = emulator.seed_integration("pickled")
    client.get_integration(integration_id)
    token = auth.access_token(client.settings).value
    for blob, loads in (
        (pickle.dumps(client), pickle.loads),
        (dill.dumps(client, recurse=True), dill.loads),
    ):
        assert emulator.client_secret.encode() not in blob
        assert token.encode() not in blob
        restored = loads(blob)
        assert isinstance(restored, GenesysClient)
        assert restored.get_integration(integration_id).id == integration_id
    assert emulator.token_requests == 1


def test_server_echoing_a_credential_is_redacted(scripted: ScriptedServer) -> None:
    scripted.queue(
        Reply(
            400,
            {
                "message": f"token Bearer {scripted.token} and"
                " client_secret=scripted-secret-value rejected",
                "code": "bad.request",
                "details": [{"fieldName": "auth", "message": f"saw {scripted.token}"}],
            },
        )
    )
    with pytest.raises(BadRequestError) as caught:
        GenesysClient(scripted.settings()).org_id()
    for text in (
        str(caught.value),
        repr(caught.value),
        caught.value.message,
        *caught.value.field_messages,
    ):
        assert scripted.token not in text and "scripted-secret-value" not in text
    assert "[redacted]" in str(caught.value)


def test_an_unexpected_reply_is_a_genesys_error(scripted: ScriptedServer) -> None:
    scripted.queue(Reply(200, {"name": "no id here"}))
    with pytest.raises(GenesysError, match="not what this client expects"):
        GenesysClient(scripted.settings()).org_id()


def test_count_integrations_takes_one_call_when_the_server_filters(
    emulator: GenesysEmulator, client: GenesysClient
) -> None:
    for n in range(130):
        emulator.seed_integration(f"eb-{n}")
    emulator.seed_integration("other", integration_type="purecloud-data-actions")
    emulator.reset_log()
    assert client.count_integrations() == 130
    assert emulator.count(method="GET", path_contains="/api/v2/integrations") == 1
    assert len(client.list_integrations()) == 130


def test_count_integrations_lists_and_counts_when_the_server_ignores_the_filter(
    scripted: ScriptedServer,
) -> None:
    def entity(n: int, kind: str) -> dict[str, Any]:
        return {"id": str(uuid.UUID(int=n)), "name": f"i{n}", "integrationType": {"id": kind}}

    page = {
        "entities": [entity(1, "amazon-eventbridge-source"), entity(2, "purecloud-data-actions")],
        "total": 2,
        "pageCount": 1,
    }
    scripted.queue(Reply(200, page), Reply(200, page))
    # The total (2) counts another type too: the count comes from the listing instead.
    assert GenesysClient(scripted.settings()).count_integrations() == 1
    assert len([s for s in scripted.seen if s.path.startswith("/api/v2/integrations")]) == 2
