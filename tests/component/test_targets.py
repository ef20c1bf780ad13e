"""Typed targets under pulumi's mocks: each kind's resources, least-privilege policies, retries,
dead-lettering and input shaping, and the credentials of HTTPS targets kept secret.

moto delivers to SQS, CloudWatch Logs, other buses and API destinations (test_target_delivery.py);
Lambda, Firehose and Step Functions are proven here only: moto does not route to them.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pulumi
import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RetryPolicyArgs,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from genesys_eventbridge.components.target_keys import rule_target_keys
from genesys_eventbridge.components.targets import (
    ApiKeyAuth,
    BasicAuth,
    EventBusTarget,
    FirehoseTarget,
    HttpsTarget,
    InputTransformerArgs,
    LambdaTarget,
    LogGroupTarget,
    OAuthClientCredentialsAuth,
    SqsTarget,
    StepFunctionsTarget,
)
from tests.mocking import ACCOUNT_ID, ORG_ID, REGION, Deployment, Registration, run_program

TOPICS = ["v2.detail.events.conversation.{id}.customer.start"]
BUS_NAME = f"aws.partner/genesys.com/cloud/{ORG_ID}/test-cx-events"  # <stack>-<name>
RULES_OF_BUS = f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{BUS_NAME}/*"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:consumer"
OWN_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:orders.fifo"
STANDARD_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:orders"
BUCKET = "arn:aws:s3:::cx-analytics"
OWN_STREAM = f"arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/existing"
STATE_MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:triage"
OWN_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/team/genesys"
CENTRAL_BUS = "arn:aws:events:eu-west-1:210987654321:event-bus/central"
API_KEY = "sentinel-api-key-6d1f"
PASSWORD = "sentinel-password-0b7e"
CLIENT_SECRET = "sentinel-client-secret-93aa"
TRANSFORMER = InputTransformerArgs(
    input_paths={"queue": "$.detail.eventBody.queueId", "topic": "$.detail.topicName"},
    input_template='{"queue": <queue>, "topic": <topic>}',
)

SIG, SECRET_SIG = pulumi.runtime.rpc._special_sig_key, pulumi.runtime.rpc._special_secret_sig
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
REDRIVE_ALLOW = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"
STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOGS_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
CONNECTION = "aws:cloudwatch/eventConnection:EventConnection"
DESTINATION = "aws:cloudwatch/eventApiDestination:EventApiDestination"
PERMISSION = "aws:lambda/permission:Permission"

RULES = [
    RuleArgs(name="lambda", targets=[LambdaTarget(function_arn=FUNCTION, input_path="$.detail")]),
    RuleArgs(
        name="sqs",
        targets=[
            SqsTarget(),
            SqsTarget(queue_arn=OWN_QUEUE, manage_queue_policy=True, message_group_id="cx"),
        ],
    ),
    RuleArgs(
        name="firehose",
        targets=[
            FirehoseTarget(bucket_arn=BUCKET, prefix="genesys/cx/"),
            FirehoseTarget(delivery_stream_arn=OWN_STREAM),
        ],
    ),
    RuleArgs(
        name="sfn",
        targets=[
            StepFunctionsTarget(
                state_machine_arn=STATE_MACHINE,
                input_transformer=TRANSFORMER,
                retry_policy=RetryPolicyArgs(maximum_retry_attempts=3),
            )
        ],
    ),
    RuleArgs(name="logs", targets=[LogGroupTarget(), LogGroupTarget(log_group_arn=OWN_GROUP)]),
    RuleArgs(name="bus", targets=[EventBusTarget(event_bus_arn=CENTRAL_BUS)]),
    RuleArgs(
        name="https",
        targets=[
            HttpsTarget(
                endpoint="https://hooks.example.com/genesys",
                auth=ApiKeyAuth(header="x-api-key", value=API_KEY),
                rate_limit_per_second=20,
                headers={"x-source": "genesys"},
                query_parameters={"tenant": "cx"},
            ),
            HttpsTarget(
                endpoint="https://basic.example.com/in",
                auth=BasicAuth(username="genesys", password=PASSWORD),
                http_method="PUT",
            ),
            HttpsTarget(
                endpoint="https://oauth.example.com/in",
                auth=OAuthClientCredentialsAuth(
                    authorization_endpoint="https://login.example.com/token",
                    client_id="genesys",
                    client_secret=CLIENT_SECRET,
                    scope="events.write",
                ),
            ),
        ],
    ),
]


@pytest.fixture(scope="module")
def every_kind() -> Deployment:
    """One subscription with a rule per target kind, in the mocks' region."""
    return run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events", SubscriptionArgs(topics=TOPICS, rules=RULES, aws_region=REGION)
        )
    )


