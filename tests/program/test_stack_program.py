"""The stack program under mocks: the example stack, and bad config naming its path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from genesys_eventbridge.components.stack_config import StackConfigError
from tests.mocking import COMPONENT_TYPE, run_stack

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
EXAMPLE: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.example.yaml").read_text())["config"]
KEY = "genesys-eventbridge:subscriptions"


def run(config: dict[str, Any]) -> Any:
    return run_stack(PROGRAM, config, project="genesys-eventbridge", stack="example")


def test_example_stack_declares_two_subscriptions_and_exports_them() -> None:
    result = run(EXAMPLE)
    components = result.of_type(COMPONENT_TYPE)
    assert sorted(c.name for c in components) == ["contact-centre", "conversation-ends"]
    rules = result.of_type("aws:cloudwatch/eventRule:EventRule")
    names = sorted(r.name for r in rules)
    assert names == [
        "contact-centre-rule-presence-audits",
        "contact-centre-rule-sales-queues",
        "contact-centre-rule-voice-customers",
        "conversation-ends-rule-default",
    ]
    assert set(result.exports) == {"conversation-ends", "contact-centre"}
    exported = result.exports["contact-centre"]
    assert set(exported["rule_arns"]) == {"sales-queues", "voice-customers", "presence-audits"}
    assert exported["event_source_name"].endswith("/cc-prod")
    assert exported["event_bus_name"] == exported["event_source_name"]
    [notify] = result.of_type("aws:lambda/invocation:Invocation")
    assert notify.name.startswith("contact-centre")


def with_entry(index: int, **changes: Any) -> dict[str, Any]:
    config = copy.deepcopy(EXAMPLE)
    entry = config[KEY][index]
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return config


@pytest.mark.parametrize(
    ("config", "path", "hint"),
    [
        (with_entry(1, filterPolicy={"detail.x": ["a"]}), "subscriptions[1].filterPolicy", "rules"),
        (with_entry(0, topics=None), "subscriptions[0].topics", "Field required"),
        (with_entry(0, topics=[]), "subscriptions[0].topics", "at least 1"),
        (with_entry(0, tpoics=["x"]), "subscriptions[0].tpoics", "not a known field"),
        (with_entry(0, name="has space"), "subscriptions[0].name", "letters, digits"),
        (with_entry(1, name="conversation-ends"), "subscriptions[1].name", "unique"),
        (
            with_entry(1, retryPolicy={"maximumRetryAttempts": 500}),
            "subscriptions[1].retryPolicy.maximumRetryAttempts",
            "less than or equal to 185",
        ),
        (
            with_entry(
                1,
                rules=[
                    {"name": "r", "filterPolicy": {"detail.eventBody.queueId": [{"prefx": "a"}]}}
                ],
            ),
            "subscriptions[1].rules[0].filterPolicy",
            "prefx",
        ),
        (
            with_entry(1, rules=[{"name": "r", "topics": ["v2.users.{id}.presence"]}]),
            "subscriptions[1].rules[0].topics",
            "v2.users.{id}.presence",
        ),
        ({KEY: "not a list"}, "subscriptions", "not a plain string"),
        ({KEY: {"name": "x"}}, "subscriptions", "valid list"),
        ({}, "subscriptions", "missing"),
    ],
)
def test_bad_config_names_the_path_and_declares_nothing(
    config: dict[str, Any], path: str, hint: str
) -> None:
    with pytest.raises(StackConfigError) as caught:
        run(config)
    message = str(caught.value)
    assert message.startswith(path + ":") or f"; {path}:" in message, message
    assert hint in message
