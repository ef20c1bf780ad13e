"""The stack program's configuration: `genesys-eventbridge:subscriptions`, validated with pydantic.

Each entry mirrors SubscriptionArgs in camelCase. A bad entry raises StackConfigError naming its
config path (e.g. `subscriptions[1].filterPolicy`) and the fix, before any resource is declared;
so does a key of the `genesys-eventbridge:` or `genesyscloud:` namespace that nothing reads.
Values set with `pulumi config set --secret --path ...` stay secret (see to_args).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import pulumi
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails

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
from genesys_eventbridge.components.config_errors import (
    component_problem,
    pydantic_problem,
    strip_field,
    unknown_key_problems,
)
from genesys_eventbridge.components.config_source import (
    config_keys,
    is_secret_key,
    program_directory,
    read_secure_paths,
    under,
)
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.nesting import nests_deeper_than, too_deep_problem
from genesys_eventbridge.components.patterns import PatternError
from genesys_eventbridge.components.plan import default_suffix, plan_subscription
from genesys_eventbridge.components.targets.config import (
    CREDENTIAL_PATH,
    PlainTextSecretError,
    SecretResolver,
    TargetConfig,
    secret_references,
    to_targets,
)
from genesys_eventbridge.provider.errors import problem_list
from genesys_eventbridge.provider.genesys.settings import unknown_keys as unknown_setting_keys
from genesys_eventbridge.provider.integration_resource import plain_secret_settings
from genesys_eventbridge.provider.schema import input_problem

CONFIG_KEY = "subscriptions"
PROJECT_NAMESPACE = "genesys-eventbridge"
# The keys of the project's namespace that the stack program reads.
PROJECT_KEYS = (CONFIG_KEY,)
# Where a value may be a secret: it reaches a resource as a Pulumi input, so Output.secret keeps
# it encrypted in the state. Anything else names resources or is planned in plain Python.
SECRET_CAPABLE = re.compile(
    r"subscriptions\[[0-9]+\]\.lambdaCode\.environment\.[^.\[]+|" + CREDENTIAL_PATH.pattern
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,46}")  # fullmatch: `$` accepts "x\n"


# Secretness is recorded per value only in the stack file; the engine says "some value of this
# key is secret". Without the file, a value set with --secret outside the callback's environment
# would reach the state in plain text: refuse rather than guess.
_UNKNOWN_SECRETS = (
    f"{CONFIG_KEY}: holds values set with --secret, but which ones cannot be known: its stack file"
    " (Pulumi.<stack>.yaml beside Pulumi.yaml, or in the project's stackConfigDir) was not found"
    " or does not hold this key (config from a Pulumi ESC environment or the Automation API);"
    " values outside lambdaCode.environment would reach the state in plain text. Run the program"
    " in its project, with its stack file; or set subscriptions without --secret and keep each"
    " target credential in a config key of its own (`pulumi config set --secret"
    f" {PROJECT_NAMESPACE}:<key> <value>`) named with `{{fromConfig: <key>}}`"
)


class StackConfigError(pulumi.RunError, ValueError):
    """The stack config is wrong; the message names each bad path and how to fix it."""

    # A RunError: Pulumi's Python runtime shows the CLI user its message alone, where any other
    # exception from the program is shown as a crash, with a traceback that buries the message.

    def __init__(self, problems: str | Sequence[str]) -> None:
        """One problem, or several (`problems` lists them; str() shows one a line)."""
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(problem_list(self.problems))


_POLICY_EXAMPLE = (
    'e.g. `filterPolicy: {detail.eventBody.queueId: [{prefix: "9e8d"}]}` in the stack file, or'
    """ `pulumi config set --path '...filterPolicy' '{"detail.eventBody.queueId": ["q1"]}'`"""
)


def _policy_from_json(value: Any) -> Any:
    """A filter policy given as JSON text (`pulumi config set --path`, or pasted from the AWS
    console) is read as the object it holds; bad JSON is refused saying where it breaks."""
    if not isinstance(value, str):
        return value
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as err:
        raise ValueError(
            f"is text that is not a JSON object ({err.msg} at line {err.lineno} column"
            f" {err.colno}); write the policy as a mapping of event paths to arrays of matchers,"
            f" {_POLICY_EXAMPLE}"
        ) from None
    if not isinstance(parsed, dict):
        raise ValueError(
            f"is JSON holding a {type(parsed).__name__}, not an object; write the policy as a"
            f" mapping of event paths to arrays of matchers, {_POLICY_EXAMPLE}"
        )
    return parsed


FilterPolicyConfig = Annotated[dict[str, Any], BeforeValidator(_policy_from_json)]
"""A filter policy: a mapping, or JSON text holding one."""


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
    max_iam_roles: int | None = Field(default=None, ge=1)


class AlarmConfig(_CamelModel):
    """`alarms`: CloudWatch alarms to an SNS topic (made by the component unless given)."""

    topic_arn: str | None = None
    period: int = Field(default=300, ge=60, le=86400, multiple_of=60)
    evaluation_periods: int = Field(default=1, ge=1, le=100)
    per_rule: bool = False


class ArchiveConfig(_CamelModel):
    """`archive`: an archive of the partner bus's events, for replays."""

    retention_days: int = Field(default=30, ge=0, le=36500)
    filter_policy: FilterPolicyConfig | None = None


