"""Edits of a running subscription's rules and targets, as transitions between two renderings.

The harness (transitions.py) renders each configuration under mocks; these tests check the
edits users make (insert, remove, reorder targets and rules) keep every target on its own
resources, and that no physical thing has two owners.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from genesys_eventbridge.components.targets import SqsTarget
from tests.component.transitions import (
    OWN_QUEUE,
    POOL,
    TOPICS,
    Config,
    render,
    transition_problems,
)
from tests.mocking import REGION, run_program

QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"


def test_a_target_inserted_before_the_callback_takes_nothing_from_it() -> None:
    alone = render((("a", ("callback",)),))
    inserted = render((("a", ("made-queue", "callback")),))
    assert transition_problems(alone, inserted) == []
    assert transition_problems(inserted, alone) == []  # and the edit undone
    callback = inserted.deliveries[("a", "callback")]
    assert callback == alone.deliveries[("a", "callback")]
    assert callback.target_id != inserted.deliveries[("a", "made-queue")].target_id


def test_a_made_queue_keeps_its_resource_when_a_target_is_inserted_before_it() -> None:
    before = render((("a", ("made-queue", "callback")),))
    after = render((("a", ("orders-fn", "made-logs", "made-queue", "callback")),))
    assert transition_problems(before, after) == []
    assert after.deliveries[("a", "made-queue")].arn == before.deliveries[("a", "made-queue")].arn


def test_removing_the_first_of_two_functions_keeps_the_second_on_its_resource() -> None:
    before = render((("a", ("orders-fn", "audits-fn")),))
    after = render((("a", ("audits-fn",)),))
    assert transition_problems(before, after) == []


def test_a_function_named_earlier_takes_no_other_functions_invoke_config() -> None:
    before = render((("a", ("audits-fn",)),))
    after = render((("a", ("orders-fn", "audits-fn")),))
    assert transition_problems(before, after) == []
    assert transition_problems(after, before) == []


def test_rules_sending_to_one_queue_share_its_one_policy() -> None:
    rules = [
        RuleArgs(name="a", targets=[SqsTarget(queue_arn=OWN_QUEUE, manage_queue_policy=True)]),
        RuleArgs(name="b", targets=[SqsTarget(queue_arn=OWN_QUEUE, manage_queue_policy=True)]),
    ]
    deployment = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx", SubscriptionArgs(topics=TOPICS, rules=rules, aws_region=REGION)
        )
    )
    [policy] = [p for p in deployment.of_type(QUEUE_POLICY) if "orders" in p.inputs["queueUrl"]]
    [statement] = json.loads(policy.inputs["policy"])["Statement"]
    rule_arns = sorted(r.outputs["arn"] for r in deployment.of_type(RULE))
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == rule_arns
    assert len(rule_arns) == 2


def test_two_subscriptions_managing_one_queues_policy_are_refused_naming_both() -> None:
    def build() -> GenesysEventBridgeSubscription:
        target = SqsTarget(queue_arn=OWN_QUEUE, manage_queue_policy=True)
        made = [
            GenesysEventBridgeSubscription(
                name,
                SubscriptionArgs(
                    topics=TOPICS, rules=[RuleArgs(name="a", targets=[target])], aws_region=REGION
                ),
            )
            for name in ("sales", "support")
        ]
        return made[0]

    with pytest.raises(SubscriptionArgsError) as caught:
        run_program(build)
    message = str(caught.value)
    assert "'sales' and 'support'" in message and OWN_QUEUE in message


RULE = "aws:cloudwatch/eventRule:EventRule"
_rule_targets = st.lists(st.sampled_from(sorted(POOL)), min_size=1, max_size=4, unique=True)
_configs = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), _rule_targets),
    min_size=1,
    max_size=2,
    unique_by=lambda rule: rule[0],
).map(lambda rules: tuple((name, tuple(targets)) for name, targets in rules))


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same edits on every run: a failure is a regression, never luck
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(_configs, min_size=2, max_size=4))
def test_random_edit_sequences_keep_every_target_on_its_own_resources(
    configs: list[Config],
) -> None:
    for before, after in zip(configs, configs[1:], strict=False):
        assert transition_problems(render(before), render(after)) == [], (before, after)
