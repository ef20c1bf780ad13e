"""Turn a rule's declared targets into typed ones and check what can be checked before `up`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from genesys_eventbridge.components import limits
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.targets.args import (
    ApiKeyAuth,
    BasicAuth,
    EventBusTarget,
    FirehoseTarget,
    HttpsTarget,
    LambdaTarget,
    LogGroupTarget,
    OAuthClientCredentialsAuth,
    SqsTarget,
    StepFunctionsTarget,
    Target,
)
from genesys_eventbridge.provider.genesys.errors import display_url

MIN_RATE, MAX_RATE = 1, 300
MAX_INPUT_PATHS = 100
MAX_INPUT_TEMPLATE = 8192
# PutTargets: InputPath, and each InputPathsMap key and value, are at most 256 characters
# (EventBridge API reference, Target and InputTransformer).
MAX_INPUT_PATH = 256
_INPUT_PATH_NAME = re.compile(r"[A-Za-z0-9_\-]+")  # fullmatch: `$` accepts "x\n"
# The service in an ARN (`arn:<partition>:<service>:<region>:<account>:...`) per target kind.
_SERVICE = {
    LambdaTarget: "lambda",
    SqsTarget: "sqs",
    FirehoseTarget: "firehose",
    StepFunctionsTarget: "states",
    LogGroupTarget: "logs",
    EventBusTarget: "events",
}


@dataclass(frozen=True)
class Arn:
    """The parts of an ARN the checks need."""

    service: str
    region: str
    account: str
    resource: str


def parse_arn(value: str) -> Arn | None:
    """The parts of `value` when it is an ARN, else None."""
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1].startswith("aws"):
        return None
    return Arn(service=parts[2], region=parts[3], account=parts[4], resource=parts[5])


def check_target(target: Target, *, rule: str, field: str, region: object) -> None:
    """Check one typed target's static parts; raise naming `field` (e.g. `rules.targets[1]`)."""

    def fail(message: str, sub: str = "") -> SubscriptionArgsError:
        return SubscriptionArgsError(
            f"rule {rule!r}: {message}", field=f"{field}.{sub}" if sub else field, rule=rule
        )

    _check_shape(target, fail, field)
    _check_arns(target, fail, region)
    if isinstance(target, SqsTarget):
        _check_sqs(target, fail, field)
    if isinstance(target, FirehoseTarget):
        _check_firehose(target, fail, field)
    if isinstance(target, LogGroupTarget) and target.log_group_arn is None:
        _check_log_retention(target, fail)
    if isinstance(target, HttpsTarget):
        _check_https(target, fail)


def _check_arns(target: Target, fail: _Fail, region: object) -> None:
    """The ARNs the user gave: of the target kind's service, and in the rule's region."""
    for sub, value in _arns(target):
        if not isinstance(value, str):
            continue  # an Output: checked by AWS at `up`
        arn = parse_arn(value)
        expected = _SERVICE[type(target)]
        if arn is None or arn.service != expected:
            raise fail(f"{sub} {value!r} is not an ARN of service {expected!r}.", sub)
        if (
            isinstance(region, str)
            and arn.region != region
            and not isinstance(target, EventBusTarget)
        ):
            raise fail(
                f"{sub} {value!r} is in region {arn.region!r}, but the rule is in {region!r}:"
                " EventBridge delivers to this kind only within its own region. Use a resource"
                f" in {region!r}, or an EventBusTarget to a bus in {arn.region!r}.",
                sub,
            )


def _check_sqs(target: SqsTarget, fail: _Fail, field: str) -> None:
    """A queue target: FIFO needs a message group; a made queue's options stay on made queues."""
    if target.queue_arn is None and target.message_group_id is not None:
        raise fail(
            "message_group_id is for a FIFO queue of yours; the queue the component makes"
            " is a standard queue.",
            "message_group_id",
        )
    if (
        isinstance(target.queue_arn, str)
        and target.queue_arn.endswith(".fifo")
        and not target.message_group_id
    ):
        # EventBridge refuses a FIFO queue target without SqsParameters.MessageGroupId.
        raise fail(
            f"queue_arn {target.queue_arn!r} is a FIFO queue: EventBridge needs a"
            " message_group_id to send to it; set one (e.g. 'genesys').",
            "message_group_id",
        )
    if target.message_group_id is not None and len(target.message_group_id) > 100:
        raise fail(
            "message_group_id must have at most 100 characters (EventBridge's limit);"
            f" it has {len(target.message_group_id)}.",
            "message_group_id",
        )
    if target.queue_arn is not None and target.max_receive_count != 5:
        raise fail("max_receive_count applies to a queue the component makes.", "max_receive_count")
    limits.check_range(target.max_receive_count, 1, 1000, field=f"{field}.max_receive_count")
    _check_retention(target, fail, field)