def child(name: str, rules: list[RuleArgs] = RULES) -> str:
    """The logical name of `<rule>-target-<index>[-<what>]`: a target is named by its key."""
    match = re.fullmatch(r"(.+?)-target-([0-9]+)(-.*)?", name)
    if match is None:
        return f"cx-events-rule-{name}"
    rule, index, rest = match.group(1), int(match.group(2)), match.group(3) or ""
    [given] = [r for r in rules if r.name == rule]
    key = rule_target_keys(rule, list(given.targets or ["callback"]))[index]
    return f"cx-events-rule-{rule}-target-{key}{rest}"


def rule_arn(rule: str) -> str:
    return f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{BUS_NAME}/cx-events-{rule}"


def document(registration: Registration, key: str = "policy") -> dict[str, Any]:
    return json.loads(registration.inputs[key])


def role_of(deployment: Deployment, target: Registration) -> tuple[dict[str, Any], dict[str, Any]]:
    """The trust policy and the one inline policy of the role `target` delivers with."""
    role = next(r for r in deployment.of_type(ROLE) if r.outputs["arn"] == target.inputs["roleArn"])
    policies = [
        r for r in deployment.of_type(ROLE_POLICY) if r.inputs["role"] == role.outputs["name"]
    ]
    assert len(policies) == 1, "one inline policy per role"
    return document(role, "assumeRolePolicy"), document(policies[0])


def assert_events_may_assume(trust: dict[str, Any]) -> None:
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    # Only for this account, and only for the rules of the subscription's own bus.
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnLike": {"aws:SourceArn": statement["Condition"]["ArnLike"]["aws:SourceArn"]},
    }
    source = statement["Condition"]["ArnLike"]["aws:SourceArn"]
    assert re.fullmatch(
        rf"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/aws\.partner/genesys\.com/cloud/[^/*]+/[^/*]+/\*",
        source,
    ), source


def secret_value(value: Any) -> Any:
    """The plain value inside a secret as the engine receives it; fails if it is not secret."""
    assert isinstance(value, dict) and value.get(SIG) == SECRET_SIG, f"not a secret: {value!r}"
    return value["value"]


def only_statement(policy: dict[str, Any]) -> dict[str, Any]:
    (statement,) = policy["Statement"]
    return statement


def test_every_target_is_on_the_partner_bus_with_retries_and_the_dead_letter_queue(
    every_kind: Deployment,
) -> None:
    targets = every_kind.of_type(TARGET)
    assert len(targets) == sum(len(rule.targets or []) for rule in RULES)
    dlq = every_kind.outputs["dead_letter_queue_arn"]
    for target in targets:
        assert target.inputs["eventBusName"] == BUS_NAME
        assert target.inputs["deadLetterConfig"] == {"arn": dlq}
        retry = target.inputs["retryPolicy"]
        expected = 3 if target.name == child("sfn-target-0") else 185
        assert retry == {"maximumRetryAttempts": expected, "maximumEventAgeInSeconds": 86400}


def test_lambda_target_gets_a_permission_and_its_input_path(every_kind: Deployment) -> None:
    target = every_kind.named(child("lambda-target-0"))
    assert target.inputs["arn"] == FUNCTION and target.inputs["inputPath"] == "$.detail"
    # One permission per function, for every rule of the bus (components/lambda_targets.py).
    (permission,) = [r for r in every_kind.of_type(PERMISSION) if r.inputs["function"] == FUNCTION]
    assert permission.inputs["sourceArn"] == RULES_OF_BUS
    assert permission.inputs["principal"] == "events.amazonaws.com"
    assert "roleArn" not in target.inputs  # Lambda is invoked under its resource policy


