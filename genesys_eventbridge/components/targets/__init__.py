"""Typed rule targets: Lambda, SQS, Firehose, Step Functions, CloudWatch Logs, event buses, HTTPS.

`args` declares them, `checks` validates them before `up`, `policies` renders the least-privilege
documents each needs, `resources` declares their AWS resources.
"""

from __future__ import annotations

from genesys_eventbridge.components.targets.args import (
    ApiAuth,
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
    Target,
)

__all__ = [
    "ApiAuth",
    "ApiKeyAuth",
    "BasicAuth",
    "EventBusTarget",
    "FirehoseTarget",
    "HttpsTarget",
    "InputTransformerArgs",
    "LambdaTarget",
    "LogGroupTarget",
    "OAuthClientCredentialsAuth",
    "SqsTarget",
    "StepFunctionsTarget",
    "Target",
]
