"""Deeply nested input fails with a message naming where it is (never a RecursionError
traceback), and `match` never prints an event's control characters to the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genesys_eventbridge.components.patterns import PatternError, build_pattern
from genesys_eventbridge.components.stack_config import StackConfigError, parse_subscriptions
from tests.commands.conftest import run_cli

TOPIC = "v2.detail.events.conversation.{id}.customer.end"
DEEP = 5000  # past Python's recursion limit


def _nested_list(depth: int) -> object:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


def test_a_deep_filter_policy_in_stack_config_names_its_subscription() -> None:
    policy = {"detail.eventBody.queueId": _nested_list(900)}
    raw = [
        {"name": "ok", "topics": [TOPIC]},
        {"name": "cx", "topics": [TOPIC], "filterPolicy": policy},
    ]
    with pytest.raises(StackConfigError) as caught:
        parse_subscriptions(raw)
    [problem] = caught.value.problems
    assert problem.startswith("subscriptions[1]: it nests lists and objects more than 64 levels")


def test_a_deep_filter_policy_given_to_the_component_is_a_pattern_error() -> None:
    with pytest.raises(PatternError, match="more than 64 levels"):
        build_pattern(
            rule="r",
            source="aws.partner/x",
            detail_types=[TOPIC],
            filter_policy={"detail.x": _nested_list(900)},
        )


def test_match_refuses_deep_files_and_policies_with_the_reason(tmp_path: Path) -> None:
    deep_json = "[" * DEEP + "]" * DEEP
    events = tmp_path / "events.json"
    events.write_text(deep_json)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"detail-type": TOPIC, "detail": {}}))
    stack = tmp_path / "Pulumi.x.yaml"
    stack.write_text(f"config:\n  genesys-eventbridge:subscriptions: {deep_json}\n")
    for argv in (
        (str(events), "--filter-policy", "{}"),
        (str(event), "--filter-policy", '{"detail.x": ' + deep_json + "}"),
        (str(event), "--config-file", str(stack)),
    ):
        result = run_cli("match", *argv, environ={})
        assert result.code == 2, result.err
        assert "more than 64 levels deep" in result.err
        assert "Traceback" not in result.err
    result = run_cli("validate", "--file", str(stack), environ={})
    assert result.code == 2 and "more than 64 levels deep" in result.err


def test_match_prints_no_control_characters_from_events(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    hostile = "\x1b]0;owned\x07\x1b[2J"
    event.write_text(
        json.dumps({"detail-type": TOPIC + hostile, "detail": {"eventBody": {"q": hostile}}})
    )
    result = run_cli(
        "match",
        str(event),
        "--filter-policy",
        '{"detail.eventBody.q": ["a"]}',
        "--topic",
        TOPIC + hostile,
        environ={},
    )
    assert result.code == 1, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "owned" in result.out  # the text itself is shown, its controls are not
