"""The stack program under mocks: the example stack, and bad config naming its path."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import rpc

from genesys_eventbridge.components.stack_config import StackConfigError, parse_subscriptions
from tests.mocking import COMPONENT_TYPE, run_stack

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
KEY = "genesys-eventbridge:subscriptions"
PARTNER_KEY = "genesys-eventbridge:partnerApiKey"  # the example's HTTPS target's API key
# The example stack as after `pulumi config set --secret genesys-eventbridge:partnerApiKey ...`.
EXAMPLE: dict[str, Any] = {PARTNER_KEY: "sentinel-partner-key"} | yaml.safe_load(
    (ROOT / "Pulumi.example.yaml").read_text()
)["config"]


def run(config: dict[str, Any]) -> Any:
    return run_stack(
        PROGRAM, config, project="genesys-eventbridge", stack="example", secret_keys=[PARTNER_KEY]
    )


def test_example_stack_declares_its_subscriptions_and_exports_them() -> None:
    result = run(EXAMPLE)
    components = result.of_type(COMPONENT_TYPE)
    assert sorted(c.name for c in components) == [
        "contact-centre",
        "conversation-ends",
        "cx-analytics",
    ]
    rules = result.of_type("aws:cloudwatch/eventRule:EventRule")
    names = sorted(r.name for r in rules)
    assert names == [
        "contact-centre-rule-presence-audits",
        "contact-centre-rule-sales-queues",
        "contact-centre-rule-voice-customers",
        "conversation-ends-rule-default",
        "cx-analytics-rule-forward",
        "cx-analytics-rule-store",
    ]
    assert set(result.exports) == {"conversation-ends", "contact-centre", "cx-analytics"}
    exported = result.exports["contact-centre"]
    assert set(exported["rule_arns"]) == {"sales-queues", "voice-customers", "presence-audits"}
    assert exported["event_source_name"].endswith("/cc-prod")
    assert exported["event_bus_name"] == exported["event_source_name"]
    [notify] = result.of_type("aws:lambda/invocation:Invocation")
    assert notify.name.startswith("contact-centre")


def with_entry(index: int, **changes: Any) -> dict[str, Any]:
    config = copy.deepcopy(EXAMPLE)
    entry = config[KEY][index]
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return config


@pytest.mark.parametrize(
    ("config", "path", "hint"),
    [
        (with_entry(1, filterPolicy={"detail.x": ["a"]}), "subscriptions[1].filterPolicy", "rules"),
        (with_entry(0, topics=None), "subscriptions[0].topics", "is required"),
        (with_entry(0, topics=[]), "subscriptions[0].topics", "at least one topic"),
        (with_entry(0, tpoics=["x"]), "subscriptions[0].tpoics", "did you mean topics?"),
        (with_entry(0, name="has space"), "subscriptions[0].name", "letters, digits"),
        (with_entry(1, name="conversation-ends"), "subscriptions[1].name", "unique"),
        (
            with_entry(1, retryPolicy={"maximumRetryAttempts": 500}),
            "subscriptions[1].retryPolicy.maximumRetryAttempts",
            "less than or equal to 185",
        ),
        (
            with_entry(
                1,
                rules=[
                    {"name": "r", "filterPolicy": {"detail.eventBody.queueId": [{"prefx": "a"}]}}
                ],
            ),
            "subscriptions[1].rules[0].filterPolicy",
            "prefx",
        ),
        (
            with_entry(1, rules=[{"name": "r", "topics": ["v2.users.{id}.presence"]}]),
            "subscriptions[1].rules[0].topics",
            "v2.users.{id}.presence",
        ),
        ({KEY: "not a list"}, "subscriptions", "not a plain string"),
        ({KEY: {"name": "x"}}, "subscriptions", "valid list"),
        ({}, "subscriptions", "missing"),
    ],
)
def test_bad_config_names_the_path_and_declares_nothing(
    config: dict[str, Any], path: str, hint: str
) -> None:
    with pytest.raises(StackConfigError) as caught:
        run(config)
    message = str(caught.value)
    assert message.startswith(path + ":") or f"; {path}:" in message, message
    assert hint in message


# -- one layer of config errors ------------------------------------------------------------------


def _problems(config: dict[str, Any]) -> list[str]:
    with pytest.raises(StackConfigError) as caught:
        run(config)
    return caught.value.problems


def test_an_unquoted_account_id_is_told_to_be_quoted() -> None:
    # YAML reads `awsAccountId: 012345678901` as the number 12345678901.
    [problem] = _problems(with_entry(0, awsAccountId=12345678901))
    assert problem == (
        "subscriptions[0].awsAccountId: must be a string of 12 digits, got a number;"
        ' quote it (e.g. "012345678901") so leading zeros survive'
    )


def test_a_short_account_id_is_reported_by_its_config_path() -> None:
    [problem] = _problems(with_entry(0, awsAccountId="12345"))
    assert problem == (
        "subscriptions[0].awsAccountId: must be exactly 12 digits, e.g. '123456789012'; got '12345'"
    )


def test_a_misspelled_project_key_names_the_closest_key() -> None:
    config = {k: v for k, v in EXAMPLE.items() if k not in (KEY, PARTNER_KEY)}
    config["genesys-eventbridge:subscription"] = EXAMPLE[KEY]
    assert _problems(config) == [
        "genesys-eventbridge:subscription: is not a key this program reads (Pulumi would ignore"
        " it); did you mean genesys-eventbridge:subscriptions?"
    ]


def test_a_misspelled_genesys_setting_names_the_closest_key() -> None:
    config = {**EXAMPLE, "genesyscloud:oauthClientId": "abc"}
    assert _problems(config) == [
        "genesyscloud:oauthClientId: is not a known Genesys Cloud setting; did you mean"
        " genesyscloud:oauthclientId?"
    ]


def test_a_bad_lambda_code_path_is_reported_as_lambda_code_path() -> None:
    code = {"path": "no-such-dir", "handler": "app.handler"}
    [problem] = _problems(with_entry(0, lambdaCode=code))
    assert problem == (
        "subscriptions[0].lambdaCode.path: 'no-such-dir' is not a directory; give the directory"
        f" holding the function's code, relative to the project directory ({Path.cwd()})"
    )


def test_a_misspelled_nested_field_names_the_closest_field() -> None:
    rules = [{"name": "r", "filterPolcy": {"detail.eventBody.queueId": ["a"]}}]
    [problem] = _problems(with_entry(1, rules=rules))
    assert (
        problem
        == "subscriptions[1].rules[0].filterPolcy: is not a known field; did you mean filterPolicy?"
    )


def test_every_bad_entry_is_reported_at_once() -> None:
    config = with_entry(0, awsRegion="EU_WEST_1")
    config[KEY][1]["eventSourceSuffix"] = "has space"
    problems = _problems(config)
    assert [p.split(":", 1)[0] for p in problems] == [
        "subscriptions[0].awsRegion",
        "subscriptions[1].eventSourceSuffix",
    ]
    assert "(did you mean 'eu-west-1'?)" in problems[0]


def test_an_unquoted_account_id_does_not_hide_pattern_errors_of_other_subscriptions() -> None:
    bad_pattern = [{"name": "r", "filterPolicy": {"detail.eventBody.queueId": [{"prefx": "a"}]}}]
    config = with_entry(0, awsAccountId=12345678901)
    config[KEY][1]["rules"] = bad_pattern
    config[KEY][2]["rules"] = bad_pattern  # its https target, and the key of its credential, go
    config.pop(PARTNER_KEY)
    config["genesys-eventbridge:subscription"] = "misspelled"
    with pytest.raises(StackConfigError) as caught:
        run(config)
    assert [
        p.split(":", 2)[:2] if p.startswith("genesys") else p.split(":", 1)[0]
        for p in caught.value.problems
    ] == [
        ["genesys-eventbridge", "subscription"],
        "subscriptions[0].awsAccountId",
        "subscriptions[1].rules[0].filterPolicy",
        "subscriptions[2].rules[0].filterPolicy",
    ]
    # Shown once, one problem a line, under a count.
    lines = str(caught.value).splitlines()
    assert lines[0] == "4 problems in the stack config:"
    assert [line.strip() for line in lines[1:]] == caught.value.problems


# -- secrets from the stack config --------------------------------------------------------------


def _with_secret_environment(tmp_path: Path) -> dict[str, Any]:
    code = tmp_path / "callback"
    code.mkdir()
    (code / "app.py").write_text("def handler(event, context):\n    return None\n")
    return with_entry(
        0,
        lambdaCode={
            "path": str(code),
            "handler": "app.handler",
            "environment": {"TOKEN": "s3cr3t-token-value", "MODE": "strict"},
        },
    )


def _lambda_environment(result: Any) -> Any:
    [function] = [
        r
        for r in result.of_type("aws:lambda/function:Function")
        if r.name.startswith("conversation-ends")
    ]
    return function.inputs["environment"]


def test_a_secret_set_with_path_stays_secret_in_the_lambda_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pulumi config set --secret --path 'genesys-eventbridge:subscriptions[0].lambdaCode.
    # environment.TOKEN' ...` makes the engine list the whole key as secret; get_object returns
    # its values plain.
    config = _with_secret_environment(tmp_path)
    stack_file = copy.deepcopy(config)
    stack_file[KEY][0]["lambdaCode"]["environment"]["TOKEN"] = {"secure": "v1:dG9rZW4="}
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.example.yaml").write_text(yaml.safe_dump({"config": stack_file}))
    monkeypatch.chdir(tmp_path)
    result = run_stack(
        PROGRAM,
        config,
        project="genesys-eventbridge",
        stack="example",
        secret_keys=[KEY, PARTNER_KEY],
    )
    # A secret value makes the Lambda's whole environment input secret: encrypted in the state.
    environment = _lambda_environment(result)
    assert rpc.is_rpc_secret(environment)
    variables = rpc.unwrap_rpc_secret(environment)["variables"]
    assert variables == {"TOKEN": "s3cr3t-token-value", "MODE": "strict"}


def test_without_a_secret_the_environment_is_plain(tmp_path: Path) -> None:
    result = run(_with_secret_environment(tmp_path))
    environment = _lambda_environment(result)
    assert not rpc.is_rpc_secret(environment)
    assert environment["variables"]["TOKEN"] == "s3cr3t-token-value"


def test_a_secure_value_elsewhere_is_refused_naming_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _with_secret_environment(tmp_path)
    stack_file = copy.deepcopy(config)
    stack_file[KEY][0]["notes"] = {"secure": "v1:c2VjcmV0"}
    stack_file[KEY][0]["lambdaCode"]["environment"]["TOKEN"] = {"secure": "v1:dG9rZW4="}
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.example.yaml").write_text(yaml.safe_dump({"config": stack_file}))
    with pytest.raises(StackConfigError) as caught:
        run_stack(
            PROGRAM,
            config,
            project="genesys-eventbridge",
            stack="example",
            secret_keys=[KEY, PARTNER_KEY],
        )
    assert caught.value.problems == [
        "subscriptions[0].notes: is set with --secret, but only lambdaCode.environment values"
        " can stay secret (this value names or shapes resources, which Pulumi shows in plain"
        " text); set it without --secret, or move the secret into the callback's environment"
    ]


@pytest.mark.parametrize("key", ["genesyscloud:oauthclientSecret", "genesyscloud:accessToken"])
def test_a_genesys_credential_set_without_secret_is_refused(key: str) -> None:
    # The engine records stack config in the state as the default provider's inputs.
    config = EXAMPLE | {key: "sentinel-genesys-credential"}
    with pytest.raises(StackConfigError) as caught:
        run(config)
    [problem] = caught.value.problems
    assert problem.startswith(f"{key}: is set in plain text")
    assert f"pulumi config set --secret {key} <value>" in problem
    assert "sentinel" not in problem
    # Set with --secret, the same value is taken.
    run_stack(
        PROGRAM,
        config,
        project="genesys-eventbridge",
        stack="example",
        secret_keys=[PARTNER_KEY, key],
    )


def test_an_integration_declared_directly_refuses_a_plain_genesys_credential() -> None:
    program = ROOT / "examples" / "integration-only" / "__main__.py"
    project = yaml.safe_load((program.parent / "Pulumi.yaml").read_text())
    config = {
        name: spec["default"] if isinstance(spec["default"], str) else json.dumps(spec["default"])
        for name, spec in project["config"].items()
    } | {"genesyscloud:oauthclientSecret": "sentinel-genesys-credential"}
    with pytest.raises(pulumi.RunError, match="genesyscloud:oauthclientSecret: is set in plain"):
        run_stack(program, config, project=project["name"], stack="dev")


# -- filter policies given as JSON text ---------------------------------------------------------

POLICY = {"detail.eventBody.queueId": [{"prefix": "9e8d"}]}
ACD_START = "v2.detail.events.conversation.{id}.acd.start"


@pytest.mark.parametrize("where", ["rule", "subscription", "archive"])
def test_a_filter_policy_given_as_json_text_is_read_as_the_object_it_holds(where: str) -> None:
    # As `pulumi config set --path '...filterPolicy' '{...}'` stores it, or pasted from AWS.
    def entry(policy: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "name": "x",
            "topics": ["v2.detail.events.conversation.{id}.acd.start"],
        }
        if where == "rule":
            return {**base, "rules": [{"name": "r", "filterPolicy": policy}]}
        if where == "archive":
            return {**base, "archive": {"filterPolicy": policy}}
        return {**base, "filterPolicy": policy}

    [as_text] = parse_subscriptions([entry(json.dumps(POLICY))])
    [as_mapping] = parse_subscriptions([entry(POLICY)])
    assert as_text.to_args() == as_mapping.to_args()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"detail.eventBody.queueId": [{"prefix": "9e8d"}]',
            "subscriptions[0].rules[0].filterPolicy: is text that is not a JSON object"
            " (Expecting ',' delimiter at line 1 column 50)",
        ),
        (
            '[{"detail.eventBody.queueId": ["q1"]}]',
            "subscriptions[0].rules[0].filterPolicy: is JSON holding a list, not an object",
        ),
    ],
)
def test_a_filter_policy_that_is_not_a_json_object_names_the_path_and_the_json_error(
    text: str, expected: str
) -> None:
    raw = [
        {
            "name": "x",
            "topics": ["v2.users.{id}.presence"],
            "rules": [{"name": "r", "filterPolicy": text}],
        }
    ]
    with pytest.raises(StackConfigError) as caught:
        parse_subscriptions(raw)
    [problem] = caught.value.problems
    assert problem.startswith(expected), problem
    assert "pulumi config set --path" in problem and "valid dictionary" not in problem


def test_a_malformed_aws_region_is_reported_with_the_other_problems() -> None:
    # validate and preview alike: the rules of subscriptions without awsRegion go there.
    raw = [{"name": "x", "topics": ["v2.users.{id}.presence"], "awsAccountId": 12345678901}]
    with pytest.raises(StackConfigError) as caught:
        parse_subscriptions(raw, default_region="eu-west1")
    assert [p.split(":", 1)[0] for p in caught.value.problems] == [
        "aws",
        "subscriptions[0].awsAccountId",
    ]
    assert caught.value.problems[0] == (
        "aws:region: must be an AWS region in hyphenated form such as 'us-east-1'; got 'eu-west1'"
    )


def test_a_rule_name_given_twice_is_reported_where_it_is_repeated() -> None:
    rules = [{"name": "a"}, {"name": "b"}, {"name": "a"}]
    with pytest.raises(StackConfigError) as caught:
        parse_subscriptions([{"name": "x", "topics": ["v2.users.{id}.presence"], "rules": rules}])
    [problem] = caught.value.problems
    assert problem.startswith("subscriptions[0].rules[2].name: rule 'a' is declared twice")
