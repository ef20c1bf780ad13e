"""Filter policies checked at preview against the topics' own schemas, through the real provider
host and the emulator's catalog (which serves each topic's JSON schema)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider import RuleFilter
from genesys_eventbridge.provider.filter_schema import encode
from tests.engine.harness import ProviderHost
from tests.engine.integration_host import NEWS, checked, start_host

ACD_START = "v2.detail.events.conversation.{id}.acd.start"
AUDIT = "v2.audits.entitytype.{id}.entityid.{id}"
TOPICS = [ACD_START, AUDIT]
CATALOG = "/api/v2/notifications/availabletopics"


def news_with(*filters: RuleFilter) -> dict[str, Any]:
    return {**NEWS, "topics": TOPICS, "rule_filters": encode(filters)}


def test_a_misspelt_field_fails_naming_the_rule_and_the_closest_field(host: ProviderHost) -> None:
    _, failures = host.check(
        {}, news_with(RuleFilter("sales", [ACD_START], {"detail.eventBody.queueID": ["9e8d"]}))
    )
    assert failures == [
        (
            "",
            "rule 'sales': filter field 'detail.eventBody.queueID' is not a field of the events"
            f" of '{ACD_START}'; did you mean 'detail.eventBody.queueId'?",
        )
    ]


def test_a_value_of_the_wrong_type_fails_with_the_fix(host: ProviderHost) -> None:
    policy = {"detail.eventBody.queueId": [{"prefix": "9e8d"}, 42]}
    _, failures = host.check({}, news_with(RuleFilter("sales", [ACD_START], policy)))
    assert failures == [
        (
            "",
            "rule 'sales': filter field 'detail.eventBody.queueId' holds a string in the events"
            f" of '{ACD_START}', but the filter matches it against the number 42, which never"
            ' matches; write the string "42"',
        )
    ]


def test_nested_fields_arrays_and_or_branches_are_looked_up(host: ProviderHost) -> None:
    policy = {
        "$or": [
            {"detail.eventBody.propertyChanges.property": ["presenceDefinitionId"]},
            {"detail.eventBody.entity.nme": [{"prefix": "Sales"}]},
        ]
    }
    _, failures = host.check({}, news_with(RuleFilter("audits", [AUDIT], policy)))
    assert failures == [
        (
            "",
            "rule 'audits': filter field 'detail.eventBody.entity.nme' is not a field of the"
            f" events of '{AUDIT}'; did you mean 'detail.eventBody.entity.name'?",
        )
    ]


def test_a_field_of_one_of_the_rules_topics_passes(host: ProviderHost) -> None:
    # eventTime is a number in detail events and a date-time string in audits: the numeric
    # filter matches the former, so the rule is fine; queueId exists for acd.start only.
    policy = {
        "detail.eventBody.eventTime": [{"numeric": [">", 0]}],
        "detail.eventBody.queueId": [{"exists": True}],
        "detail.eventBody.mediaType": [{"equals-ignore-case": "voice"}],
    }
    inputs = checked(host, news_with(RuleFilter("both", TOPICS, policy)))
    assert "rule_filters" not in inputs  # validation only: never stored in the state


def test_no_call_beyond_the_one_cached_catalog_fetch(
    host: ProviderHost, emulator: GenesysEmulator
) -> None:
    good = RuleFilter("good", [ACD_START], {"detail.eventBody.direction": ["INBOUND"]})
    for _ in range(3):
        checked(host, news_with(good, good))
    assert emulator.count(path_contains=CATALOG) == 1
    [fetch] = [r for r in emulator.requests if r.path == CATALOG]
    assert fetch.query["expand"] == "transports,schema"


def test_validate_topics_off_skips_the_schema_check(emulator: GenesysEmulator) -> None:
    host = start_host(emulator, config={"genesyscloud:validateTopics": "false"})
    try:
        bad = RuleFilter("sales", [ACD_START], {"detail.eventBody.queueID": ["x"]})
        checked(host, news_with(bad))
    finally:
        host.stop()
    assert emulator.count(path_contains=CATALOG) == 0


def test_malformed_rule_filters_input_is_named(host: ProviderHost) -> None:
    _, failures = host.check({}, {**NEWS, "rule_filters": "{not json"})
    # Reported without a property (the engine would print the whole input before it), naming
    # the input in its reason.
    assert [prop for prop, _ in failures] == [""]
    assert "rule_filters" in failures[0][1] and "RuleFilter" in failures[0][1]


def test_the_example_stacks_rules_pass_the_schema_check(host: ProviderHost) -> None:
    import yaml

    from genesys_eventbridge.components.plan import plan_subscription
    from genesys_eventbridge.components.stack_config import parse_subscriptions

    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "Pulumi.example.yaml").read_text())["config"]
    checked_rules = 0
    # Only the rules matter here: the HTTPS target's credential key is not set in this test.
    raw = config["genesys-eventbridge:subscriptions"]
    for entry in parse_subscriptions(raw, check_credentials=False):
        plan = plan_subscription(entry.name, entry.to_args())
        filters = [
            RuleFilter(r.name, r.topics, r.filter_policy) for r in plan.rules if r.filter_policy
        ]
        checked_rules += len(filters)
        checked(host, {**NEWS, "topics": list(plan.topics), "rule_filters": encode(filters)})
    assert checked_rules >= 3
