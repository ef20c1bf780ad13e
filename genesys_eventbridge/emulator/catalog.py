"""The notification topic catalog (GET /api/v2/notifications/availabletopics)."""

from __future__ import annotations

import copy
import re
from typing import Any

from . import topic_models

ALL = "All"
WEBSOCKET = "Websocket"
EVENTBRIDGE = "EventBridge"

_DETAIL_PERMS = ["analytics:conversationDetail:view"]


def _topic(
    topic_id: str,
    description: str,
    *,
    transports: list[str],
    parameters: list[str],
    permissions: list[str] | None = None,
    visibility: str = "Public",
    api_paths: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "id": topic_id,
        "description": description,
        "requiresPermissions": permissions or [],
        "requiresDivisionPermissions": False,
        "requiresCurrentUser": False,
        "requiresCurrentUserOrPermission": False,
        "enforced": bool(permissions),
        "visibility": visibility,
        "transports": transports,
        "publicApiTemplateUriPaths": api_paths or [],
        "topicParameters": parameters,
        "schema": topic_schema(topic_id),
    }


# JSON schema of each SDK primitive type name.
_PRIMITIVES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "long": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "object": {"type": "any"},
}
_URN = "urn:jsonschema:com:inin:emulator:"
_LIST = re.compile(r"list\[(?P<inner>.+)\]")
_DICT = re.compile(r"dict\(str, (?P<inner>.+)\)")


def topic_schema(topic_id: str) -> dict[str, Any]:
    """The JSON schema of a topic's eventBody, in the catalog's style: nested objects inline
    with an `id`, a model met again as a `$ref` to that id. Topics without a known model get an
    open object (no `properties`)."""
    model = topic_models.TOPIC_MODELS.get(topic_id)
    if model is None:
        return {"id": f"urn:jsonschema:{topic_id}", "type": "object"}
    return _schema_of(model, set())


def _schema_of(type_name: str, seen: set[str]) -> dict[str, Any]:
    if type_name in _PRIMITIVES:
        return dict(_PRIMITIVES[type_name])
    if listed := _LIST.fullmatch(type_name):
        return {"type": "array", "items": _schema_of(listed["inner"], seen)}
    if mapped := _DICT.fullmatch(type_name):
        return {"type": "object", "additionalProperties": _schema_of(mapped["inner"], seen)}
    if type_name in seen:
        return {"$ref": _URN + type_name}
    seen.add(type_name)
    fields = {
        **topic_models.MODELS[type_name],
        **topic_models.SAMPLE_FIELDS.get(type_name, {}),
    }
    return {
        "type": "object",
        "id": _URN + type_name,
        "properties": {name: _schema_of(kind, seen) for name, kind in fields.items()},
    }


def _detail(suffix: str, what: str, visibility: str = "Public") -> dict[str, Any]:
    return _topic(
        f"v2.detail.events.conversation.{{id}}.{suffix}",
        f"Conversation detail event: {what}.",
        transports=[ALL],
        parameters=["conversationId"],
        permissions=_DETAIL_PERMS,
        visibility=visibility,
    )