def test_sqs_queue_made_by_the_component_has_its_own_dead_letter_queue(
    every_kind: Deployment,
) -> None:
    queue = every_kind.named(child("sqs-target-0-queue"))
    dlq = every_kind.named(child("sqs-target-0-queue-dlq"))
    assert queue.inputs["sqsManagedSseEnabled"] and dlq.inputs["sqsManagedSseEnabled"]
    # Expired messages are deleted, not dead-lettered: both keep them SQS's longest, 14 days.
    assert queue.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
    assert dlq.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
    assert json.loads(queue.inputs["redrivePolicy"]) == {
        "deadLetterTargetArn": dlq.outputs["arn"],
        "maxReceiveCount": 5,
    }
    allow = every_kind.named(child("sqs-target-0-queue-dlq-redrive-allow"))
    assert allow.inputs["queueUrl"] == dlq.outputs["url"]
    assert json.loads(allow.inputs["redriveAllowPolicy"]) == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": [queue.outputs["arn"]],
    }
    target = every_kind.named(child("sqs-target-0"))
    assert target.inputs["arn"] == queue.outputs["arn"]
    policy = every_kind.named(child("sqs-target-0-queue-policy"))
    assert policy.inputs["queueUrl"] == queue.outputs["url"]
    statement = only_statement(document(policy))
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == queue.outputs["arn"]
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": rule_arn("sqs")},
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
    }
    assert policy.urn in target.dependencies  # may send before the first event


def test_your_fifo_queue_gets_the_rule_only_policy_and_a_message_group(
    every_kind: Deployment,
) -> None:
    target = every_kind.named(child("sqs-target-1"))
    assert target.inputs["arn"] == OWN_QUEUE
    assert target.inputs["sqsTarget"] == {"messageGroupId": "cx"}
    # Named after the queue (one policy per queue, whichever rules send to it).
    [policy] = [
        p
        for p in every_kind.of_type(QUEUE_POLICY)
        if p.inputs["queueUrl"] == f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/orders.fifo"
    ]
    assert policy.name.startswith("cx-events-queue-policy-")
    assert only_statement(document(policy))["Resource"] == OWN_QUEUE


def test_firehose_stream_writes_under_its_prefix_only(every_kind: Deployment) -> None:
    stream = every_kind.named(child("firehose-target-0-stream"))
    s3 = stream.inputs["extendedS3Configuration"]
    assert stream.inputs["destination"] == "extended_s3"
    assert s3["bucketArn"] == BUCKET and s3["prefix"] == "genesys/cx/"
    # Failed records under a prefix of their own, not among the events Athena reads.
    assert s3["errorOutputPrefix"] == "errors/genesys/cx/!{firehose:error-output-type}/"
    # One event per line.
    assert s3["processingConfiguration"] == {
        "enabled": True,
        "processors": [{"type": "AppendDelimiterToRecord"}],
    }
    group = every_kind.named(child("firehose-target-0-stream-errors"))
    assert s3["cloudwatchLoggingOptions"] == {
        "enabled": True,
        "logGroupName": group.outputs["name"],
        "logStreamName": "DestinationDelivery",
    }
    assert group.inputs["name"] == f"/aws/kinesisfirehose/{stream.outputs['name']}"
    assert stream.inputs["serverSideEncryption"]["enabled"] is True
    stream_role = next(r for r in every_kind.of_type(ROLE) if r.outputs["arn"] == s3["roleArn"])
    trust = only_statement(document(stream_role, "assumeRolePolicy"))
    assert trust["Principal"] == {"Service": "firehose.amazonaws.com"}
    s3_policy = every_kind.named("cx-events-firehose-stream-role-policy")
    by_sid = {s["Sid"]: s["Resource"] for s in document(s3_policy)["Statement"]}
    assert by_sid == {
        "BucketLevel": BUCKET,
        "ObjectsUnderPrefix": f"{BUCKET}/genesys/cx/*",
        "ErrorObjectsUnderPrefix": f"{BUCKET}/errors/genesys/cx/*",
        # Every stream's error log (their groups are named after the streams' shared prefix).
        "DeliveryErrorLog": f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/aws/kinesisfirehose/"
        "test-cx-events-rule-*:log-stream:DestinationDelivery",
    }

    target = every_kind.named(child("firehose-target-0"))
    assert target.inputs["arn"] == stream.outputs["arn"]
    trust, policy = role_of(every_kind, target)
    assert_events_may_assume(trust)
    statement = only_statement(policy)
    assert statement["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"]
    # One role for the subscription's Firehose targets: the streams it makes (named after the
    # event source suffix) and yours, by ARN; nothing else.
    made = f"arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/test-cx-events-rule-*"
    assert stream.outputs["arn"].startswith(made.removesuffix("*"))
    assert statement["Resource"] == [OWN_STREAM, made]


