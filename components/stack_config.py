"""The stack program's configuration: `genesys-eventbridge:subscriptions`, validated with pydantic.

Each entry mirrors SubscriptionArgs in camelCase. A bad entry raises StackConfigError naming its
config path (e.g. `subscriptions[1].filterPolicy`) and the fix, before any resource is declared.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

import pulumi
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from genesys_eventbridge.components.args import (
    AlarmArgs,
    ArchiveArgs,
    AsyncInvokeArgs,
    LambdaCodeArgs,
    QuotaArgs,
    RetryPolicyArgs,
    RuleArgs,
    SubscriptionArgs,
)
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.patterns import PatternError
from genesys_eventbridge.components.plan import default_suffix, plan_subscription

CONFIG_KEY = "subscriptions"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,46}")  # fullmatch: `$` accepts "x\n"


class StackConfigError(ValueError):
    """The stack config is wrong; the message names each bad path and how to fix it."""


class _CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)


class RetryPolicyConfig(_CamelModel):
    """`retryPolicy` of a subscription."""

    maximum_retry_attempts: int = Field(default=185, ge=0, le=185)
    maximum_event_age_in_seconds: int = Field(default=86400, ge=60, le=86400)


class AsyncInvokeConfig(_CamelModel):
    """`asyncInvoke`: Lambda's own retries of an accepted event, then the dead-letter queue."""

    maximum_retry_attempts: int = Field(default=2, ge=0, le=2)
    maximum_event_age_in_seconds: int = Field(default=21600, ge=60, le=21600)
    external_functions: bool = True


class QuotaConfig(_CamelModel):
    """`quotas`: AWS quotas raised for the account (Service Quotas)."""

    max_rules_per_bus: int | None = Field(default=None, ge=1)
    max_pattern_length: int | None = Field(default=None, ge=1)


class AlarmConfig(_CamelModel):
    """`alarms`: CloudWatch alarms to an SNS topic (made by the component unless given)."""

    topic_arn: str | None = None
    period: int = Field(default=300, ge=60, le=86400, multiple_of=60)
    evaluation_periods: int = Field(default=1, ge=1, le=100)


class ArchiveConfig(_CamelModel):
    """`archive`: an archive of the partner bus's events, for replays."""

    retention_days: int = Field(default=30, ge=0, le=36500)
    filter_policy: dict[str, Any] | None = None


class LambdaCodeConfig(_CamelModel):
    """`lambdaCode`: the user's own callback, from a directory relative to the project."""

    path: str = Field(min_length=1)
    handler: str = Field(min_length=1)
    runtime: str = "python3.13"
    architecture: Literal["x86_64", "arm64"] = "x86_64"
    memory_size: int = Field(default=128, ge=128, le=10240)
    timeout: int = Field(default=30, ge=1, le=900)
    environment: dict[str, str] | None = None


class RuleConfig(_CamelModel):
    """One entry of `rules`."""

    name: str = Field(min_length=1)
    filter_policy: dict[str, Any] | None = None
    topics: list[str] | None = None
    targets: list[str] | None = None
    description: str | None = None


