"""Targets in stack config: the camelCase forms of `rules[..].targets[..]`, and their secrets.

A target is a string (a Lambda ARN or `callback`, as before) or an object whose `kind` is one of
`lambda`, `sqs`, `firehose`, `stepFunctions`, `logs`, `eventBus`, `https`. Credentials of `https`
targets must be Pulumi secrets: either in a config key of their own, set with `--secret` and named
by `{fromConfig: <key>}`, or in place, set with `pulumi config set --secret --path ...`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pulumi
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from genesys_eventbridge.components.args import RetryPolicyArgs
from genesys_eventbridge.components.config_source import is_secret_key
from genesys_eventbridge.components.targets import args as t
from genesys_eventbridge.components.targets.checks import MAX_RATE, MIN_RATE, https_problem

NAMESPACE = "genesys-eventbridge"
SUBSCRIPTIONS_KEY = f"{NAMESPACE}:subscriptions"
ARN_TAG = t.ARN_TAG
KINDS = tuple(t.TARGET_KINDS)


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)


class FromConfig(_Camel):
    """`{fromConfig: <key>}`: a secret held in its own config key, set with `--secret`."""

    from_config: str = Field(min_length=1)
    """The key, e.g. `partnerApiKey` (in the `genesys-eventbridge` namespace) or `ns:key`."""

    @property
    def full_key(self) -> str:
        """The key with its namespace."""
        return self.from_config if ":" in self.from_config else f"{NAMESPACE}:{self.from_config}"


Secret = str | FromConfig


class TargetRetryConfig(_Camel):
    """`retryPolicy` of one target."""

    maximum_retry_attempts: int = Field(default=185, ge=0, le=185)
    maximum_event_age_in_seconds: int = Field(default=86400, ge=60, le=86400)


class InputTransformerConfig(_Camel):
    """`inputTransformer`: `inputPaths` picked from the event, filled into `inputTemplate`."""

    input_paths: dict[str, str] = Field(default_factory=dict)
    input_template: str = Field(min_length=1)


class _TargetConfig(_Camel):
    input_path: str | None = None
    input_transformer: InputTransformerConfig | None = None
    retry_policy: TargetRetryConfig | None = None
    key: str | None = None

    def _delivery(self) -> dict[str, Any]:
        transformer = self.input_transformer
        retry = self.retry_policy
        return {
            "key": self.key,
            "input_path": self.input_path,
            "input_transformer": t.InputTransformerArgs(
                input_paths=dict(transformer.input_paths),
                input_template=transformer.input_template,
            )
            if transformer
            else None,
            "retry_policy": RetryPolicyArgs(
                maximum_retry_attempts=retry.maximum_retry_attempts,
                maximum_event_age_in_seconds=retry.maximum_event_age_in_seconds,
            )
            if retry
            else None,
        }


class LambdaTargetConfig(_TargetConfig):
    """`kind: lambda`: a function by `functionArn`, or the callback without it."""

    kind: Literal["lambda"]
    function_arn: str | None = None

    def to_target(self, secrets: SecretResolver, path: str) -> t.Target:
        """The typed target."""
        return t.LambdaTarget(function_arn=self.function_arn, **self._delivery())


class SqsTargetConfig(_TargetConfig):
    """`kind: sqs`: a queue the component makes, or yours by `queueArn`."""

    kind: Literal["sqs"]
    queue_arn: str | None = None
    manage_queue_policy: bool = False
    max_receive_count: int = Field(default=5, ge=1, le=1000)
    message_group_id: str | None = None
    message_retention_seconds: int = Field(default=14 * 24 * 3600, ge=60, le=14 * 24 * 3600)

    def to_target(self, secrets: SecretResolver, path: str) -> t.Target:
        """The typed target."""
        return t.SqsTarget(
            queue_arn=self.queue_arn,
            manage_queue_policy=self.manage_queue_policy,
            max_receive_count=self.max_receive_count,
            message_group_id=self.message_group_id,
            message_retention_seconds=self.message_retention_seconds,
            **self._delivery(),
        )


class FirehoseTargetConfig(_TargetConfig):
    """`kind: firehose`: your `deliveryStreamArn`, or a stream the component makes to
    `bucketArn` under `prefix`."""

    kind: Literal["firehose"]
    delivery_stream_arn: str | None = None
    bucket_arn: str | None = None
    prefix: str = "genesys/"
    buffering_interval_seconds: int = Field(default=300, ge=0, le=900)
    buffering_size_mb: int = Field(default=5, ge=1, le=128)
    error_prefix: str | None = None
    newline_delimited: bool = True
    kms_key_arn: str | None = None

    def to_target(self, secrets: SecretResolver, path: str) -> t.Target:
        """The typed target."""
        return t.FirehoseTarget(
            delivery_stream_arn=self.delivery_stream_arn,
            bucket_arn=self.bucket_arn,
            prefix=self.prefix,
            buffering_interval_seconds=self.buffering_interval_seconds,
            buffering_size_mb=self.buffering_size_mb,
            error_prefix=self.error_prefix,
            newline_delimited=self.newline_delimited,
            kms_key_arn=self.kms_key_arn,
            **self._delivery(),
        )


class StepFunctionsTargetConfig(_TargetConfig):
    """`kind: stepFunctions`: a state machine by `stateMachineArn`."""

    kind: Literal["stepFunctions"]
    state_machine_arn: str

    def to_target(self, secrets: SecretResolver, path: str) -> t.Target:
        """The typed target."""
        return t.StepFunctionsTarget(state_machine_arn=self.state_machine_arn, **self._delivery())


class LogsTargetConfig(_TargetConfig):
    """`kind: logs`: a CloudWatch Logs group the component makes, or yours by `logGroupArn`."""

    kind: Literal["logs"]
    log_group_arn: str | None = None
    retention_in_days: int = 30

    def to_target(self, secrets: SecretResolver, path: str) -> t.Target:
        """The typed target."""
        return t.LogGroupTarget(
            log_group_arn=self.log_group_arn,
            retention_in_days=self.retention_in_days,
            **self._delivery(),
        )


class EventBusTargetConfig(_TargetConfig):
    """`kind: eventBus`: another bus by `eventBusArn` (another account or region too)."""

    kind: Literal["eventBus"]
    event_bus_arn: str

    def to_target(self, secrets: SecretResolver, path: str) -> t.Target:
        """The typed target."""
        return t.EventBusTarget(event_bus_arn=self.event_bus_arn, **self._delivery())


class ApiKeyConfig(_Camel):
    """`auth.apiKey`: the header and its secret value."""

    header: str = Field(min_length=1)
    value: Secret


class BasicConfig(_Camel):
    """`auth.basic`: a user name and its secret password."""

    username: str = Field(min_length=1)
    password: Secret


class OAuthConfig(_Camel):
    """`auth.oauth`: OAuth client credentials."""

    authorization_endpoint: str
    client_id: str = Field(min_length=1)
    client_secret: Secret
    http_method: Literal["GET", "POST", "PUT"] = "POST"
    scope: str | None = None

    _https = field_validator("authorization_endpoint")(
        classmethod(lambda cls, value: _https_only(value))
    )


class AuthConfig(_Camel):
    """`auth`: exactly one of `apiKey`, `basic`, `oauth`."""

    api_key: ApiKeyConfig | None = None
    basic: BasicConfig | None = None
    oauth: OAuthConfig | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> AuthConfig:
        given = [name for name in ("apiKey", "basic", "oauth") if getattr(self, to_snake(name))]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of apiKey, basic, oauth (the connection's authorization);"
                f" got {given or 'none'}"
            )
        return self


class HttpsTargetConfig(_TargetConfig):
    """`kind: https`: an endpoint called through an EventBridge connection and API destination."""

    kind: Literal["https"]
    endpoint: str
    auth: AuthConfig
    http_method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "POST"
    rate_limit_per_second: int = Field(default=10, ge=MIN_RATE, le=MAX_RATE)
    headers: dict[str, str] | None = None
    query_parameters: dict[str, str] | None = None

    _https = field_validator("endpoint")(classmethod(lambda cls, value: _https_only(value)))

    def to_target(self, secrets: SecretResolver, path: str) -> t.Target:
        """The typed target, its credentials resolved as secrets (checked to be secret)."""
        auth: t.ApiAuth
        where = f"{path}.auth"
        if self.auth.api_key is not None:
            key = self.auth.api_key
            auth = t.ApiKeyAuth(
                header=key.header, value=secrets.resolve(key.value, f"{where}.apiKey.value")
            )
        elif self.auth.basic is not None:
            basic = self.auth.basic
            auth = t.BasicAuth(
                username=basic.username,
                password=secrets.resolve(basic.password, f"{where}.basic.password"),
            )
        else:
            oauth = self.auth.oauth
            assert oauth is not None  # exactly one is given
            auth = t.OAuthClientCredentialsAuth(
                authorization_endpoint=oauth.authorization_endpoint,
                client_id=oauth.client_id,
                client_secret=secrets.resolve(oauth.client_secret, f"{where}.oauth.clientSecret"),
                http_method=oauth.http_method,
                scope=oauth.scope,
            )
        return t.HttpsTarget(
            endpoint=self.endpoint,
            auth=auth,
            http_method=self.http_method,
            rate_limit_per_second=self.rate_limit_per_second,
            headers=self.headers,
            query_parameters=self.query_parameters,
            **self._delivery(),
        )


def _https_only(value: str) -> str:
    problem = https_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def to_snake(name: str) -> str:
    """`apiKey` -> `api_key`."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _tag(value: Any) -> str | None:
    if isinstance(value, str):
        return ARN_TAG
    if isinstance(value, Mapping):
        kind = value.get("kind")
        return kind if isinstance(kind, str) else None
    return None


