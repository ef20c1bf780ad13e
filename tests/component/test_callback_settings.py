"""The callback function's settings: runtime, architecture, reserved concurrency, log format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    LambdaCodeArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from tests.mocking import run_program

TOPICS = ["v2.users.{id}.presence"]
FUNCTION = "aws:lambda/function:Function"


def function_inputs(**kwargs: Any) -> dict[str, Any]:
    deployment = run_program(
        lambda: GenesysEventBridgeSubscription("cx", SubscriptionArgs(topics=TOPICS, **kwargs))
    )
    return deployment.one(FUNCTION).inputs


def test_the_bundled_handler_runs_python_3_13_on_arm64_with_text_logs() -> None:
    inputs = function_inputs()
    assert inputs["runtime"] == "python3.13"
    assert inputs["architectures"] == ["arm64"]
    assert inputs["loggingConfig"]["logFormat"] == "Text"
    assert "reservedConcurrentExecutions" not in inputs  # the account's unreserved pool


def test_reserved_concurrency_and_json_logs_are_options() -> None:
    inputs = function_inputs(reserved_concurrency=5, log_format="JSON")
    assert inputs["reservedConcurrentExecutions"] == 5
    assert inputs["loggingConfig"]["logFormat"] == "JSON"


def test_own_code_defaults_to_x86_and_may_choose_arm64(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return None\n")
    code = LambdaCodeArgs(code=str(tmp_path), handler="app.handler")
    inputs = function_inputs(lambda_code=code)
    # Own code may hold native wheels built for x86_64: it is not moved to arm64 silently.
    assert inputs["architectures"] == ["x86_64"] and inputs["runtime"] == "python3.13"
    arm = LambdaCodeArgs(code=str(tmp_path), handler="app.handler", architecture="arm64")
    assert function_inputs(lambda_code=arm)["architectures"] == ["arm64"]


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"reserved_concurrency": 0}, "reserved_concurrency", "from 1"),
        ({"log_format": "json"}, "log_format", "one of ['Text', 'JSON']"),
        (
            {"lambda_code": LambdaCodeArgs(code=".", handler="a.b", architecture="arm")},
            "lambda_code.architecture",
            "one of ['x86_64', 'arm64']",
        ),
        ({"partner_source_timeout": 3601}, "partner_source_timeout", "0 to 3600"),
    ],
)
def test_bad_callback_settings_are_refused(kwargs: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        GenesysEventBridgeSubscription("cx", SubscriptionArgs(topics=TOPICS, **kwargs))
    assert caught.value.field == field and words in str(caught.value)
