"""The filter-policy schema check on its own: the JSON-schema forms it reads (inline ids, `$ref`
to an id or a `#/definitions/...` pointer, arrays, maps, open objects) and what it lets pass."""

from __future__ import annotations

from typing import Any

import pytest

from genesys_eventbridge.provider.filter_schema import RuleFilter, decode, encode, problems

TOPIC = "v2.things.{id}"
OTHER = "v2.others.{id}"
# Draft-4 style: definitions and JSON-pointer $refs (the emulator serves the id style).
POINTER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "definitions": {
        "Ref": {"type": "object", "properties": {"id": {"type": "string"}}},
    },
    "properties": {
        "owner": {"$ref": "#/definitions/Ref"},
        "members": {"type": "array", "items": {"$ref": "#/definitions/Ref"}},
        "count": {"type": ["integer", "null"]},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "payload": {"type": "object"},
        "anything": {},
        "broken": {"$ref": "#/definitions/Missing"},
    },
}


def check(policy: dict[str, Any], topics: tuple[str, ...] = (TOPIC,)) -> list[str]:
    schemas = {TOPIC: POINTER_SCHEMA, OTHER: {"type": "object", "properties": {}}}
    return problems(RuleFilter("r", topics, policy), schemas)


@pytest.mark.parametrize(
    "policy",
    [
        {"detail.eventBody.owner.id": ["x"]},  # through a pointer $ref
        {"detail.eventBody.members.id": [{"prefix": "u-"}]},  # through an array of refs
        {"detail.eventBody.count": [{"numeric": [">", 2]}, None]},
        {"detail.eventBody.labels.anyKey": ["v"]},  # a map: any key
        {"detail.eventBody.payload.deep.down": [1]},  # an open object
        {"detail.eventBody.anything": [True]},  # no type: anything goes
        {"detail.eventBody.broken.x": ["y"]},  # an unresolvable $ref is left unchecked
        {"detail.eventBody.owner": [{"exists": True}]},  # exists fits any type
        {"detail.eventBody.count": [{"anything-but": "x"}]},  # matches numbers too
        {"detail.topicName": [{"prefix": "v2."}], "detail-type": [TOPIC]},  # outside eventBody
    ],
)
def test_what_the_schema_allows_or_leaves_open_passes(policy: dict[str, Any]) -> None:
    assert check(policy) == []


def test_a_pointer_ref_is_followed_to_report_a_nested_misspelling() -> None:
    assert check({"detail.eventBody.owner.ID": ["x"]}) == [
        f"rule 'r': filter field 'detail.eventBody.owner.ID' is not a field of the events of"
        f" '{TOPIC}'; did you mean 'detail.eventBody.owner.id'?"
    ]


def test_a_missing_parent_is_named() -> None:
    [found] = check({"detail.eventBody.ownr.id": ["x"]})
    assert "('detail.eventBody.ownr' does not exist)" in found
    assert "did you mean 'detail.eventBody.owner'?" in found


def test_an_exact_value_on_an_object_names_its_fields() -> None:
    assert check({"detail.eventBody.owner": ["x"]}) == [
        f"rule 'r': filter field 'detail.eventBody.owner' is an object in the events of"
        f" '{TOPIC}', so \"x\" never matches it; filter on one of its fields (id)"
    ]


def test_a_numeric_text_on_a_number_field_suggests_the_number() -> None:
    [found] = check({"detail.eventBody.count": ["3"]})
    assert found.endswith("which never matches; write the number 3")


def test_detail_type_narrows_the_topics_a_field_is_looked_up_in() -> None:
    # OTHER's events have no fields: across both topics `count` exists (in TOPIC's)...
    assert check({"detail.eventBody.count": [1]}, (TOPIC, OTHER)) == []
    # ...but a level pinned to OTHER looks it up there only.
    policy = {"$or": [{"detail-type": [OTHER], "detail.eventBody.count": [1]}, {"x": ["y"]}]}
    [found] = check(policy, (TOPIC, OTHER))
    assert f"is not a field of the events of '{OTHER}'" in found


def test_topics_without_a_schema_are_not_checked() -> None:
    assert problems(RuleFilter("r", (TOPIC,), {"detail.eventBody.zz": [1]}), {TOPIC: None}) == []


def test_encode_and_decode_keep_json_types() -> None:
    original = RuleFilter("r", (TOPIC,), {"detail.eventBody.count": [1, 2.5, None, True]})
    [back] = decode(encode([original]))
    assert back == original
    assert type(back.filter_policy["detail.eventBody.count"][0]) is int


@pytest.mark.parametrize("value", ["{", "{}", '[{"rule": 1}]', 7])
def test_decode_rejects_malformed_input(value: Any) -> None:
    with pytest.raises(ValueError, match="rule_filters"):
        decode(value)


def test_a_schema_of_the_whole_notification_is_looked_through_to_its_event_body() -> None:
    wrapper = {
        "type": "object",
        "properties": {
            "topicName": {"type": "string"},
            "eventBody": {"type": "object", "properties": {"queueId": {"type": "string"}}},
        },
    }
    assert (
        problems(RuleFilter("r", (TOPIC,), {"detail.eventBody.queueId": ["q"]}), {TOPIC: wrapper})
        == []
    )
    [found] = problems(
        RuleFilter("r", (TOPIC,), {"detail.eventBody.queueID": ["q"]}), {TOPIC: wrapper}
    )
    assert "did you mean 'detail.eventBody.queueId'?" in found


def _headers(**others: Any) -> dict[str, Any]:
    """A topic whose `headers` object lists one field and says `others` about the rest."""
    listed = {"type": "object", "properties": {"contentType": {"type": "string"}}, **others}
    return {"type": "object", "properties": {"headers": listed}}


def _check_headers(schema: dict[str, Any], field: str, matcher: Any = "v") -> list[str]:
    return problems(
        RuleFilter("r", (TOPIC,), {f"detail.eventBody.headers.{field}": [matcher]}), {TOPIC: schema}
    )


@pytest.mark.parametrize(
    "others",
    [
        {"additionalProperties": True},
        {"additionalProperties": {"type": "string"}},
        {"additionalProperties": {}},  # any value at all
        {"patternProperties": {"^x-": {"type": "string"}}},
    ],
    ids=["additional-true", "additional-schema", "additional-empty-schema", "pattern"],
)
def test_listed_properties_beside_a_map_of_others_let_any_other_key_pass(
    others: dict[str, Any],
) -> None:
    schema = _headers(**others)
    assert _check_headers(schema, "x-unlisted") == []
    # The listed field is still known, and still checked.
    [found] = _check_headers(schema, "contentType", 7)
    assert "holds a string" in found


@pytest.mark.parametrize(
    "others",
    [{}, {"additionalProperties": False}, {"patternProperties": {}}],
    ids=["listed-only", "additional-false", "no-patterns"],
)
def test_listed_properties_closed_to_others_report_an_unlisted_key(
    others: dict[str, Any],
) -> None:
    [found] = _check_headers(_headers(**others), "contenttype")
    assert "did you mean 'detail.eventBody.headers.contentType'?" in found
