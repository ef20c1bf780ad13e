"""The typed arguments of GenesysEventBridgeSubscription: what a user declares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

CALLBACK_TARGET = "callback"
"""In a rule's `targets`: the subscription's own callback Lambda (bundled, custom or given)."""


@dataclass(kw_only=True, frozen=True)
class RetryPolicyArgs:
    """How long and how often EventBridge retries delivering an event to a target."""

    maximum_retry_attempts: int = 185
    """Retries before an event goes to the dead-letter queue: 0-185; default 185."""

    maximum_event_age_in_seconds: int = 86400
    """Oldest age of an event EventBridge still retries, in seconds: 60-86400; default 24 h."""


@dataclass(kw_only=True, frozen=True)
class LambdaCodeArgs:
    """The user's own callback code, deployed instead of the bundled handler."""

    code: pulumi.Archive | str
    """The function's code: a `pulumi.Archive`, or the path of a directory (zipped as it is)."""

    handler: str
    """The entry point, `module.function`, e.g. `app.handler`."""

    runtime: str = "python3.12"
    """The Lambda runtime identifier, e.g. `python3.12` or `nodejs20.x`."""

    memory_size: int = 128
    """Memory in MB: 128-10240."""

    timeout: int = 30
    """Seconds one invocation may run: 1-900."""

    environment: Mapping[str, pulumi.Input[str]] | None = None
    """Environment variables of the function."""


@dataclass(kw_only=True, frozen=True)
class RuleArgs:
    """One EventBridge rule on the subscription's bus: which events it selects and where they go."""

    name: str
    """The rule's name within the subscription: letters, digits, `.`, `-`, `_`; unique."""

    filter_policy: Mapping[str, Any] | None = None
    """Event field paths (`detail.eventBody.queueId`, ...) -> arrays of EventBridge matchers."""

    topics: Sequence[str] | None = None
    """The subset of the subscription's topics this rule selects; default all of them."""

    targets: Sequence[pulumi.Input[str]] | None = None
    """Lambda function ARNs to invoke (at most 5); `CALLBACK_TARGET` is the subscription's callback.

    Default: the callback alone. Each target gets a `lambda:InvokeFunction` permission scoped to
    this rule."""

    description: str | None = None
    """The rule's description in the EventBridge console."""


@dataclass(kw_only=True)
class SubscriptionArgs:
    """The arguments of GenesysEventBridgeSubscription."""

    topics: Sequence[str]
    """Topic templates to subscribe to, e.g. `v2.detail.events.conversation.{id}.customer.start`."""

    event_source_suffix: str | None = None
    """Last part of the partner event source name (1-64 of `A-Za-z0-9._-`); default: from the
    component's name, with other characters replaced by `-`, cut to 64."""

    aws_account_id: pulumi.Input[str] | None = None
    """The AWS account receiving the events; default: the deploying one (get_caller_identity).

    It must be the account the AWS provider deploys to: the bus attaches to a partner source
    there."""

    aws_region: pulumi.Input[str] | None = None
    """The AWS region receiving the events; default: the provider's region (`aws.get_region`)."""

    enabled: pulumi.Input[bool] | None = None
    """Whether Genesys publishes the events (the integration is enabled); default true."""

    integration_name: pulumi.Input[str] | None = None
    """The integration's name in Genesys Cloud; default `<component name>-integration-<random>`."""

    notes: pulumi.Input[str] | None = None
    """Notes shown on the integration in Genesys Cloud Admin."""

    adopt_integration_id: pulumi.Input[str] | None = None
    """The id of an existing EventBridge integration to manage instead of creating one."""

    filter_policy: Mapping[str, Any] | None = None
    """Without `rules`: the filter of the single rule, named "default". Keys are event field paths
    (`detail-type`, `detail.eventBody.queueId`, ...), values arrays of EventBridge matchers."""

    rules: Sequence[RuleArgs] | None = None
    """Several named rules, each with its own filter policy, topic subset and targets (at most 300
    per bus; 100 in af-south-1 and eu-south-1)."""

    lambda_code: LambdaCodeArgs | None = None
    """The user's own callback code; default: the bundled handler, which logs each event as JSON."""

    lambda_arn: pulumi.Input[str] | None = None
    """An existing function to use as the callback: no role, log group or function is created."""

    retry_policy: RetryPolicyArgs = field(default_factory=RetryPolicyArgs)
    """The targets' retry policy; default 185 attempts within 24 hours."""

    dead_letter_queue: bool = True
    """Whether events out of retries go to an SQS dead-letter queue (SSE on); default on."""

    notify_on_change: bool = False
    """Invoke the callback with `{"action": "register_subscription", "data": {...}}` when the
    subscription is created, changed or deleted; default off."""

    log_retention_in_days: int = 30
    """Retention of the callback's log group, in days (not used with `lambda_arn`)."""

    tags: Mapping[str, str] | None = None
    """Tags applied to every taggable AWS resource of the subscription."""