class LambdaCodeConfig(_CamelModel):
    """`lambdaCode`: the user's own callback, from a directory relative to the project."""

    path: str = Field(min_length=1)
    handler: str = Field(min_length=1)
    runtime: str = "python3.13"
    architecture: Literal["x86_64", "arm64"] = "x86_64"
    memory_size: int = Field(default=128, ge=128, le=10240)
    timeout: int = Field(default=30, ge=1, le=900)
    environment: dict[str, str] | None = None

    @field_validator("path")
    @classmethod
    def _path_is_a_directory(cls, value: str, info: ValidationInfo) -> str:
        base = (info.context or {}).get("base") or Path.cwd()
        if not (Path(base) / value).is_dir():
            raise ValueError(
                f"{value!r} is not a directory; give the directory holding the function's code,"
                f" relative to the project directory ({base})"
            )
        return value


class RuleConfig(_CamelModel):
    """One entry of `rules`."""

    name: str = Field(min_length=1)
    filter_policy: FilterPolicyConfig | None = None
    topics: list[str] | None = None
    targets: list[TargetConfig] | None = None
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
    filter_policy: FilterPolicyConfig | None = None
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
    kms_key_arn: str | None = None
    dead_letter_queue: bool = True
    retain_data: bool = False
    protect_data: bool = False
    notify_on_change: bool = False
    log_retention_in_days: int = Field(default=30, ge=1)
    tags: dict[str, str] | None = None
    # Whether the subscriptions key is a secret (see to_args): not a field of the stack file.
    _secret: bool = PrivateAttr(default=False)
    # How target credentials are checked to be secrets, and this entry's config path.
    _secrets: SecretResolver = PrivateAttr(default_factory=SecretResolver)
    _path: str = PrivateAttr(default=f"{CONFIG_KEY}[?]")

    @field_validator(
        "topics",
        "event_source_suffix",
        "aws_account_id",
        "aws_region",
        "enabled",
        "integration_name",
        "notes",
        "adopt_integration_id",
        mode="before",
    )
    @classmethod
    def _as_the_provider_checks_it(cls, value: Any, info: ValidationInfo) -> Any:
        # The provider's own checks, run now so the error carries the config path; a number
        # for the account id gets the "quote it" hint instead of pydantic's type error.
        if value is None or info.field_name is None:
            return value
        problem = input_problem(info.field_name, value)
        if problem:
            raise ValueError(strip_field(problem, info.field_name))
        return value

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
        """The component arguments this entry describes; raise PlainTextSecretError when a
        target's credential is not a Pulumi secret.

        When the subscriptions key is a secret, every lambdaCode.environment value is wrapped in
        Output.secret: `get_object` returns them plain, and which of them was set with --secret
        is not known here, so all of them stay encrypted in the state.
        """
        lambda_code = self._lambda_code_args()
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
            rules=self._rule_args(),
            lambda_code=lambda_code,
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
                max_iam_roles=self.quotas.max_iam_roles,
            ),
            alarms=self._alarm_args(),
            archive=self._archive_args(),
            kms_key_arn=self.kms_key_arn,
            dead_letter_queue=self.dead_letter_queue,
            retain_data=self.retain_data,
            protect_data=self.protect_data,
            notify_on_change=self.notify_on_change,
            log_retention_in_days=self.log_retention_in_days,
            tags=self.tags,
        )

    def _rule_args(self) -> list[RuleArgs] | None:
        """The rules, their targets typed and their credentials checked to be secrets."""
        if not self.rules:
            return None
        return [
            RuleArgs(
                name=r.name,
                filter_policy=r.filter_policy,
                topics=r.topics,
                targets=to_targets(r.targets, self._secrets, f"{self._path}.rules[{index}].targets")
                if r.targets is not None
                else None,
                description=r.description,
            )
            for index, r in enumerate(self.rules)
        ]

    def _lambda_code_args(self) -> LambdaCodeArgs | None:
        """The callback's code, its environment kept secret when the subscriptions key is."""
        if not self.lambda_code:
            return None
        environment: Mapping[str, Any] | None = None
        if self.lambda_code.environment is not None:
            environment = {
                name: pulumi.Output.secret(value) if self._secret else value
                for name, value in self.lambda_code.environment.items()
            }
        return LambdaCodeArgs(
            code=self.lambda_code.path,
            handler=self.lambda_code.handler,
            runtime=self.lambda_code.runtime,
            architecture=self.lambda_code.architecture,
            memory_size=self.lambda_code.memory_size,
            timeout=self.lambda_code.timeout,
            environment=environment,
        )

    def _alarm_args(self) -> AlarmArgs | None:
        if not self.alarms:
            return None
        return AlarmArgs(
            topic_arn=self.alarms.topic_arn,
            period=self.alarms.period,
            evaluation_periods=self.alarms.evaluation_periods,
            per_rule=self.alarms.per_rule,
        )

    def _archive_args(self) -> ArchiveArgs | None:
        if not self.archive:
            return None
        return ArchiveArgs(
            retention_days=self.archive.retention_days,
            filter_policy=self.archive.filter_policy,
        )


