"""The typed arguments of GenesysEventBridgeSubscription: what a user declares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi

from genesys_eventbridge.components.field_docs import documented

if TYPE_CHECKING:
    from genesys_eventbridge.components.targets.args import Target

CALLBACK_TARGET = "callback"
"""In a rule's `targets`: the subscription's own callback Lambda (bundled, custom or given)."""


@documented
@dataclass(kw_only=True, frozen=True)
class RetryPolicyArgs:
    """How long and how often EventBridge retries delivering an event to a target."""

    maximum_retry_attempts: int = 185
    """Retries before an event goes to the dead-letter queue: 0-185; default 185."""

    maximum_event_age_in_seconds: int = 86400
    """Oldest age of an event EventBridge still retries, in seconds: 60-86400; default 24 h."""


@documented
@dataclass(kw_only=True, frozen=True)
class AsyncInvokeArgs:
    """How Lambda itself retries an event EventBridge handed over, and where it goes after.

    EventBridge invokes Lambda asynchronously: once Lambda accepts an event, EventBridge's retry
    policy and dead-letter queue are done with it. These settings become each Lambda target's
    async invoke config, whose on-failure destination is the subscription's dead-letter queue."""

    maximum_retry_attempts: int = 2
    """Lambda's retries after the function raised: 0-2; default 2."""

    maximum_event_age_in_seconds: int = 21600
    """Oldest age of an event Lambda still retries, in seconds: 60-21600; default 6 h."""

    external_functions: bool = True
    """Also give functions the subscription does not create (`lambda_arn`, Lambda ARNs in rules'
    targets) this config, replacing theirs, and let their execution roles send to the
    dead-letter queue; default on. A function has one async invoke config, so turn this off when
    another stack manages it."""


@documented
@dataclass(kw_only=True, frozen=True)
class LambdaCodeArgs:
    """The user's own callback code, deployed instead of the bundled handler."""

    code: pulumi.Archive | str
    """The function's code: a `pulumi.Archive`, or the path of a directory (zipped as it is).
    In stack config this is `lambdaCode.path` (a directory, relative to the project)."""

    handler: str
    """The entry point, `module.function`, e.g. `app.handler`."""

    runtime: str = "python3.13"
    """The Lambda runtime identifier, e.g. `python3.13` or `nodejs20.x`."""

    architecture: str = "x86_64"
    """The instruction set: `x86_64` or `arm64` (the bundled handler runs on `arm64`)."""

    memory_size: int = 128
    """Memory in MB: 128-10240."""

    timeout: int = 30
    """Seconds one invocation may run: 1-900."""

    environment: Mapping[str, pulumi.Input[str]] | None = None
    """Environment variables of the function."""


@documented
@dataclass(kw_only=True, frozen=True)
class RuleArgs:
    """One EventBridge rule on the subscription's bus: which events it selects and where they go."""

    name: str
    """The rule's name within the subscription: letters, digits, `.`, `-`, `_`; unique."""

    filter_policy: Mapping[str, Any] | None = None
    """Event field paths (`detail.eventBody.queueId`, ...) -> arrays of EventBridge matchers."""

    topics: Sequence[str] | None = None
    """The subset of the subscription's topics this rule selects; default all of them."""

    targets: Sequence[str | Target] | None = None
    """What the rule delivers to (at most 5): Lambda function ARNs, `CALLBACK_TARGET` (the
    subscription's callback), or typed targets. Default: the callback alone.

    Each Lambda function gets one `lambda:InvokeFunction` permission for all the bus's rules and
    an async invoke config sending failed events to the dead-letter queue."""

    description: str | None = None
    """The rule's description in the EventBridge console."""


@documented
@dataclass(kw_only=True, frozen=True)
class QuotaArgs:
    """AWS quotas that can be raised for an account: set them to what Service Quotas granted."""

    max_rules_per_bus: int | None = None
    """Rules per event bus; default EventBridge's 300 (100 in af-south-1 and eu-south-1)."""

    max_pattern_length: int | None = None
    """Characters per event pattern; default EventBridge's 2048."""

    max_iam_roles: int | None = None
    """IAM roles per account, for the roles this program's subscriptions make; default IAM's
    1,000."""


@documented
@dataclass(kw_only=True, frozen=True)
class AlarmArgs:
    """CloudWatch alarms that make a failing subscription visible, sent to one SNS topic."""

    topic_arn: pulumi.Input[str] | None = None
    """The SNS topic the alarms notify; default: a topic the subscription creates."""

    period: int = 300
    """Seconds per evaluation period: 60 or a multiple of 60, up to 86400; default 5 minutes."""

    evaluation_periods: int = 1
    """Periods over the threshold before an alarm fires: 1-100, their total at most one day
    (three hours for the bus-wide rule alarms); default 1."""

    per_rule: bool = False
    """Two alarms per rule on its delivery failures, instead of the default two for the whole
    bus (Metrics Insights alarms summing every rule, whose count does not grow with rules)."""