TargetConfig = Annotated[
    Annotated[str, Tag(ARN_TAG)]
    | Annotated[LambdaTargetConfig, Tag("lambda")]
    | Annotated[SqsTargetConfig, Tag("sqs")]
    | Annotated[FirehoseTargetConfig, Tag("firehose")]
    | Annotated[StepFunctionsTargetConfig, Tag("stepFunctions")]
    | Annotated[LogsTargetConfig, Tag("logs")]
    | Annotated[EventBusTargetConfig, Tag("eventBus")]
    | Annotated[HttpsTargetConfig, Tag("https")],
    Discriminator(
        _tag,
        custom_error_type="unknown_target_kind",
        custom_error_message=(
            "unknown target kind: a target is a Lambda ARN, 'callback', or an object whose"
            f" kind is one of {', '.join(KINDS)}"
        ),
    ),
]
"""One entry of `rules[..].targets`."""

TAGS = t.CONFIG_TAGS


def to_targets(
    entries: Sequence[str | _TargetConfig], secrets: SecretResolver, path: str
) -> list[Any]:
    """The typed targets of one rule's `targets` (strings pass through as before)."""
    return [
        entry if isinstance(entry, str) else entry.to_target(secrets, f"{path}[{index}]")  # type: ignore[attr-defined]
        for index, entry in enumerate(entries)
    ]