class _Subscriptions(BaseModel):
    subscriptions: list[SubscriptionConfig]


def key_problems(
    keys: Iterable[str], namespace: str = PROJECT_NAMESPACE, known: Sequence[str] = PROJECT_KEYS
) -> list[str]:
    """Keys of this project's and the `genesyscloud:` namespace that nothing reads (`known`: the
    project's own keys, without their namespace)."""
    keys = list(keys)
    return unknown_key_problems(keys, namespace, known) + [
        problem.replace(" is not a known", ": is not a known", 1)
        for problem in unknown_setting_keys(keys)
    ]


def load_subscriptions(config: pulumi.Config) -> list[SubscriptionConfig]:
    """Read and validate `subscriptions` (and the keys around it) from the stack config."""
    try:
        raw = config.get_object(CONFIG_KEY)
    except RecursionError:
        raise StackConfigError(f"{CONFIG_KEY}: {too_deep_problem('its value')}") from None
    except pulumi.ConfigTypeError:
        raise StackConfigError(
            f"{CONFIG_KEY}: must be a list of subscription objects in the stack file"
            " (see Pulumi.example.yaml), not a plain string"
        ) from None
    # Keys that targets name with {fromConfig: key} hold their credentials: read, so known.
    problems = key_problems(config_keys() - secret_references(raw), config.name)
    problems += plain_secret_settings({k: is_secret_key(k) for k in config_keys()})
    if raw is None and problems:
        raise StackConfigError(problems)  # a misspelled key: "missing" would only repeat it
    full_key = config.full_key(CONFIG_KEY)
    stack = pulumi.get_stack()
    secret = is_secret_key(full_key)
    secure = read_secure_paths(program_directory(), stack, full_key) if secret else None
    try:
        subscriptions = parse_subscriptions(
            raw,
            stack=stack,
            secret=secret,
            secure_paths=secure,
            default_region=pulumi.Config("aws").get("region"),
        )
    except StackConfigError as err:
        # Every problem of the run in one list: a misspelled key must not hide the rest.
        raise StackConfigError(problems + err.problems) from None
    if problems:
        raise StackConfigError(problems)
    return subscriptions


