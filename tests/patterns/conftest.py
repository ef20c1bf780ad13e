"""Fixtures for the event-pattern tests: the Genesys sample events."""

from __future__ import annotations

from typing import Any

import pytest

from tests.samples import load_samples

SOURCE = "aws.partner/genesys.com/cloud/3f6e2b1a-5c7d-4e8f-9a0b-1c2d3e4f5a6b/cx-events"
CUSTOMER_START = "v2.detail.events.conversation.{id}.customer.start"
CUSTOMER_END = "v2.detail.events.conversation.{id}.customer.end"
ACD_START = "v2.detail.events.conversation.{id}.acd.start"
ACD_END = "v2.detail.events.conversation.{id}.acd.end"
AUDIT = "v2.audits.entitytype.{id}.entityid.{id}"
ALL_TOPICS = [CUSTOMER_START, CUSTOMER_END, ACD_START, ACD_END, AUDIT]


@pytest.fixture(scope="session")
def samples() -> dict[str, dict[str, Any]]:
    """The six sample events, by file stem."""
    loaded = load_samples()
    assert len(loaded) == 6
    return loaded
