"""GenesysEventBridgeSubscription under pulumi's mocks: children, wiring, modes, limits, outputs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from genesys_eventbridge.components import (
    CALLBACK_TARGET,
    GenesysEventBridgeSubscription,
    LambdaCodeArgs,
    RetryPolicyArgs,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from genesys_eventbridge.components.patterns import PatternError, build_pattern, pattern_json
from genesys_eventbridge.components.target_keys import derived_key
from tests.mocking import (
    ACCOUNT_ID,
    CALLER_IDENTITY,
    COMPONENT_TYPE,
    GET_EVENT_SOURCE,
    GET_FUNCTION,
    GET_REGION,
    INTEGRATION_TYPE,
    ORG_ID,
    REGION,
    Deployment,
    GenesysMocks,
    run_program,
)

CUSTOMER_START = "v2.detail.events.conversation.{id}.customer.start"
CUSTOMER_END = "v2.detail.events.conversation.{id}.customer.end"
ACD_START = "v2.detail.events.conversation.{id}.acd.start"
AUDITS = "v2.audits.entitytype.{id}.entityid.{id}"
TOPICS = [CUSTOMER_START, CUSTOMER_END, ACD_START, AUDITS]
EXTERNAL_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:existing-consumer"
EXTERNAL_KEY = derived_key(EXTERNAL_ARN)  # its target id and the stem of its names

BUS = "aws:cloudwatch/eventBus:EventBus"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PERMISSION = "aws:lambda/permission:Permission"
FUNCTION = "aws:lambda/function:Function"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
INVOCATION = "aws:lambda/invocation:Invocation"
INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"


def subscribe(name: str = "cx-events", **kwargs: Any) -> Callable[[], Any]:
    """A program declaring one subscription named `name` with SubscriptionArgs(**kwargs)."""
    kwargs.setdefault("topics", TOPICS)
    return lambda: GenesysEventBridgeSubscription(name, SubscriptionArgs(**kwargs))


def source_name(suffix: str = "test-cx-events") -> str:
    """The partner source of a subscription; by default `<stack>-<name>` under the mocks'
    stack `test`."""
    return f"aws.partner/genesys.com/cloud/{ORG_ID}/{suffix}"


def statements(document: str) -> list[dict[str, Any]]:
    parsed = json.loads(document)
    found = parsed["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def default() -> Deployment:
    """One default subscription: bundled callback, one rule, DLQ on, AWS defaults from invokes."""
    return run_program(subscribe())


# --- the mock harness itself ---------------------------------------------------------------


def test_a_failing_assertion_inside_apply_fails_the_program() -> None:
    # Guards every other test here: assertions run in applies must run, and not be swallowed.
    seen: list[str] = []

    def build(expected: str) -> Callable[[], Any]:
        def program() -> Any:
            component = subscribe()()

            def check(name: str) -> None:
                seen.append(name)
                assert name == expected, "sentinel: bus name differs"

            component.event_bus_name.apply(check)
            return component

        return program

    run_program(build(source_name()))
    assert seen == [source_name()]
    with pytest.raises(AssertionError, match="sentinel"):
        run_program(build("not the bus name"))


# --- children, parents, names --------------------------------------------------------------


def test_default_subscription_declares_exactly_its_children(default: Deployment) -> None:
    kinds = sorted((r.type, r.name) for r in default.registrations)
    assert kinds == sorted(
        [
            (COMPONENT_TYPE, "cx-events"),
            (INTEGRATION_TYPE, "cx-events-integration"),
            (BUS, "cx-events-bus"),
            (RULE, "cx-events-rule-default"),
            (TARGET, "cx-events-rule-default-target-subscription-callback"),
            (PERMISSION, "cx-events-invoke-callback"),
            (INVOKE_CONFIG, "cx-events-callback-async"),
            (ROLE, "cx-events-role"),
            (ROLE_POLICY, "cx-events-logs-policy"),
            (ROLE_POLICY, "cx-events-dlq-send-policy"),
            (LOG_GROUP, "cx-events-logs"),
            (FUNCTION, "cx-events-callback"),
            (QUEUE, "cx-events-dlq"),
            (QUEUE_POLICY, "cx-events-dlq-policy"),
        ]
    )


def test_every_child_is_parented_to_the_component(default: Deployment) -> None:
    component = default.component
    assert component.urn.endswith(f"{COMPONENT_TYPE}::cx-events")
    children = [r for r in default.registrations if r is not component]
    assert {r.parent for r in children} == {component.urn}
    assert all(r.name.startswith("cx-events-") for r in children)


def test_component_registers_its_outputs(default: Deployment) -> None:
    registered = default.registered_outputs[default.component.urn]
    # Outputs that are None (no archive, no alarms here) are not serialized.
    assert registered == {k: v for k, v in default.outputs.items() if v is not None}
    assert default.outputs["archive_arn"] is None and default.outputs["alarm_topic_arn"] is None
    assert set(default.outputs) == {
        "integration_id",
        "event_source_name",
        "event_bus_name",
        "event_bus_arn",
        "rule_arns",
        "lambda_arn",
        "role_arn",
        "dead_letter_queue_arn",
        "dead_letter_queue_url",
        "archive_arn",
        "alarm_topic_arn",
    }


# --- wiring ---------------------------------------------------------------------------------


def test_bus_is_named_for_the_event_source_after_the_integration(default: Deployment) -> None:
    integration = default.one(INTEGRATION_TYPE)
    bus = default.one(BUS)
    assert integration.outputs["event_source_name"] == source_name()
    assert bus.inputs["name"] == bus.inputs["eventSourceName"] == source_name()
    assert integration.urn in bus.dependencies
    assert default.outputs["event_source_name"] == default.outputs["event_bus_name"]
    assert default.outputs["event_bus_name"] == source_name()
    assert default.outputs["event_bus_arn"] == bus.outputs["arn"]


def test_rule_and_target_sit_on_the_partner_bus(default: Deployment) -> None:
    rule = default.one(RULE)
    target = default.one(TARGET)
    function = default.one(FUNCTION)
    assert rule.inputs["eventBusName"] == source_name()
    assert rule.inputs["name"] == "cx-events-default"
    assert target.inputs["eventBusName"] == source_name()
    assert target.inputs["rule"] == rule.outputs["name"]
    assert target.inputs["arn"] == function.outputs["arn"]
    assert target.inputs["targetId"] == "subscription-callback"


def test_default_rule_pins_source_and_every_topic(default: Deployment) -> None:
    pattern = json.loads(default.one(RULE).inputs["eventPattern"])
    assert pattern == {"source": [source_name()], "detail-type": TOPICS}


def test_target_retries_a_day_then_dead_letters(default: Deployment) -> None:
    target = default.one(TARGET)
    queue = default.one(QUEUE)
    assert target.inputs["retryPolicy"] == {
        "maximumRetryAttempts": 185,
        "maximumEventAgeInSeconds": 86400,
    }
    assert target.inputs["deadLetterConfig"] == {"arn": queue.outputs["arn"]}
    # The target exists only once EventBridge may invoke the function and fill the queue.
    assert default.one(PERMISSION).urn in target.dependencies
    assert default.one(QUEUE_POLICY).urn in target.dependencies


def rules_of(deployment: Deployment) -> str:
    """The ARN pattern of every rule on the deployment's bus."""
    bus_arn = deployment.one(BUS).outputs["arn"]
    return bus_arn.replace(":event-bus/", ":rule/") + "/*"


