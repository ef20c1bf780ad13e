"""Resources that hold data: kept or protected on request, and kept across an upgrade.

A stack deployed by a release that named target resources by position finds its queues and
log groups under their new names through aliases (and keeps the log group's name), so the
first `up` after upgrading replaces none of them.
"""

from __future__ import annotations

from typing import Any

import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
)
from genesys_eventbridge.components.args import ArchiveArgs
from genesys_eventbridge.components.targets import LogGroupTarget, SqsTarget
from tests.mocking import REGION, Deployment, run_program

TOPICS = ["v2.detail.events.conversation.{id}.customer.start"]
QUEUE = "aws:sqs/queue:Queue"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
DATA = {QUEUE, LOG_GROUP, ARCHIVE}


def deploy(**kwargs: Any) -> Deployment:
    rules = [RuleArgs(name="a", targets=["callback", SqsTarget(), LogGroupTarget()])]
    return run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx",
            SubscriptionArgs(
                topics=TOPICS, rules=rules, archive=ArchiveArgs(), aws_region=REGION, **kwargs
            ),
        )
    )


@pytest.mark.parametrize("option", ["retain_data", "protect_data"])
def test_data_holding_resources_are_kept_or_protected_on_request(option: str) -> None:
    deployment = deploy(**{option: True})
    attribute = "retain_on_delete" if option == "retain_data" else "protect"
    holding = [r for r in deployment.registrations if r.type in DATA]
    # The subscription's DLQ, the target's queue and its DLQ, two log groups, the archive.
    assert len(holding) == 6
    assert all(getattr(r, attribute) for r in holding), [r.name for r in holding]
    others = [r for r in deployment.registrations if r.type not in DATA]
    assert not any(getattr(r, attribute) for r in others)


def test_by_default_nothing_is_retained_or_protected() -> None:
    deployment = deploy()
    assert not any(r.protect or r.retain_on_delete for r in deployment.registrations)


def test_target_resources_answer_to_their_earlier_positional_names() -> None:
    deployment = deploy()
    queue = deployment.named("cx-rule-a-target-sqs-queue")
    assert queue.alias_names == ["cx-rule-a-target-1-queue"]
    dlq = deployment.named("cx-rule-a-target-sqs-queue-dlq")
    assert dlq.alias_names == ["cx-rule-a-target-1-queue-dlq"]
    group = deployment.named("cx-rule-a-target-logs-logs")
    assert group.alias_names == ["cx-rule-a-target-2-logs"]
    # The group keeps the name (and so the history) it was created with.
    assert group.ignore_changes == ["name"]
