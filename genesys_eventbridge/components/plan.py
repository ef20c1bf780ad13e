"""Turn SubscriptionArgs into a checked plan of rules, before any resource is declared."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from genesys_eventbridge.components import (
    iam,
    limits,
    policy_size,
    preview_limits,
    target_kinds,
)
from genesys_eventbridge.components.args import (
    CALLBACK_TARGET,
    LambdaCodeArgs,
    RuleArgs,
    SubscriptionArgs,
)
from genesys_eventbridge.components.event_source import placeholder_source
from genesys_eventbridge.components.lambda_arns import check_function_arn
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.patterns import MAX_PATTERN_LENGTH, build_pattern, pattern_json
from genesys_eventbridge.components.target_keys import rule_target_keys
from genesys_eventbridge.components.targets.args import LambdaTarget


def lambda_spec(target: Any) -> Any:
    """A LambdaTarget as the spec Lambda targets are keyed by: its ARN, or CALLBACK_TARGET."""
    if isinstance(target, LambdaTarget):
        return CALLBACK_TARGET if target.function_arn is None else target.function_arn
    return target


DEFAULT_RULE = "default"
# Kept short so rule names may be long: EventBridge counts the prefix within its 64 characters.
RULE_PREFIX_LENGTH = 24


@dataclass(frozen=True)
class RulePlan:
    """One checked rule: its names, the topics it pins, its filter and its targets."""

    name: str
    """The name the user gave (the key of `rule_arns`)."""
    rule_name: str
    """The EventBridge rule's name: `<component prefix>-<name>`."""
    topics: tuple[str, ...]
    filter_policy: Mapping[str, Any] | None
    """As given: it may hold Pulumi Outputs, resolved by `pattern_output`."""
    targets: tuple[Any, ...]
    description: str
    target_options: tuple[Any, ...] = ()
    """Per target: the typed LambdaTarget it was given as (its input shaping and retries), or
    None."""
    target_keys: tuple[str, ...] = ()
    """Per target: its key (see target_keys), which names its target id and resources."""
    max_pattern_length: int = MAX_PATTERN_LENGTH

    def pattern(
        self, source: str, filter_policy: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The rule's event pattern once the source (and any Output in the policy) is known."""
        return build_pattern(
            rule=self.name,
            source=source,
            detail_types=self.topics,
            filter_policy=self.filter_policy if filter_policy is None else filter_policy,
            max_length=self.max_pattern_length,
        )

    def pattern_output(self, source: pulumi.Input[str]) -> pulumi.Output[str]:
        """The pattern's JSON once the source and every Output in the filter policy resolve;
        building it validates the resolved values."""
        policy = pulumi.Output.from_input(self.filter_policy or {})
        return pulumi.Output.all(source, policy).apply(
            lambda values: pattern_json(self.pattern(values[0], values[1]))
        )


@dataclass(frozen=True)
class SubscriptionPlan:
    """The checked shape of one subscription."""

    event_source_suffix: str
    topics: tuple[str, ...]
    rules: tuple[RulePlan, ...]
    archive: RulePlan | None = None
    """The archive's pattern, as a rule named `archive` (when an archive is configured)."""

    @property
    def uses_callback(self) -> bool:
        """Whether any rule targets the subscription's own callback function."""
        return any(target == CALLBACK_TARGET for rule in self.rules for target in rule.targets)


def default_suffix(name: str, stack: str | None) -> str:
    """`<stack>-<name>` made a valid suffix: two stacks of one program never share a source."""
    stem = f"{stack}-{name}" if stack else name
    return limits.sanitize_name(stem, limits.MAX_EVENT_SOURCE_SUFFIX_LENGTH)


def plan_subscription(
    name: str, args: SubscriptionArgs, region: object = None, stack: str | None = None
) -> SubscriptionPlan:
    """Check the component `name`'s `args` against EventBridge's rules and limits.

    `stack` is the Pulumi stack's name, part of the default event source suffix. Raises
    SubscriptionArgsError (or the patterns module's PatternError) naming the first problem.
    """
    topics = _check_topics(args.topics)
    suffix = _event_source_suffix(name, args.event_source_suffix, stack)
    _check_delivery(args)
    _check_settings(args)
    _check_tags(args.tags)
    max_pattern = _quota(
        args.quotas.max_pattern_length, MAX_PATTERN_LENGTH, field="quotas.max_pattern_length"
    )
    if args.rules is not None and args.filter_policy is not None:
        raise SubscriptionArgsError(
            "filter_policy applies only when no rules are given; move it into each RuleArgs"
            " (RuleArgs(name=..., filter_policy=...)).",
            field="filter_policy",
        )
    if args.rules is None:
        rule_args: Sequence[RuleArgs] = [
            RuleArgs(name=DEFAULT_RULE, filter_policy=args.filter_policy)
        ]
    elif isinstance(args.rules, (str, bytes)) or not args.rules:
        raise SubscriptionArgsError(
            "rules must be a non-empty list of RuleArgs; leave it unset for one rule named"
            f" {DEFAULT_RULE!r} that uses filter_policy.",
            field="rules",
        )
    else:
        rule_args = list(args.rules)
    quota = _quota(
        args.quotas.max_rules_per_bus,
        limits.max_rules_per_bus(region),
        field="quotas.max_rules_per_bus",
    )
    if len(rule_args) > quota:
        extra = rule_args[quota]
        raise SubscriptionArgsError(
            f"rules: {len(rule_args)} rules on one event bus, more than EventBridge's {quota}"
            f" (rule {getattr(extra, 'name', '?')!r} is number {quota + 1}). Merge rules (one"
            " filter policy can use $or), split the topics over several subscriptions, or set"
            " quotas.max_rules_per_bus if AWS raised the account's quota.",
            field="rules",
            rule=getattr(extra, "name", None),
        )
    prefix = limits.sanitize_name(name, RULE_PREFIX_LENGTH)
    source = placeholder_source(suffix)
    seen: set[str] = set()
    plans: list[RulePlan] = []
    for rule in rule_args:
        plan = _plan_rule(
            rule, prefix=prefix, topics=topics, seen=seen, region=region, max_pattern=max_pattern
        )
        # Size and syntax checks with the placeholder source; Outputs in the policy stand in as
        # plain values here and are checked again once they resolve.
        plan.pattern(source, static_view(plan.filter_policy))
        plans.append(plan)
    _check_generated_names(name, args)
    preview_limits.check_wildcard_rules((p.name, static_view(p.filter_policy)) for p in plans)
    planned = SubscriptionPlan(
        event_source_suffix=suffix,
        topics=topics,
        rules=tuple(plans),
        archive=_plan_archive(args, topics, source, max_pattern),
    )
    _check_queue_policy(name, planned, args)
    _check_what_is_made(name, planned, args)
    return planned


# Lengths of what a placeholder must stand in for, before AWS names things.
_LONGEST_REGION = "ap-southeast-5"
_ACCOUNT = "0" * 12
_ROLE_NAME = "r" * 64


def _check_what_is_made(name: str, plan: SubscriptionPlan, args: SubscriptionArgs) -> None:
    """The names and the number of roles the subscription's resources get, against AWS's limits."""
    uses_callback = plan.uses_callback or args.notify_on_change
    preview_limits.check_subscription_names(
        name,
        dead_letter_queue=bool(args.dead_letter_queue),
        function_keys=preview_limits.lambda_function_keys(
            uses_callback, (target for rule in plan.rules for target in rule.targets)
        ),
    )
    preview_limits.check_role_budget(
        name, roles_of(args, plan), args.quotas.max_iam_roles, program=False
    )


def roles_of(args: SubscriptionArgs, plan: SubscriptionPlan) -> int:
    """The IAM roles the subscription makes."""
    _quota(args.quotas.max_iam_roles, preview_limits.MAX_IAM_ROLES, field="quotas.max_iam_roles")
    targets = [target for rule in args.rules or [] for target in rule.targets or []]
    uses_callback = plan.uses_callback or args.notify_on_change
    return preview_limits.roles_made(
        targets, makes_callback=args.lambda_arn is None and uses_callback
    )


def _check_queue_policy(name: str, plan: SubscriptionPlan, args: SubscriptionArgs) -> None:
    """Render the dead-letter queue's policy with stand-ins of the real lengths and check its
    size now; name the first rule whose functions would break it."""
    if not args.dead_letter_queue or not args.async_invoke.external_functions:
        return
    region = args.aws_region if isinstance(args.aws_region, str) else _LONGEST_REGION
    account = args.aws_account_id if isinstance(args.aws_account_id, str) else _ACCOUNT
    queue_arn = f"arn:aws:sqs:{region}:{account}:{name}-dlq-xxxxxxx"
    bus_arn = f"arn:aws:events:{region}:{account}:event-bus/"
    bus_arn += placeholder_source(plan.event_source_suffix)

    def document(functions: int) -> dict[str, Any]:
        roles = [f"arn:aws:iam::{account}:role/{_ROLE_NAME}{i}" for i in range(functions)]
        return iam.dead_letter_queue_policy(queue_arn, bus_arn, account, roles)

    external: list[Any] = []
    if args.lambda_arn is not None and (plan.uses_callback or args.notify_on_change):
        external.append(args.lambda_arn)
    first_over: str | None = None
    for rule in plan.rules:
        for target in rule.targets:
            if isinstance(target, pulumi.Output) or (
                isinstance(target, str) and target != CALLBACK_TARGET
            ):
                if not any(target is seen or target == seen for seen in external):
                    external.append(target)
        if first_over is None and policy_size.size_of(document(len(external))) > (
            policy_size.SQS_POLICY_LIMIT
        ):
            first_over = rule.name
    policy_size.check_queue_policy(
        document(len(external)), functions=len(external), first_over=first_over
    )


_UNKNOWN = "pulumi-output"
"""Stands in for an Output in a filter policy's static check: a valid exact-match value."""


def static_view(policy: Mapping[str, Any] | None) -> dict[str, Any]:
    """`policy` with every Output replaced by a value valid wherever a matcher may stand.

    A matcher that holds an Output anywhere (`{"prefix": out}`, `{"numeric": [">", out]}`)
    becomes the plain string stand-in, so everything around it is still checked now.
    """
    if not isinstance(policy, Mapping):
        return policy  # type: ignore[return-value]  # build_pattern reports the wrong type
    view: dict[str, Any] = {}
    for key, value in policy.items():
        if key == "$or" and isinstance(value, (list, tuple)):
            view[key] = [
                static_view(branch) for branch in value if not isinstance(branch, pulumi.Output)
            ]
        elif isinstance(value, pulumi.Output):
            view[key] = [_UNKNOWN]
        elif isinstance(value, (list, tuple)):
            view[key] = [_UNKNOWN if _holds_output(item) else item for item in value]
        else:
            view[key] = value
    return view


def _holds_output(value: Any) -> bool:
    if isinstance(value, pulumi.Output):
        return True
    if isinstance(value, Mapping):
        return any(_holds_output(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_output(v) for v in value)
    return False


def _quota(given: object, default: int, *, field: str) -> int:
    if given is None:
        return default
    return limits.check_range(given, 1, 1_000_000, field=field)


def _plan_archive(
    args: SubscriptionArgs, topics: tuple[str, ...], source: str, max_pattern: int
) -> RulePlan | None:
    archive = args.archive
    if archive is None:
        return None
    limits.check_range(
        archive.retention_days, 0, 36500, field="archive.retention_days", unit=" days"
    )
    plan = RulePlan(
        name="archive",
        rule_name="archive",
        topics=topics,
        filter_policy=archive.filter_policy,
        targets=(),
        description="",
        max_pattern_length=max_pattern,
    )
    try:
        plan.pattern(source, static_view(archive.filter_policy))
    except Exception as err:
        raise SubscriptionArgsError(
            f"archive.filter_policy: {err}", field="archive.filter_policy"
        ) from None
    return plan


# pulumi-aws names a resource `<logical name>-<7 random characters>`; these physical names have
# AWS length limits, which would otherwise fail only at `up`, in the provider's words.
_MAX_FUNCTION_NAME = 64  # Lambda function name
_SQS_LAMBDA_NAME = re.compile(r"[A-Za-z0-9_-]+")  # what Lambda, SQS and SNS names accept


def _check_generated_names(name: str, args: SubscriptionArgs) -> None:
    own_topic = args.alarms is not None and args.alarms.topic_arn is None
    if (args.lambda_arn is None or args.dead_letter_queue or own_topic) and not (
        _SQS_LAMBDA_NAME.fullmatch(name)
    ):
        # The callback function, the dead-letter queue and the alarm topic are named after it.
        raise SubscriptionArgsError(
            f"the subscription name {name!r} may hold only letters, digits, '-' and '_' (no"
            " '.' or other characters): the callback function, the dead-letter queue and the"
            " alarm topic are named after it, and Lambda, SQS and SNS refuse other characters."
            " Rename the subscription.",
            field="name",
        )
    if args.lambda_arn is None:
        what = "its callback function's name would pass Lambda's"
        preview_limits.check_generated_name(name, "-callback", _MAX_FUNCTION_NAME, what)


def _check_topics(topics: object) -> tuple[str, ...]:
    if isinstance(topics, (str, bytes)) or not isinstance(topics, Sequence):
        raise SubscriptionArgsError(
            "topics must be a list of topic templates, e.g."
            " ['v2.detail.events.conversation.{id}.customer.start'].",
            field="topics",
        )
    if not topics:
        raise SubscriptionArgsError(
            "topics is empty: name at least one topic template"
            " (`python -m genesys_eventbridge topics` lists them).",
            field="topics",
        )
    seen: set[str] = set()
    for topic in topics:
        if not isinstance(topic, str) or not topic.strip():
            raise SubscriptionArgsError(
                f"topics: every topic must be a non-empty string; got {topic!r}.", field="topics"
            )
        if topic in seen:
            raise SubscriptionArgsError(
                f"topics lists {topic!r} more than once; remove the copy.", field="topics"
            )
        seen.add(topic)
    return tuple(topics)


def _event_source_suffix(name: str, given: str | None, stack: str | None) -> str:
    if given is None:
        return default_suffix(name, stack)
    if not isinstance(given, str) or not limits.EVENT_SOURCE_SUFFIX.fullmatch(given):
        raise SubscriptionArgsError(
            "event_source_suffix must be 1-64 characters of letters, digits, '.', '-' or '_';"
            f" got {given!r}. Fix it, or leave it unset to derive it from the component name.",
            field="event_source_suffix",
        )
    return given


def _check_delivery(args: SubscriptionArgs) -> None:
    limits.check_retries(
        args.retry_policy,
        field="retry_policy",
        attempts=(limits.MIN_RETRY_ATTEMPTS, limits.MAX_RETRY_ATTEMPTS),
        max_age=limits.MAX_EVENT_AGE,
    )
    if args.lambda_code is not None and args.lambda_arn is not None:
        raise SubscriptionArgsError(
            "lambda_code and lambda_arn are exclusive: give your own code, or an existing"
            " function's ARN, not both.",
            field="lambda_code",
        )
    if args.lambda_code is not None:
        _check_code(args.lambda_code)
    if isinstance(args.lambda_arn, str):
        check_function_arn(args.lambda_arn, args.aws_region, field="lambda_arn")
    if args.lambda_arn is None and args.log_retention_in_days not in limits.LOG_RETENTION_DAYS:
        raise SubscriptionArgsError(
            f"log_retention_in_days must be one of CloudWatch's periods"
            f" {sorted(limits.LOG_RETENTION_DAYS)}; got {args.log_retention_in_days!r}.",
            field="log_retention_in_days",
        )


_LOG_FORMATS = ("Text", "JSON")
_KMS_KEY = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(?:key|alias)/[A-Za-z0-9/_-]+")
_ARCHITECTURES = ("x86_64", "arm64")
# Lambda's key pattern for environment variables, and the keys its runtimes set themselves.
_ENVIRONMENT_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9_]+")
_RESERVED_ENVIRONMENT = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


def _check_settings(args: SubscriptionArgs) -> None:
    """The newer settings: Lambda's async retries, the callback's options, waits, alarms."""
    if args.enabled is not None and not isinstance(args.enabled, bool):
        raise SubscriptionArgsError(
            f"enabled must be true or false; got {args.enabled!r}. (It decides whether the bus"
            " and rules are declared, so it cannot be an Output.)",
            field="enabled",
        )
    limits.check_retries(
        args.async_invoke,
        field="async_invoke",
        attempts=(limits.MIN_ASYNC_RETRIES, limits.MAX_ASYNC_RETRIES),
        max_age=limits.MAX_ASYNC_EVENT_AGE,
    )
    if args.reserved_concurrency is not None:
        limits.check_range(args.reserved_concurrency, 1, 1_000_000, field="reserved_concurrency")
    if args.log_format not in _LOG_FORMATS:
        raise SubscriptionArgsError(
            f"log_format must be one of {list(_LOG_FORMATS)}; got {args.log_format!r}.",
            field="log_format",
        )
    limits.check_range(
        args.partner_source_timeout, 0, 3600, field="partner_source_timeout", unit=" seconds"
    )
    key = args.kms_key_arn
    if isinstance(key, str) and not _KMS_KEY.fullmatch(key):
        raise SubscriptionArgsError(
            f"kms_key_arn must be the ARN of a KMS key or alias (arn:aws:kms:<region>:<account>:"
            f"key/<id> or ...:alias/<name>); got {key!r}.",
            field="kms_key_arn",
        )
    if args.alarms is not None:
        period = limits.check_range(
            args.alarms.period, 60, 86400, field="alarms.period", unit=" seconds"
        )
        if period % 60:
            raise SubscriptionArgsError(
                f"alarms.period must be a multiple of 60 seconds; got {period}.",
                field="alarms.period",
            )
        periods = limits.check_range(
            args.alarms.evaluation_periods, 1, 100, field="alarms.evaluation_periods"
        )
        window = limits.METRICS_INSIGHTS_WINDOW
        if not args.alarms.per_rule and period * periods > window:
            # The bus-wide rule alarms query Metrics Insights, which evaluates 3 hours at most.
            raise SubscriptionArgsError(
                f"alarms.evaluation_periods x alarms.period is {periods} x {period} ="
                f" {period * periods} seconds, more than the {window} (three hours) a Metrics"
                " Insights alarm may evaluate, which the bus-wide rule alarms are; lower"
                f" evaluation_periods to at most {window // period}, or set alarms.per_rule.",
                field="alarms.evaluation_periods",
            )
        if period * periods > 86400:
            # PutMetricAlarm refuses an alarm evaluating more than one day.
            raise SubscriptionArgsError(
                f"alarms.evaluation_periods x alarms.period is {periods} x {period} ="
                f" {period * periods} seconds, more than CloudWatch's 86400 (one day); lower"
                f" evaluation_periods to at most {86400 // period}, or shorten the period.",
                field="alarms.evaluation_periods",
            )


def _check_tags(tags: object) -> None:
    """AWS's tag rules, which every tagged resource of the subscription would otherwise break."""
    if tags is None:
        return
    if not isinstance(tags, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise SubscriptionArgsError("tags must map strings to strings.", field="tags")
    if len(tags) > 50:
        raise SubscriptionArgsError(
            f"tags has {len(tags)} tags; AWS allows at most 50 per resource. Drop some.",
            field="tags",
        )
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            raise SubscriptionArgsError(
                f"tags: the key {key!r} uses the prefix 'aws:', which AWS has reserved for its own"
                " tags; rename it.",
                field="tags",
            )
        if not 1 <= len(key) <= 128:
            raise SubscriptionArgsError(
                f"tags: the key {key[:40]!r}... has {len(key)} characters; AWS allows 1 to 128.",
                field="tags",
            )
        if len(value) > 256:
            raise SubscriptionArgsError(
                f"tags: the value of {key!r} has {len(value)} characters; AWS allows up to 256.",
                field="tags",
            )


def _check_code(code: LambdaCodeArgs) -> None:
    if not isinstance(code.code, (str, pulumi.Archive)) or code.code == "":
        raise SubscriptionArgsError(
            "lambda_code.code must be a pulumi.Archive or the path of a directory;"
            f" got {code.code!r}.",
            field="lambda_code.code",
        )
    if isinstance(code.code, str) and not os.path.isdir(code.code):
        raise SubscriptionArgsError(
            f"lambda_code.code: {code.code!r} is not a directory (paths are relative to the"
            " Pulumi program); give an existing directory or a pulumi.Archive.",
            field="lambda_code.code",
        )
    if not isinstance(code.handler, str) or not code.handler.strip():
        raise SubscriptionArgsError(
            "lambda_code.handler must name the entry point, e.g. 'app.handler'.",
            field="lambda_code.handler",
        )
    limits.check_range(
        code.memory_size,
        limits.MIN_MEMORY_MB,
        limits.MAX_MEMORY_MB,
        field="lambda_code.memory_size",
        unit=" MB",
    )
    limits.check_range(
        code.timeout,
        limits.MIN_TIMEOUT_S,
        limits.MAX_TIMEOUT_S,
        field="lambda_code.timeout",
        unit=" seconds",
    )
    if code.architecture not in _ARCHITECTURES:
        raise SubscriptionArgsError(
            f"lambda_code.architecture must be one of {list(_ARCHITECTURES)};"
            f" got {code.architecture!r}.",
            field="lambda_code.architecture",
        )
    for key in code.environment or {}:
        # Names only: the values may be secrets.
        if key in _RESERVED_ENVIRONMENT:
            raise SubscriptionArgsError(
                f"lambda_code.environment: {key!r} is reserved: Lambda sets it and refuses a"
                " function that sets it too. Rename the variable.",
                field="lambda_code.environment",
            )
        if not isinstance(key, str) or not _ENVIRONMENT_KEY.fullmatch(key):
            raise SubscriptionArgsError(
                f"lambda_code.environment: {key!r} is not a name Lambda accepts: a letter, then"
                " letters, digits or '_' (e.g. API_URL). Rename the variable.",
                field="lambda_code.environment",
            )


def _plan_rule(
    rule: RuleArgs,
    *,
    prefix: str,
    topics: tuple[str, ...],
    seen: set[str],
    region: object,
    max_pattern: int,
) -> RulePlan:
    if not isinstance(rule, RuleArgs):
        raise SubscriptionArgsError(
            f"rules: every item must be a RuleArgs; got {type(rule).__name__}.", field="rules"
        )
    name = rule.name
    if not isinstance(name, str) or not limits.RULE_NAME.fullmatch(name):
        raise SubscriptionArgsError(
            f"rule {name!r}: name must be letters, digits, '.', '-' or '_'; rename it.",
            field="rules.name",
            rule=name if isinstance(name, str) else None,
        )
    rule_name = f"{prefix}-{name}"
    if len(rule_name) > limits.MAX_RULE_NAME_LENGTH:
        room = limits.MAX_RULE_NAME_LENGTH - len(prefix) - 1
        raise SubscriptionArgsError(
            f"rule {name!r}: the EventBridge rule name {rule_name!r} has {len(rule_name)}"
            f" characters, more than {limits.MAX_RULE_NAME_LENGTH}; shorten the rule name to at"
            f" most {room} characters.",
            field="rules.name",
            rule=name,
        )
    if name in seen:
        raise SubscriptionArgsError(
            f"rule {name!r} is declared twice: rule names must be unique; rename one.",
            field="rules.name",
            rule=name,
        )
    seen.add(name)
    preview_limits.check_rule_description(name, rule.description)
    return RulePlan(
        name=name,
        rule_name=rule_name,
        topics=_rule_topics(rule, topics),
        filter_policy=rule.filter_policy,
        targets=_rule_targets(rule, region),
        target_options=tuple(
            target if isinstance(target, LambdaTarget) else None
            for target in rule.targets or (CALLBACK_TARGET,)
        ),
        target_keys=_target_keys(rule),
        description=rule.description or f"Genesys Cloud events: rule {name!r}",
        max_pattern_length=max_pattern,
    )


def _target_keys(rule: RuleArgs) -> tuple[str, ...]:
    given = tuple(rule.targets or (CALLBACK_TARGET,))
    keys = rule_target_keys(rule.name, given)
    for index, key in enumerate(keys):
        if key.startswith("position-"):
            pulumi.log.warn(
                f"rule {rule.name!r}: targets[{index}] delivers to an ARN known only at `up`, so"
                " it is identified by its position; give it a `key` so that adding or removing"
                " a target before it does not move it to another resource"
            )
    return keys


def _rule_topics(rule: RuleArgs, topics: tuple[str, ...]) -> tuple[str, ...]:
    if rule.topics is None:
        return topics
    if isinstance(rule.topics, (str, bytes)) or not rule.topics:
        raise SubscriptionArgsError(
            f"rule {rule.name!r}: topics must be a non-empty list of the subscription's topics;"
            " leave it unset for all of them.",
            field="rules.topics",
            rule=rule.name,
        )
    unknown = [topic for topic in rule.topics if topic not in topics]
    if unknown:
        raise SubscriptionArgsError(
            f"rule {rule.name!r}: topics {unknown!r} are not among the subscription's topics;"
            " add them to SubscriptionArgs.topics or remove them from the rule.",
            field="rules.topics",
            rule=rule.name,
        )
    # Keep the subscription's order so the pattern does not change when the rule lists them anew.
    return tuple(topic for topic in topics if topic in set(rule.topics))


def _rule_targets(rule: RuleArgs, region: object) -> tuple[Any, ...]:
    if rule.targets is None:
        return (CALLBACK_TARGET,)
    if isinstance(rule.targets, (str, bytes)) or not rule.targets:
        raise SubscriptionArgsError(
            f"rule {rule.name!r}: targets must be a non-empty list of Lambda ARNs (or"
            " CALLBACK_TARGET); leave it unset for the subscription's callback.",
            field="rules.targets",
            rule=rule.name,
        )
    for index, target in enumerate(rule.targets):
        target_kinds.check_target(rule.name, index, target, region)
    # A typed LambdaTarget is planned as the plain spec (ARN or CALLBACK_TARGET) every Lambda
    # target shares a permission by; its input and retry settings ride in `target_options`.
    targets = tuple(lambda_spec(target) for target in rule.targets)
    if len(targets) > limits.MAX_TARGETS_PER_RULE:
        raise SubscriptionArgsError(
            f"rule {rule.name!r} has {len(targets)} targets, more than EventBridge's"
            f" {limits.MAX_TARGETS_PER_RULE} per rule; split it into several rules with the same"
            " filter_policy.",
            field="rules.targets",
            rule=rule.name,
        )
    plain = [target for target in targets if isinstance(target, str)]
    repeated = sorted({target for target in plain if plain.count(target) > 1})
    if repeated:
        raise SubscriptionArgsError(
            f"rule {rule.name!r} lists target(s) {repeated!r} more than once; remove the copies.",
            field="rules.targets",
            rule=rule.name,
        )
    return targets
