"""The bundled callback handler, loaded from its file alone as Lambda runs it."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

HANDLER_FILE = (
    Path(__file__).resolve().parents[2]
    / "genesys_eventbridge"
    / "components"
    / "handler"
    / "handler.py"
)
CONVERSATION = "7f0f4c1e-2b5a-4d8e-9c3f-1a2b3c4d5e6f"


@pytest.fixture(scope="module")
def lambda_module() -> ModuleType:
    """handler.py imported by path under the name Lambda gives it (`handler`), outside the repo."""
    spec = importlib.util.spec_from_file_location("handler", HANDLER_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoke(
    module: ModuleType, capsys: pytest.CaptureFixture[str], event: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Call the handler; return its result and the one JSON line it printed."""
    context = SimpleNamespace(aws_request_id="req-1")
    result = module.handler(event, context)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return result, json.loads(lines[0])


def test_handler_uses_the_standard_library_only() -> None:
    tree = ast.parse(HANDLER_FILE.read_text())
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    imported.discard("__future__")
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


EXPECTED_CONVERSATIONS = {
    "conversation-customer-start": CONVERSATION,
    "conversation-customer-end": CONVERSATION,
    "conversation-acd-start": CONVERSATION,
    "conversation-acd-end": CONVERSATION,
    "oauth-client-delete-audit": None,
    "user-presence-audit": None,  # its body `id` is the audit's, not a conversation's
}


@pytest.mark.parametrize("stem", sorted(EXPECTED_CONVERSATIONS))
def test_every_sample_is_logged_as_one_json_line(
    lambda_module: ModuleType,
    capsys: pytest.CaptureFixture[str],
    samples: dict[str, dict[str, Any]],
    stem: str,
) -> None:
    sample = samples[stem]
    result, line = invoke(lambda_module, capsys, sample)
    expected = {
        "topic": sample["detail-type"],
        "topic_name": sample["detail"]["topicName"],
        "correlation_id": sample["detail"]["metadata"]["CorrelationId"],
        "conversation_id": EXPECTED_CONVERSATIONS[stem],
        "event_id": sample["id"],
        "source": sample["source"],
        "time": sample["time"],
    }
    assert line["level"] == "INFO" and line["message"] == "genesys event"
    assert line["request_id"] == "req-1"
    assert {key: line[key] for key in expected} == expected
    assert result == {"status": "accepted", **expected}


def test_conversation_topics_take_the_conversation_id_from_the_body_id(
    lambda_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {
        "detail-type": "v2.conversations.{id}.transcription",
        "source": "aws.partner/genesys.com/cloud/org/suffix",
        "detail": {
            "topicName": f"v2.conversations.{CONVERSATION}.transcription",
            "eventBody": {"id": CONVERSATION},
            "metadata": {"CorrelationId": "c-1"},
        },
    }
    _, line = invoke(lambda_module, capsys, event)
    assert line["conversation_id"] == CONVERSATION
    assert line["correlation_id"] == "c-1"


def test_an_event_without_metadata_is_still_logged(
    lambda_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {
        "detail-type": "v2.users.{id}.presence",
        "detail": {"topicName": "v2.users.u.presence"},
    }
    result, line = invoke(lambda_module, capsys, event)
    assert result["status"] == "accepted"
    assert line["correlation_id"] is None and line["conversation_id"] is None


GOOD_DETAIL = {"topicName": "v2.users.u.presence", "eventBody": {}, "metadata": {}}


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("not json object", "event is a string, not an EventBridge event object"),
        ([{"detail-type": "x"}], "event is a list, not an EventBridge event object"),
        (None, "event is null, not an EventBridge event object"),
        (42, "event is a number, not an EventBridge event object"),
        ({"detail": GOOD_DETAIL}, "event has no 'detail-type' string"),
        ({"detail-type": 7, "detail": GOOD_DETAIL}, "event has no 'detail-type' string"),
        ({"detail-type": "v2.users.{id}.presence"}, "event has no 'detail'"),
        ({"detail-type": "v2.users.{id}.presence", "detail": "{}"}, "'detail' is a string"),
        ({"detail-type": "v2.users.{id}.presence", "detail": [1]}, "'detail' is a list"),
        ({"detail-type": "v2.users.{id}.presence", "detail": {}}, "no 'topicName' string"),
        (
            {"detail-type": "v2.users.{id}.presence", "detail": {"topicName": 5}},
            "no 'topicName' string",
        ),
        (
            {
                "detail-type": "v2.users.{id}.presence",
                "detail": {"topicName": "v2.users.u.presence", "eventBody": "oops"},
            },
            "'detail.eventBody' is a string",
        ),
        ({"action": "register_subscription", "data": "x"}, "'data' is a string"),
    ],
)
def test_malformed_events_are_rejected_with_a_log_line_and_no_exception(
    lambda_module: ModuleType, capsys: pytest.CaptureFixture[str], event: Any, reason: str
) -> None:
    # No exception: a permanent defect must not be retried by Lambda/EventBridge for a day.
    result, line = invoke(lambda_module, capsys, event)
    assert result["status"] == "rejected"
    assert reason in result["reason"]
    assert line["level"] == "ERROR" and line["message"] == "rejected event"
    assert line["reason"] == result["reason"]
    assert "event" not in line  # no excerpt of what arrived: it may carry personal data