def _check_firehose(target: FirehoseTarget, fail: _Fail, field: str) -> None:
    """A Firehose target: a stream of yours or a bucket to make one for, and its options."""
    if (target.delivery_stream_arn is None) == (target.bucket_arn is None):
        raise fail(
            "give either delivery_stream_arn (your stream) or bucket_arn (the component"
            " makes the stream), not both or neither.",
            "bucket_arn",
        )
    if target.bucket_arn is not None:
        _check_prefix(target.prefix, fail)
    if isinstance(target.bucket_arn, str):
        bucket = parse_arn(target.bucket_arn)
        if bucket is None or bucket.service != "s3":
            raise fail(f"bucket_arn {target.bucket_arn!r} is not an S3 bucket ARN.", "bucket_arn")
    limits.check_range(
        target.buffering_interval_seconds, 0, 900, field=f"{field}.buffering_interval_seconds"
    )
    limits.check_range(target.buffering_size_mb, 1, 128, field=f"{field}.buffering_size_mb")
    _check_stream_options(target, fail)


def _check_log_retention(target: LogGroupTarget, fail: _Fail) -> None:
    """A made log group's retention: one of CloudWatch's periods."""
    if target.retention_in_days not in limits.LOG_RETENTION_DAYS:
        raise fail(
            f"retention_in_days must be one of CloudWatch's periods"
            f" {sorted(limits.LOG_RETENTION_DAYS)}; got {target.retention_in_days!r}.",
            "retention_in_days",
        )


MIN_RETENTION, MAX_RETENTION = 60, 14 * 24 * 3600


def _check_retention(target: SqsTarget, fail: _Fail, field: str) -> None:
    """A made queue's retention: SQS's range; a queue of yours keeps its own."""
    if target.queue_arn is not None and target.message_retention_seconds != MAX_RETENTION:
        raise fail(
            "message_retention_seconds applies to a queue the component makes; set your queue's"
            " retention on the queue itself.",
            "message_retention_seconds",
        )
    limits.check_range(
        target.message_retention_seconds,
        MIN_RETENTION,
        MAX_RETENTION,
        field=f"{field}.message_retention_seconds",
        unit=" seconds",
    )


def _check_stream_options(target: FirehoseTarget, fail: _Fail) -> None:
    """The options of a stream the component makes: its error prefix and KMS key."""
    made = target.delivery_stream_arn is None
    for name in ("error_prefix", "kms_key_arn"):
        if not made and getattr(target, name) is not None:
            raise fail(f"{name} applies to a stream the component makes.", name)
    errors = target.error_prefix
    if errors is not None and (not errors or errors.startswith(target.prefix)):
        raise fail(
            f"error_prefix {errors!r} is under prefix {target.prefix!r} (or empty): readers of the"
            " data would take failed records for events. Give a prefix of its own, e.g."
            f" 'errors/{target.prefix}'.",
            "error_prefix",
        )
    key = target.kms_key_arn
    if isinstance(key, str):
        arn = parse_arn(key)
        if arn is None or arn.service != "kms" or not arn.resource.startswith("key/"):
            raise fail(
                f"kms_key_arn {key!r} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/"
                "<id>); S3 encryption needs the key's ARN, not an alias.",
                "kms_key_arn",
            )


def _arns(target: Target) -> list[tuple[str, object]]:
    """The ARNs the user gave in `target`, with their field names."""
    fields = {
        LambdaTarget: "function_arn",
        SqsTarget: "queue_arn",
        FirehoseTarget: "delivery_stream_arn",
        StepFunctionsTarget: "state_machine_arn",
        LogGroupTarget: "log_group_arn",
        EventBusTarget: "event_bus_arn",
    }
    name = fields.get(type(target))
    value = getattr(target, name) if name else None
    return [(name, value)] if name and value is not None else []


