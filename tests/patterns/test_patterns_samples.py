"""Realistic filter policies over the six Genesys sample events."""

from __future__ import annotations

from typing import Any

import pytest

from genesys_eventbridge.components.patterns import build_pattern, matches

from .conftest import ACD_END, ACD_START, ALL_TOPICS, AUDIT, CUSTOMER_END, CUSTOMER_START, SOURCE

ALL = {
    "conversation-acd-end",
    "conversation-acd-start",
    "conversation-customer-end",
    "conversation-customer-start",
    "oauth-client-delete-audit",
    "user-presence-audit",
}

POLICIES = [
    pytest.param(ALL_TOPICS, None, ALL, id="everything-subscribed"),
    pytest.param(
        [CUSTOMER_START, CUSTOMER_END],
        None,
        {"conversation-customer-start", "conversation-customer-end"},
        id="customer-start-end-by-topics",
    ),
    pytest.param(
        ALL_TOPICS,
        {"detail-type": [CUSTOMER_START, CUSTOMER_END]},
        {"conversation-customer-start", "conversation-customer-end"},
        id="customer-start-end-by-narrowing",
    ),
    pytest.param(
        ALL_TOPICS,
        {"detail.eventBody.queueId": [{"prefix": "9e8d7c6b"}]},
        {"conversation-acd-start", "conversation-acd-end"},
        id="queue-prefix",
    ),
    pytest.param(
        ALL_TOPICS,
        {"detail.eventBody.queueId": [{"prefix": "0000"}]},
        set(),
        id="queue-prefix-no-match",
    ),
    pytest.param(
        [AUDIT],
        {"detail.eventBody.entityType": ["UserPresence"]},
        {"user-presence-audit"},
        id="audit-user-presence",
    ),
    pytest.param(
        ALL_TOPICS,
        {"detail.topicName": [{"prefix": "v2.audits.entitytype.OAuthClient."}]},
        {"oauth-client-delete-audit"},
        id="concrete-topic-name",
    ),
    pytest.param(
        [AUDIT],
        {"detail.eventBody.propertyChanges.newValues": ["Busy"]},
        {"user-presence-audit"},
        id="array-of-objects",
    ),
    pytest.param(
        ALL_TOPICS,
        {"detail.eventBody.interactingDurationMs": [{"numeric": [">=", 60000]}]},
        {"conversation-customer-end"},
        id="numeric-duration",
    ),
    pytest.param(
        ALL_TOPICS,
        {"detail.eventBody.eventTime": [{"numeric": [">", 0]}]},
        set(),
        id="numeric-epoch-ms-beyond-eventbridge-range",
    ),
    pytest.param(
        ALL_TOPICS,
        {"detail.eventBody.queueId": [{"exists": False}]},
        {
            "conversation-customer-start",
            "conversation-customer-end",
            "oauth-client-delete-audit",
            "user-presence-audit",
        },
        id="without-queue",
    ),
    pytest.param(
        ALL_TOPICS,
        {
            "detail.eventBody.mediaType": ["VOICE"],
            "$or": [
                {"detail-type": [ACD_END], "detail.eventBody.acdOutcome": ["ANSWERED"]},
                {"detail.eventBody.disconnectType": [{"anything-but": "PEER"}]},
            ],
        },
        {"conversation-acd-end", "conversation-customer-end"},
        id="or-answered-or-disconnected",
    ),
    pytest.param(
        [ACD_START, ACD_END],
        {"detail.eventBody.ani": [{"wildcard": "tel:+1317*"}]},
        {"conversation-acd-start"},
        id="wildcard-ani",
    ),
    pytest.param(
        ALL_TOPICS,
        {
            "detail.eventBody.action": [{"equals-ignore-case": "delete"}],
            "account": ["123456789012"],
        },
        {"oauth-client-delete-audit"},
        id="audit-delete-any-case",
    ),
]


@pytest.mark.parametrize(("topics", "policy", "expected"), POLICIES)
def test_policy_selects_the_expected_samples(
    samples: dict[str, dict[str, Any]],
    topics: list[str],
    policy: dict[str, Any] | None,
    expected: set[str],
) -> None:
    """A rule built from the policy matches exactly the expected sample events."""
    pattern = build_pattern(
        rule="samples", source=SOURCE, detail_types=topics, filter_policy=policy
    )
    assert {name for name, event in samples.items() if matches(pattern, event)} == expected


def test_another_integrations_events_never_match(samples: dict[str, dict[str, Any]]) -> None:
    """The source pin keeps out events of another org or suffix."""
    pattern = build_pattern(
        rule="samples",
        source=SOURCE.replace("cx-events", "other"),
        detail_types=ALL_TOPICS,
        filter_policy=None,
    )
    assert not any(matches(pattern, event) for event in samples.values())
