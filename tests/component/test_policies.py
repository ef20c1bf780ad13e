"""Resource policies sized to the bus, not per rule; Lambda's async retries end in the DLQ.

The rendered sizes at 1, 50 and 300 rules are measured from what the component declares under
mocks (the queue policy as sent, the Lambda statement as Lambda stores it) and must not grow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
    policy_size,
)
from genesys_eventbridge.components.args import AsyncInvokeArgs
from genesys_eventbridge.components.iam import lambda_invoke_statement, lambda_resource_policy
from genesys_eventbridge.components.policy_size import (
    LAMBDA_POLICY_LIMIT,
    SQS_POLICY_LIMIT,
    add_function_statement,
    check_queue_policy,
    size_of,
)
from genesys_eventbridge.components.target_keys import derived_key
from tests.mocking import ACCOUNT_ID, REGION, Deployment, run_program

TOPICS = ["v2.detail.events.conversation.{id}.customer.start"]
BUS = "aws:cloudwatch/eventBus:EventBus"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PERMISSION = "aws:lambda/permission:Permission"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def function_arn(name: str, region: str = REGION) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"


def subscribe(name: str = "cx", **kwargs: Any) -> Callable[[], Any]:
    kwargs.setdefault("topics", TOPICS)
    return lambda: GenesysEventBridgeSubscription(name, SubscriptionArgs(**kwargs))


def lambda_policy_size(deployment: Deployment, permission_name: str) -> int:
    """The size of the function's resource policy holding the permission, as Lambda stores it."""
    permission = deployment.named(permission_name)
    bus_arn = deployment.one(BUS).outputs["arn"]
    statement = lambda_invoke_statement(
        f"{permission_name}-xxxxxxx", permission.inputs["function"], bus_arn, ACCOUNT_ID
    )
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == permission.inputs["sourceArn"]
    return size_of(lambda_resource_policy([statement]))


@pytest.fixture(scope="module")
def by_rule_count() -> dict[int, Deployment]:
    """Subscriptions of 1, 50 and 300 rules, each rule to the callback and one shared function."""
    shared = function_arn("shared-consumer")
    return {
        count: run_program(
            subscribe(
                rules=[
                    RuleArgs(name=f"r{i:03d}", targets=["callback", shared]) for i in range(count)
                ]
            )
        )
        for count in (1, 50, 300)
    }


def test_policy_sizes_do_not_grow_with_the_rule_count(by_rule_count: dict[int, Deployment]) -> None:
    sizes = {}
    for count, deployment in by_rule_count.items():
        assert len(deployment.of_type(RULE)) == count
        assert len(deployment.of_type(TARGET)) == 2 * count
        # One permission and one async invoke config per function, whatever the rule count.
        assert len(deployment.of_type(PERMISSION)) == 2
        assert len(deployment.of_type(INVOKE_CONFIG)) == 2
        queue_policy = deployment.one(QUEUE_POLICY).inputs["policy"]
        sizes[count] = (
            len(queue_policy.encode()),
            lambda_policy_size(deployment, "cx-invoke-callback"),
            lambda_policy_size(
                deployment, f"cx-invoke-{derived_key(function_arn('shared-consumer'))}"
            ),
        )
    print(f"\nrendered policy sizes (SQS, Lambda callback, Lambda shared) by rule count: {sizes}")
    assert sizes[1] == sizes[50] == sizes[300]
    # docs/delivery.md's table of policy sizes quotes these numbers.
    assert sizes[300] == (648, 483, 486)
    sqs, callback, shared = sizes[300]
    assert sqs < SQS_POLICY_LIMIT // 4
    assert callback < LAMBDA_POLICY_LIMIT // 20 and shared < LAMBDA_POLICY_LIMIT // 20