@documented
@dataclass(kw_only=True, frozen=True)
class ArchiveArgs:
    """An EventBridge archive of the partner bus's events, to replay them later."""

    retention_days: int = 30
    """Days events are kept: 0 (forever) to 36500; default 30."""

    filter_policy: Mapping[str, Any] | None = None
    """Which events to archive, as a rule's filter policy (pinned to the subscription's source
    and topics); default every event of the subscription."""


@documented
@dataclass(kw_only=True)
class SubscriptionArgs:
    """The arguments of GenesysEventBridgeSubscription."""

    topics: Sequence[str]
    """Topic templates to subscribe to, e.g. `v2.detail.events.conversation.{id}.customer.start`."""

    event_source_suffix: str | None = None
    """Last part of the partner event source name (1-64 of `A-Za-z0-9._-`); default
    `<stack>-<component name>`, with other characters replaced by `-`, cut to 64, so two stacks
    of one program never share a source."""

    aws_account_id: pulumi.Input[str] | None = None
    """The AWS account receiving the events; default: the deploying one (get_caller_identity).

    It must be the account the AWS provider deploys to (the bus attaches to a partner source
    there): another account is an error naming both."""

    aws_region: pulumi.Input[str] | None = None
    """The AWS region receiving the events; default: the provider's region (`aws.get_region`)."""

    enabled: bool | None = None
    """Whether Genesys publishes the events (the integration is enabled); default true.

    With `False` only the integration is declared: Genesys creates the partner event source when
    the integration is enabled, so the bus, rules and targets are declared once it is `True`."""

    integration_name: pulumi.Input[str] | None = None
    """The integration's name in Genesys Cloud; default `<component name>-integration-<7 chars>`,
    derived from the account, region and suffix (so preview shows the name `up` creates)."""

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

    async_invoke: AsyncInvokeArgs = field(default_factory=AsyncInvokeArgs)
    """Lambda's own retries of an accepted event, then the dead-letter queue; default 2 retries."""

    reserved_concurrency: int | None = None
    """Concurrent executions reserved for (and capping) the callback; default none, the account's
    unreserved pool. Not used with `lambda_arn`."""

    log_format: str = "Text"
    """The callback's log format: `Text` or `JSON` (Lambda's structured logs). Not used with
    `lambda_arn`."""

    partner_source_timeout: int = 300
    """Seconds the bus waits for the partner event source to appear in AWS after the integration
    is ACTIVE: 0-3600; default 5 minutes."""

    quotas: QuotaArgs = field(default_factory=QuotaArgs)
    """Raised AWS quotas (rules per bus, pattern length); default AWS's defaults."""

    alarms: AlarmArgs | None = None
    """CloudWatch alarms on every way an event can be lost: the rules' failures, the functions,
    queues, streams and state machines delivered to, and the dead-letter queue; default none."""

    archive: ArchiveArgs | None = None
    """An archive of the partner bus's events, for replays; default none."""

    kms_key_arn: pulumi.Input[str] | None = None
    """Your KMS key (key or alias ARN) to encrypt the events on the partner bus and in its archive
    (contact-centre payloads carry personal data); default AWS-owned keys. The key's policy must
    let EventBridge (`events.amazonaws.com`) use it: the component does not edit your key."""

    dead_letter_queue: bool = True
    """Whether events out of retries go to an SQS dead-letter queue (SSE on); default on."""

    retain_data: bool = False
    """Keep the resources that hold data (the dead-letter queue, the queues made for SQS
    targets with their dead-letter queues, log groups, the archive) in AWS when Pulumi deletes
    or replaces them (Pulumi's `retain_on_delete`): they then leave the stack, not AWS;
    default off."""

    protect_data: bool = False
    """Refuse to delete or replace those same resources (Pulumi's `protect`): a `destroy`, or an
    edit that would replace one, stops until you unprotect it; default off."""

    notify_on_change: bool = False
    """Invoke the callback with `{"action": "register_subscription", "data": {...}}` when the
    subscription is created, changed or deleted; default off."""

    log_retention_in_days: int = 30
    """Retention of the callback's log group, in days (not used with `lambda_arn`)."""

    tags: Mapping[str, str] | None = None
    """Tags applied to every taggable AWS resource of the subscription."""