def test_permission_covers_the_bus_rules_and_account(default: Deployment) -> None:
    permission = default.one(PERMISSION)
    assert permission.inputs == {
        "action": "lambda:InvokeFunction",
        "function": default.one(FUNCTION).outputs["arn"],
        "principal": "events.amazonaws.com",
        "sourceArn": f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{source_name()}/*",
        "sourceAccount": ACCOUNT_ID,
    }
    # The rule's own ARN falls under the pattern: the permission lets it invoke.
    assert default.one(RULE).outputs["arn"].startswith(rules_of(default)[:-1])


def test_dead_letter_queue_is_encrypted_and_only_the_rules_may_send(default: Deployment) -> None:
    queue = default.one(QUEUE)
    policy = default.one(QUEUE_POLICY)
    assert queue.inputs["sqsManagedSseEnabled"] is True
    assert policy.inputs["queueUrl"] == queue.outputs["url"]
    [statement] = statements(policy.inputs["policy"])
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert as_list(statement["Action"]) == ["sqs:SendMessage"]
    assert statement["Resource"] == queue.outputs["arn"]
    assert statement["Condition"] == {
        "ArnLike": {"aws:SourceArn": rules_of(default)},
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
    }


def test_callback_role_may_only_write_its_own_log_streams(default: Deployment) -> None:
    role = default.one(ROLE)
    log_group = default.one(LOG_GROUP)
    function = default.one(FUNCTION)
    [trust] = statements(role.inputs["assumeRolePolicy"])
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    role_policy = default.named("cx-events-logs-policy")
    assert role_policy.inputs["role"] == role.outputs["name"]
    [allowed] = statements(role_policy.inputs["policy"])
    assert sorted(as_list(allowed["Action"])) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert allowed["Resource"] == f"{log_group.outputs['arn']}:log-stream:*"
    # The function logs to that group, and is declared after the policy exists.
    assert function.inputs["loggingConfig"]["logGroup"] == log_group.outputs["name"]
    assert function.inputs["role"] == role.outputs["arn"]
    assert role_policy.urn in function.dependencies


def test_no_policy_grants_a_wildcard_action_or_resource(default: Deployment) -> None:
    documents = [
        r.inputs[key]
        for r in default.registrations
        for key in ("assumeRolePolicy", "policy")
        if key in r.inputs
    ]
    # trust policy, logging and on-failure role policies, queue policy
    assert len(documents) == 4
    for document in documents:
        for statement in statements(document):
            assert statement["Effect"] == "Allow"
            assert all("*" not in action for action in as_list(statement["Action"]))
            assert all(resource != "*" for resource in as_list(statement.get("Resource", [])))
            assert "NotAction" not in statement and "NotResource" not in statement


def test_bundled_handler_is_deployed(default: Deployment) -> None:
    function = default.one(FUNCTION)
    assert function.inputs["handler"] == "handler.handler"
    assert function.inputs["runtime"].startswith("python3.")
    code = function.inputs["code"]
    assert isinstance(code, pulumi.AssetArchive)
    [(name, asset)] = code.assets.items()
    assert name == "handler.py"
    assert isinstance(asset, pulumi.FileAsset)
    assert Path(asset.path).read_text().startswith('"""The bundled callback Lambda')


def test_outputs(default: Deployment) -> None:
    outputs = default.outputs
    integration = default.one(INTEGRATION_TYPE)
    assert outputs["integration_id"] == integration.outputs["integration_id"]
    assert outputs["rule_arns"] == {"default": default.one(RULE).outputs["arn"]}
    assert outputs["lambda_arn"] == default.one(FUNCTION).outputs["arn"]
    assert outputs["role_arn"] == default.one(ROLE).outputs["arn"]
    assert outputs["dead_letter_queue_arn"] == default.one(QUEUE).outputs["arn"]
    assert outputs["dead_letter_queue_url"] == default.one(QUEUE).outputs["url"]


# --- the integration's inputs ---------------------------------------------------------------


def test_account_and_region_default_to_the_deploying_ones(default: Deployment) -> None:
    assert sorted(default.calls) == sorted([CALLER_IDENTITY, GET_REGION, GET_EVENT_SOURCE])
    inputs = default.one(INTEGRATION_TYPE).inputs
    assert inputs["aws_account_id"] == ACCOUNT_ID
    assert inputs["aws_region"] == REGION
    assert inputs["topics"] == TOPICS
    assert inputs["event_source_suffix"] == "test-cx-events"


def test_given_account_region_and_integration_settings_pass_through() -> None:
    deployment = run_program(
        subscribe(
            aws_account_id=ACCOUNT_ID,
            aws_region="eu-west-1",
            event_source_suffix="prod.cx_1",
            enabled=True,
            integration_name="CX events",
            notes="managed by pulumi",
            adopt_integration_id="5f1d3c2b-0000-4a1b-8c2d-3e4f5a6b7c8d",
        )
    )
    # The deploying account is still looked up, to compare; the region is not.
    assert sorted(deployment.calls) == sorted([CALLER_IDENTITY, GET_EVENT_SOURCE])
    inputs = deployment.one(INTEGRATION_TYPE).inputs
    assert {k: inputs[k] for k in inputs if k not in ("__provider", "topics")} == {
        "resource_name": "cx-events-integration",
        "owner": "genesys/test/cx-events-integration",  # project/stack/resource
        "aws_account_id": ACCOUNT_ID,
        "aws_region": "eu-west-1",
        "event_source_suffix": "prod.cx_1",
        "enabled": True,
        "integration_name": "CX events",
        "notes": "managed by pulumi",
        "adopt_integration_id": "5f1d3c2b-0000-4a1b-8c2d-3e4f5a6b7c8d",
    }
    assert deployment.outputs["event_source_name"] == source_name("prod.cx_1")
    # The AWS side lives in the region the events are published to.
    for typ in (BUS, RULE, TARGET, PERMISSION, FUNCTION, LOG_GROUP, QUEUE, QUEUE_POLICY):
        assert {r.inputs.get("region") for r in deployment.of_type(typ)} == {"eu-west-1"}, typ
    assert deployment.one(PERMISSION).inputs["sourceAccount"] == ACCOUNT_ID


def test_an_account_other_than_the_deploying_one_is_refused_naming_both() -> None:
    with pytest.raises(Exception) as caught:
        run_program(subscribe(aws_account_id="210987654321"))
    message = str(caught.value)
    assert "aws_account_id is 210987654321" in message
    assert f"deploys to account {ACCOUNT_ID}" in message
    assert f"Set aws_account_id to {ACCOUNT_ID}" in message


# Names that Lambda, SQS and SNS refuse are fine when nothing is named after them.
NAMES_NOTHING = {"lambda_arn": EXTERNAL_ARN, "dead_letter_queue": False}


@pytest.mark.parametrize(
    ("name", "suffix", "kwargs"),
    [
        ("cx events/prod", "test-cx-events-prod", NAMES_NOTHING),
        ("a" * 47, "test-" + "a" * 47, {}),  # the longest name a callback function allows
        ("__ok.name-1__", "test-__ok.name-1__", NAMES_NOTHING),
        ("__ok_name-1__", "test-__ok_name-1__", {}),
    ],
)
def test_event_source_suffix_defaults_to_stack_and_sanitized_name(
    name: str, suffix: str, kwargs: dict[str, Any]
) -> None:
    deployment = run_program(subscribe(name, **kwargs))
    assert deployment.one(INTEGRATION_TYPE).inputs["event_source_suffix"] == suffix
    assert deployment.outputs["event_bus_name"] == source_name(suffix)


# --- callback modes -------------------------------------------------------------------------


def test_existing_lambda_arn_gets_permission_target_and_async_config() -> None:
    deployment = run_program(subscribe(lambda_arn=EXTERNAL_ARN))
    for typ in (FUNCTION, ROLE, LOG_GROUP):
        assert deployment.of_type(typ) == [], typ
    assert deployment.one(TARGET).inputs["arn"] == EXTERNAL_ARN
    assert deployment.one(PERMISSION).inputs["function"] == EXTERNAL_ARN
    assert deployment.one(PERMISSION).inputs["sourceArn"] == rules_of(deployment)
    # Its failures go to the DLQ too; its role (looked up) may send there, by the queue policy.
    config = deployment.one(INVOKE_CONFIG)
    assert config.inputs["functionName"] == EXTERNAL_ARN
    assert config.inputs["destinationConfig"] == {
        "onFailure": {"destination": deployment.one(QUEUE).outputs["arn"]}
    }
    assert GET_FUNCTION in deployment.calls
    statements_ = statements(deployment.one(QUEUE_POLICY).inputs["policy"])
    assert statements_[1] == {
        "Sid": "LambdaOnFailure",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/existing-consumer-role"},
        "Action": "sqs:SendMessage",
        "Resource": deployment.one(QUEUE).outputs["arn"],
    }
    # Lambda checks the role itself when the config is set (AWS documents the
    # InvalidParameterValueException "The destination ARN ... is invalid" otherwise): the
    # function's own role gets an inline policy allowing exactly that send, first.
    send = deployment.one(ROLE_POLICY)
    assert send.inputs["role"] == "existing-consumer-role"
    assert send.inputs["name"] == "genesys-eventbridge-test-cx-events-callback-dlq-send"
    assert json.loads(send.inputs["policy"])["Statement"] == [
        {
            "Sid": "OnFailureDestination",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": deployment.one(QUEUE).outputs["arn"],
        }
    ]
    assert {deployment.one(QUEUE_POLICY).urn, send.urn} <= set(config.dependencies)
    assert deployment.outputs["lambda_arn"] == EXTERNAL_ARN
    assert deployment.outputs["role_arn"] is None


def test_custom_code_is_deployed_with_its_settings(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return event\n")
    deployment = run_program(
        subscribe(
            lambda_code=LambdaCodeArgs(
                code=str(tmp_path),
                handler="app.handler",
                runtime="python3.13",
                memory_size=256,
                timeout=60,
                environment={"LOG_LEVEL": "DEBUG"},
            )
        )
    )
    function = deployment.one(FUNCTION)
    assert isinstance(function.inputs["code"], pulumi.FileArchive)
    assert function.inputs["code"].path == str(tmp_path)
    assert function.inputs["handler"] == "app.handler"
    assert function.inputs["runtime"] == "python3.13"
    assert function.inputs["memorySize"] == 256
    assert function.inputs["timeout"] == 60
    assert function.inputs["environment"] == {"variables": {"LOG_LEVEL": "DEBUG"}}
    assert deployment.one(TARGET).inputs["arn"] == function.outputs["arn"]
    assert deployment.outputs["role_arn"] == deployment.one(ROLE).outputs["arn"]


def test_custom_code_archive_is_used_as_given() -> None:
    archive = pulumi.AssetArchive({"index.js": pulumi.StringAsset("exports.handler = e => e")})
    deployment = run_program(
        subscribe(
            lambda_code=LambdaCodeArgs(code=archive, handler="index.handler", runtime="nodejs20.x")
        )
    )
    code = deployment.one(FUNCTION).inputs["code"]
    assert isinstance(code, pulumi.AssetArchive) and set(code.assets) == {"index.js"}


def test_dead_letter_queue_can_be_turned_off() -> None:
    deployment = run_program(subscribe(dead_letter_queue=False))
    assert deployment.of_type(QUEUE) == [] and deployment.of_type(QUEUE_POLICY) == []
    assert "deadLetterConfig" not in deployment.one(TARGET).inputs
    assert deployment.outputs["dead_letter_queue_arn"] is None
    assert deployment.outputs["dead_letter_queue_url"] is None


def test_custom_retry_policy_reaches_every_target() -> None:
    deployment = run_program(
        subscribe(
            retry_policy=RetryPolicyArgs(maximum_retry_attempts=0, maximum_event_age_in_seconds=60)
        )
    )
    assert deployment.one(TARGET).inputs["retryPolicy"] == {
        "maximumRetryAttempts": 0,
        "maximumEventAgeInSeconds": 60,
    }


# --- the filter matrix ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix() -> Deployment:
    return run_program(
        subscribe(
            rules=[
                RuleArgs(name="customer", topics=[CUSTOMER_END, CUSTOMER_START]),
                RuleArgs(
                    name="queue",
                    topics=[ACD_START],
                    filter_policy={"detail.eventBody.queueId": [{"prefix": "9e8d"}]},
                    targets=[CALLBACK_TARGET, EXTERNAL_ARN],
                ),
                RuleArgs(
                    name="audits",
                    topics=[AUDITS],
                    filter_policy={"detail.eventBody.entityType": ["OAuthClient"]},
                    targets=[EXTERNAL_ARN],
                ),
            ]
        )
    )


def test_each_rule_pins_source_and_its_topics_and_adds_its_filter(matrix: Deployment) -> None:
    patterns = {
        r.inputs["name"]: json.loads(r.inputs["eventPattern"]) for r in matrix.of_type(RULE)
    }
    assert patterns == {
        # In the subscription's topic order, whatever order the rule lists them in.
        "cx-events-customer": {
            "source": [source_name()],
            "detail-type": [CUSTOMER_START, CUSTOMER_END],
        },
        "cx-events-queue": {
            "source": [source_name()],
            "detail-type": [ACD_START],
            "detail": {"eventBody": {"queueId": [{"prefix": "9e8d"}]}},
        },
        "cx-events-audits": {
            "source": [source_name()],
            "detail-type": [AUDITS],
            "detail": {"eventBody": {"entityType": ["OAuthClient"]}},
        },
    }
    assert {r.inputs["eventBusName"] for r in matrix.of_type(RULE)} == {source_name()}


def test_each_function_gets_one_permission_for_all_rules(matrix: Deployment) -> None:
    rules = matrix.of_type(RULE)
    rule_arns = {r.name.removeprefix("cx-events-rule-"): r.outputs["arn"] for r in rules}
    callback = matrix.one(FUNCTION).outputs["arn"]
    targets = {
        (t.inputs["rule"], t.inputs["targetId"], t.inputs["arn"]) for t in matrix.of_type(TARGET)
    }
    assert targets == {
        ("cx-events-customer", "subscription-callback", callback),
        ("cx-events-queue", "subscription-callback", callback),
        ("cx-events-queue", EXTERNAL_KEY, EXTERNAL_ARN),
        ("cx-events-audits", EXTERNAL_KEY, EXTERNAL_ARN),
    }
    permissions = sorted(
        (p.name, p.inputs["sourceArn"], p.inputs["function"]) for p in matrix.of_type(PERMISSION)
    )
    assert permissions == [
        ("cx-events-invoke-callback", rules_of(matrix), callback),
        (f"cx-events-invoke-{EXTERNAL_KEY}", rules_of(matrix), EXTERNAL_ARN),
    ]
    configs = sorted((c.name, c.inputs["functionName"]) for c in matrix.of_type(INVOKE_CONFIG))
    assert configs == [
        ("cx-events-callback-async", matrix.one(FUNCTION).outputs["arn"]),
        (f"cx-events-{EXTERNAL_KEY}-async", EXTERNAL_ARN),
    ]
    by_target = {t.name: t for t in matrix.of_type(TARGET)}
    assert (
        matrix.named(f"cx-events-invoke-{EXTERNAL_KEY}").urn
        in by_target[f"cx-events-rule-audits-target-{EXTERNAL_KEY}"].dependencies
    )
    assert {t.inputs["eventBusName"] for t in matrix.of_type(TARGET)} == {source_name()}
    assert matrix.outputs["rule_arns"] == rule_arns


def test_dead_letter_policy_covers_every_rule_by_one_pattern(matrix: Deployment) -> None:
    first, _roles = statements(matrix.one(QUEUE_POLICY).inputs["policy"])
    pattern = first["Condition"]["ArnLike"]["aws:SourceArn"]
    assert pattern == rules_of(matrix)
    assert all(r.outputs["arn"].startswith(pattern[:-1]) for r in matrix.of_type(RULE))


def test_rules_without_the_callback_create_no_function() -> None:
    deployment = run_program(subscribe(rules=[RuleArgs(name="ext", targets=[EXTERNAL_ARN])]))
    assert deployment.of_type(FUNCTION) == [] and deployment.of_type(ROLE) == []
    assert deployment.outputs["lambda_arn"] is None


# --- notify_on_change -----------------------------------------------------------------------


def test_notify_on_change_invokes_the_callback_once_with_the_subscription() -> None:
    deployment = run_program(
        subscribe(notify_on_change=True, filter_policy={"detail.eventBody.mediaType": ["VOICE"]})
    )
    invocation = deployment.one(INVOCATION)
    function = deployment.one(FUNCTION)
    rule = deployment.one(RULE)
    assert invocation.parent == deployment.component.urn
    assert invocation.inputs["functionName"] == function.outputs["arn"]
    assert invocation.inputs["lifecycleScope"] == "CRUD"
    assert json.loads(invocation.inputs["input"]) == {
        "action": "register_subscription",
        "data": {
            "integration_id": deployment.outputs["integration_id"],
            "event_source_name": source_name(),
            "event_bus_name": source_name(),
            "topics": TOPICS,
            "rules": [
                {
                    "name": "default",
                    "rule_name": "cx-events-default",
                    "rule_arn": rule.outputs["arn"],
                    "topics": TOPICS,
                    "event_pattern": json.loads(rule.inputs["eventPattern"]),
                }
            ],
        },
    }
    # Sent once the subscription is wired, so the callback sees a working subscription.
    assert deployment.one(TARGET).urn in invocation.dependencies


def test_notify_on_change_is_off_by_default(default: Deployment) -> None:
    assert default.of_type(INVOCATION) == []


def test_notify_on_change_with_an_existing_function_invokes_it() -> None:
    deployment = run_program(subscribe(notify_on_change=True, lambda_arn=EXTERNAL_ARN))
    assert deployment.one(INVOCATION).inputs["functionName"] == EXTERNAL_ARN


# --- limits and argument checks, raised while the program runs (so at preview) ----------------


@pytest.fixture
def preview() -> Iterator[None]:
    """Mocks in preview mode: the checks must fail before anything would be deployed."""
    pulumi.runtime.set_mocks(GenesysMocks(), project="genesys", stack="test", preview=True)
    yield


def test_six_targets_on_a_rule_are_refused(preview: None) -> None:
    targets = [f"{EXTERNAL_ARN}-{i}" for i in range(6)]
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(rules=[RuleArgs(name="fanout", targets=targets)])()
    assert caught.value.rule == "fanout" and caught.value.field == "rules.targets"
    assert "'fanout'" in str(caught.value) and "6 targets" in str(caught.value)
    assert "5" in str(caught.value) and "split" in str(caught.value)


def test_five_targets_are_fine() -> None:
    targets = [f"{EXTERNAL_ARN}-{i}" for i in range(5)]
    deployment = run_program(subscribe(rules=[RuleArgs(name="fanout", targets=targets)]))
    assert len(deployment.of_type(TARGET)) == len(deployment.of_type(PERMISSION)) == 5


def test_301_rules_on_one_bus_are_refused(preview: None) -> None:
    rules = [RuleArgs(name=f"r{i}") for i in range(301)]
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(rules=rules)()
    assert caught.value.field == "rules" and caught.value.rule == "r300"
    assert "'r300'" in str(caught.value) and "300" in str(caught.value)
    assert "301 rules" in str(caught.value)


def test_rules_quota_is_lower_in_regions_that_say_so(preview: None) -> None:
    rules = [RuleArgs(name=f"r{i}") for i in range(101)]
    with pytest.raises(SubscriptionArgsError, match="more than EventBridge's 100"):
        subscribe(rules=rules, aws_region="af-south-1")()


def _pattern_filler(total: int) -> dict[str, Any]:
    """A filter policy that makes the default rule's real pattern exactly `total` characters."""

    def policy(width: int) -> dict[str, Any]:
        return {"detail.eventBody.queueId": ["q" * width]}

    def size(width: int) -> int:
        real = build_pattern(
            rule="default",
            source=source_name(),
            detail_types=TOPICS,
            filter_policy=policy(width),
        )
        return len(pattern_json(real))

    base = size(1) - 1
    return policy(total - base)


def test_a_2049_character_pattern_is_refused(preview: None) -> None:
    with pytest.raises(PatternError) as caught:
        subscribe(filter_policy=_pattern_filler(2049))()
    assert caught.value.rule == "default"
    assert "'default'" in str(caught.value) and "2049" in str(caught.value)
    assert "2048" in str(caught.value)


def test_a_2048_character_pattern_is_declared_as_is() -> None:
    # The preview check measured a stand-in source of the real one's length: exact, not approximate.
    deployment = run_program(subscribe(filter_policy=_pattern_filler(2048)))
    assert len(deployment.one(RULE).inputs["eventPattern"]) == 2048


def test_the_real_pattern_is_checked_again_once_the_source_is_known() -> None:
    # Should an org id ever not be a 36-character UUID, the deploy-time build still refuses.
    long_org = ORG_ID + "-abcd"
    # Pulumi re-raises the PatternError from the apply wrapped with the resource's name.
    with pytest.raises(ValueError, match="rule 'default' is 2053 characters long"):
        run_program(subscribe(filter_policy=_pattern_filler(2048)), GenesysMocks(org_id=long_org))


@pytest.mark.parametrize(
    ("kwargs", "field", "rule", "words"),
    [
        ({"topics": []}, "topics", None, "at least one topic"),
        ({"topics": "v2.users.{id}.presence"}, "topics", None, "list of topic templates"),
        ({"topics": [AUDITS, AUDITS]}, "topics", None, "more than once"),
        ({"event_source_suffix": "bad/suffix"}, "event_source_suffix", None, "1-64"),
        (
            {"retry_policy": RetryPolicyArgs(maximum_retry_attempts=186)},
            "retry_policy.maximum_retry_attempts",
            None,
            "0 to 185",
        ),
        (
            {"retry_policy": RetryPolicyArgs(maximum_event_age_in_seconds=59)},
            "retry_policy.maximum_event_age_in_seconds",
            None,
            "60 to 86400",
        ),
        (
            {"retry_policy": RetryPolicyArgs(maximum_event_age_in_seconds=86401)},
            "retry_policy.maximum_event_age_in_seconds",
            None,
            "60 to 86400",
        ),
        ({"rules": []}, "rules", None, "non-empty"),
        (
            {"rules": [RuleArgs(name="a")], "filter_policy": {"detail.x": ["y"]}},
            "filter_policy",
            None,
            "move it into each RuleArgs",
        ),
        ({"rules": [RuleArgs(name="bad name")]}, "rules.name", "bad name", "letters, digits"),
        ({"rules": [RuleArgs(name="a"), RuleArgs(name="a")]}, "rules.name", "a", "unique"),
        ({"rules": [RuleArgs(name="x" * 55)]}, "rules.name", "x" * 55, "at most 54"),
        (
            {"rules": [RuleArgs(name="a", topics=["v2.users.{id}.presence"])]},
            "rules.topics",
            "a",
            "not among the subscription's topics",
        ),
        ({"rules": [RuleArgs(name="a", targets=[])]}, "rules.targets", "a", "non-empty"),
        (
            {"rules": [RuleArgs(name="a", targets=[EXTERNAL_ARN, EXTERNAL_ARN])]},
            "rules.targets",
            "a",
            "more than once",
        ),
        (
            {"lambda_arn": EXTERNAL_ARN, "lambda_code": LambdaCodeArgs(code=".", handler="a.b")},
            "lambda_code",
            None,
            "exclusive",
        ),
        (
            {"lambda_code": LambdaCodeArgs(code="/no/such/dir", handler="a.b")},
            "lambda_code.code",
            None,
            "not a directory",
        ),
        (
            {"lambda_code": LambdaCodeArgs(code=".", handler="a.b", memory_size=64)},
            "lambda_code.memory_size",
            None,
            "128 to 10240",
        ),
        (
            # Lambda sets AWS_REGION itself and refuses a function configuration that sets it.
            {
                "lambda_code": LambdaCodeArgs(
                    code=".", handler="a.b", environment={"AWS_REGION": "eu-west-1"}
                )
            },
            "lambda_code.environment",
            None,
            "reserved",
        ),
        (
            {"lambda_code": LambdaCodeArgs(code=".", handler="a.b", environment={"API-URL": "x"})},
            "lambda_code.environment",
            None,
            "letters, digits",
        ),
        ({"log_retention_in_days": 2}, "log_retention_in_days", None, "one of"),
        # AWS reserves the aws: prefix: every tagged resource would fail at `up`.
        ({"tags": {"aws:team": "cx"}}, "tags", None, "reserved"),
        ({"tags": {"k" * 129: "v"}}, "tags", None, "128"),
        ({"tags": {"team": "v" * 257}}, "tags", None, "256"),
        ({"tags": {f"t{i}": "v" for i in range(51)}}, "tags", None, "50"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(
    preview: None, kwargs: dict[str, Any], field: str, rule: str | None, words: str
) -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        subscribe(**kwargs)()
    assert caught.value.field == field
    assert caught.value.rule == rule
    assert field.split(".")[-1] in str(caught.value) or (rule and repr(rule) in str(caught.value))
    assert words in str(caught.value)


def test_a_refused_subscription_declares_nothing() -> None:
    def build() -> Any:
        try:
            subscribe(topics=[])()
        except SubscriptionArgsError:
            pass
        return subscribe("other")()

    deployment = run_program(build)
    assert [r for r in deployment.registrations if r.name.startswith("cx-events")] == []
    assert deployment.component.name == "other"


def test_names_too_long_for_aws_fail_at_preview_naming_the_field() -> None:
    from genesys_eventbridge.components import SubscriptionArgsError
    from genesys_eventbridge.components.plan import plan_subscription

    topics = ["v2.users.{id}.presence"]
    plan_subscription("n" * 47, SubscriptionArgs(topics=topics))
    with pytest.raises(SubscriptionArgsError) as caught:
        plan_subscription("n" * 48, SubscriptionArgs(topics=topics))
    assert caught.value.field == "name" and "at most 47" in str(caught.value)
    # With an existing function there is no callback to name.
    plan_subscription("n" * 48, SubscriptionArgs(topics=topics, lambda_arn=EXTERNAL_ARN))
    # Lambda function, SQS queue and SNS topic names take no '.': "cx.events-dlq-..." fails.
    with pytest.raises(SubscriptionArgsError) as caught:
        plan_subscription("cx.events", SubscriptionArgs(topics=topics))
    assert caught.value.field == "name" and "'.'" in str(caught.value)
    plan_subscription(
        "cx.events",
        SubscriptionArgs(topics=topics, lambda_arn=EXTERNAL_ARN, dead_letter_queue=False),
    )
    # Permissions are per function, not per rule: a long rule name no longer matters there.
    plan_subscription("n" * 40, SubscriptionArgs(topics=topics, rules=[RuleArgs(name="r" * 30)]))
