"""build_pattern: pins, detail-type narrowing, conflicts, errors and the 2048-character limit."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from genesys_eventbridge.components.patterns import (
    MAX_PATTERN_LENGTH,
    PatternError,
    build_pattern,
    pattern_json,
    validate_pattern,
)

from .conftest import ACD_END, ACD_START, AUDIT, CUSTOMER_END, CUSTOMER_START, SOURCE

RULE = "cx-conversations"
TOPICS = [CUSTOMER_START, CUSTOMER_END, ACD_START]


def build(policy: dict[str, Any] | None, topics: Any = TOPICS) -> dict[str, Any]:
    """build_pattern with this module's rule, source and topics."""
    return build_pattern(rule=RULE, source=SOURCE, detail_types=topics, filter_policy=policy)


@pytest.mark.parametrize("policy", [None, {}], ids=["none", "empty"])
def test_without_policy_pins_source_and_topics(policy: dict[str, Any] | None) -> None:
    """With no filter the rule still only takes this integration's events of its topics."""
    assert build(policy) == {"source": [SOURCE], "detail-type": TOPICS}


def test_topics_are_deduplicated_in_order() -> None:
    """Repeated topics appear once, in first-seen order."""
    pattern = build(None, [ACD_END, CUSTOMER_START, ACD_END, AUDIT, CUSTOMER_START])
    assert pattern["detail-type"] == [ACD_END, CUSTOMER_START, AUDIT]


def test_a_single_topic_string_is_one_topic() -> None:
    """A bare string is not iterated character by character."""
    assert build(None, AUDIT)["detail-type"] == [AUDIT]


def test_dotted_paths_become_nested_objects_and_merge() -> None:
    """Paths sharing a parent land in one nested object."""
    pattern = build(
        {
            "detail.eventBody.queueId": [{"prefix": "9e8d"}],
            "detail.eventBody.mediaType": ["VOICE", "CHAT"],
            "detail.metadata.CorrelationId": [{"exists": True}],
            "account": ["123456789012"],
        }
    )
    assert pattern == {
        "source": [SOURCE],
        "detail-type": TOPICS,
        "account": ["123456789012"],
        "detail": {
            "eventBody": {"queueId": [{"prefix": "9e8d"}], "mediaType": ["VOICE", "CHAT"]},
            "metadata": {"CorrelationId": [{"exists": True}]},
        },
    }


@pytest.mark.parametrize(
    ("narrowed", "expected"),
    [
        ([CUSTOMER_END], [CUSTOMER_END]),
        ([ACD_START, CUSTOMER_START], [CUSTOMER_START, ACD_START]),
        ([CUSTOMER_END, CUSTOMER_END], [CUSTOMER_END]),
        (TOPICS, TOPICS),
    ],
    ids=["one", "reordered-to-topic-order", "repeated", "all"],
)
def test_detail_type_in_policy_narrows_the_pin(narrowed: list[str], expected: list[str]) -> None:
    """A policy may pick a subset of the rule's topics; the pin becomes that subset."""
    pattern = build({"detail-type": narrowed})
    assert pattern["detail-type"] == expected
    assert pattern["source"] == [SOURCE]


def test_or_becomes_an_or_of_nested_patterns() -> None:
    """A top-level "$or" holds one nested pattern per alternative, AND-ed with the rest."""
    pattern = build(
        {
            "detail.eventBody.direction": ["INBOUND"],
            "$or": [
                {"detail-type": [CUSTOMER_START], "detail.eventBody.ani": [{"prefix": "tel:+1"}]},
                {"detail.eventBody.queueId": ["q1", "q2"]},
                {"$or": [{"account": ["1"]}, {"region": ["us-east-1"]}]},
            ],
        }
    )
    assert pattern["detail-type"] == TOPICS
    assert pattern["detail"] == {"eventBody": {"direction": ["INBOUND"]}}
    assert pattern["$or"] == [
        {"detail-type": [CUSTOMER_START], "detail": {"eventBody": {"ani": [{"prefix": "tel:+1"}]}}},
        {"detail": {"eventBody": {"queueId": ["q1", "q2"]}}},
        {"$or": [{"account": ["1"]}, {"region": ["us-east-1"]}]},
    ]
    validate_pattern(pattern, rule=RULE)