def test_the_queue_policy_has_two_statements_at_300_rules(
    by_rule_count: dict[int, Deployment],
) -> None:
    deployment = by_rule_count[300]
    document = json.loads(deployment.one(QUEUE_POLICY).inputs["policy"])
    bus_arn = deployment.one(BUS).outputs["arn"]
    events, roles = document["Statement"]
    assert events["Condition"] == {
        "ArnLike": {"aws:SourceArn": bus_arn.replace(":event-bus/", ":rule/") + "/*"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
    }
    # The shared function's role, looked up, may deliver its failures there; nothing else.
    assert roles["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/shared-consumer-role"}
    assert roles["Action"] == "sqs:SendMessage"
    assert roles["Resource"] == deployment.one(QUEUE).outputs["arn"]


# --- async invoke configs ---------------------------------------------------------------------


def test_callback_failures_go_to_the_dlq_after_lambdas_own_retries() -> None:
    deployment = run_program(subscribe())
    config = deployment.one(INVOKE_CONFIG)
    queue = deployment.one(QUEUE)
    assert config.inputs["maximumRetryAttempts"] == 2
    assert config.inputs["maximumEventAgeInSeconds"] == 21600
    destination = {"onFailure": {"destination": queue.outputs["arn"]}}
    assert config.inputs["destinationConfig"] == destination
    # The role may send to that queue, nothing more; the config waits for it.
    send = deployment.named("cx-dlq-send-policy")
    assert json.loads(send.inputs["policy"])["Statement"] == [
        {
            "Sid": "OnFailureDestination",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": queue.outputs["arn"],
        }
    ]
    assert send.urn in config.dependencies


def test_retry_count_can_be_set() -> None:
    deployment = run_program(subscribe(async_invoke=AsyncInvokeArgs(maximum_retry_attempts=0)))
    assert deployment.one(INVOKE_CONFIG).inputs["maximumRetryAttempts"] == 0


def test_without_a_dlq_the_config_keeps_only_the_retries() -> None:
    deployment = run_program(subscribe(dead_letter_queue=False))
    config = deployment.one(INVOKE_CONFIG)
    assert "destinationConfig" not in config.inputs
    assert [p.name for p in deployment.of_type(ROLE_POLICY)] == ["cx-logs-policy"]


def test_external_functions_can_be_left_alone() -> None:
    deployment = run_program(
        subscribe(
            lambda_arn=function_arn("theirs"),
            async_invoke=AsyncInvokeArgs(external_functions=False),
        )
    )
    assert deployment.of_type(INVOKE_CONFIG) == []
    assert len(json.loads(deployment.one(QUEUE_POLICY).inputs["policy"])["Statement"]) == 1


def test_leaving_external_functions_alone_still_configures_the_bundled_callback() -> None:
    theirs = function_arn("theirs")
    deployment = run_program(
        subscribe(
            rules=[RuleArgs(name="r", targets=["callback", theirs])],
            async_invoke=AsyncInvokeArgs(external_functions=False),
        )
    )
    # The callback the subscription creates keeps its retries and dead-letter destination...
    [config] = deployment.of_type(INVOKE_CONFIG)
    assert config.name == "cx-callback-async"
    assert config.inputs["functionName"] == deployment.named("cx-callback").outputs["arn"]
    destination = {"onFailure": {"destination": deployment.one(QUEUE).outputs["arn"]}}
    assert config.inputs["destinationConfig"] == destination
    assert deployment.named("cx-dlq-send-policy").urn in config.dependencies
    # ...while the other function's config (none above) and execution role are left alone.
    assert len(json.loads(deployment.one(QUEUE_POLICY).inputs["policy"])["Statement"]) == 1


def test_a_qualified_function_arn_gets_its_config_on_the_qualifier() -> None:
    deployment = run_program(subscribe(lambda_arn=function_arn("theirs") + ":live"))
    config = deployment.one(INVOKE_CONFIG)
    assert config.inputs["functionName"] == function_arn("theirs")
    assert config.inputs["qualifier"] == "live"


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        (
            {"async_invoke": AsyncInvokeArgs(maximum_retry_attempts=3)},
            "async_invoke.maximum_retry_attempts",
            "from 0 to 2",
        ),
        (
            {"async_invoke": AsyncInvokeArgs(maximum_retry_attempts=-1)},
            "async_invoke.maximum_retry_attempts",
            "from 0 to 2",
        ),
        (
            {"async_invoke": AsyncInvokeArgs(maximum_event_age_in_seconds=21601)},
            "async_invoke.maximum_event_age_in_seconds",
            "60 to 21600",
        ),
        (
            {"aws_region": "eu-west-1", "lambda_arn": function_arn("theirs", "us-east-1")},
            "lambda_arn",
            "is in us-east-1, but the subscription's bus and rules are in eu-west-1",
        ),
        (
            {"lambda_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:queue"},
            "lambda_arn",
            "is not a Lambda function ARN",
        ),
    ],
)
def test_bad_lambda_settings_are_refused_naming_the_field(
    kwargs: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(**kwargs)()
    assert caught.value.field == field
    assert words in str(caught.value)


def test_a_rule_target_in_another_region_is_refused_with_its_index() -> None:
    rules = [RuleArgs(name="a", targets=["callback", function_arn("far", "ap-south-1")])]
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(rules=rules, aws_region="us-east-1")()
    assert caught.value.field == "rules.targets[1]" and caught.value.rule == "a"
    assert "targets[1]" in str(caught.value) and "ap-south-1" in str(caught.value)


def test_a_target_in_another_region_than_the_providers_fails_at_preview() -> None:
    # No aws_region given: the provider's region (from get_region) is compared once known.
    with pytest.raises(Exception, match="is in ap-south-1, but the subscription's bus"):
        run_program(subscribe(lambda_arn=function_arn("far", "ap-south-1")))


def test_a_301st_rule_is_refused_and_a_raised_quota_allows_it() -> None:
    from genesys_eventbridge.components.args import QuotaArgs

    rules = [RuleArgs(name=f"r{i}") for i in range(301)]
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(rules=rules)()
    assert caught.value.field == "rules" and caught.value.rule == "r300"
    assert "quotas.max_rules_per_bus" in str(caught.value)
    deployment = run_program(subscribe(rules=rules, quotas=QuotaArgs(max_rules_per_bus=400)))
    assert len(deployment.of_type(RULE)) == 301


def test_a_queue_policy_past_the_sqs_limit_is_refused_naming_the_first_rule() -> None:
    # Each rule its own function: each adds its role to the queue policy.
    rules = [RuleArgs(name=f"r{i:03d}", targets=[function_arn(f"fn-{i:03d}")]) for i in range(300)]
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(rules=rules)()
    message = str(caught.value)
    assert caught.value.field == "dead_letter_queue"
    assert "over SQS's 8,192" in message and "Lambda functions" in message
    found = re.search(r"the first rule past it: 'r(\d+)'", message)
    assert found is not None, message
    first = int(found.group(1))
    # The rule before it still fits: the same subscription without it is accepted.
    run_program(subscribe(rules=rules[:first]))


def padded(document: dict[str, Any], key: str, size: int) -> dict[str, Any]:
    """`document` with the text at `key` padded so the document is exactly `size` bytes."""
    bare = size_of({**document, key: ""})
    return {**document, key: "x" * (size - bare)}


def test_a_queue_policy_of_exactly_sqss_limit_is_accepted_and_one_byte_more_refused() -> None:
    document = {"Version": "2012-10-17", "Statement": [], "Id": ""}
    at_limit = padded(document, "Id", SQS_POLICY_LIMIT)
    assert check_queue_policy(at_limit, functions=1) == SQS_POLICY_LIMIT
    with pytest.raises(SubscriptionArgsError) as caught:
        check_queue_policy(padded(document, "Id", SQS_POLICY_LIMIT + 1), functions=1)
    assert caught.value.field == "dead_letter_queue"
    assert "would be 8,193 bytes, over SQS's 8,192" in str(caught.value)


class _ProgramRun:
    """A program run of its own: the statements of another (or of a rerun) are not counted."""


def test_a_function_policy_of_exactly_lambdas_limit_is_accepted_and_one_byte_more_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = _ProgramRun()
    monkeypatch.setattr(policy_size, "program_run", lambda: run)
    arn = function_arn("exactly-at-the-limit")
    first = lambda_invoke_statement("a-invoke", arn, "arn:aws:events:::event-bus/a", ACCOUNT_ID)
    add_function_statement(arn, "a", first, field="lambda_arn")
    # The second subscription's statement fills the function's policy to the byte.
    second = lambda_invoke_statement("", arn, "arn:aws:events:::event-bus/b", ACCOUNT_ID)
    bare = size_of(lambda_resource_policy([first, second]))
    fitting = {**second, "Sid": "x" * (LAMBDA_POLICY_LIMIT - bare)}
    assert add_function_statement(arn, "b", fitting, field="lambda_arn") == LAMBDA_POLICY_LIMIT
    one_more = {**second, "Sid": "x" * (LAMBDA_POLICY_LIMIT + 1 - bare)}
    with pytest.raises(SubscriptionArgsError) as caught:
        add_function_statement(arn, "b", one_more, field="lambda_arn")
    assert caught.value.field == "lambda_arn"
    assert "would be 20,481 bytes, over Lambda's 20,480" in str(caught.value)


def test_one_function_shared_by_too_many_subscriptions_is_refused() -> None:
    shared = function_arn("shared")

    def program() -> Any:
        last = None
        for i in range(60):
            # The first owns the function's async invoke config; the others only invoke it.
            last = GenesysEventBridgeSubscription(
                f"s{i:02d}",
                SubscriptionArgs(
                    topics=TOPICS,
                    lambda_arn=shared,
                    async_invoke=AsyncInvokeArgs(external_functions=i == 0),
                ),
            )
        return last

    with pytest.raises(SubscriptionArgsError) as caught:
        run_program(program)
    message = str(caught.value)
    assert caught.value.field == "lambda_arn"
    assert f"resource policy of {shared}" in message and "over Lambda's 20,480" in message


def test_two_subscriptions_cannot_both_own_a_functions_async_invoke_config() -> None:
    # Lambda keeps one async invoke config per function (and qualifier): the second would
    # overwrite the first's dead-letter destination, and destroying either removes it for both.
    shared = function_arn("shared")

    def program() -> Any:
        GenesysEventBridgeSubscription("a", SubscriptionArgs(topics=TOPICS, lambda_arn=shared))
        return GenesysEventBridgeSubscription(
            "b", SubscriptionArgs(topics=TOPICS, lambda_arn=shared)
        )

    with pytest.raises(SubscriptionArgsError) as caught:
        run_program(program)
    message = str(caught.value)
    assert caught.value.field == "lambda_arn"
    assert "'a'" in message and "'b'" in message and "async_invoke.external_functions" in message

    # Left to one of them, the function is shared.
    def one_owner() -> Any:
        GenesysEventBridgeSubscription("a", SubscriptionArgs(topics=TOPICS, lambda_arn=shared))
        return GenesysEventBridgeSubscription(
            "b",
            SubscriptionArgs(
                topics=TOPICS,
                lambda_arn=shared,
                async_invoke=AsyncInvokeArgs(external_functions=False),
            ),
        )

    assert [c.name for c in run_program(one_owner).of_type(INVOKE_CONFIG)] == ["a-callback-async"]