PHONE = "+15551234567"
CUSTOMER = "Ada Lovelace"


@pytest.mark.parametrize(
    "event",
    [
        # A Genesys event whose topicName is missing, with a caller's number and name in the body.
        {
            "id": "evt-1",
            "detail-type": "v2.detail.events.conversation.{id}.customer.start",
            "detail": {"eventBody": {"ani": f"tel:{PHONE}", "name": CUSTOMER}},
        },
        [{"ani": f"tel:{PHONE}", "name": CUSTOMER}],
        f"tel:{PHONE} {CUSTOMER}",
        {"action": "register_subscription", "data": f"{CUSTOMER} {PHONE}"},
    ],
)
def test_a_rejected_event_never_reaches_the_log_with_its_values(
    lambda_module: ModuleType, capsys: pytest.CaptureFixture[str], event: Any
) -> None:
    # The handler used to log 200 characters of a rejected event.
    result, line = invoke(lambda_module, capsys, event)
    assert result["status"] == "rejected"
    logged = json.dumps(line)
    assert PHONE not in logged and CUSTOMER not in logged
    assert PHONE not in json.dumps(result) and CUSTOMER not in json.dumps(result)


def test_a_rejected_event_is_identified_by_its_id_and_keys(
    lambda_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {"id": "evt-1", "detail-type": "x", "detail": {"eventBody": {"ani": PHONE}}}
    _, line = invoke(lambda_module, capsys, event)
    assert line["event_id"] == "evt-1"
    assert line["keys"] == ["detail", "detail-type", "id"]
    assert line["event_kind"] == "an object"
    _, line = invoke(lambda_module, capsys, ["x" * 10_000])
    assert line["event_kind"] == "a list" and "keys" not in line


def test_register_subscription_is_logged_with_its_lifecycle_action(
    lambda_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = {
        "action": "register_subscription",
        "data": {
            "integration_id": "i-1",
            "event_source_name": "aws.partner/genesys.com/cloud/org/cx",
            "event_bus_name": "aws.partner/genesys.com/cloud/org/cx",
            "topics": ["v2.users.{id}.presence"],
            "rules": [{"name": "default", "event_pattern": {"source": ["x"]}}],
        },
        # Added by aws.lambda_.Invocation with lifecycle_scope="CRUD".
        "tf": {"action": "update", "prev_input": {"action": "register_subscription"}},
    }
    result, line = invoke(lambda_module, capsys, payload)
    expected = {
        "lifecycle": "update",
        "integration_id": "i-1",
        "event_source_name": "aws.partner/genesys.com/cloud/org/cx",
        "event_bus_name": "aws.partner/genesys.com/cloud/org/cx",
        "topics": ["v2.users.{id}.presence"],
        "rules": ["default"],
    }
    assert line["level"] == "INFO" and line["message"] == "subscription registration"
    assert {key: line[key] for key in expected} == expected
    assert result == {"status": "registered", **expected}


def test_the_package_import_is_the_same_handler() -> None:
    from genesys_eventbridge.components.handler import handler as packaged

    assert Path(packaged.__file__ or "").resolve() == HANDLER_FILE
