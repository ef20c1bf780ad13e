"""Alarms on the rules' delivery failures: bus-wide (the default) or one per rule.

EventBridge publishes `FailedInvocations` and `InvocationsFailedToBeSentToDlq` per rule (a
custom bus's metrics carry both `EventBusName` and `RuleName`), and only when non-zero. The
bus-wide form is one Metrics Insights alarm per metric summing every rule of the bus: its count
does not grow with the rules, and rules added later are covered without a change. Limits of
Metrics Insights alarms (CloudWatch documentation): 200 per account and region by default, and
only the latest 3 hours are evaluated. Their price is per metric the query analyses rather than
per alarm (CloudWatch pricing; the rate was not checked here), and these metrics exist only
while rules fail. The per-rule form (`per_rule`) is two standard alarms per rule.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.loss_paths import RULE_METRICS

if TYPE_CHECKING:
    from genesys_eventbridge.components.alarms import AlarmMaker

_MEANING = {
    "FailedInvocations": "a target failed for good; the event went to the dead-letter queue",
    "InvocationsFailedToBeSentToDlq": "an event could not be dead-lettered and is lost",
}


def bus_query(metric: str, bus_name: str) -> str:
    """The Metrics Insights query summing `metric` over every rule of the bus `bus_name`."""
    # Partner bus names hold letters, digits, '/', '.', '-' and '_': no quote to escape.
    return (
        f'SELECT SUM({metric}) FROM SCHEMA("AWS/Events", EventBusName, RuleName)'
        f" WHERE EventBusName = '{bus_name}'"
    )


def declare_rule_alarms(
    make: AlarmMaker,
    *,
    bus_name: pulumi.Input[str],
    rules: Mapping[str, aws.cloudwatch.EventRule],
    per_rule: bool,
) -> list[Any]:
    """Two alarms per rule with `per_rule`, else two for the whole bus."""
    name = make.scope.name
    if per_rule:
        return [
            make.alarm(
                f"{rule_name}-{metric}",
                f"Genesys subscription {name}, rule {rule_name}: {metric} - {_MEANING[metric]}",
                0,
                namespace="AWS/Events",
                metric_name=metric,
                dimensions={"EventBusName": bus_name, "RuleName": rule.name},
                statistic="Sum",
            )
            for rule_name, rule in rules.items()
            for metric in RULE_METRICS
        ]
    return [
        make.alarm(
            f"bus-{metric}",
            f"Genesys subscription {name}, any rule of its bus: {metric} - {_MEANING[metric]}",
            0,
            metric_queries=[
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rules",
                    expression=pulumi.Output.from_input(bus_name).apply(
                        functools.partial(bus_query, metric)
                    ),
                    period=make.args.period,
                    return_data=True,
                    label=f"{metric} of every rule",
                )
            ],
        )
        for metric in RULE_METRICS
    ]
