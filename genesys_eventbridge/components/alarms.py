"""CloudWatch alarms that make a failing subscription visible, sent to one SNS topic.

- the dead-letter queue holds messages (ApproximateNumberOfMessagesVisible > 0);
- per rule, EventBridge gave up on a target (FailedInvocations) or could not even dead-letter an
  event (InvocationsFailedToBeSentToDlq): metrics of a custom bus carry both the EventBusName and
  the RuleName dimensions;
- the callback raised (Errors) or was throttled (Throttles).

EventBridge and Lambda publish these only when non-zero, so missing data is "not breaching".
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.args import AlarmArgs
from genesys_eventbridge.components.scope import Scope

RULE_METRICS = ("FailedInvocations", "InvocationsFailedToBeSentToDlq")
FUNCTION_METRICS = ("Errors", "Throttles")


def declare_alarms(
    scope: Scope,
    args: AlarmArgs,
    *,
    bus_name: pulumi.Input[str],
    rules: Mapping[str, aws.cloudwatch.EventRule],
    queue: aws.sqs.Queue | None,
    function_name: pulumi.Input[str] | None,
) -> tuple[pulumi.Output[str], list[aws.cloudwatch.MetricAlarm]]:
    """Declare the alarms (and the SNS topic unless one is given); return the topic's ARN."""
    opts = pulumi.ResourceOptions(parent=scope.parent)
    topic_arn: pulumi.Output[str]
    if args.topic_arn is None:
        topic = aws.sns.Topic(
            f"{scope.name}-alarms", region=scope.region, tags=scope.tags, opts=opts
        )
        topic_arn = topic.arn
    else:
        topic_arn = pulumi.Output.from_input(args.topic_arn)

    def alarm(
        suffix: str,
        description: str,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, pulumi.Input[str]],
        statistic: str = "Sum",
    ) -> aws.cloudwatch.MetricAlarm:
        return aws.cloudwatch.MetricAlarm(
            f"{scope.name}-alarm-{suffix}",
            alarm_description=description,
            namespace=namespace,
            metric_name=metric,
            dimensions=dict(dimensions),
            statistic=statistic,
            period=args.period,
            evaluation_periods=args.evaluation_periods,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn],
            region=scope.region,
            tags=scope.tags,
            opts=opts,
        )

    alarms: list[aws.cloudwatch.MetricAlarm] = []
    if queue is not None:
        alarms.append(
            alarm(
                "dlq",
                f"Genesys subscription {scope.name}: events in the dead-letter queue",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                {"QueueName": queue.name},
                statistic="Maximum",
            )
        )
    for rule_name, rule in rules.items():
        for metric in RULE_METRICS:
            alarms.append(
                alarm(
                    f"{rule_name}-{metric}",
                    f"Genesys subscription {scope.name}, rule {rule_name}: {metric}",
                    "AWS/Events",
                    metric,
                    {"EventBusName": bus_name, "RuleName": rule.name},
                )
            )
    if function_name is not None:
        for metric in FUNCTION_METRICS:
            alarms.append(
                alarm(
                    f"callback-{metric}",
                    f"Genesys subscription {scope.name}: callback {metric}",
                    "AWS/Lambda",
                    metric,
                    {"FunctionName": function_name},
                )
            )
    return topic_arn, alarms