def _check_shape(target: Target, fail: _Fail, field: str) -> None:
    if target.input_path is not None and target.input_transformer is not None:
        raise fail("input_path and input_transformer are exclusive; keep one.", "input_path")
    if target.input_path is not None and not (
        isinstance(target.input_path, str) and target.input_path.startswith("$")
    ):
        raise fail(
            f"input_path must be a JSON path starting with '$' (e.g. '$.detail');"
            f" got {target.input_path!r}.",
            "input_path",
        )
    if target.input_path is not None and len(target.input_path) > MAX_INPUT_PATH:
        raise fail(
            f"input_path has {len(target.input_path)} characters, more than EventBridge's"
            f" {MAX_INPUT_PATH}; select a shorter path (e.g. a parent object).",
            "input_path",
        )
    transformer = target.input_transformer
    if transformer is not None:
        if len(transformer.input_paths) > MAX_INPUT_PATHS:
            raise fail(
                f"input_transformer.input_paths has {len(transformer.input_paths)} entries,"
                f" more than EventBridge's {MAX_INPUT_PATHS}.",
                "input_transformer.input_paths",
            )
        for key, path in transformer.input_paths.items():
            if not _INPUT_PATH_NAME.fullmatch(key) or not str(path).startswith("$"):
                raise fail(
                    f"input_transformer.input_paths: {key!r} -> {path!r}; names are letters,"
                    " digits, '-' or '_', paths start with '$'.",
                    "input_transformer.input_paths",
                )
            if len(key) > MAX_INPUT_PATH or len(str(path)) > MAX_INPUT_PATH:
                what = "name" if len(key) > MAX_INPUT_PATH else "path"
                size = len(key) if what == "name" else len(str(path))
                raise fail(
                    f"input_transformer.input_paths: the {what} of {key[:40]!r} has {size}"
                    f" characters, more than EventBridge's {MAX_INPUT_PATH}; shorten it.",
                    "input_transformer.input_paths",
                )
        if not transformer.input_template or len(transformer.input_template) > MAX_INPUT_TEMPLATE:
            raise fail(
                f"input_transformer.input_template must be 1-{MAX_INPUT_TEMPLATE} characters.",
                "input_transformer.input_template",
            )
    if target.retry_policy is not None:
        limits.check_retries(
            target.retry_policy,
            field=f"{field}.retry_policy",
            attempts=(limits.MIN_RETRY_ATTEMPTS, limits.MAX_RETRY_ATTEMPTS),
            max_age=limits.MAX_EVENT_AGE,
            unit="",  # this message has always read "from 60 to 86400; got ...", unit-less
        )


def _check_prefix(prefix: object, fail: _Fail) -> None:
    # The stream's role may write `<bucket>/<prefix up to its first !{...}>*`: that literal part
    # must be a folder of its own, or the grant reaches the whole bucket or its neighbours
    # (`genesys*` also covers `genesys-archive/`).
    static = prefix.split("!{", 1)[0] if isinstance(prefix, str) else ""
    if not static.endswith("/") or static.startswith("/"):
        raise fail(
            f"prefix {prefix!r} must start with a folder of its own, ending in '/' before any"
            " !{...} expression (e.g. 'genesys/' or 'genesys/!{timestamp:yyyy}/'): the stream's"
            " role may write only under that folder, and without one it would reach the whole"
            " bucket or its neighbouring folders.",
            "prefix",
        )


def https_problem(url: object) -> str | None:
    """Why `url` cannot be an API destination's endpoint, or None when it can.

    A message quotes the URL without its user info, query string or fragment: they may hold a
    credential, which is why they are refused too (an endpoint is stored and shown in plain text).
    """
    if not isinstance(url, str):
        return f"must be an https URL; got {url!r}"
    shown = repr(display_url(url))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return f"{shown} is not a valid URL"
    if parts.scheme != "https":
        return (
            f"{shown} is not https: EventBridge API destinations send credentials with each"
            " call, so the endpoint must be an https:// URL"
        )
    if not parts.hostname:
        return f"{shown} has no host name"
    if "@" in parts.netloc:
        return (
            f"{shown} carries credentials in the URL (user:password@), which would be stored and"
            " shown in plain text; remove them and give them in auth (basic), as secrets"
        )
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return (
            f"{shown} has a query string or fragment, which would be stored and shown in plain"
            " text and may hold a credential; remove it: give plain parameters in"
            " queryParameters, and a credential through auth (e.g. an apiKey header), as a secret"
        )
    return None


def _check_https(target: HttpsTarget, fail: _Fail) -> None:
    problem = https_problem(target.endpoint)
    if problem:
        raise fail(f"endpoint {problem}.", "endpoint")
    if "*" in target.endpoint:
        # EventBridge fills each `*` from the target's path parameters, which this target
        # does not set: PutTargets would refuse it.
        raise fail(
            f"endpoint {display_url(target.endpoint)!r} has a '*' path placeholder; HttpsTarget"
            " sends no path parameters, so give the full URL without '*'.",
            "endpoint",
        )
    if (
        isinstance(target.rate_limit_per_second, bool)
        or not isinstance(target.rate_limit_per_second, int)
        or not MIN_RATE <= target.rate_limit_per_second <= MAX_RATE
    ):
        raise fail(
            f"rate_limit_per_second must be an integer from {MIN_RATE} to {MAX_RATE};"
            f" got {target.rate_limit_per_second!r}.",
            "rate_limit_per_second",
        )
    auth = target.auth
    if isinstance(auth, OAuthClientCredentialsAuth):
        problem = https_problem(auth.authorization_endpoint)
        if problem:
            raise fail(f"auth.authorization_endpoint {problem}.", "auth.authorization_endpoint")
    elif not isinstance(auth, (ApiKeyAuth, BasicAuth)):
        raise fail(
            "auth must be ApiKeyAuth, BasicAuth or OAuthClientCredentialsAuth"
            # Its type only: whatever it is, it may hold the credential.
            f" (EventBridge connections need one); got a {type(auth).__name__}.",
            "auth",
        )


class _Fail(Protocol):
    """The error factory the checks receive: a message and the sub-field it names."""

    def __call__(self, message: str, sub: str = "") -> SubscriptionArgsError: ...
