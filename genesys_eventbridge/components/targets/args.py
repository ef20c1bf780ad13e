"""The typed targets of a rule: what a user declares for each kind EventBridge delivers to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

import pulumi

from genesys_eventbridge.components.args import RetryPolicyArgs
from genesys_eventbridge.components.field_docs import documented


@documented
@dataclass(kw_only=True, frozen=True)
class InputTransformerArgs:
    """Reshape the event before delivery: JSON paths picked from it, and a template using them."""

    input_paths: Mapping[str, str]
    """Variable name -> JSON path in the event, e.g. `{"queue": "$.detail.eventBody.queueId"}`."""

    input_template: str
    """The delivered text, with `<variable>` placeholders, e.g. `{"queue": <queue>}`."""


@dataclass(kw_only=True, frozen=True)
class _Delivery:
    """What every target kind shares: how EventBridge shapes, retries and dead-letters it."""

    input_path: str | None = None
    """Deliver only this part of the event (a JSON path, e.g. `$.detail`); exclusive with
    `input_transformer`."""

    input_transformer: InputTransformerArgs | None = None
    """Deliver a template filled from the event; exclusive with `input_path`."""

    retry_policy: RetryPolicyArgs | None = None
    """This target's retries; default: the subscription's `retry_policy`."""

    key: str | None = None
    """What names this target across edits: its EventBridge target id and the names of the
    resources made for it (1-40 of letters, digits, `.`, `-`, `_`). Default: derived from the
    kind and the ARN or endpoint it delivers to (or the kind alone for a queue or log group the
    component makes); give one when two targets of a rule would get the same, or when the ARN
    is an Output (it then keeps its position)."""


@documented
@dataclass(kw_only=True, frozen=True)
class LambdaTarget(_Delivery):
    """A Lambda function: the subscription's callback, or yours by ARN."""

    function_arn: pulumi.Input[str] | None = None
    """The function's ARN; None means the subscription's own callback."""


@documented
@dataclass(kw_only=True, frozen=True)
class SqsTarget(_Delivery):
    """An SQS queue: one the component makes (with its own dead-letter queue), or yours."""

    queue_arn: pulumi.Input[str] | None = None
    """Your queue's ARN; None makes a queue (SSE on) with a redrive to its own dead-letter queue."""

    manage_queue_policy: bool = False
    """With `queue_arn`: write the queue's policy (it replaces any policy the queue has) so that
    only this rule may send; off by default, then the queue's policy is yours to grant."""

    max_receive_count: int = 5
    """For a queue the component makes: receives before a message moves to its dead-letter
    queue (1-1000)."""

    message_group_id: str | None = None
    """For a FIFO queue of yours: the message group id EventBridge sends with."""

    message_retention_seconds: int = 14 * 24 * 3600
    """For a queue the component makes: how long a message waits to be received before SQS
    deletes it (60-1209600); default 14 days, SQS's longest, like the dead-letter queues."""


@documented
@dataclass(kw_only=True, frozen=True)
class FirehoseTarget(_Delivery):
    """A Kinesis Data Firehose delivery stream to S3 (Genesys' own analytics blueprint)."""

    delivery_stream_arn: pulumi.Input[str] | None = None
    """Your stream's ARN; None makes a stream writing to `bucket_arn` under `prefix`."""

    bucket_arn: pulumi.Input[str] | None = None
    """The S3 bucket the component's stream writes to (required without `delivery_stream_arn`)."""

    prefix: str = "genesys/"
    """Key prefix of the objects the stream writes; the stream's role may write only there."""

    buffering_interval_seconds: int = 300
    """Seconds Firehose buffers before writing an object (0-900)."""

    buffering_size_mb: int = 5
    """Megabytes Firehose buffers before writing an object (1-128)."""

    error_prefix: str | None = None
    """Key prefix of the records the stream could not deliver; default
    `errors/<prefix>!{firehose:error-output-type}/`. It may not be under `prefix`."""

    newline_delimited: bool = True
    """Write each event on a line of its own (Athena and most readers need it); default on."""

    kms_key_arn: pulumi.Input[str] | None = None
    """Your KMS key to encrypt the objects with (a bucket whose default encryption is a customer
    managed key needs it); the stream's role may use it through S3 for this bucket only."""


