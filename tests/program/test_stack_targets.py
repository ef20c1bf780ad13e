"""Targets in stack config under mocks: each bad row fails with its config path before anything
is declared, and an HTTPS target's credential is taken only as a Pulumi secret."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from genesys_eventbridge.components.stack_config import StackConfigError
from genesys_eventbridge.components.targets import HttpsTarget
from genesys_eventbridge.components.targets.config import (
    SUBSCRIPTIONS_KEY,
    FromConfig,
    HttpsTargetConfig,
    SecretResolver,
)
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
            [{"kind": "sqs", "messageRetentionSeconds": 1209601}],
            f"{PATH}[0].messageRetentionSeconds",
            "less than or equal to 1209600",
        ),
        (
            [{"kind": "https", "endpoint": "https://h.example.com", "auth": {}}],
            f"{PATH}[0].auth",
            "exactly one",
        ),
        ([{"kind": "firehose"}], f"{PATH}[0].bucketArn", "either deliveryStreamArn"),
        (
            [{"kind": "firehose", "bucketArn": "arn:aws:s3:::b", "errorPrefix": "genesys/e/"}],
            f"{PATH}[0].errorPrefix",
            "is under prefix 'genesys/'",
        ),
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
    # Where it is secure cannot be known (no stack file, e.g. config from an ESC environment).
    with pytest.raises(ValueError, match="plain text"):
        SecretResolver(secret=True, secure_paths=None).check("x", path)


def test_an_inline_key_set_with_secret_path_is_accepted_and_stays_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    # The stack file, found from the project directory, has `secure:` at the credential's path.
    on_file = json.loads(json.dumps(config))
    on_file[SUBSCRIPTIONS_KEY][0]["rules"][0]["targets"][0]["auth"]["apiKey"]["value"] = {
        "secure": "v1:a2V5"
    }
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.t.yaml").write_text(yaml.safe_dump({"config": on_file}))
    monkeypatch.chdir(tmp_path)
    result = run_stack(
        PROGRAM, config, project="genesys-eventbridge", stack="t", secret_keys=[SUBSCRIPTIONS_KEY]
    )
    (connection,) = result.of_type(CONNECTION)
    assert connection.inputs["authParameters"][SIG] == SECRET_SIG


def resolved(make: Callable[[], Any]) -> tuple[bool, Any]:
    """Whether the credential `make` returns is a secret Output, and its value, with this test's
    secret config key set (as the engine hands it to a program)."""

    async def run() -> tuple[bool, Any]:
        # Config lives in context variables: set in this task, it is gone when the test ends.
        pulumi.runtime.set_all_config({API_KEY_CONFIG: API_KEY}, [API_KEY_CONFIG])
        output = pulumi.Output.from_input(make())
        return await output.is_secret(), await output.future()

    # Not asyncio.run: it leaves the thread without the event loop later mocked runs use.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run())
    finally:
        loop.close()


INLINE = f"{PATH}[0].auth.apiKey.value"
FROM_CONFIG = FromConfig.model_validate({"fromConfig": "hookKey"})


@pytest.mark.parametrize(
    ("resolver", "value", "plain", "read"),
    [
        (SecretResolver(secret=True, secure_paths={INLINE}), "inline-key", "inline-key", True),
        (SecretResolver(), FROM_CONFIG, API_KEY, True),
        # `validate`: checked against the stack's keys, never read.
        (SecretResolver(keys={API_KEY_CONFIG: True}), FROM_CONFIG, API_KEY, False),
        # `match`: credentials are neither checked nor read.
        (SecretResolver(check_credentials=False), "inline-key", "inline-key", False),
    ],
    ids=["inline-secure-path", "from-config", "validate", "rules-only"],
)
def test_the_resolver_gives_every_credential_back_as_a_secret(
    resolver: SecretResolver, value: Any, plain: str, read: bool
) -> None:
    secret, got = resolved(lambda: resolver.resolve(value, INLINE))
    assert secret is True
    assert (got == plain) is read


AUTH_KINDS = {
    "apiKey.value": lambda value: {"apiKey": {"header": "x-api-key", "value": value}},
    "basic.password": lambda value: {"basic": {"username": "u", "password": value}},
    "oauth.clientSecret": lambda value: {
        "oauth": {
            "authorizationEndpoint": "https://login.example.com/token",
            "clientId": "c",
            "clientSecret": value,
        }
    },
}


@pytest.mark.parametrize("inline", [False, True], ids=["from-config", "inline"])
@pytest.mark.parametrize(
    ("where", "attribute"),
    [
        ("apiKey.value", "value"),
        ("basic.password", "password"),
        ("oauth.clientSecret", "client_secret"),
    ],
)
def test_an_https_targets_credential_comes_back_secret_for_every_auth_kind(
    where: str, attribute: str, inline: bool
) -> None:
    value = API_KEY if inline else {"fromConfig": "hookKey"}
    auth = AUTH_KINDS[where](value)
    config = HttpsTargetConfig.model_validate(
        {"kind": "https", "endpoint": "https://hooks.example.com/in", "auth": auth}
    )
    # Inline, the stack file marks that very path `secure:` (set with `--secret --path`).
    secrets = SecretResolver(secret=True, secure_paths={f"{PATH}[0].auth.{where}"})

    def the_credential() -> Any:
        target = config.to_target(secrets, f"{PATH}[0]")
        assert isinstance(target, HttpsTarget)
        return getattr(target.auth, attribute)

    assert resolved(the_credential) == (True, API_KEY)


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


def test_stream_and_queue_options_reach_the_resources_from_stack_config() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    result = stack(
        {"kind": "sqs", "messageRetentionSeconds": 86400},
        {
            "kind": "firehose",
            "bucketArn": "arn:aws:s3:::cx-analytics",
            "errorPrefix": "failed/",
            "newlineDelimited": False,
            "kmsKeyArn": key,
        },
    )
    (stream,) = result.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    s3 = stream.inputs["extendedS3Configuration"]
    assert s3["errorOutputPrefix"] == "failed/" and s3["kmsKeyArn"] == key
    assert "processingConfiguration" not in s3
    queues = {q.name: q.inputs for q in result.of_type("aws:sqs/queue:Queue")}
    assert queues["cx-rule-r-target-sqs-queue"]["messageRetentionSeconds"] == 86400


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        ("https://user:sentinel-pw@hooks.example.com/in", "credentials in the URL"),
        ("https://hooks.example.com/in?code=sentinel-code", "query string or fragment"),
        ("https://hooks.example.com/in#sentinel-frag", "query string or fragment"),
    ],
)
def test_an_endpoint_carrying_a_credential_is_refused_without_quoting_it(
    endpoint: str, words: str
) -> None:
    with pytest.raises(StackConfigError) as caught:
        stack(https(endpoint=endpoint))
    message = str(caught.value)
    assert message.startswith(f"{PATH}[0].endpoint:"), message
    assert words in message
    assert "'https://hooks.example.com/in'" in message
    assert "sentinel" not in message


def test_an_authorization_endpoint_carrying_a_credential_is_refused() -> None:
    target = {
        "kind": "https",
        "endpoint": "https://hooks.example.com/in",
        "auth": {
            "oauth": {
                "authorizationEndpoint": "https://id.example.com/token?secret=sentinel-s",
                "clientId": "c",
                "clientSecret": {"fromConfig": "hookKey"},
            }
        },
    }
    with pytest.raises(StackConfigError) as caught:
        stack(target)
    message = str(caught.value)
    assert f"{PATH}[0].auth.oauth.authorizationEndpoint:" in message
    assert "sentinel" not in message