ERRORS = [
    pytest.param({"source": ["x"]}, "source", "always matches this integration", id="source"),
    pytest.param({"source.x": ["x"]}, "source.x", "always matches", id="source-path"),
    pytest.param(
        {"detail-type": [AUDIT]}, "detail-type", "subscribe that topic", id="detail-type-other"
    ),
    pytest.param(
        {"detail-type": [{"prefix": "v2."}]},
        "detail-type",
        "exact topic names",
        id="detail-type-operator",
    ),
    pytest.param({"detail-type": []}, "detail-type", "is empty", id="detail-type-empty"),
    pytest.param(
        {"detail-type": CUSTOMER_END}, "detail-type", "array of matchers", id="detail-type-scalar"
    ),
    pytest.param({"detail-type.x": ["a"]}, "detail-type.x", "not an object", id="detail-type-path"),
    pytest.param(
        {"detail.eventBody.queueId": "q1"}, "detail.eventBody.queueId", 'write ["q1"]', id="scalar"
    ),
    pytest.param({"detail.eventBody.n": 7}, "detail.eventBody.n", "write [7]", id="number"),
    pytest.param({"detail.eventBody.n": None}, "detail.eventBody.n", "write [null]", id="null"),
    pytest.param(
        {"detail.eventBody.queueId": {"prefix": "q"}},
        "detail.eventBody.queueId",
        'write [{"prefix": "q"}]',
        id="bare-operator",
    ),
    pytest.param(
        {"detail": {"eventBody": {"queueId": ["q"]}}},
        "detail",
        "dotted paths",
        id="nested-object",
    ),
    pytest.param({"detail.eventBody.queueId": []}, "detail.eventBody.queueId", "empty", id="empty"),
    pytest.param(
        {"detail.eventBody.queueId": [{"regex": "q.*"}]},
        "detail.eventBody.queueId",
        "unknown operator 'regex'",
        id="unknown-operator",
    ),
    pytest.param(
        {"detail.eventBody.n": [{"numeric": [">", "5"]}]},
        "detail.eventBody.n",
        "is not a number",
        id="numeric-malformed",
    ),
    pytest.param({"detail..x": ["a"]}, "detail..x", "empty segment", id="empty-segment"),
    pytest.param({".detail": ["a"]}, ".detail", "empty segment", id="leading-dot"),
    pytest.param({"detail.$or": [{"a": ["x"]}]}, "detail.$or", "top-level", id="or-in-path"),
    pytest.param({"eventBody.queueId": ["q"]}, "eventBody.queueId", "detail.eventBody", id="top"),
    pytest.param({"$or": [{"account": ["1"]}]}, "$or", "at least 2", id="or-one"),
    pytest.param({"$or": {"account": ["1"]}}, "$or", "at least 2", id="or-mapping"),
    pytest.param({"$or": [{"account": ["1"]}, {}]}, "$or[1]", "non-empty", id="or-empty-branch"),
    pytest.param(
        {"$or": [{"account": ["1"]}, {"source": ["x"]}]},
        "$or[1].source",
        "always matches",
        id="or-source",
    ),
    pytest.param(
        {"$or": [{"account": ["1"]}, {"detail-type": [AUDIT]}]},
        "$or[1].detail-type",
        "not one of this rule's topics",
        id="or-detail-type",
    ),
    pytest.param(
        {
            "$or": [{"account": ["1"]}, {"detail-type": [CUSTOMER_START]}],
            "detail-type": [CUSTOMER_END],
        },
        "$or[1].detail-type",
        "not one of this rule's topics ('v2.detail.events.conversation.{id}.customer.end')",
        id="or-detail-type-outside-narrowing",
    ),
    pytest.param(
        {"$or": [{"account": ["1"]}, {"detail.x": "y"}]},
        "$or[1].detail.x",
        'write ["y"]',
        id="or-scalar",
    ),
    pytest.param(
        {"$or": [{"account": ["1"]}, {"detail.x": [{"wildcard": "a**"}]}]},
        "$or[1].detail.x",
        "consecutive",
        id="or-validation-path",
    ),
]


@pytest.mark.parametrize(("policy", "field", "message"), ERRORS)
def test_policy_error_names_rule_and_field(
    policy: dict[str, Any], field: str, message: str
) -> None:
    """Every error is one sentence that names the rule, the field and the fix."""
    with pytest.raises(PatternError) as raised:
        build(policy)
    error = raised.value
    assert error.rule == RULE
    assert error.field == field
    text = str(error)
    assert f"rule {RULE!r}" in text and f"field {field!r}" in text
    assert message in text
    assert text.endswith(".") and text.replace("e.g. ", "").count(". ") == 0, text


CONFLICTS = [
    pytest.param({"detail.a": ["x"], "detail.a.b": ["y"]}, "detail.a", id="parent-first"),
    pytest.param({"detail.a.b.c": ["y"], "detail.a": ["x"]}, "detail.a", id="parent-last"),
    pytest.param(
        {"detail.a": ["x"], "detail.a-b": ["z"], "detail.a.b": ["y"]}, "detail.a", id="sibling"
    ),
    pytest.param({"detail": ["x"], "detail.eventBody.x": ["y"]}, "detail", id="top"),
    pytest.param(
        {"$or": [{"account": ["1"]}, {"detail.a": ["x"], "detail.a.b": ["y"]}]},
        "$or[1].detail.a",
        id="in-or",
    ),
]