CREDENTIAL_PATH = re.compile(
    r"subscriptions\[[0-9]+\]\.rules\[[0-9]+\]\.targets\[[0-9]+\]\.auth\."
    r"(?:apiKey\.value|basic\.password|oauth\.clientSecret)"
)
"""Config paths of target credentials: the values that may (and must) be set with --secret."""


def secret_references(raw: Any) -> set[str]:
    """The config keys (`namespace:key`) named by `{fromConfig: key}` anywhere in `raw`."""
    found: set[str] = set()
    if isinstance(raw, Mapping):
        if set(raw) == {"fromConfig"} and isinstance(raw["fromConfig"], str):
            return {FromConfig.model_validate({"fromConfig": raw["fromConfig"]}).full_key}
        for value in raw.values():
            found |= secret_references(value)
    elif isinstance(raw, list):
        for value in raw:
            found |= secret_references(value)
    return found


class PlainTextSecretError(ValueError):
    """A credential was given in stack config without `--secret`; the message says how to fix."""

    def __init__(self, path: str, message: str) -> None:
        """Record the config path of the credential."""
        super().__init__(message)
        self.path = path


@dataclass
class SecretResolver:
    """Turns a stack-config credential into a secret Output, refusing one set in plain text.

    Pulumi tells a program which top-level config keys hold a secret, not which value inside an
    object: a `{fromConfig: key}` credential is checked exactly (its key must be secret); an
    inline one needs the subscriptions key to be secret and a `secure:` value at its very path in
    the stack file (`secure_paths`, from `config_source`).
    """

    secret: bool = False
    """Whether `genesys-eventbridge:subscriptions` holds a secret at all."""
    secure_paths: Iterable[str] | None = None
    """The config paths of its `secure:` values; None when unknown (an inline credential is then
    refused)."""
    keys: Mapping[str, bool] | None = None
    """Outside a program run (`validate`): each config key of the stack -> whether it is secret;
    None: ask the Pulumi runtime."""
    check_credentials: bool = True
    """False for readers of the rules alone (`match`): credentials are neither checked nor read."""

    def check(self, value: Secret, path: str) -> None:
        """Raise PlainTextSecretError when the credential at config `path` is not a secret."""
        how = (
            f"set it with `pulumi config set --secret --path '{NAMESPACE}:{path}' <value>`, or"
            f" keep it in a key of its own (`pulumi config set --secret {NAMESPACE}:<key>"
            " <value>`) and write `{fromConfig: <key>}` here"
        )
        if isinstance(value, FromConfig):
            given = (
                value.full_key in self.keys
                if self.keys is not None
                else pulumi.runtime.get_config(value.full_key) is not None
            )
            if not given:
                raise PlainTextSecretError(
                    path, f"{path}: the config key {value.full_key!r} is not set; {how}"
                )
            secret = self.keys[value.full_key] if self.keys is not None else None
            if not (secret if secret is not None else is_secret_key(value.full_key)):
                raise PlainTextSecretError(
                    path,
                    f"{path}: the config key {value.full_key!r} is plain text; credentials must be"
                    f" Pulumi secrets: `pulumi config set --secret {value.full_key} <value>`",
                )
            return
        # Unknown secure paths fail closed: the value may be plain text in the stack file.
        secure = self.secure_paths
        if not self.secret or secure is None or path not in set(secure):
            raise PlainTextSecretError(
                path, f"{path}: a credential given as plain text in stack config; {how}"
            )

    def resolve(self, value: Secret, path: str) -> pulumi.Output[str]:
        """The credential as a secret Output (checked first)."""
        if not self.check_credentials:
            return pulumi.Output.secret("<secret>")
        self.check(value, path)
        if isinstance(value, FromConfig):
            if self.keys is not None:  # `validate`: checked, not read (no program, no decryption)
                return pulumi.Output.secret("<secret>")
            namespace, key = value.full_key.split(":", 1)
            return pulumi.Config(namespace).require_secret(key)
        return pulumi.Output.secret(value)
