"""Why an EventBridge integration's properties would make its activation fail."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}")
_SUFFIX = re.compile(r"[A-Za-z0-9._-]{1,64}")


def activation_problem(
    properties: dict[str, Any], eventbridge_topics: Collection[str]
) -> dict[str, str] | None:
    """A reportedState.detail ({localizableMessageCode, message}) or None when activation works."""
    account = properties.get("awsAccountId")
    if not (isinstance(account, str) and _ACCOUNT_ID.fullmatch(account)):
        return _detail(
            "INVALID_AWS_ACCOUNT_ID",
            f"awsAccountId {account!r} is not a 12-digit AWS account id.",
        )
    region = properties.get("awsAccountRegion")
    if not (isinstance(region, str) and _REGION.fullmatch(region)):
        return _detail(
            "INVALID_AWS_REGION",
            f"awsAccountRegion {region!r} is not an AWS region such as us-east-1.",
        )
    suffix = properties.get("eventSourceSuffix")
    if not (isinstance(suffix, str) and _SUFFIX.fullmatch(suffix)):
        return _detail(
            "INVALID_EVENT_SOURCE_SUFFIX",
            f"eventSourceSuffix {suffix!r} must be 1-64 characters of A-Z a-z 0-9 . - _.",
        )
    topics = properties.get("eventFilter")
    if not isinstance(topics, list) or not topics:
        return _detail("EMPTY_EVENT_FILTER", "eventFilter must name at least one topic.")
    # Templates only: whether a concrete id is accepted is unverified, so the emulator is strict.
    unknown = [t for t in topics if not isinstance(t, str) or t not in eventbridge_topics]
    if unknown:
        return _detail(
            "INVALID_EVENT_FILTER",
            f"eventFilter topic(s) not available to EventBridge: {', '.join(map(str, unknown))}.",
        )
    return None


def _detail(code: str, message: str) -> dict[str, str]:
    return {"localizableMessageCode": code, "message": message}
