"""What must hold before the AWS side is declared: the partner source, the account, `enabled`,
filter policies holding Outputs, and the default event source suffix."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime.mocks import MockCallArgs

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from genesys_eventbridge.components.patterns import PatternError
from tests.mocking import (
    COMPONENT_TYPE,
    GET_EVENT_SOURCE,
    INTEGRATION_TYPE,
    ORG_ID,
    GenesysMocks,
    run_program,
)

TOPICS = ["v2.detail.events.conversation.{id}.acd.start"]
RULE = "aws:cloudwatch/eventRule:EventRule"
BUS = "aws:cloudwatch/eventBus:EventBus"


def subscribe(name: str = "cx", **kwargs: Any) -> Callable[[], Any]:
    kwargs.setdefault("topics", TOPICS)
    return lambda: GenesysEventBridgeSubscription(name, SubscriptionArgs(**kwargs))


class NoSourceMocks(GenesysMocks):
    """AWS never shows the partner source (e.g. the integration is not ACTIVE)."""

    def __init__(self, answer: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.answer = answer

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == GET_EVENT_SOURCE:
            self.calls.append(args.token)
            if self.answer is not None:
                return self.answer, []
            # As the engine reports a data source's error: a failure, not a crash of the program.
            return {}, [("namePrefix", "no matching partner event source")]
        return super().call(args)


# --- the bus waits for the partner source -----------------------------------------------------


def test_the_bus_is_named_after_the_source_once_aws_shows_it() -> None:
    deployment = run_program(subscribe())
    source = f"aws.partner/genesys.com/cloud/{ORG_ID}/test-cx"
    assert deployment.calls.count(GET_EVENT_SOURCE) == 1
    assert deployment.one(BUS).inputs["eventSourceName"] == source


def test_a_source_that_never_appears_fails_naming_it_and_the_fix() -> None:
    mocks = NoSourceMocks()
    with pytest.raises(Exception) as caught:
        run_program(subscribe(partner_source_timeout=0), mocks)
    message = str(caught.value)
    assert f"aws.partner/genesys.com/cloud/{ORG_ID}/test-cx" in message
    assert "did not appear in AWS within 0 s" in message
    assert "integration is ACTIVE" in message and "no matching partner event source" in message
    assert mocks.calls.count(GET_EVENT_SOURCE) == 1


def test_a_preview_neither_looks_for_nor_waits_for_the_source() -> None:
    mocks = NoSourceMocks()
    deployment = run_program(subscribe(partner_source_timeout=0), mocks, preview=True)
    assert GET_EVENT_SOURCE not in mocks.calls
    assert deployment.one(BUS).inputs["eventSourceName"].endswith("/test-cx")


def test_a_deleted_source_of_that_name_is_not_enough() -> None:
    name = f"aws.partner/genesys.com/cloud/{ORG_ID}/test-cx"
    mocks = NoSourceMocks({"name": name, "state": "DELETED", "arn": "x", "id": name})
    with pytest.raises(Exception, match="in state DELETED"):
        run_program(subscribe(partner_source_timeout=0), mocks)


def test_a_prefix_match_of_another_source_is_not_enough() -> None:
    other = f"aws.partner/genesys.com/cloud/{ORG_ID}/test-cx-2"
    mocks = NoSourceMocks({"name": other, "state": "ACTIVE", "arn": "x", "id": other})
    with pytest.raises(Exception, match="test-cx-2"):
        run_program(subscribe(partner_source_timeout=0), mocks)


# --- enabled: false -------------------------------------------------------------------------


def test_disabled_declares_only_the_integration_until_enabled() -> None:
    deployment = run_program(subscribe(enabled=False))
    assert sorted(r.type for r in deployment.registrations) == [COMPONENT_TYPE, INTEGRATION_TYPE]
    assert deployment.one(INTEGRATION_TYPE).inputs["enabled"] is False
    assert GET_EVENT_SOURCE not in deployment.calls  # nothing waits for a source
    outputs = deployment.outputs
    assert outputs["event_bus_name"] is None and outputs["rule_arns"] == {}
    assert outputs["lambda_arn"] is None and outputs["dead_letter_queue_arn"] is None
    assert outputs["integration_id"]


def test_enabled_must_be_a_plain_boolean() -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(enabled=pulumi.Output.from_input(True))()
    assert caught.value.field == "enabled" and "cannot be an Output" in str(caught.value)


# --- filter policies holding Outputs ----------------------------------------------------------


def test_outputs_in_a_filter_policy_resolve_into_the_pattern() -> None:
    def program() -> Any:
        queue = aws.sqs.Queue("routing-queue")  # a resource of the same program
        return GenesysEventBridgeSubscription(
            "cx",
            SubscriptionArgs(
                topics=TOPICS,
                filter_policy={
                    "detail.eventBody.queueId": [queue.name],
                    "detail.eventBody.mediaType": [{"prefix": queue.name.apply(lambda n: n[:3])}],
                },
            ),
        )

    deployment = run_program(program)
    queue_name = deployment.named("routing-queue").outputs["name"]
    pattern = json.loads(deployment.one(RULE).inputs["eventPattern"])
    assert pattern["detail"]["eventBody"] == {
        "queueId": [queue_name],
        "mediaType": [{"prefix": queue_name[:3]}],
    }


def test_static_parts_around_an_output_are_checked_at_construction() -> None:
    policy = {
        "detail.eventBody.queueId": [pulumi.Output.from_input("q")],
        "detail.eventBody.mediaType": [{"prefx": "v"}],
    }
    with pytest.raises(PatternError, match="prefx"):
        subscribe(filter_policy=policy)()


def test_a_resolved_value_that_breaks_the_grammar_fails_naming_the_rule() -> None:
    bad = pulumi.Output.from_input({"numeric": [">", "not a number"]})
    with pytest.raises(Exception) as caught:
        run_program(
            subscribe(rules=[RuleArgs(name="by-wait", filter_policy={"detail.x.wait": [bad]})])
        )
    assert "rule 'by-wait'" in str(caught.value) and "numeric" in str(caught.value)


# --- the default suffix ---------------------------------------------------------------------


def test_two_stacks_of_one_program_get_different_sources() -> None:
    suffixes = []
    for stack in ("dev", "prod"):
        mocks = GenesysMocks()
        suffixes.append(_suffix_in_stack(stack, mocks))
    assert suffixes == ["dev-cx", "prod-cx"]


def _suffix_in_stack(stack: str, mocks: GenesysMocks) -> str:
    from tests.mocking import RecordingMonitor

    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="genesys", stack=stack, preview=False, monitor=monitor)

    @pulumi.runtime.test
    def program() -> Any:
        return subscribe()().integration_id

    program()
    [integration] = [r for r in monitor.registrations if r.type == INTEGRATION_TYPE]
    return str(integration.inputs["event_source_suffix"])


def test_a_long_stack_and_name_are_cut_to_64() -> None:
    from genesys_eventbridge.components.plan import default_suffix

    assert default_suffix("n" * 47, "s" * 40) == ("s" * 40 + "-" + "n" * 47)[:64]
    assert len(default_suffix("n" * 47, "s" * 40)) == 64


class LateSourceMocks(NoSourceMocks):
    """The source shows up on the third look."""

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == GET_EVENT_SOURCE and self.calls.count(GET_EVENT_SOURCE) >= 2:
            return GenesysMocks.call(self, args)
        return super().call(args)


def test_the_bus_waits_while_the_source_is_not_there_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    from genesys_eventbridge.components import partner_source

    monkeypatch.setattr(partner_source, "SOURCE_POLL_SECONDS", 0.01)
    mocks = LateSourceMocks()
    deployment = run_program(subscribe(partner_source_timeout=30), mocks)
    assert mocks.calls.count(GET_EVENT_SOURCE) == 3
    assert deployment.one(BUS).inputs["name"].endswith("/test-cx")


def test_two_subscriptions_of_one_program_may_not_share_a_suffix() -> None:
    def program() -> Any:
        GenesysEventBridgeSubscription(
            "first", SubscriptionArgs(topics=TOPICS, event_source_suffix="test-second")
        )
        return GenesysEventBridgeSubscription("second", SubscriptionArgs(topics=TOPICS))

    with pytest.raises(SubscriptionArgsError) as caught:
        run_program(program)
    assert caught.value.field == "event_source_suffix"
    assert "'first' and 'second' both use the event source suffix 'test-second'" in str(
        caught.value
    )
