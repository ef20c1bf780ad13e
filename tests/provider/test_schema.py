"""Check and diff tables for the EventBridgeIntegration schema: every field, good and bad values."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from genesys_eventbridge.provider import schema

GOOD: dict[str, Any] = {
    "resource_name": "sub",
    "aws_account_id": "123456789012",
    "aws_region": "eu-west-1",
    "event_source_suffix": "contact-centre.prod_1",
    "topics": ["v2.detail.events.conversation.{id}.customer.start", "v2.users.{id}.presence"],
}


def check(**overrides: Any) -> tuple[dict[str, Any], dict[str, str]]:
    news = {**GOOD, **overrides}
    news = {k: v for k, v in news.items() if v is not _DROP}
    inputs, failures = schema.check_inputs({}, news)
    return inputs, {f.property: f.reason for f in failures}


_DROP = object()


def test_good_inputs_pass_with_defaults() -> None:
    inputs, failures = check()
    assert failures == {}
    assert inputs["enabled"] is True
    assert re.fullmatch(r"sub-[a-z0-9]{7}", inputs["integration_name"])
    assert inputs["topics"] == GOOD["topics"]


@pytest.mark.parametrize(
    ("field", "value", "reason_part"),
    [
        ("aws_account_id", "12345678901", "exactly 12 digits"),
        ("aws_account_id", "1234567890123", "exactly 12 digits"),
        ("aws_account_id", "12345678901a", "exactly 12 digits"),
        ("aws_account_id", 123456789012, "quote it"),
        ("aws_account_id", _DROP, "aws_account_id is required: set it to the 12-digit"),
        ("topics", _DROP, "python -m genesys_eventbridge topics"),
        ("aws_region", "us_east_1", "did you mean 'us-east-1'"),
        ("aws_region", "US-EAST-1", "did you mean 'us-east-1'"),
        ("aws_region", "useast1", "hyphenated form"),
        ("aws_region", "", "hyphenated form"),
        ("event_source_suffix", "", "1-64 characters"),
        ("event_source_suffix", "a" * 65, "1-64 characters"),
        ("event_source_suffix", "has space", "1-64 characters"),
        ("event_source_suffix", "../etc", "1-64 characters"),
        ("event_source_suffix", "a/b", "1-64 characters"),
        ("topics", [], "at least one topic"),
        ("topics", "v2.users.{id}.presence", "must be a list"),
        ("topics", ["users.{id}.presence"], "must start with 'v2.'"),
        ("topics", ["v2.users.{uuid}.presence"], "invalid segment '{uuid}'"),
        ("topics", ["v2.users..presence"], "invalid segment ''"),
        ("topics", ["v2.users.{id}.presence", "v2.users.{id}.presence"], "more than once"),
        ("topics", [42], "must be a string"),
        ("topics", ["v2." + "a" * 300], "at most 256"),
        ("enabled", "yes", "true or false"),
        ("notes", 7, "notes must be a string"),
        ("notes", "n" * 1025, "at most 1024"),
        ("integration_name", "", "non-empty"),
        ("integration_name", "bad\nname", "control characters"),
        ("integration_name", "x" * 257, "at most 256"),
        ("adopt_integration_id", "not-a-uuid", "UUID of an existing"),
        ("adopt_integration_id", "../../organizations/me", "UUID of an existing"),
        (
            "adopt_integration_id",
            "3fa85f64-5717-4562-b3fc-2c963f66afa6/../x",
            "UUID of an existing",
        ),
    ],
)
def test_bad_values_fail_naming_the_field(field: str, value: Any, reason_part: str) -> None:
    _, failures = check(**{field: value})
    assert field in failures, failures
    assert reason_part in failures[field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("aws_account_id", "000000000000"),
        ("aws_region", "us-gov-west-1"),
        ("aws_region", "ap-southeast-2"),
        ("event_source_suffix", "A"),
        ("event_source_suffix", "a" * 64),
        ("topics", ["v2.audits.entitytype.{id}.entityid.{id}"]),
        ("topics", ["v2.users.3fa85f64-5717-4562-b3fc-2c963f66afa6.presence"]),
        ("enabled", False),
        ("notes", "owned by the CX platform team"),
        ("integration_name", "Prod EventBridge"),
        ("adopt_integration_id", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
    ],
)
def test_good_values_pass(field: str, value: Any) -> None:
    inputs, failures = check(**{field: value})
    assert failures == {}
    assert inputs[field] == value


def test_adopt_id_is_normalized_to_lowercase() -> None:
    inputs, failures = check(adopt_integration_id="3FA85F64-5717-4562-B3FC-2C963F66AFA6")
    assert failures == {}
    assert inputs["adopt_integration_id"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()], ids=["wire-string", "host-object"])
def test_unknown_values_pass_through_at_preview(unknown: Any) -> None:
    inputs, failures = check(aws_account_id=unknown, topics=[unknown, "v2.users.{id}.presence"])
    assert failures == {}
    assert inputs["aws_account_id"] is unknown


def test_auto_name_is_kept_across_checks() -> None:
    first, _ = schema.check_inputs({}, GOOD)
    second, _ = schema.check_inputs(first, GOOD)
    assert second["integration_name"] == first["integration_name"]
    renamed_resource, _ = schema.check_inputs(first, {**GOOD, "resource_name": "other"})
    assert renamed_resource["integration_name"].startswith("other-")


def test_auto_name_is_the_same_in_previews_pass_and_ups_pass() -> None:
    # Each pass of `pulumi up` runs Check in a new provider host with no olds.
    preview_pass, _ = schema.check_inputs({}, GOOD)
    update_pass, _ = schema.check_inputs({}, GOOD)
    assert preview_pass["integration_name"] == update_pass["integration_name"]
    other_stack, _ = schema.check_inputs({}, {**GOOD, "event_source_suffix": "other-stack"})
    other_account, _ = schema.check_inputs({}, {**GOOD, "aws_account_id": "210987654321"})
    names = {preview_pass["integration_name"], other_stack["integration_name"]}
    assert len(names | {other_account["integration_name"]}) == 3, "a replacement gets its own"
    assert all(re.fullmatch(r"sub-[a-z0-9]{7}", name) for name in names)


def test_explicit_name_wins_and_adoption_keeps_the_genesys_name() -> None:
    named, _ = schema.check_inputs({}, {**GOOD, "integration_name": "mine"})
    assert named["integration_name"] == "mine"
    adopted, failures = schema.check_inputs(
        {}, {**GOOD, "adopt_integration_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    )
    assert failures == []
    assert "integration_name" not in adopted


OUTS: dict[str, Any] = {
    **GOOD,
    "integration_name": "sub-abc1234",
    "enabled": True,
    "notes": None,
    "integration_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "org_id": "org",
    "event_source_name": "aws.partner/genesys.com/cloud/org/contact-centre.prod_1",
    "reported_state": "ACTIVE",
}


ADOPTED = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.mark.parametrize(
    ("change", "changed", "replaces"),
    [
        ({}, [], []),
        # Re-pointing an adopted integration happens in place: a replacement would adopt the same
        # integration again and then delete it as the old one.
        ({"event_source_suffix": "other"}, ["event_source_suffix"], []),
        ({"aws_region": "us-east-1"}, ["aws_region"], []),
        ({"adopt_integration_id": None}, [], []),
        (
            {"adopt_integration_id": "aaaaaaaa-5717-4562-b3fc-2c963f66afa6"},
            ["adopt_integration_id"],
            ["adopt_integration_id"],
        ),
    ],
)
def test_diff_of_an_adopted_integration(
    change: dict[str, Any], changed: list[str], replaces: list[str]
) -> None:
    olds = {**OUTS, "adopt_integration_id": ADOPTED}
    news = {k: v for k, v in olds.items() if k not in schema.OUTPUTS}
    news.update(change)
    got_changed, got_replaces = schema.diff_inputs(olds, news)
    assert sorted(got_changed) == sorted(changed)
    assert got_replaces == replaces


def test_unadopting_keeps_the_adopted_name() -> None:
    olds = {**GOOD, "adopt_integration_id": ADOPTED, "enabled": True}
    inputs, failures = schema.check_inputs(olds, GOOD)
    assert failures == []
    assert "integration_name" not in inputs


@pytest.mark.parametrize(
    ("change", "changed", "replaces"),
    [
        ({}, [], []),
        ({"aws_account_id": "210987654321"}, ["aws_account_id"], ["aws_account_id"]),
        ({"aws_region": "us-east-1"}, ["aws_region"], ["aws_region"]),
        ({"event_source_suffix": "other"}, ["event_source_suffix"], ["event_source_suffix"]),
        ({"topics": list(reversed(GOOD["topics"]))}, [], []),
        ({"topics": GOOD["topics"][:1]}, ["topics"], []),
        ({"integration_name": "renamed"}, ["integration_name"], []),
        ({"notes": "hello"}, ["notes"], []),
        ({"notes": ""}, [], []),
        ({"enabled": False}, ["enabled"], []),
        ({"enabled": None}, [], []),
        ({"reported_state": "ERROR", "org_id": "x", "resource_name": "y"}, [], []),
        (
            {"adopt_integration_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"},
            ["adopt_integration_id"],
            ["adopt_integration_id"],
        ),
        ({"aws_region": UNKNOWN}, ["aws_region"], ["aws_region"]),
        ({"topics": UNKNOWN}, ["topics"], []),
        ({"event_source_suffix": Unknown()}, ["event_source_suffix"], ["event_source_suffix"]),
    ],
)
def test_diff_table(change: dict[str, Any], changed: list[str], replaces: list[str]) -> None:
    news = {k: v for k, v in OUTS.items() if k not in schema.OUTPUTS}
    news.update(change)
    got_changed, got_replaces = schema.diff_inputs(OUTS, news)
    assert sorted(got_changed) == sorted(changed)
    assert sorted(got_replaces) == sorted(replaces)