class SubscriptionConfig(_CamelModel):
    """One entry of `genesys-eventbridge:subscriptions`."""

    name: str
    topics: list[str] = Field(min_length=1)
    event_source_suffix: str | None = None
    aws_account_id: str | None = None
    aws_region: str | None = None
    enabled: bool | None = None
    integration_name: str | None = None
    notes: str | None = None
    adopt_integration_id: str | None = None
    filter_policy: dict[str, Any] | None = None
    rules: list[RuleConfig] | None = None
    lambda_code: LambdaCodeConfig | None = None
    lambda_arn: str | None = None
    retry_policy: RetryPolicyConfig = Field(default_factory=RetryPolicyConfig)
    async_invoke: AsyncInvokeConfig = Field(default_factory=AsyncInvokeConfig)
    reserved_concurrency: int | None = Field(default=None, ge=1)
    log_format: Literal["Text", "JSON"] = "Text"
    partner_source_timeout: int = Field(default=300, ge=0, le=3600)
    quotas: QuotaConfig = Field(default_factory=QuotaConfig)
    alarms: AlarmConfig | None = None
    archive: ArchiveConfig | None = None
    dead_letter_queue: bool = True
    notify_on_change: bool = False
    log_retention_in_days: int = Field(default=30, ge=1)
    tags: dict[str, str] | None = None

    @field_validator("name")
    @classmethod
    def _name_is_a_resource_name(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError(
                "must be 1-47 letters, digits, '.', '-' or '_', starting with a letter or digit"
                " (it names the component and every AWS resource under it)"
            )
        return value

    def to_args(self) -> SubscriptionArgs:
        """The component arguments this entry describes."""
        return SubscriptionArgs(
            topics=list(self.topics),
            event_source_suffix=self.event_source_suffix,
            aws_account_id=self.aws_account_id,
            aws_region=self.aws_region,
            enabled=self.enabled,
            integration_name=self.integration_name,
            notes=self.notes,
            adopt_integration_id=self.adopt_integration_id,
            filter_policy=self.filter_policy,
            rules=[
                RuleArgs(
                    name=r.name,
                    filter_policy=r.filter_policy,
                    topics=r.topics,
                    targets=r.targets,
                    description=r.description,
                )
                for r in self.rules
            ]
            if self.rules
            else None,
            lambda_code=LambdaCodeArgs(
                code=self.lambda_code.path,
                handler=self.lambda_code.handler,
                runtime=self.lambda_code.runtime,
                architecture=self.lambda_code.architecture,
                memory_size=self.lambda_code.memory_size,
                timeout=self.lambda_code.timeout,
                environment=self.lambda_code.environment,
            )
            if self.lambda_code
            else None,
            lambda_arn=self.lambda_arn,
            retry_policy=RetryPolicyArgs(
                maximum_retry_attempts=self.retry_policy.maximum_retry_attempts,
                maximum_event_age_in_seconds=self.retry_policy.maximum_event_age_in_seconds,
            ),
            async_invoke=AsyncInvokeArgs(
                maximum_retry_attempts=self.async_invoke.maximum_retry_attempts,
                maximum_event_age_in_seconds=self.async_invoke.maximum_event_age_in_seconds,
                external_functions=self.async_invoke.external_functions,
            ),
            reserved_concurrency=self.reserved_concurrency,
            log_format=self.log_format,
            partner_source_timeout=self.partner_source_timeout,
            quotas=QuotaArgs(
                max_rules_per_bus=self.quotas.max_rules_per_bus,
                max_pattern_length=self.quotas.max_pattern_length,
            ),
            alarms=AlarmArgs(
                topic_arn=self.alarms.topic_arn,
                period=self.alarms.period,
                evaluation_periods=self.alarms.evaluation_periods,
            )
            if self.alarms
            else None,
            archive=ArchiveArgs(
                retention_days=self.archive.retention_days,
                filter_policy=self.archive.filter_policy,
            )
            if self.archive
            else None,
            dead_letter_queue=self.dead_letter_queue,
            notify_on_change=self.notify_on_change,
            log_retention_in_days=self.log_retention_in_days,
            tags=self.tags,
        )


class _Subscriptions(BaseModel):
    subscriptions: list[SubscriptionConfig]


def _path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def load_subscriptions(config: pulumi.Config) -> list[SubscriptionConfig]:
    """Read and validate `subscriptions` from the project's stack config."""
    try:
        raw = config.get_object(CONFIG_KEY)
    except pulumi.ConfigTypeError:
        raise StackConfigError(
            f"{CONFIG_KEY}: must be a list of subscription objects in the stack file"
            " (see Pulumi.example.yaml), not a plain string"
        ) from None
    return parse_subscriptions(raw, stack=pulumi.get_stack())


def parse_subscriptions(raw: Any, stack: str | None = None) -> list[SubscriptionConfig]:
    """Validate the raw `subscriptions` config value; raise StackConfigError naming bad paths.

    `stack` is the Pulumi stack's name, part of each default event source suffix."""
    if raw is None:
        raise StackConfigError(
            f"{CONFIG_KEY}: missing; set it in the stack file (see Pulumi.example.yaml), e.g."
            " `pulumi config set --path 'subscriptions[0].name' contact-centre`"
        )
    try:
        parsed = _Subscriptions.model_validate({CONFIG_KEY: raw})
    except ValidationError as err:
        lines = []
        for problem in err.errors():
            where = _path(problem["loc"])
            if problem["type"] == "extra_forbidden":
                message = "is not a known field; check its spelling (fields are camelCase)"
            else:
                message = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {message}")
        raise StackConfigError("; ".join(lines)) from None
    seen: dict[str, int] = {}
    suffixes: dict[str, int] = {}
    for index, entry in enumerate(parsed.subscriptions):
        if entry.name in seen:
            raise StackConfigError(
                f"{CONFIG_KEY}[{index}].name: {entry.name!r} is already the name of"
                f" {CONFIG_KEY}[{seen[entry.name]}]; names must be unique"
            )
        seen[entry.name] = index
        _plan(index, entry, stack)
        suffix = entry.event_source_suffix or default_suffix(entry.name, stack)
        if suffix in suffixes:
            other = parsed.subscriptions[suffixes[suffix]]
            raise StackConfigError(
                f"{_suffix_path(index, entry)}: the event source suffix {suffix!r} is also that of"
                f" {_suffix_path(suffixes[suffix], other)}; each subscription needs its own"
                " partner event source: set a different eventSourceSuffix on one of them"
            )
        suffixes[suffix] = index
    return parsed.subscriptions


def _suffix_path(index: int, entry: SubscriptionConfig) -> str:
    if entry.event_source_suffix is not None:
        return f"{CONFIG_KEY}[{index}].eventSourceSuffix"
    return f"{CONFIG_KEY}[{index}].name (the default suffix is <stack>-<name>)"


def _plan(index: int, entry: SubscriptionConfig, stack: str | None) -> None:
    """Run the component's own checks now, so their errors carry the config path."""
    try:
        plan_subscription(entry.name, entry.to_args(), region=entry.aws_region, stack=stack)
    except (SubscriptionArgsError, PatternError) as err:
        where = f"{CONFIG_KEY}[{index}]"
        rule = getattr(err, "rule", None)
        parts = (getattr(err, "field", None) or "").split(".")
        names = [r.name for r in entry.rules or []]
        if rule in names:
            where += f".rules[{names.index(rule)}]"
            parts = parts[1:] if parts[0] == "rules" else parts
        if isinstance(err, PatternError):
            # A pattern problem is always in the filter policy (err.field is the event path).
            parts = ["filter_policy"]
        where += "".join("." + to_camel(part) for part in parts if part)
        raise StackConfigError(f"{where}: {err}") from None
