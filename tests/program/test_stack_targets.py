"""Targets in stack config under mocks: each bad row fails with its config path before anything
is declared, and an HTTPS target's credential is taken only as a Pulumi secret."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from genesys_eventbridge.components.stack_config import StackConfigError
from genesys_eventbridge.components.targets.config import SUBSCRIPTIONS_KEY, SecretResolver
from tests.mocking import StackRun, run_stack

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
API_KEY_CONFIG = "genesys-eventbridge:hookKey"
API_KEY = "sentinel-hook-key-51c0"
CONNECTION = "aws:cloudwatch/eventConnection:EventConnection"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
SIG, SECRET_SIG = pulumi.runtime.rpc._special_sig_key, pulumi.runtime.rpc._special_secret_sig


def https(value: Any = None, endpoint: str = "https://hooks.example.com/in") -> dict[str, Any]:
    return {
        "kind": "https",
        "endpoint": endpoint,
        "auth": {"apiKey": {"header": "x-api-key", "value": value or {"fromConfig": "hookKey"}}},
    }


def stack(*targets: Any, secret_keys: tuple[str, ...] = (API_KEY_CONFIG,)) -> StackRun:
    config: dict[str, Any] = {
        "aws:region": "us-east-1",
        SUBSCRIPTIONS_KEY: [
            {
                "name": "cx",
                "topics": ["v2.detail.events.conversation.{id}.customer.end"],
                "rules": [{"name": "r", "targets": list(targets)}],
            }
        ],
    }
    if "hookKey" in json.dumps(targets):
        config[API_KEY_CONFIG] = API_KEY  # a key nothing reads is refused (config_errors)
    return run_stack(
        PROGRAM, config, project="genesys-eventbridge", stack="t", secret_keys=list(secret_keys)
    )


PATH = "subscriptions[0].rules[0].targets"


@pytest.mark.parametrize(
    ("targets", "path", "words"),
    [
        ([{"kind": "kafka", "topic": "x"}], f"{PATH}[0]", "unknown target kind"),
        (
            ["callback", {"queueArn": "arn:aws:sqs:us-east-1:1:q"}],
            f"{PATH}[1]",
            "unknown target kind",
        ),
        (
            ["arn:aws:lambda:eu-west-1:123456789012:function:elsewhere"],
            f"{PATH}[0]",
            "is in eu-west-1, but the subscription's bus and rules are in us-east-1",
        ),
        (
            [{"kind": "lambda", "functionArn": "arn:aws:lambda:eu-west-1:123456789012:function:f"}],
            f"{PATH}[0].functionArn",
            "is in region 'eu-west-1'",
        ),
        ([https(endpoint="http://hooks.example.com/in")], f"{PATH}[0].endpoint", "is not https"),
        ([https(value=API_KEY)], f"{PATH}[0].auth.apiKey.value", "plain text in stack config"),
        ([https(value={"fromConfig": "noSuchKey"})], f"{PATH}[0].auth.apiKey.value", "not set"),
        ([{"kind": "sqs"}] * 6, PATH, "6 targets, more than EventBridge's 5"),
        ([{"kind": "sqs", "maxReceiveCount": 0}], f"{PATH}[0].maxReceiveCount", "greater than"),
        (
            [{"kind": "https", "endpoint": "https://h.example.com", "auth": {}}],
            f"{PATH}[0].auth",
            "exactly one",
        ),
        ([{"kind": "firehose"}], f"{PATH}[0].bucketArn", "either deliveryStreamArn"),
    ],
)
def test_bad_target_rows_name_their_config_path(targets: list[Any], path: str, words: str) -> None:
    with pytest.raises(StackConfigError) as caught:
        stack(*targets)
    message = str(caught.value)
    assert message.startswith(path + ":") or f"; {path}:" in message, message
    assert words in message
    assert API_KEY not in message


def test_an_api_key_in_a_plain_config_key_is_refused() -> None:
    with pytest.raises(StackConfigError) as caught:
        stack(https(), secret_keys=())
    assert str(caught.value).startswith(f"{PATH}[0].auth.apiKey.value:")
    assert f"pulumi config set --secret {API_KEY_CONFIG}" in str(caught.value)
    assert API_KEY not in str(caught.value)


def test_an_api_key_from_a_secret_key_reaches_the_connection_as_a_secret() -> None:
    result = stack(https(), "callback")
    (connection,) = result.of_type(CONNECTION)
    parameters = connection.inputs["authParameters"]
    assert parameters[SIG] == SECRET_SIG
    assert parameters["value"]["apiKey"] == {"key": "x-api-key", "value": API_KEY}
    assert API_KEY not in json.dumps(result.exports)
    assert len(result.of_type(TARGET)) == 2


def test_an_inline_key_needs_the_stack_file_to_mark_it_secure() -> None:
    path = f"{PATH}[0].auth.apiKey.value"
    # Set in place with `--secret --path`: the stack file has `secure:` at that very path.
    SecretResolver(secret=True, secure_paths={path}).check("x", path)
    # The key holds a secret, but another value of it: this one is plain text in the file.
    with pytest.raises(ValueError, match="plain text"):
        SecretResolver(secret=True, secure_paths={f"{PATH}[1].auth.apiKey.value"}).check("x", path)
    with pytest.raises(ValueError, match="plain text"):
        SecretResolver(secret=False).check("x", path)
    # The stack file could not be read (e.g. config from an ESC environment): the key's word.
    SecretResolver(secret=True, secure_paths=None).check("x", path)


def test_an_inline_key_set_with_secret_path_is_accepted_and_stays_secret() -> None:
    config = {
        "aws:region": "us-east-1",
        SUBSCRIPTIONS_KEY: [
            {
                "name": "cx",
                "topics": ["v2.detail.events.conversation.{id}.customer.end"],
                "rules": [{"name": "r", "targets": [https(value=API_KEY)]}],
            }
        ],
    }
    result = run_stack(
        PROGRAM, config, project="genesys-eventbridge", stack="t", secret_keys=[SUBSCRIPTIONS_KEY]
    )
    (connection,) = result.of_type(CONNECTION)
    assert connection.inputs["authParameters"][SIG] == SECRET_SIG


def test_the_readme_targets_example_is_valid_input() -> None:
    readme = (ROOT / "README.md").read_text()
    [block] = re.findall(r"```yaml\n(targets:.*?)```", readme, re.S)
    targets = yaml.safe_load(block)["targets"]
    assert targets[0]["auth"]["apiKey"]["value"] == {"fromConfig": "partnerApiKey"}
    targets[0]["auth"]["apiKey"]["value"] = {"fromConfig": "hookKey"}  # this test's secret key
    result = stack(*targets)
    assert len(result.of_type(CONNECTION)) == 1


def test_two_made_queues_of_a_rule_need_keys_which_name_their_targets() -> None:
    with pytest.raises(Exception) as caught:
        stack({"kind": "sqs"}, {"kind": "sqs"})
    assert "targets[0] and targets[1] would both be known as 'sqs'" in str(caught.value)
    assert "give each a distinct `key`" in str(caught.value)
    result = stack({"kind": "sqs", "key": "orders"}, {"kind": "sqs", "key": "refunds"})
    ids = sorted(t.inputs["targetId"] for t in result.of_type(TARGET))
    assert ids == ["orders", "refunds"]
