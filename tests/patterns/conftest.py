"""Fixtures for the event-pattern tests: the Genesys sample events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# Copies of /work/shared/samples: Genesys events in the envelope EventBridge delivers.
DATA = Path(__file__).parent / "data"

SOURCE = "aws.partner/genesys.com/cloud/3f6e2b1a-5c7d-4e8f-9a0b-1c2d3e4f5a6b/cx-events"
CUSTOMER_START = "v2.detail.events.conversation.{id}.customer.start"
CUSTOMER_END = "v2.detail.events.conversation.{id}.customer.end"
ACD_START = "v2.detail.events.conversation.{id}.acd.start"
ACD_END = "v2.detail.events.conversation.{id}.acd.end"
AUDIT = "v2.audits.entitytype.{id}.entityid.{id}"
ALL_TOPICS = [CUSTOMER_START, CUSTOMER_END, ACD_START, ACD_END, AUDIT]


def load_samples() -> dict[str, dict[str, Any]]:
    """Sample events by file stem, e.g. "conversation-acd-end"."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(DATA.glob("*.json"))}


@pytest.fixture(scope="session")
def samples() -> dict[str, dict[str, Any]]:
    """The six sample events, by file stem."""
    loaded = load_samples()
    assert len(loaded) == 6
    return loaded
