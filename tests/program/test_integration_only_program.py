"""examples/integration-only's program checks its config before declaring anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genesys_eventbridge.provider.integration_config import IntegrationConfigError
from tests.mocking import INTEGRATION_TYPE, run_stack

PROGRAM = Path(__file__).resolve().parents[2] / "examples" / "integration-only" / "__main__.py"
NAMESPACE = "genesys-integration-only"
PRESENCE = "v2.users.{id}.presence"


def run(integrations: list[dict[str, Any]], **settings: Any) -> Any:
    config = {
        f"{NAMESPACE}:awsAccountId": "012345678901",
        f"{NAMESPACE}:awsRegion": "eu-west-1",
        f"{NAMESPACE}:integrations": integrations,
        **{f"{NAMESPACE}:{key}": value for key, value in settings.items()},
    }
    return run_stack(PROGRAM, config, project=NAMESPACE, stack="dev")


def test_each_entry_declares_an_integration_with_the_defaults() -> None:
    stack = run(
        [
            {"name": "orders", "topics": [PRESENCE]},
            {
                "name": "audits",
                "topics": [PRESENCE],
                "awsRegion": "us-east-1",
                "eventSourceSuffix": "audits-dev",
            },
        ]
    )
    declared = {r.name: r.inputs for r in stack.of_type(INTEGRATION_TYPE)}
    assert declared["orders"]["aws_account_id"] == "012345678901"
    assert (
        declared["orders"]["event_source_suffix"] == "dev-orders"
    )  # the stack keeps two stacks apart
    assert declared["audits"]["aws_region"] == "us-east-1"
    assert declared["audits"]["event_source_suffix"] == "audits-dev"
    assert set(stack.exports) == {"orders", "audits"}


def test_a_misspelled_field_and_an_unquoted_account_fail_together() -> None:
    entries: list[dict[str, Any]] = [
        {"name": "orders", "topics": [PRESENCE], "eventSourceSufix": "orders-prod"},
        {"name": "audits", "topics": [PRESENCE], "awsAccountId": 12345678901},
    ]
    with pytest.raises(IntegrationConfigError) as caught:
        run(entries)
    assert [p.split(":", 1)[0] for p in caught.value.problems] == [
        "integrations[0].eventSourceSufix",
        "integrations[1].awsAccountId",
    ]
    assert "did you mean eventSourceSuffix?" in caught.value.problems[0]
    assert "quote it" in caught.value.problems[1]
