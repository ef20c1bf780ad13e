"""CloudWatch alarms on every way a subscription can lose an event, sent to one SNS topic.

Each watched resource (the functions, queues, streams and state machines the subscription
creates or targets, and its dead-letter queue) gets the alarms of its loss paths
(`loss_paths`); the rules get theirs from `rule_alarms`, bus-wide by default. The metrics are
published only when there is something to count, so missing data is "not breaching".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.args import AlarmArgs
from genesys_eventbridge.components.loss_paths import LossPath, paths_of
from genesys_eventbridge.components.rule_alarms import declare_rule_alarms
from genesys_eventbridge.components.scope import Scope
from genesys_eventbridge.components.watchlist import Watched, Watchlist


@dataclass(frozen=True)
class AlarmMaker:
    """Declares the subscription's alarms with its period, evaluation periods and topic."""

    scope: Scope
    args: AlarmArgs
    topic_arn: pulumi.Output[str]

    def alarm(self, suffix: str, description: str, threshold: float, **query: Any) -> Any:
        """One alarm `<subscription>-alarm-<suffix>` firing above `threshold`; `query` is either
        a metric (namespace, metric_name, dimensions, statistic) or `metric_queries`."""
        return aws.cloudwatch.MetricAlarm(
            f"{self.scope.name}-alarm-{suffix}",
            alarm_description=description[:1024],
            **query,
            period=None if "metric_queries" in query else self.args.period,
            evaluation_periods=self.args.evaluation_periods,
            threshold=threshold,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic_arn],
            ok_actions=[self.topic_arn],
            region=self.scope.region,
            tags=self.scope.tags,
            opts=pulumi.ResourceOptions(parent=self.scope.parent),
        )

    def watched(self, item: Watched, path: LossPath) -> Any:
        """The alarm of one loss path of one watched resource."""
        return self.alarm(
            f"{item.key}{path.suffix}",
            f"Genesys subscription {self.scope.name}, {item.label}: {path.metric} - {path.what}",
            item.threshold if path.uses_threshold else 0,
            namespace=path.namespace,
            metric_name=path.metric,
            dimensions={path.dimension: item.name},
            statistic=path.statistic,
        )


def declare_alarms(
    scope: Scope,
    args: AlarmArgs,
    *,
    bus_name: pulumi.Input[str],
    rules: Mapping[str, aws.cloudwatch.EventRule],
    watch: Watchlist,
) -> tuple[pulumi.Output[str], list[aws.cloudwatch.MetricAlarm]]:
    """Declare the alarms (and the SNS topic unless one is given); return the topic's ARN."""
    topic_arn: pulumi.Output[str]
    if args.topic_arn is None:
        topic = aws.sns.Topic(
            f"{scope.name}-alarms",
            region=scope.region,
            tags=scope.tags,
            opts=pulumi.ResourceOptions(parent=scope.parent),
        )
        topic_arn = topic.arn
    else:
        topic_arn = pulumi.Output.from_input(args.topic_arn)
    make = AlarmMaker(scope, args, topic_arn)
    alarms = [
        make.watched(item, path) for item in watch.items.values() for path in paths_of(item.kind)
    ]
    alarms += declare_rule_alarms(make, bus_name=bus_name, rules=rules, per_rule=args.per_rule)
    return topic_arn, alarms
