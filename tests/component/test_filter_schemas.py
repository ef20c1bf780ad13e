"""Under mocks: the component hands every rule's filter policy and topics to the integration,
and the provider's check() (against the emulator's catalog) rejects the bad ones by rule name."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
)
from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider import EventBridgeIntegrationProvider
from tests.mocking import INTEGRATION_TYPE, run_program

ACD_START = "v2.detail.events.conversation.{id}.acd.start"
AUDITS = "v2.audits.entitytype.{id}.entityid.{id}"


def integration_inputs(**kwargs: Any) -> dict[str, Any]:
    """The EventBridgeIntegration inputs a subscription declares."""
    kwargs.setdefault("topics", [ACD_START, AUDITS])
    deployment = run_program(
        lambda: GenesysEventBridgeSubscription("cx-events", SubscriptionArgs(**kwargs))
    )
    inputs = deployment.one(INTEGRATION_TYPE).inputs
    return {key: value for key, value in inputs.items() if key != "__provider"}


def test_the_component_passes_each_filtered_rule_with_its_topics() -> None:
    inputs = integration_inputs(
        rules=[
            RuleArgs(name="sales", topics=[ACD_START], filter_policy={"detail.eventBody.x": [1]}),
            RuleArgs(name="everything"),  # no filter: nothing to check
        ]
    )
    assert json.loads(inputs["rule_filters"]) == [
        {"rule": "sales", "topics": [ACD_START], "filterPolicy": {"detail.eventBody.x": [1]}}
    ]
    assert "rule_filters" not in integration_inputs()  # no filter policy at all


def test_check_rejects_the_components_misspelt_and_mistyped_fields(
    emulator: GenesysEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = integration_inputs(
        rules=[
            RuleArgs(
                name="sales",
                topics=[ACD_START],
                filter_policy={"detail.eventBody.queueID": [{"prefix": "9e8d"}]},
            ),
            RuleArgs(
                name="deletes",
                topics=[AUDITS],
                filter_policy={
                    "detail.eventBody.action": [{"anything-but": "Update"}],
                    "detail.eventBody.eventTime": [{"numeric": [">", 0]}],
                },
            ),
        ]
    )
    for key, value in emulator.settings_env().items():
        monkeypatch.setenv(key, value)
    result = EventBridgeIntegrationProvider().check({}, inputs)
    assert [(f.property, f.reason) for f in result.failures] == [
        (
            "",
            "rule 'sales': filter field 'detail.eventBody.queueID' is not a field of the events"
            f" of '{ACD_START}'; did you mean 'detail.eventBody.queueId'?",
        ),
        (
            "",
            "rule 'deletes': filter field 'detail.eventBody.eventTime' holds a string in the"
            f" events of '{AUDITS}', but the filter matches it against"
            ' {"numeric": [">", 0]}, which never matches',
        ),
    ]


def test_an_output_in_a_filter_policy_reaches_the_check_resolved() -> None:
    inputs = integration_inputs(
        filter_policy={"detail.eventBody.queueId": [pulumi.Output.from_input("q-1")]}
    )
    [rule] = json.loads(inputs["rule_filters"])
    assert rule["filterPolicy"] == {"detail.eventBody.queueId": ["q-1"]}
