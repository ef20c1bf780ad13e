"""The bus waits for its own partner event source, found by its exact name among sources whose
names share a prefix (the AWS provider's lookup takes a prefix and fails on several matches)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime.mocks import MockCallArgs

from genesys_eventbridge.components import GenesysEventBridgeSubscription, SubscriptionArgs
from tests.mocking import GET_EVENT_SOURCE, ORG_ID, GenesysMocks, run_program

TOPICS = ["v2.detail.events.conversation.{id}.acd.start"]
BUS = "aws:cloudwatch/eventBus:EventBus"
PREFIX = f"aws.partner/genesys.com/cloud/{ORG_ID}/"


class PartnerSources(GenesysMocks):
    """AWS holding the partner sources `existing` (suffixes), answering as the data source does:
    the one source starting with the prefix, or an error for none or several."""

    def __init__(self, *existing: str) -> None:
        super().__init__()
        self.existing = [PREFIX + suffix for suffix in existing]

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token != GET_EVENT_SOURCE:
            return super().call(args)
        self.calls.append(args.token)
        matching = [n for n in self.existing if n.startswith(args.args["namePrefix"])]
        if len(matching) == 1:
            name = matching[0]
            return {"name": name, "state": "PENDING", "arn": f"arn:{name}", "id": name}, []
        if not matching:
            return {}, [("namePrefix", "no matching partner event source")]
        return {}, [("namePrefix", f"too many results: wanted 1, got {len(matching)}")]


def subscriptions(*names: str) -> Any:
    """A program declaring one subscription per name (suffixes `test-<name>`)."""

    def build() -> GenesysEventBridgeSubscription:
        made = [
            GenesysEventBridgeSubscription(
                name, SubscriptionArgs(topics=TOPICS, partner_source_timeout=0)
            )
            for name in names
        ]
        return made[0]

    return build


def test_suffixes_sharing_a_prefix_both_find_their_sources() -> None:
    mocks = PartnerSources("test-cx", "test-cx-eu")
    deployment = run_program(subscriptions("cx", "cx-eu"), mocks)
    buses = sorted(r.inputs["eventSourceName"] for r in deployment.of_type(BUS))
    assert buses == [PREFIX + "test-cx", PREFIX + "test-cx-eu"]


def test_only_longer_sources_sharing_the_prefix_are_not_the_source() -> None:
    mocks = PartnerSources("test-cx-eu", "test-cx2")
    with pytest.raises(Exception) as caught:
        run_program(subscriptions("cx"), mocks)
    message = str(caught.value)
    assert f"{PREFIX}test-cx' did not appear" in message
    assert "2 partner event sources start with that name, none is exactly it" in message


def test_one_longer_source_sharing_the_prefix_is_not_the_source() -> None:
    mocks = PartnerSources("test-cx-eu")
    with pytest.raises(Exception, match="test-cx-eu"):
        run_program(subscriptions("cx"), mocks)
