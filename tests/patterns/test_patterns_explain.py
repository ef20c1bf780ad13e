"""explain(): for an event a pattern does not match, the first field that did not, and why."""

from __future__ import annotations

from genesys_eventbridge.components.patterns import explain


def test_explain_names_the_first_field_that_did_not_match() -> None:
    pattern = {"detail": {"eventBody": {"name": ["x"], "kind": [{"prefix": "a"}]}}}
    assert explain(pattern, {"detail": {"eventBody": {"name": "x", "kind": "abc"}}}) is None
    miss = explain(pattern, {"detail": {"eventBody": {"name": ["y", "z"], "kind": "abc"}}})
    assert miss is not None
    assert (miss.field, miss.matchers, miss.values) == ("detail.eventBody.name", ["x"], ("y", "z"))
    assert miss.reason == 'detail.eventBody.name: the event has "y", "z", and the rule wants ["x"]'