@pytest.mark.parametrize(("policy", "field"), CONFLICTS)
def test_conflicting_paths_are_rejected(policy: dict[str, Any], field: str) -> None:
    """A path cannot be both a value and the parent of another path."""
    with pytest.raises(PatternError, match="conflicts with") as raised:
        build(policy)
    assert raised.value.field == field
    assert RULE in str(raised.value)


def test_same_path_in_different_or_alternatives_is_fine() -> None:
    """Alternatives are separate patterns, and may repeat or extend the top-level paths."""
    pattern = build(
        {
            "detail.a": ["x"],
            "$or": [{"detail.a": ["y"]}, {"detail.b.c": ["z"]}],
        }
    )
    assert pattern["$or"] == [{"detail": {"a": ["y"]}}, {"detail": {"b": {"c": ["z"]}}}]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"detail_types": []}, "detail-type"),
        ({"detail_types": [""]}, "detail-type"),
        ({"detail_types": [None]}, "detail-type"),
        ({"source": ""}, "source"),
    ],
    ids=["no-topics", "empty-topic", "none-topic", "no-source"],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    """Missing topics or source are reported against the field they would pin."""
    arguments: dict[str, Any] = {
        "rule": RULE,
        "source": SOURCE,
        "detail_types": TOPICS,
        "filter_policy": None,
    }
    arguments.update(kwargs)
    with pytest.raises(PatternError) as raised:
        build_pattern(**arguments)
    assert (raised.value.rule, raised.value.field) == (RULE, field)


def test_policy_must_be_a_mapping() -> None:
    """A list given as the policy is refused with an example of the right shape."""
    with pytest.raises(PatternError, match="mapping of dotted field paths"):
        build_pattern(rule=RULE, source=SOURCE, detail_types=TOPICS, filter_policy=["x"])  # type: ignore[arg-type]


def _policy_of_length(length: int) -> dict[str, Any]:
    """A policy whose pattern_json is exactly `length` characters."""
    base = len(pattern_json(build({"detail.eventBody.queueId": [""]})))
    return {"detail.eventBody.queueId": ["q" * (length - base)]}


def test_pattern_of_exactly_2048_characters_is_accepted() -> None:
    """The limit is inclusive."""
    pattern = build(_policy_of_length(MAX_PATTERN_LENGTH))
    assert len(pattern_json(pattern)) == MAX_PATTERN_LENGTH == 2048


def test_pattern_of_2049_characters_is_rejected_with_the_size() -> None:
    """One character over: the error names the rule and the size and suggests splitting."""
    with pytest.raises(PatternError) as raised:
        build(_policy_of_length(MAX_PATTERN_LENGTH + 1))
    text = str(raised.value)
    assert raised.value.rule == RULE and raised.value.field is None
    assert f"rule {RULE!r}" in text and "2049 characters" in text and "2048" in text
    assert "split the filter policy across several rules" in text


def test_size_counts_characters_not_bytes() -> None:
    """Non-ASCII values count once each, as the rule receives them (not as \\u escapes)."""
    policy = _policy_of_length(MAX_PATTERN_LENGTH)
    value = policy["detail.eventBody.queueId"][0]
    policy["detail.eventBody.queueId"] = ["é" * len(value)]
    assert len(pattern_json(build(policy))) == MAX_PATTERN_LENGTH


def test_pattern_json_is_compact_sorted_and_deterministic() -> None:
    """Same policy in any key order gives the same text, which parses back to the pattern."""
    first = build({"detail.b": ["1"], "account": ["2"], "detail.a": [{"prefix": "x"}]})
    second = build({"detail.a": [{"prefix": "x"}], "account": ["2"], "detail.b": ["1"]})
    text = pattern_json(first)
    assert text == pattern_json(second)
    assert " " not in text
    assert text.index('"account"') < text.index('"detail"') < text.index('"detail-type"')
    assert json.loads(text) == first


def test_built_pattern_is_json_data() -> None:
    """The result holds only dicts/lists/scalars (tuples from the policy become lists)."""
    pattern = build({"detail.x": ("a", "b")})
    assert pattern["detail"]["x"] == ["a", "b"]


def test_pattern_error_is_a_value_error_and_pickles() -> None:
    """PatternError survives pickling (Pulumi pickles provider errors) with its fields."""
    error = PatternError("r", "detail.x", "is wrong; fix it")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.rule, copy.field, copy.reason, str(copy)) == (
        "r",
        "detail.x",
        "is wrong; fix it",
        str(error),
    )
