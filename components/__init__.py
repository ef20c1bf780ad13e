"""genesys-eventbridge's Pulumi component: a Genesys Cloud -> Amazon EventBridge subscription.

The component loads on first use, so `components.patterns` and the bundled handler import without
the Pulumi AWS SDK or the provider.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.args import (
        CALLBACK_TARGET,
        LambdaCodeArgs,
        RetryPolicyArgs,
        RuleArgs,
        SubscriptionArgs,
    )
    from components.limits import SubscriptionArgsError
    from components.subscription import GenesysEventBridgeSubscription

__all__ = [
    "CALLBACK_TARGET",
    "GenesysEventBridgeSubscription",
    "LambdaCodeArgs",
    "RetryPolicyArgs",
    "RuleArgs",
    "SubscriptionArgs",
    "SubscriptionArgsError",
]
_HOMES = {
    "CALLBACK_TARGET": "components.args",
    "GenesysEventBridgeSubscription": "components.subscription",
    "LambdaCodeArgs": "components.args",
    "RetryPolicyArgs": "components.args",
    "RuleArgs": "components.args",
    "SubscriptionArgs": "components.args",
    "SubscriptionArgsError": "components.limits",
}


def __getattr__(name: str) -> Any:
    """Import a public name of the component on first access."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'components' has no attribute {name!r}")