def test_your_firehose_stream_gets_only_the_delivery_role(every_kind: Deployment) -> None:
    target = every_kind.named(child("firehose-target-1"))
    assert target.inputs["arn"] == OWN_STREAM
    assert (
        target.inputs["roleArn"] == every_kind.named(child("firehose-target-0")).inputs["roleArn"]
    )
    _, policy = role_of(every_kind, target)
    assert OWN_STREAM in only_statement(policy)["Resource"]
    assert len(every_kind.of_type(STREAM)) == 1


def test_step_functions_target_may_only_start_that_machine(every_kind: Deployment) -> None:
    target = every_kind.named(child("sfn-target-0"))
    assert target.inputs["arn"] == STATE_MACHINE
    assert target.inputs["inputTransformer"] == {
        "inputPaths": dict(TRANSFORMER.input_paths),
        "inputTemplate": TRANSFORMER.input_template,
    }
    trust, policy = role_of(every_kind, target)
    assert_events_may_assume(trust)
    statement = only_statement(policy)
    assert (statement["Action"], statement["Resource"]) == ("states:StartExecution", STATE_MACHINE)


def test_log_groups_share_one_logs_resource_policy_for_the_bus(every_kind: Deployment) -> None:
    group = every_kind.named(child("logs-target-0-logs"))
    assert group.inputs["name"] == "/aws/events/test-cx-events/logs/logs"  # rule, then key
    assert group.inputs["retentionInDays"] == 30
    policy = every_kind.one(LOGS_POLICY)
    statement = only_statement(json.loads(policy.inputs["policyDocument"]))
    assert statement["Principal"] == {
        "Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]
    }
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    # The groups made here by one prefix (the policy does not grow with them), yours by ARN.
    prefix = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/aws/events/test-cx-events/*:*"
    assert sorted(statement["Resource"]) == sorted([prefix, f"{OWN_GROUP}:*"])
    assert statement["Condition"] == {
        "ArnLike": {"aws:SourceArn": RULES_OF_BUS},
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
    }
    made, given = every_kind.named(child("logs-target-0")), every_kind.named(child("logs-target-1"))
    assert (made.inputs["arn"], given.inputs["arn"]) == (group.outputs["arn"], OWN_GROUP)
    assert policy.urn in made.dependencies and policy.urn in given.dependencies


def test_event_bus_target_in_another_account_and_region(every_kind: Deployment) -> None:
    target = every_kind.named(child("bus-target-0"))
    assert target.inputs["arn"] == CENTRAL_BUS
    trust, policy = role_of(every_kind, target)
    assert_events_may_assume(trust)
    statement = only_statement(policy)
    assert (statement["Action"], statement["Resource"]) == ("events:PutEvents", CENTRAL_BUS)


def test_https_target_is_a_connection_an_api_destination_and_a_role(
    every_kind: Deployment,
) -> None:
    connection = every_kind.named(child("https-target-0-connection"))
    assert connection.inputs["authorizationType"] == "API_KEY"
    assert secret_value(connection.inputs["authParameters"])["apiKey"]["key"] == "x-api-key"
    destination = every_kind.named(child("https-target-0-destination"))
    assert destination.inputs["connectionArn"] == connection.outputs["arn"]
    assert destination.inputs["invocationEndpoint"] == "https://hooks.example.com/genesys"
    assert destination.inputs["invocationRateLimitPerSecond"] == 20
    assert destination.inputs["httpMethod"] == "POST"
    target = every_kind.named(child("https-target-0"))
    assert target.inputs["arn"] == destination.outputs["arn"]
    assert target.inputs["httpTarget"] == {
        "headerParameters": {"x-source": "genesys"},
        "queryStringParameters": {"tenant": "cx"},
    }
    trust, policy = role_of(every_kind, target)
    assert_events_may_assume(trust)
    statement = only_statement(policy)
    name = destination.outputs["name"]
    assert statement["Action"] == "events:InvokeApiDestination"
    # Every destination the subscription makes, by the prefix their names share.
    assert name.startswith("test-cx-events-rule-")
    assert statement["Resource"] == (
        f"arn:aws:events:{REGION}:{ACCOUNT_ID}:api-destination/test-cx-events-rule-*"
    )
    roles = {every_kind.named(child(f"https-target-{i}")).inputs["roleArn"] for i in range(3)}
    assert roles == {target.inputs["roleArn"]}

    basic = every_kind.named(child("https-target-1-connection"))
    assert basic.inputs["authorizationType"] == "BASIC"
    assert secret_value(basic.inputs["authParameters"])["basic"]["username"] == "genesys"
    assert every_kind.named(child("https-target-1-destination")).inputs["httpMethod"] == "PUT"
    oauth = every_kind.named(child("https-target-2-connection"))
    assert oauth.inputs["authorizationType"] == "OAUTH_CLIENT_CREDENTIALS"
    settings = secret_value(oauth.inputs["authParameters"])["oauth"]
    assert settings["authorizationEndpoint"] == "https://login.example.com/token"
    assert settings["clientParameters"]["clientId"] == "genesys"
    assert settings["oauthHttpParameters"]["bodies"] == [
        {"key": "scope", "value": "events.write", "isValueSecret": False}
    ]


def test_credentials_are_secret_inputs_and_in_no_output(every_kind: Deployment) -> None:
    credentials = [
        ("https-target-0-connection", ["apiKey", "value"], API_KEY),
        ("https-target-1-connection", ["basic", "password"], PASSWORD),
        ("https-target-2-connection", ["oauth", "clientParameters", "clientSecret"], CLIENT_SECRET),
    ]
    for name, path, plain in credentials:
        # The engine receives the connection's auth parameters as one secret: encrypted in state.
        value = secret_value(every_kind.named(child(name)).inputs["authParameters"])
        for key in path:
            value = value[key]
        assert value == plain
    outputs = json.dumps([every_kind.outputs, list(every_kind.registered_outputs.values())])
    for _, _, plain in credentials:
        assert plain not in outputs


def _without_secrets(value: Any) -> Any:
    # What state keeps in plain text: everything but the values the engine holds as secrets.
    if isinstance(value, dict):
        if value.get(SIG) == SECRET_SIG:
            return "[secret]"
        return {k: _without_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value


def test_credentials_reach_no_other_resource_in_plain_text(every_kind: Deployment) -> None:
    # e.g. a role description rendering the whole rule (its targets' auth with them).
    for registration in every_kind.registrations:
        plain = json.dumps(_without_secrets(registration.inputs), default=str)
        for secret in (API_KEY, PASSWORD, CLIENT_SECRET):
            assert secret not in plain, f"{registration.name} holds a credential in plain text"


def test_no_target_policy_grants_a_wildcard_action_or_resource(every_kind: Deployment) -> None:
    documents = [document(r) for r in every_kind.of_type(ROLE_POLICY)]
    documents += [document(r) for r in every_kind.of_type(QUEUE_POLICY)]
    documents += [json.loads(r.inputs["policyDocument"]) for r in every_kind.of_type(LOGS_POLICY)]
    for policy in documents:
        for statement in policy["Statement"]:
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            resources = statement["Resource"]
            resources = resources if isinstance(resources, list) else [resources]
            assert all("*" not in action for action in actions), statement
            assert all(resource != "*" for resource in resources), statement


def test_todays_target_forms_still_declare_the_same_resources() -> None:
    deployment = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(
                topics=TOPICS, rules=[RuleArgs(name="a", targets=["callback", FUNCTION])]
            ),
        )
    )
    targets = {r.name: r.inputs for r in deployment.of_type(TARGET)}
    rules = [RuleArgs(name="a", targets=["callback", FUNCTION])]
    callback, function = child("a-target-0", rules), child("a-target-1", rules)
    assert targets[callback]["targetId"] == "subscription-callback"
    assert targets[callback]["arn"] == deployment.outputs["lambda_arn"]
    assert targets[function]["targetId"].startswith("lambda-")
    assert targets[function]["arn"] == FUNCTION
    assert len(deployment.of_type(PERMISSION)) == 2
    # Only the callback's own role: Lambda targets need no delivery role.
    assert [r.name for r in deployment.of_type(ROLE)] == ["cx-events-role"]


@pytest.mark.parametrize(
    ("target", "field", "words"),
    [
        (f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:q", "rules.targets[0]", "is not a Lambda function"),
        ({"kind": "sqs"}, "rules.targets[0]", "is a dict, not a target kind"),
        (
            LambdaTarget(function_arn="arn:aws:lambda:eu-west-1:123456789012:function:f"),
            "rules.targets[0].function_arn",
            "is in region 'eu-west-1', but the rule is in 'us-east-1'",
        ),
        (
            HttpsTarget(
                endpoint="http://hooks.example.com", auth=ApiKeyAuth(header="k", value="v")
            ),
            "rules.targets[0].endpoint",
            "must be an https:// URL",
        ),
        (
            HttpsTarget(
                endpoint="https://hooks.example.com",
                auth=ApiKeyAuth(header="k", value="v"),
                rate_limit_per_second=301,
            ),
            "rules.targets[0].rate_limit_per_second",
            "1 to 300",
        ),
        (
            # Not an auth type (a dict holding the key): the error names its type, not its value.
            HttpsTarget(endpoint="https://hooks.example.com", auth={"apiKey": "v"}),  # type: ignore[arg-type]
            "rules.targets[0].auth",
            "got a dict",
        ),
        (
            # Copied into the API destination and the connection's description in plain text.
            HttpsTarget(
                endpoint="https://u:pw-v@hooks.example.com/in?code=v",
                auth=ApiKeyAuth(header="k", value="v"),
            ),
            "rules.targets[0].endpoint",
            "credentials in the URL",
        ),
        (
            HttpsTarget(
                endpoint="https://hooks.example.com/in?code=v",
                auth=ApiKeyAuth(header="k", value="v"),
            ),
            "rules.targets[0].endpoint",
            "query string",
        ),
        (
            # A `*` needs a path parameter per call, which HttpsTarget has no field for.
            HttpsTarget(
                endpoint="https://hooks.example.com/tenants/*/events",
                auth=ApiKeyAuth(header="k", value="v"),
            ),
            "rules.targets[0].endpoint",
            "'*'",
        ),
        (
            SqsTarget(queue_arn=OWN_QUEUE),
            "rules.targets[0].message_group_id",
            "FIFO queue",
        ),
        (
            SqsTarget(queue_arn=OWN_QUEUE, message_group_id="g" * 101),
            "rules.targets[0].message_group_id",
            "at most 100",
        ),
        (
            SqsTarget(input_path="$.detail", input_transformer=TRANSFORMER),
            "rules.targets[0].input_path",
            "exclusive",
        ),
        (FirehoseTarget(), "rules.targets[0].bucket_arn", "either delivery_stream_arn"),
        # The role's grant is `<bucket>/<prefix up to its first expression>*`.
        (FirehoseTarget(bucket_arn=BUCKET, prefix=""), "rules.targets[0].prefix", "ending in '/'"),
        (
            FirehoseTarget(bucket_arn=BUCKET, prefix="!{timestamp:yyyy}/"),
            "rules.targets[0].prefix",
            "a folder of its own",
        ),
        (
            FirehoseTarget(bucket_arn=BUCKET, prefix="genesys"),
            "rules.targets[0].prefix",
            "neighbouring folders",
        ),
        (
            SqsTarget(message_retention_seconds=59),
            "rules.targets[0].message_retention_seconds",
            "60 to 1209600 seconds",
        ),
        (
            SqsTarget(
                queue_arn=OWN_QUEUE + ".fifo", message_group_id="g", message_retention_seconds=60
            ),
            "rules.targets[0].message_retention_seconds",
            "applies to a queue the component makes",
        ),
        (
            StepFunctionsTarget(state_machine_arn=FUNCTION),
            "rules.targets[0].state_machine_arn",
            "not an ARN of service 'states'",
        ),
        (
            SqsTarget(retry_policy=RetryPolicyArgs(maximum_retry_attempts=186)),
            "rules.targets[0].retry_policy.maximum_retry_attempts",
            "0 to 185",
        ),
    ],
)
def test_bad_targets_are_refused_naming_the_field(target: Any, field: str, words: str) -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(
                topics=TOPICS, aws_region=REGION, rules=[RuleArgs(name="r", targets=[target])]
            ),
        )
    assert caught.value.field == field
    assert words in str(caught.value)
    assert "'v'" not in str(caught.value)  # a credential never appears in an error


