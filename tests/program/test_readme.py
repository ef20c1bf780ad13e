"""The README's examples stay true: its filter-policy YAML is valid input, and its Python program
and unit test run under the shipped mocks."""

from __future__ import annotations

import json
import re
import runpy
import time
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from genesys_eventbridge.components.stack_config import StackConfigError, parse_subscriptions
from genesys_eventbridge.testing import GET_EVENT_SOURCE, ORG_ID, GenesysEventBridgeMocks

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


def _python_block_after(heading: str) -> str:
    section = README.split(heading, 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, f"no python block after {heading!r}"
    return match.group(1)


def _fresh_mocks(stack: str) -> GenesysEventBridgeMocks:
    # A fresh root stack (set_mocks keeps an existing one, and an earlier run's exports with it).
    pulumi.runtime.settings.ROOT.set(None)
    mocks = GenesysEventBridgeMocks()
    pulumi.runtime.set_mocks(mocks, project="readme", stack=stack, preview=False)
    pulumi.runtime.set_all_config({})
    return mocks


def test_the_larger_program_snippet_deploys_under_the_shipped_mocks() -> None:
    snippet = _python_block_after("### Use it from a larger Pulumi program")
    mocks = _fresh_mocks("prod")
    exports: dict[str, Any] = {}
    started = time.monotonic()

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        exec(compile(snippet, "README.md", "exec"), {"__name__": "__main__"})
        stack = pulumi.runtime.settings.get_root_resource()
        return pulumi.Output.from_input(dict(getattr(stack, "outputs", {}))).apply(exports.update)

    program()
    assert time.monotonic() - started < 10
    source = f"aws.partner/genesys.com/cloud/{ORG_ID}/prod-orders"
    assert exports == {"orders_bus": source}
    [rule] = [r for r in mocks.resources if r.type == "aws:cloudwatch/eventRule:EventRule"]
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["detail"]["eventBody"]["queueId"] == [{"prefix": "9e8d"}]
    assert rule.inputs["eventBusName"] == source
    # The bus did not wait for the partner source: it was found at the first look.
    assert mocks.calls.count(GET_EVENT_SOURCE) == 1


def test_the_unit_test_users_copy_passes_and_can_fail(tmp_path: Path) -> None:
    example = _python_block_after("### Unit-test your program")
    _fresh_mocks("unused")
    module = tmp_path / "test_program.py"
    module.write_text(example, encoding="utf-8")
    namespace = runpy.run_path(str(module))
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert tests
    for test in tests:
        test()
    # The same test fails when what it asserts is not so: another stack names another source.
    module.write_text(example.replace('stack="dev"', 'stack="prod"'), encoding="utf-8")
    namespace = runpy.run_path(str(module))
    with pytest.raises(AssertionError):
        namespace["test_sales_events_reach_a_bus_named_after_the_partner_source"]()