def parse_subscriptions(
    raw: Any,
    stack: str | None = None,
    *,
    base: Path | None = None,
    secret: bool = False,
    secure_paths: Iterable[str] | None = None,
    config_secrets: Mapping[str, bool] | None = None,
    check_credentials: bool = True,
    default_region: str | None = None,
) -> list[SubscriptionConfig]:
    """Validate the raw `subscriptions` config value; raise StackConfigError naming bad paths.

    stack: the Pulumi stack's name, part of each default event source suffix. base: the project
    directory that lambdaCode paths are relative to (default: the current one). secret: whether
    the key is a secret. secure_paths: the config paths of its `secure:` values, None when the
    stack file could not be found or does not hold the key (then a secret key is refused: which
    of its values are secret cannot be known). config_secrets: outside a program run, each key
    of the stack -> whether it is secret (for credentials given as `{fromConfig: key}`).
    check_credentials: False for commands that read only the rules (`match`). default_region:
    the stack's `aws:region`, where subscriptions without awsRegion put their rules (checked
    against their targets' regions).
    """
    default_region, problems = _checked_region(default_region)
    _refuse_unreadable(raw, secret, secure_paths, problems)
    problems += _misplaced_secrets(raw, secure_paths)
    entries = _validate_entries(raw, base or Path.cwd(), problems)
    secrets = SecretResolver(
        secret=secret,
        secure_paths=secure_paths,
        keys=config_secrets,
        check_credentials=check_credentials,
    )
    for index, entry in enumerate(entries):
        if entry is not None:
            entry._secret = secret
            entry._secrets = secrets
            entry._path = f"{CONFIG_KEY}[{index}]"
    problems += _entry_problems(entries, stack, default_region)
    if problems:
        raise StackConfigError(problems)
    return [entry for entry in entries if entry is not None]


def _checked_region(default_region: str | None) -> tuple[str | None, list[str]]:
    """The stack's `aws:region`, or None and its problem when it is not a region."""
    # The rules of subscriptions without awsRegion go to aws:region: a typo must not wait for AWS.
    region_problem = input_problem("aws_region", default_region) if default_region else None
    if region_problem is None:
        return default_region, []
    return None, [f"aws:region: {strip_field(region_problem, 'aws_region')}"]


def _refuse_unreadable(
    raw: Any, secret: bool, secure_paths: Iterable[str] | None, problems: list[str]
) -> None:
    """Raise, with `problems` so far, when the value cannot be read entry by entry: missing, a
    secret whose secure values are unknown, or nested too deep."""
    if raw is None:
        raise StackConfigError(
            problems
            + [
                f"{CONFIG_KEY}: missing; set it in the stack file (see Pulumi.example.yaml), e.g."
                " `pulumi config set --path 'subscriptions[0].name' contact-centre`"
            ]
        )
    if secret and secure_paths is None:
        raise StackConfigError(problems + [_UNKNOWN_SECRETS])
    entries = raw if isinstance(raw, list) else [raw]
    deep = [f"{CONFIG_KEY}[{i}]" for i, entry in enumerate(entries) if nests_deeper_than(entry)]
    if deep:
        raise StackConfigError(problems + [f"{where}: {too_deep_problem('it')}" for where in deep])


def _misplaced_secrets(raw: Any, secure_paths: Iterable[str] | None) -> list[str]:
    """Values set with --secret where a secret cannot stay one."""
    return [
        f"{path}: is set with --secret, but only lambdaCode.environment values can stay secret"
        " (this value names or shapes resources, which Pulumi shows in plain text); set it"
        " without --secret, or move the secret into the callback's environment"
        for path in sorted(secure_paths or ())
        if not SECRET_CAPABLE.fullmatch(path) and not under(path, _environments(raw))
    ]


