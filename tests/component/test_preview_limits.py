"""AWS limits on what the component generates, refused at preview with the limit and the fix,
before any resource is declared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from genesys_eventbridge.components.args import QuotaArgs
from genesys_eventbridge.components.targets import (
    FirehoseTarget,
    InputTransformerArgs,
    SqsTarget,
)
from tests.mocking import ACCOUNT_ID, REGION, run_program

TOPICS = ["v2.detail.events.conversation.{id}.acd.start"]
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:consumer"


def subscribe(name: str = "cx", **kwargs: Any) -> Callable[[], Any]:
    kwargs.setdefault("topics", TOPICS)
    return lambda: GenesysEventBridgeSubscription(name, SubscriptionArgs(**kwargs))


def refused(build: Callable[[], Any]) -> SubscriptionArgsError:
    with pytest.raises(SubscriptionArgsError) as caught:
        run_program(build, preview=True)
    return caught.value


def wildcard_rule(index: int) -> RuleArgs:
    return RuleArgs(
        name=f"w{index:02d}",
        filter_policy={"detail.eventBody.queueName": [{"wildcard": f"sales-{index}-*"}]},
    )


def test_thirty_wildcard_rules_pass_and_the_thirty_first_is_refused() -> None:
    plain = [RuleArgs(name="plain", filter_policy={"detail.eventBody.queueId": ["q"]})]
    deployed = run_program(
        subscribe(rules=[*plain, *(wildcard_rule(i) for i in range(30))]), preview=True
    )
    assert len(deployed.of_type("aws:cloudwatch/eventRule:EventRule")) == 31

    error = refused(subscribe(rules=[*plain, *(wildcard_rule(i) for i in range(31))]))
    assert error.field == "rules.filter_policy"
    assert error.rule == "w30"
    assert "31 rules use a wildcard matcher, more than EventBridge's 30 per event bus" in str(error)


def test_a_wildcard_inside_or_and_anything_but_counts() -> None:
    nested = [
        RuleArgs(
            name=f"n{i:02d}",
            filter_policy={
                "$or": [
                    {"detail.eventBody.queueId": ["q"]},
                    {"detail.eventBody.queueName": [{"anything-but": {"wildcard": f"x{i}*"}}]},
                ]
            },
        )
        for i in range(31)
    ]
    assert refused(subscribe(rules=nested)).rule == "n30"


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (SqsTarget(input_path="$." + "a" * 255), "input_path has 257 characters"),
        (
            SqsTarget(
                input_transformer=InputTransformerArgs(
                    input_paths={"queue": "$." + "a" * 255}, input_template="<queue>"
                )
            ),
            "the path of 'queue' has 257 characters, more than EventBridge's 256",
        ),
        (
            SqsTarget(
                input_transformer=InputTransformerArgs(
                    input_paths={"q" * 257: "$.detail"}, input_template="x"
                )
            ),
            "has 257 characters, more than EventBridge's 256",
        ),
    ],
)
def test_input_paths_over_256_characters_are_refused(target: Any, words: str) -> None:
    error = refused(subscribe(rules=[RuleArgs(name="r", targets=[target])]))
    assert words in str(error)
    assert error.field.startswith("rules.targets[0].input")


def test_a_256_character_input_path_is_accepted() -> None:
    target = SqsTarget(input_path="$." + "a" * 254)
    run_program(subscribe(rules=[RuleArgs(name="r", targets=[target])]), preview=True)


def test_a_rule_description_over_512_characters_is_refused() -> None:
    error = refused(subscribe(rules=[RuleArgs(name="r", description="d" * 513)]))
    assert error.field == "rules.description"
    assert "at most 512 characters" in str(error) and "it has 513" in str(error)
    run_program(subscribe(rules=[RuleArgs(name="r", description="d" * 512)]), preview=True)


def test_a_name_making_the_dead_letter_queue_name_too_long_is_refused() -> None:
    # With lambda_arn no callback is made, so only the queue's name limits the subscription's.
    name = "n" * 69
    error = refused(subscribe(name, lambda_arn=FUNCTION))
    assert error.field == "name"
    assert "dead-letter queue's name would pass SQS's 80; use at most 68" in str(error)
    run_program(subscribe("n" * 68, lambda_arn=FUNCTION), preview=True)
    run_program(subscribe(name, lambda_arn=FUNCTION, dead_letter_queue=False), preview=True)


def test_a_name_making_a_permission_statement_id_too_long_is_refused() -> None:
    # `<name>-invoke-callback-<7>` must fit Lambda's 100 characters.
    name = "n" * 77
    error = refused(subscribe(name, lambda_arn=FUNCTION, dead_letter_queue=False))
    assert error.field == "name"
    assert "statement id of its Lambda permission for 'callback' would pass Lambda's 100" in str(
        error
    )
    assert "use at most 76" in str(error)


def firehose_rules(count: int, prefixes: int = 5) -> list[RuleArgs]:
    bucket = "arn:aws:s3:::cx-analytics"
    return [
        RuleArgs(
            name=f"r{i:03d}",
            targets=[
                FirehoseTarget(bucket_arn=bucket, prefix=f"p{(i * 5 + j) % prefixes}/")
                for j in range(5)
            ],
        )
        for i in range(count)
    ]


def test_streams_share_one_role_until_its_policy_would_pass_iams_limit() -> None:
    # 60 rules x 5 streams into 5 prefixes: one stream role and one delivery role.
    deployed = run_program(subscribe(rules=firehose_rules(60), dead_letter_queue=False))
    assert len(deployed.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) == 300
    assert len(deployed.of_type("aws:iam/role:Role")) == 2
    # 300 distinct prefixes are more than one role's policy can name: refused at preview.
    error = refused(subscribe(rules=firehose_rules(60, prefixes=300), dead_letter_queue=False))
    assert error.field == "rules.targets"
    assert "over IAM's 10,240 per role" in str(error)


def test_a_program_past_the_role_budget_is_refused() -> None:
    # EventBridge's Firehose role and the streams' role: 2, over a quota of 1.
    error = refused(subscribe(rules=firehose_rules(1), quotas=QuotaArgs(max_iam_roles=1)))
    assert error.field == "rules.targets"
    assert "would make 2 IAM roles" in str(error) and "more than IAM's 1 per account" in str(error)

    # Two subscriptions of one program count together: 2 for "a", then the callback's of "b".
    def two() -> Any:
        GenesysEventBridgeSubscription(
            "a",
            SubscriptionArgs(
                topics=TOPICS, rules=firehose_rules(1), quotas=QuotaArgs(max_iam_roles=2)
            ),
        )
        return GenesysEventBridgeSubscription(
            "b", SubscriptionArgs(topics=TOPICS, quotas=QuotaArgs(max_iam_roles=2))
        )

    error = refused(two)
    assert "would make 3 IAM roles ('b': 1," in str(error)
