"""EventBridge's and Lambda's limits, checked while the program runs so a preview already fails."""

from __future__ import annotations

import hashlib
import re
from typing import Any

MAX_TARGETS_PER_RULE = 5
MAX_RULES_PER_BUS = 300
# Regions whose default rules-per-bus quota is lower (AWS EventBridge quotas page).
_REGIONAL_RULES_PER_BUS = {"af-south-1": 100, "eu-south-1": 100}
MAX_RULE_NAME_LENGTH = 64
MAX_EVENT_SOURCE_SUFFIX_LENGTH = 64
MIN_RETRY_ATTEMPTS, MAX_RETRY_ATTEMPTS = 0, 185
MIN_EVENT_AGE, MAX_EVENT_AGE = 60, 86400
# Lambda's own retries of an asynchronous invocation, and how old an event it still retries.
MIN_ASYNC_RETRIES, MAX_ASYNC_RETRIES = 0, 2
MAX_ASYNC_EVENT_AGE = 21600
# CloudWatch evaluates a Metrics Insights alarm over the latest 3 hours of data only.
METRICS_INSIGHTS_WINDOW = 3 * 3600
MIN_MEMORY_MB, MAX_MEMORY_MB = 128, 10240
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 1, 900
# CloudWatch Logs accepts only these retention periods (days); 0 would mean "never expire".
LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731}
    | {1096, 1827, 2192, 2557, 2922, 3288, 3653}
)

# Use with fullmatch: `$` would accept a trailing newline.
RULE_NAME = re.compile(r"[.\-_A-Za-z0-9]+")
EVENT_SOURCE_SUFFIX = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_NOT_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9._\-]+")


class SubscriptionArgsError(ValueError):
    """A subscription argument breaks a rule or an AWS limit; the message names it and the fix."""

    def __init__(self, message: str, *, field: str, rule: str | None = None) -> None:
        """Record the offending `field` (and `rule`, when one rule is at fault)."""
        super().__init__(message)
        self.field = field
        self.rule = rule


def sanitize_name(name: str, max_length: int) -> str:
    """`name` with every run of characters outside `A-Za-z0-9._-` replaced by `-`, cut to fit."""
    cleaned = _NOT_NAME_CHARACTER.sub("-", name).strip("-")[:max_length].rstrip("-")
    return cleaned or "genesys"


def unique_name(name: str, max_length: int) -> str:
    """`sanitize_name(name)` when it fits; else its head and a hash of the whole, so two names
    that share their first `max_length` characters stay apart."""
    cleaned = sanitize_name(name, len(name) + 1)
    if len(cleaned) <= max_length:
        return cleaned
    digest = hashlib.sha256(cleaned.encode()).hexdigest()[:8]
    return f"{sanitize_name(cleaned, max_length - 9)}-{digest}"


def max_rules_per_bus(region: object) -> int:
    """The default rules-per-bus quota of `region` (300 unless the region is known to be lower)."""
    if not isinstance(region, str):
        return MAX_RULES_PER_BUS
    return _REGIONAL_RULES_PER_BUS.get(region, MAX_RULES_PER_BUS)


def check_range(value: object, low: int, high: int, *, field: str, unit: str = "") -> int:
    """Return `value` when it is an integer within [low, high]; raise naming `field` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SubscriptionArgsError(
            f"{field} must be an integer from {low} to {high}{unit}; got {value!r}."
            f" Set it within that range.",
            field=field,
        )
    return value


def check_retries(
    policy: Any, *, field: str, attempts: tuple[int, int], max_age: int, unit: str = " seconds"
) -> None:
    """Check `policy.maximum_retry_attempts` and `.maximum_event_age_in_seconds` under `field`."""
    check_range(policy.maximum_retry_attempts, *attempts, field=f"{field}.maximum_retry_attempts")
    check_range(
        policy.maximum_event_age_in_seconds,
        MIN_EVENT_AGE,
        max_age,
        field=f"{field}.maximum_event_age_in_seconds",
        unit=unit,
    )
