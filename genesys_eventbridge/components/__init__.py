"""genesys-eventbridge's Pulumi component: a Genesys Cloud -> Amazon EventBridge subscription.

`GenesysEventBridgeSubscription(name, SubscriptionArgs(...))` declares one subscription; the
other names here are the typed parts of its arguments (rules, targets, retries, alarms, archive,
quotas) and the errors it raises. `help()` of each argument class lists its fields.

The names load on first use, so `components.patterns` and the bundled handler import without the
Pulumi AWS SDK or the provider.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

if _TYPE_CHECKING:
    from genesys_eventbridge.components.args import (
        CALLBACK_TARGET,
        AlarmArgs,
        ArchiveArgs,
        AsyncInvokeArgs,
        LambdaCodeArgs,
        QuotaArgs,
        RetryPolicyArgs,
        RuleArgs,
        SubscriptionArgs,
    )
    from genesys_eventbridge.components.aws_account import AccountMismatchError
    from genesys_eventbridge.components.limits import SubscriptionArgsError
    from genesys_eventbridge.components.partner_source import PartnerSourceMissingError
    from genesys_eventbridge.components.subscription import GenesysEventBridgeSubscription
    from genesys_eventbridge.components.targets.args import (
        ApiKeyAuth,
        BasicAuth,
        EventBusTarget,
        FirehoseTarget,
        HttpsTarget,
        InputTransformerArgs,
        LambdaTarget,
        LogGroupTarget,
        OAuthClientCredentialsAuth,
        SqsTarget,
        StepFunctionsTarget,
    )

_ARGS = "genesys_eventbridge.components.args"
_TARGETS = "genesys_eventbridge.components.targets.args"
_HOMES = {
    "GenesysEventBridgeSubscription": "genesys_eventbridge.components.subscription",
    "SubscriptionArgs": _ARGS,
    "RuleArgs": _ARGS,
    "CALLBACK_TARGET": _ARGS,
    "LambdaCodeArgs": _ARGS,
    "RetryPolicyArgs": _ARGS,
    "AsyncInvokeArgs": _ARGS,
    "AlarmArgs": _ARGS,
    "ArchiveArgs": _ARGS,
    "QuotaArgs": _ARGS,
    "LambdaTarget": _TARGETS,
    "SqsTarget": _TARGETS,
    "FirehoseTarget": _TARGETS,
    "StepFunctionsTarget": _TARGETS,
    "LogGroupTarget": _TARGETS,
    "EventBusTarget": _TARGETS,
    "HttpsTarget": _TARGETS,
    "InputTransformerArgs": _TARGETS,
    "ApiKeyAuth": _TARGETS,
    "BasicAuth": _TARGETS,
    "OAuthClientCredentialsAuth": _TARGETS,
    "SubscriptionArgsError": "genesys_eventbridge.components.limits",
    "AccountMismatchError": "genesys_eventbridge.components.aws_account",
    "PartnerSourceMissingError": "genesys_eventbridge.components.partner_source",
}
__all__ = [
    "CALLBACK_TARGET",
    "AccountMismatchError",
    "AlarmArgs",
    "ApiKeyAuth",
    "ArchiveArgs",
    "AsyncInvokeArgs",
    "BasicAuth",
    "EventBusTarget",
    "FirehoseTarget",
    "GenesysEventBridgeSubscription",
    "HttpsTarget",
    "InputTransformerArgs",
    "LambdaCodeArgs",
    "LambdaTarget",
    "LogGroupTarget",
    "OAuthClientCredentialsAuth",
    "PartnerSourceMissingError",
    "QuotaArgs",
    "RetryPolicyArgs",
    "RuleArgs",
    "SqsTarget",
    "StepFunctionsTarget",
    "SubscriptionArgs",
    "SubscriptionArgsError",
]


def __getattr__(name: str) -> _Any:
    """Import a public name of the component on first access."""
    if name in _HOMES:
        return getattr(_importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'genesys_eventbridge.components' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names: what `dir()` and an editor's completion should offer."""
    return sorted(__all__)
