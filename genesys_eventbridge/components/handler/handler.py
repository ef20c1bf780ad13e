"""The bundled callback Lambda: log each Genesys Cloud event as one structured JSON line.

Deployed as `handler.handler` (this file alone, standard library only). For every invocation it
writes exactly one JSON line to stdout, which Lambda sends to the function's log group:

- a Genesys event (the EventBridge envelope): level INFO, message "genesys event", with `topic`
  (the `detail-type` topic template), `topic_name` (the concrete topic), `correlation_id`
  (`detail.metadata.CorrelationId`), `conversation_id` (where the event carries one), `event_id`,
  `source`, `time`; returns `{"status": "accepted", ...}`.
- `{"action": "register_subscription", "data": {...}}` (sent by the component's notify_on_change,
  with a `tf` lifecycle key under `lifecycle_scope="CRUD"`): level INFO, message
  "subscription registration"; returns `{"status": "registered", ...}`.
- anything else: level ERROR, message "rejected event", with the `reason`, the event's `id`
  (when it has one) and its top-level `keys`, never its values: Genesys payloads carry phone
  numbers and names. Returns `{"status": "rejected", "reason": ...}`.

A malformed event is rejected without raising, on purpose. EventBridge invokes Lambda
asynchronously, so EventBridge's retry policy ends once Lambda accepts the event; an exception
makes Lambda retry (the subscription's `async_invoke.maximum_retry_attempts`, default 2) and then
send the event to the subscription's dead-letter queue (the function's on-failure destination).
A malformed event stays malformed, so retrying it only delays that; the log line is the record.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

REGISTER_ACTION = "register_subscription"
# Topic-template segments that mark a conversation topic, whose body `id` is the conversation's id
# (v2.conversations.{id}..., v2.users.{id}.conversations...). Detail-event topics
# (v2.detail.events.conversation.{id}...) carry `conversationId` instead.
_CONVERSATION_SEGMENTS = frozenset({"conversations", "conversation"})
_MAX_KEYS = 20


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    """Lambda entry point: log the event (or why it is rejected) and return the outcome."""
    request_id = getattr(context, "aws_request_id", None)
    if isinstance(event, Mapping) and event.get("action") == REGISTER_ACTION:
        return _registration(event, request_id)
    envelope, reason = parse_envelope(event)
    if envelope is None:
        _log("ERROR", "rejected event", reason=reason, request_id=request_id, **_outline(event))
        return {"status": "rejected", "reason": reason}
    _log("INFO", "genesys event", request_id=request_id, **envelope)
    return {"status": "accepted", **envelope}


def parse_envelope(event: Any) -> tuple[dict[str, Any] | None, str]:
    """The loggable fields of a Genesys EventBridge event, or (None, why it is malformed)."""
    if not isinstance(event, Mapping):
        return None, f"event is {_kind(event)}, not an EventBridge event object"
    topic = event.get("detail-type")
    if not isinstance(topic, str) or not topic:
        return None, "event has no 'detail-type' string (the Genesys topic template)"
    if "detail" not in event:
        return None, "event has no 'detail' (the Genesys notification)"
    detail = event["detail"]
    if not isinstance(detail, Mapping):
        return None, f"event 'detail' is {_kind(detail)}, not an object"
    topic_name = detail.get("topicName")
    if not isinstance(topic_name, str) or not topic_name:
        return None, "event 'detail' has no 'topicName' string (the concrete topic)"
    body = detail.get("eventBody")
    if body is not None and not isinstance(body, Mapping):
        return None, f"event 'detail.eventBody' is {_kind(body)}, not an object"
    metadata = detail.get("metadata")
    correlation_id = metadata.get("CorrelationId") if isinstance(metadata, Mapping) else None
    return {
        "topic": topic,
        "topic_name": topic_name,
        "correlation_id": correlation_id if isinstance(correlation_id, str) else None,
        "conversation_id": conversation_id(topic, body or {}),
        "event_id": event.get("id"),
        "source": event.get("source"),
        "time": event.get("time"),
    }, ""


def conversation_id(topic: str, body: Mapping[str, Any]) -> str | None:
    """The conversation an event is about, where it says: `conversationId`, or the body's `id`
    on conversation topics."""
    value = body.get("conversationId")
    if isinstance(value, str) and value:
        return value
    if _CONVERSATION_SEGMENTS.intersection(topic.split(".")):
        value = body.get("id")
        if isinstance(value, str) and value:
            return value
    return None


def _registration(event: Mapping[str, Any], request_id: str | None) -> dict[str, Any]:
    data = event.get("data")
    if not isinstance(data, Mapping):
        reason = f"register_subscription 'data' is {_kind(data)}, not an object"
        _log("ERROR", "rejected event", reason=reason, request_id=request_id, **_outline(event))
        return {"status": "rejected", "reason": reason}
    lifecycle = event.get("tf")
    # lifecycle_scope="CRUD" adds {"tf": {"action": "create"|"update"|"delete", ...}}.
    action = lifecycle.get("action") if isinstance(lifecycle, Mapping) else None
    rules = data.get("rules")
    fields = {
        "lifecycle": action,
        "integration_id": data.get("integration_id"),
        "event_source_name": data.get("event_source_name"),
        "event_bus_name": data.get("event_bus_name"),
        "topics": data.get("topics"),
        "rules": [r.get("name") for r in rules if isinstance(r, Mapping)]
        if isinstance(rules, list)
        else None,
    }
    _log("INFO", "subscription registration", request_id=request_id, **fields)
    return {"status": "registered", **fields}


def _log(level: str, message: str, **fields: Any) -> None:
    # print, not logging: Lambda's root logger would prefix each line and break the JSON.
    record = {
        "level": level,
        "message": message,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        **fields,
    }
    print(json.dumps(record, default=str, separators=(",", ":")), file=sys.stdout, flush=True)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }
    return names.get(type(value), f"a {type(value).__name__}")


def _outline(event: Any) -> dict[str, Any]:
    # What identifies a rejected event without quoting it: values may be phone numbers or names.
    if not isinstance(event, Mapping):
        return {"event_kind": _kind(event)}
    event_id = event.get("id")
    keys = sorted(str(key)[:64] for key in event)[:_MAX_KEYS]
    return {
        "event_kind": _kind(dict(event)),
        "event_id": event_id if isinstance(event_id, str) else None,
        "keys": keys,
    }
