"""genesys-eventbridge's Pulumi component: a Genesys Cloud -> Amazon EventBridge subscription.

The component loads on first use, so `components.patterns` and the bundled handler import without
the Pulumi AWS SDK or the provider.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genesys_eventbridge.components.args import (
        CALLBACK_TARGET,
        LambdaCodeArgs,
        RetryPolicyArgs,
        RuleArgs,
        SubscriptionArgs,
    )
    from genesys_eventbridge.components.limits import SubscriptionArgsError
    from genesys_eventbridge.components.subscription import GenesysEventBridgeSubscription

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
    "CALLBACK_TARGET": "genesys_eventbridge.components.args",
    "GenesysEventBridgeSubscription": "genesys_eventbridge.components.subscription",
    "LambdaCodeArgs": "genesys_eventbridge.components.args",
    "RetryPolicyArgs": "genesys_eventbridge.components.args",
    "RuleArgs": "genesys_eventbridge.components.args",
    "SubscriptionArgs": "genesys_eventbridge.components.args",
    "SubscriptionArgsError": "genesys_eventbridge.components.limits",
}


def __getattr__(name: str) -> Any:
    """Import a public name of the component on first access."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'genesys_eventbridge.components' has no attribute {name!r}")
