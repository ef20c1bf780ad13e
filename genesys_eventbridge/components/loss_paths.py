"""Every way an accepted event can be lost after its rule matched, and the metric that shows it.

One row per (watched kind, metric); `docs/delivery.md` has the same table for people. Metric
names and dimensions are from the AWS documentation of each service's CloudWatch metrics:
Lambda's invocation and asynchronous invocation metrics (`AsyncEventsDropped`: events Lambda
dropped without running the function, e.g. too old or out of retries with no destination;
`DestinationDeliveryFailures`: the on-failure destination itself refused the record), SQS's
queue metrics, Firehose's `DeliveryToS3.DataFreshness` (age of the oldest record not yet in S3;
Direct PUT streams drop records after 24 hours), and Step Functions' execution metrics (failed
after `StartExecution` succeeded, so EventBridge saw a delivery).
"""

from __future__ import annotations

from dataclasses import dataclass

from genesys_eventbridge.components.watchlist import WatchedKind


@dataclass(frozen=True)
class LossPath:
    """One metric that counts (or foretells) lost events of one kind of watched resource."""

    kind: WatchedKind
    suffix: str
    """Logical-name suffix of the alarm, after the watched resource's key (may be empty)."""
    namespace: str
    metric: str
    dimension: str
    statistic: str
    what: str
    """What the alarm means, for its description."""
    uses_threshold: bool = False
    """True: fires past the watched resource's threshold (seconds); else on any count."""


LOSS_PATHS: tuple[LossPath, ...] = (
    *(
        LossPath("function", f"-{metric}", "AWS/Lambda", metric, "FunctionName", "Sum", what)
        for metric, what in (
            ("Errors", "the function raised; Lambda retries, then sends it to the DLQ"),
            ("Throttles", "invocations were throttled (reserved or account concurrency)"),
            ("AsyncEventsDropped", "Lambda dropped accepted events without running them"),
            (
                "DestinationDeliveryFailures",
                "Lambda could not put failed events on the dead-letter queue: they are lost",
            ),
        )
    ),
    LossPath(
        "queue",
        "-age",
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        "QueueName",
        "Maximum",
        "messages wait unread; SQS deletes them when the retention period ends",
        uses_threshold=True,
    ),
    LossPath(
        "dead_letter_queue",
        "",
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        "Maximum",
        "events out of retries wait in the dead-letter queue: drain or redrive them",
    ),
    LossPath(
        "dead_letter_queue",
        "-age",
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        "QueueName",
        "Maximum",
        "dead-lettered events near the end of the queue's retention; SQS then deletes them",
        uses_threshold=True,
    ),
    LossPath(
        "stream",
        "-freshness",
        "AWS/Firehose",
        "DeliveryToS3.DataFreshness",
        "DeliveryStreamName",
        "Maximum",
        "records are not reaching S3; Firehose drops them after 24 hours",
        uses_threshold=True,
    ),
    *(
        LossPath(
            "state_machine", f"-{metric}", "AWS/States", metric, "StateMachineArn", "Sum", what
        )
        for metric, what in (
            ("ExecutionsFailed", "executions EventBridge started failed"),
            ("ExecutionsTimedOut", "executions EventBridge started timed out"),
        )
    ),
)
"""The alarms each watched resource gets."""

RULE_METRICS = ("FailedInvocations", "InvocationsFailedToBeSentToDlq")
"""EventBridge, per rule: a target failed for good (dead-lettered when a DLQ is set), or an event
could not even be dead-lettered (lost). Published only when non-zero."""


def paths_of(kind: WatchedKind) -> list[LossPath]:
    """The loss paths of one kind of watched resource."""
    return [path for path in LOSS_PATHS if path.kind == kind]