def _entry_problems(
    entries: list[SubscriptionConfig | None], stack: str | None, default_region: str | None
) -> list[str]:
    """Each valid entry's component checks, and the names and event source suffixes that
    must be unique across entries."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    suffixes: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if entry is None:  # its problems are listed already
            continue
        if entry.name in seen:
            problems.append(
                f"{CONFIG_KEY}[{index}].name: {entry.name!r} is already the name of"
                f" {CONFIG_KEY}[{seen[entry.name]}]; names must be unique"
            )
            continue
        seen[entry.name] = index
        problem = _plan(index, entry, stack, default_region)
        if problem:
            problems.append(problem)
            continue
        suffix = entry.event_source_suffix or default_suffix(entry.name, stack)
        if suffix in suffixes:
            other = entries[suffixes[suffix]]
            assert other is not None
            problems.append(
                f"{_suffix_path(index, entry)}: the event source suffix {suffix!r} is also that of"
                f" {_suffix_path(suffixes[suffix], other)}; each subscription needs its own"
                " partner event source: set a different eventSourceSuffix on one of them"
            )
            continue
        suffixes[suffix] = index
    return problems


def _validate_entries(raw: Any, base: Path, problems: list[str]) -> list[SubscriptionConfig | None]:
    """Each entry validated on its own, so one bad entry does not hide the checks of the others;
    the problems go to `problems`, a bad entry's place to None."""
    context = {"base": base}
    if not isinstance(raw, list):
        try:
            _Subscriptions.model_validate({CONFIG_KEY: raw}, context=context)
        except ValidationError as err:
            problems += [pydantic_problem(_Subscriptions, e) for e in err.errors()]
        return []
    entries: list[SubscriptionConfig | None] = []
    for index, item in enumerate(raw):
        try:
            entries.append(SubscriptionConfig.model_validate(item, context=context))
        except ValidationError as err:
            for error in err.errors():
                located = cast(ErrorDetails, {**error, "loc": (CONFIG_KEY, index, *error["loc"])})
                problems.append(pydantic_problem(_Subscriptions, located))
            entries.append(None)
    return entries


def _suffix_path(index: int, entry: SubscriptionConfig) -> str:
    if entry.event_source_suffix is not None:
        return f"{CONFIG_KEY}[{index}].eventSourceSuffix"
    return f"{CONFIG_KEY}[{index}].name (the default suffix is <stack>-<name>)"


def _environments(raw: Any) -> list[str]:
    # A whole environment map set with --secret is fine too.
    if not isinstance(raw, list):
        return []
    return [f"{CONFIG_KEY}[{i}].lambdaCode.environment" for i in range(len(raw))]


def _plan(
    index: int, entry: SubscriptionConfig, stack: str | None, default_region: str | None = None
) -> str | None:
    """Run the component's own checks now, so their errors carry the config path."""
    try:
        args = entry.to_args()
    except PlainTextSecretError as err:
        return str(err)
    try:
        region = entry.aws_region or default_region
        plan_subscription(entry.name, args, region=region, stack=stack)
    except (SubscriptionArgsError, PatternError) as err:
        where = f"{CONFIG_KEY}[{index}]"
        rule = getattr(err, "rule", None)
        field = getattr(err, "field", None) or ""
        names = [r.name for r in entry.rules or []]
        if rule in names:
            # A name given twice is wrong where it is repeated, not where it was first used.
            at = names.index(rule)
            if field == "rules.name" and names.count(rule) > 1:
                at = names.index(rule, at + 1)
            where += f".rules[{at}]"
            field = field.removeprefix("rules").lstrip(".")
        if isinstance(err, PatternError):
            # A pattern problem is always in the filter policy (err.field is the event path,
            # whose words are the event's own: not translated).
            return f"{where}.filterPolicy: {err}"
        return component_problem(where, field, str(err))
    return None
