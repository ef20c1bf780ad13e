"""The partner event source Genesys Cloud creates: its name, before the integration exists."""

from __future__ import annotations

EVENT_SOURCE_PREFIX = "aws.partner/genesys.com/cloud/"
"""Every Genesys Cloud partner event source is `<prefix><org id>/<suffix>`."""
# Genesys organization ids are UUIDs: 36 characters. The real event source name is known only
# once the integration exists, so preview checks pattern sizes against a stand-in of equal length.
ORG_ID_LENGTH = 36


def placeholder_source(suffix: str) -> str:
    """An event source name as long as the real one will be, for exact size checks at preview."""
    return f"{EVENT_SOURCE_PREFIX}{'0' * ORG_ID_LENGTH}/{suffix}"
