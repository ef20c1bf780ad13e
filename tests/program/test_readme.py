"""The README's examples stay true: its filter-policy YAML and Python snippet are valid input."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from genesys_eventbridge.components.stack_config import StackConfigError, parse_subscriptions

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_filter_policy_examples_parse_and_plan() -> None:
    [block] = re.findall(r"```yaml\n(rules:.*?)```", README, re.S)
    rules = yaml.safe_load(block)["rules"]
    topics = sorted({topic for rule in rules for topic in rule["topics"]})
    [entry] = parse_subscriptions([{"name": "readme", "topics": topics, "rules": rules}])
    assert [r.name for r in entry.rules or []] == [r["name"] for r in rules]


def test_documented_error_text_is_what_users_get() -> None:
    quoted = re.search(r"e\.g\. `(Event pattern of rule 'r': field\s+'[^`]*?)\.\.\.`", README)
    assert quoted is not None
    expected = " ".join(quoted.group(1).split()).rstrip("; ")
    bad = {"detail.eventBody.queueId": [{"prefx": "a"}]}
    try:
        parse_subscriptions(
            [
                {
                    "name": "x",
                    "topics": ["v2.users.{id}.presence"],
                    "rules": [{"name": "r", "filterPolicy": bad}],
                }
            ]
        )
    except StackConfigError as err:
        assert expected in str(err)
    else:
        raise AssertionError("a bad operator was accepted")