@documented
@dataclass(kw_only=True, frozen=True)
class StepFunctionsTarget(_Delivery):
    """A Step Functions state machine: each event starts an execution."""

    state_machine_arn: pulumi.Input[str]
    """The state machine's ARN."""


@documented
@dataclass(kw_only=True, frozen=True)
class LogGroupTarget(_Delivery):
    """A CloudWatch Logs group, with the Logs resource policy EventBridge needs to write there."""

    log_group_arn: pulumi.Input[str] | None = None
    """Your group's ARN (without `:*`); None makes `/aws/events/<suffix>/<rule>/<key>`."""

    retention_in_days: int = 30
    """For a group the component makes: its retention (a CloudWatch period)."""


@documented
@dataclass(kw_only=True, frozen=True)
class EventBusTarget(_Delivery):
    """Another event bus, in this or another account or region: events are put there again."""

    event_bus_arn: pulumi.Input[str]
    """The receiving bus's ARN. Another account's bus must allow this account's role to
    `events:PutEvents` in its own resource policy."""


@documented
@dataclass(kw_only=True, frozen=True)
class ApiKeyAuth:
    """An API key sent as a header with each call."""

    header: str
    """The header's name, e.g. `x-api-key`."""

    value: pulumi.Input[str]
    """The key: pass a secret (`config.require_secret(...)`); it is made secret regardless."""


@documented
@dataclass(kw_only=True, frozen=True)
class BasicAuth:
    """HTTP Basic authentication."""

    username: str
    """The user name."""

    password: pulumi.Input[str]
    """The password: pass a secret; it is made secret regardless."""


@documented
@dataclass(kw_only=True, frozen=True)
class OAuthClientCredentialsAuth:
    """OAuth 2 client credentials: EventBridge fetches and renews the token itself."""

    authorization_endpoint: str
    """The token endpoint (https)."""

    client_id: str
    """The OAuth client id."""

    client_secret: pulumi.Input[str]
    """The OAuth client secret: pass a secret; it is made secret regardless."""

    http_method: Literal["GET", "POST", "PUT"] = "POST"
    """The method of the token request."""

    scope: str | None = None
    """The `scope` sent with the token request, if the endpoint needs one."""


ApiAuth: TypeAlias = ApiKeyAuth | BasicAuth | OAuthClientCredentialsAuth


@documented
@dataclass(kw_only=True, frozen=True)
class HttpsTarget(_Delivery):
    """An HTTPS endpoint, called through an EventBridge connection and API destination."""

    endpoint: str
    """The https URL called for each event (no `*` path placeholders: none are filled)."""

    auth: ApiAuth
    """How EventBridge authenticates: API key, Basic, or OAuth client credentials."""

    http_method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "POST"
    """The method of each call."""

    rate_limit_per_second: int = 10
    """At most this many calls per second (1-300); events beyond it wait, then retry."""

    headers: Mapping[str, str] | None = None
    """Extra headers on each call (not secrets: they are stored in plain text)."""

    query_parameters: Mapping[str, str] | None = None
    """Extra query-string parameters on each call."""


Target: TypeAlias = (
    LambdaTarget
    | SqsTarget
    | FirehoseTarget
    | StepFunctionsTarget
    | LogGroupTarget
    | EventBusTarget
    | HttpsTarget
)
"""Any typed target."""

TARGET_KINDS: Mapping[str, type[_Delivery]] = {
    "lambda": LambdaTarget,
    "sqs": SqsTarget,
    "firehose": FirehoseTarget,
    "stepFunctions": StepFunctionsTarget,
    "logs": LogGroupTarget,
    "eventBus": EventBusTarget,
    "https": HttpsTarget,
}
"""The `kind` of each target in stack config -> its class."""

ARN_TAG = "arn"
"""The stack-config tag of a target given as a plain string (a Lambda ARN or `callback`)."""
CONFIG_TAGS = frozenset({ARN_TAG, *TARGET_KINDS})
"""The union tags pydantic puts into error locations of stack-config targets (not config path)."""