# Real topic templates. Transports follow the facts file's expectations: most "All", a few
# websocket-only (not offered to EventBridge), a few EventBridge-only. Which real topic has
# which transport is a guess where the facts file does not say.
TOPICS: tuple[dict[str, Any], ...] = (
    _detail("customer.start", "a customer joined the conversation"),
    _detail("customer.end", "a customer left the conversation"),
    _detail("acd.start", "the conversation entered an ACD queue"),
    _detail("acd.end", "the conversation left an ACD queue"),
    _detail("user.start", "an agent joined the conversation"),
    _detail("user.end", "an agent left the conversation"),
    _detail("acw", "an agent finished after-call work"),
    _detail("flow.start", "the conversation entered an Architect flow"),
    _detail("flow.end", "the conversation left an Architect flow"),
    _detail("outbound", "an outbound conversation was placed"),
    _detail("attributes", "conversation participant attributes changed"),
    # Preview visibility here is the emulator's choice, so includePreview has something to hide.
    _detail("voicemail.start", "a voicemail was started", visibility="Preview"),
    _topic(
        "v2.audits.entitytype.{id}.entityid.{id}",
        "Audit events for an entity type and entity.",
        transports=[EVENTBRIDGE],
        parameters=["entityType", "entityId"],
        permissions=["audits:audit:view"],
    ),
    _topic(
        "v2.operations.events.{id}",
        "Operational events (errors and warnings) of an event definition.",
        transports=[EVENTBRIDGE],
        parameters=["eventDefinitionId"],
        permissions=["usage:events:view"],
    ),
    _topic(
        "v2.users.{id}.presence",
        "A user's presence changed.",
        transports=[ALL],
        parameters=["userId"],
        api_paths=["/api/v2/users/{userId}/presences/{sourceId}"],
    ),
    _topic(
        "v2.users.{id}.activity",
        "A user's routing activity changed.",
        transports=[ALL],
        parameters=["userId"],
    ),
    _topic(
        "v2.users.{id}.routingStatus",
        "A user's routing status changed.",
        transports=[ALL],
        parameters=["userId"],
        api_paths=["/api/v2/users/{userId}/routingstatus"],
    ),
    _topic(
        "v2.users.{id}.conversations",
        "Conversations of a user.",
        transports=[WEBSOCKET],
        parameters=["userId"],
    ),
    _topic(
        "v2.routing.queues.{id}.users",
        "Membership and activity of users in a queue.",
        transports=[ALL],
        parameters=["queueId"],
        permissions=["routing:queue:view"],
    ),
    _topic(
        "v2.routing.queues.{id}.conversations",
        "Conversations in a queue.",
        transports=[WEBSOCKET],
        parameters=["queueId"],
        permissions=["routing:queue:view"],
    ),
    _topic(
        "v2.analytics.queues.{id}.observations",
        "Real-time queue observations.",
        transports=[WEBSOCKET],
        parameters=["queueId"],
        permissions=["analytics:queueObservation:view"],
    ),
    _topic(
        "v2.analytics.flow.{id}.aggregates",
        "Aggregate metrics of an Architect flow.",
        transports=[ALL],
        parameters=["flowId"],
        permissions=["analytics:flowAggregate:view"],
    ),
    _topic(
        "v2.conversations.{id}.transcription",
        "Real-time transcription of a conversation.",
        transports=[ALL],
        parameters=["conversationId"],
        permissions=["recording:recording:view"],
    ),
    _topic(
        "v2.contentmanagement.workspaces.{id}.documents",
        "Documents added, changed or removed in a workspace.",
        transports=[ALL],
        parameters=["workspaceId"],
        permissions=["contentmanagement:document:view"],
    ),
    _topic(
        "v2.flows.outcomes.{id}",
        "A flow outcome was reached.",
        transports=[ALL],
        parameters=["flowOutcomeId"],
        permissions=["architect:flowOutcome:view"],
    ),
)

# Fields returned only when named in `expand` (the real API expands more; these two are
# the ones whose absence a client must cope with).
EXPANDABLE = frozenset({"transports", "schema"})


def available_topics(expand: set[str], include_preview: bool) -> list[dict[str, Any]]:
    """The catalog entries as the API returns them for the given expand/includePreview."""
    result = []
    for topic in TOPICS:
        if topic["visibility"] == "Preview" and not include_preview:
            continue
        entry = copy.deepcopy(topic)
        for name in EXPANDABLE - expand:
            entry.pop(name, None)
        result.append(entry)
    return result


def eventbridge_topic_ids() -> frozenset[str]:
    """Topic templates an EventBridge integration may subscribe to."""
    return frozenset(
        t["id"] for t in TOPICS if ALL in t["transports"] or EVENTBRIDGE in t["transports"]
    )