def test_300_rules_share_one_role_per_resource_and_one_small_logs_policy() -> None:
    rules = [
        RuleArgs(
            name=f"r{i}",
            targets=[StepFunctionsTarget(state_machine_arn=STATE_MACHINE), LogGroupTarget()],
        )
        for i in range(300)
    ]
    deployment = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events", SubscriptionArgs(topics=TOPICS, rules=rules, aws_region=REGION)
        )
    )
    targets = deployment.of_type(TARGET)
    assert len(targets) == 600
    # One delivery role for the one state machine, not one per rule.
    (role,) = deployment.of_type(ROLE)
    users = {t.inputs.get("roleArn") for t in targets if t.inputs["arn"] == STATE_MACHINE}
    assert users == {role.outputs["arn"]}
    # 300 groups, one Logs resource policy whose size does not depend on them.
    assert len(deployment.of_type(LOG_GROUP)) == 300
    (policy,) = deployment.of_type(LOGS_POLICY)
    document = policy.inputs["policyDocument"]
    assert len(document) < 1000, len(document)
    assert only_statement(json.loads(document))["Resource"] == [
        f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/aws/events/test-cx-events/*:*"
    ]


def test_your_queue_without_a_managed_policy_is_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(
                topics=TOPICS,
                aws_region=REGION,
                rules=[RuleArgs(name="q", targets=[SqsTarget(queue_arn=STANDARD_QUEUE)])],
            ),
        )
    )
    warned = [
        r.getMessage() for r in caplog.records if "the queue's policy is yours" in r.getMessage()
    ]
    assert len(warned) == 1 and "rule 'q', targets[0]" in warned[0]
    assert "sqs:SendMessage" in warned[0]


def test_two_stacks_in_one_account_name_their_target_resources_apart(
    every_kind: Deployment,
) -> None:
    # dev and prod of one program in one account and region: a fixed name shared by both would
    # fail the second `up` (log group, stream, connection, API destination already exist), and
    # the Logs resource policy of the same name would be silently overwritten by the other stack.
    prod = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events", SubscriptionArgs(topics=TOPICS, rules=RULES, aws_region=REGION)
        ),
        stack="prod",
    )
    for typ, key in [
        (LOG_GROUP, "name"),
        (STREAM, "name"),
        (CONNECTION, "name"),
        (DESTINATION, "name"),
        (LOGS_POLICY, "policyName"),
    ]:
        test_names = {r.inputs[key] for r in every_kind.of_type(typ)}
        prod_names = {r.inputs[key] for r in prod.of_type(typ)}
        assert test_names and prod_names
        assert not test_names & prod_names, f"{typ}: both stacks name {test_names & prod_names}"


def test_a_firehose_prefix_with_expressions_is_writable_where_firehose_writes() -> None:
    # Firehose expands `!{timestamp:...}` into the key (genesys/2026/12/01/...): a policy on the
    # literal `genesys/!{timestamp:yyyy/MM/dd}/*` would deny every write.
    rules = [
        RuleArgs(
            name="firehose",
            targets=[FirehoseTarget(bucket_arn=BUCKET, prefix="genesys/!{timestamp:yyyy/MM/dd}/")],
        )
    ]
    deployment = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(
                topics=TOPICS,
                aws_region=REGION,
                rules=rules,
            ),
        )
    )
    s3_policy = deployment.named("cx-events-firehose-stream-role-policy")
    by_sid = {s["Sid"]: s["Resource"] for s in document(s3_policy)["Statement"]}
    assert by_sid["BucketLevel"] == BUCKET
    assert by_sid["ObjectsUnderPrefix"] == f"{BUCKET}/genesys/*"
    # Failed records go under their own prefix: `errors/genesys/!{timestamp:...}/<type>/`.
    assert by_sid["ErrorObjectsUnderPrefix"] == f"{BUCKET}/errors/genesys/*"


def test_a_made_queue_keeps_messages_as_long_as_configured() -> None:
    deployed = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx-events",
            SubscriptionArgs(
                topics=TOPICS,
                rules=[RuleArgs(name="sqs", targets=[SqsTarget(message_retention_seconds=3600)])],
            ),
        )
    )
    rules = [RuleArgs(name="sqs", targets=[SqsTarget(message_retention_seconds=3600)])]
    queue = deployed.named(child("sqs-target-0-queue", rules))
    assert queue.inputs["messageRetentionSeconds"] == 3600
    # Its dead-letter queue still keeps what the redrive moves there for the longest SQS allows.
    dlq = deployed.named(child("sqs-target-0-queue-dlq", rules))
    assert dlq.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
