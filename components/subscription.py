"""GenesysEventBridgeSubscription: a Genesys Cloud EventBridge integration and its AWS side."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam
from genesys_eventbridge.components.args import CALLBACK_TARGET, LambdaCodeArgs, SubscriptionArgs
from genesys_eventbridge.components.patterns import pattern_json
from genesys_eventbridge.components.plan import RulePlan, SubscriptionPlan, plan_subscription
from genesys_eventbridge.provider.integration_resource import (
    EventBridgeIntegration,
    EventBridgeIntegrationArgs,
)

TYPE_TOKEN = "genesys:eventbridge:Subscription"
HANDLER_FILE = Path(__file__).resolve().parent / "handler" / "handler.py"
HANDLER_ENTRY = "handler.handler"
HANDLER_RUNTIME = "python3.12"
REGISTER_ACTION = "register_subscription"
# Events that exhausted their retries stay in the dead-letter queue for SQS's maximum, 14 days.
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
OUTPUT_NAMES = (
    "integration_id",
    "event_source_name",
    "event_bus_name",
    "event_bus_arn",
    "rule_arns",
    "lambda_arn",
    "role_arn",
    "dead_letter_queue_arn",
    "dead_letter_queue_url",
)
"""The component's outputs, as attributes and as registered outputs."""


class GenesysEventBridgeSubscription(pulumi.ComponentResource):
    """A Genesys Cloud -> Amazon EventBridge subscription: the Genesys integration, the partner
    event bus, one rule per filter, the targets (by default a logging Lambda), a dead-letter
    queue, and the IAM and Lambda permissions that tie them together."""

    integration_id: pulumi.Output[str]
    """The Genesys integration's id."""
    event_source_name: pulumi.Output[str]
    """`aws.partner/genesys.com/cloud/<org id>/<suffix>`: the partner event source."""
    event_bus_name: pulumi.Output[str]
    """The partner event bus's name (equal to the event source name)."""
    event_bus_arn: pulumi.Output[str]
    """The partner event bus's ARN."""
    rule_arns: pulumi.Output[dict[str, str]]
    """Each rule's name (as declared) -> its EventBridge rule ARN."""
    lambda_arn: pulumi.Output[str | None]
    """The callback function's ARN (None when no rule targets the callback and nothing notifies)."""
    role_arn: pulumi.Output[str | None]
    """The callback's execution role ARN (None with `lambda_arn`, which creates no role)."""
    dead_letter_queue_arn: pulumi.Output[str | None]
    """The dead-letter queue's ARN (None when `dead_letter_queue` is off)."""
    dead_letter_queue_url: pulumi.Output[str | None]
    """The dead-letter queue's URL (None when `dead_letter_queue` is off)."""

    def __init__(
        self,
        name: str,
        args: SubscriptionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the subscription `name`; raise SubscriptionArgsError/PatternError on bad args."""
        # Everything checkable without AWS is checked before a single resource is declared.
        plan = plan_subscription(name, args, region=args.aws_region)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        self._args = args
        self._tags = dict(args.tags) if args.tags else None
        self._region = args.aws_region

        account_id, region = self._aws_target(args)
        integration = EventBridgeIntegration(
            f"{name}-integration",
            EventBridgeIntegrationArgs(
                aws_account_id=account_id,
                aws_region=region,
                event_source_suffix=plan.event_source_suffix,
                topics=list(plan.topics),
                integration_name=args.integration_name,
                enabled=args.enabled,
                notes=args.notes,
                adopt_integration_id=args.adopt_integration_id,
            ),
            opts=self._child(),
        )
        source = integration.event_source_name
        # Named after the partner source, which exists once the integration is ACTIVE: the
        # integration's create returns only then, and the bus waits for it.
        bus = aws.cloudwatch.EventBus(
            f"{name}-bus",
            name=source,
            event_source_name=source,
            region=self._region,
            tags=self._tags,
            opts=self._child(depends_on=[integration]),
        )

        callback_arn, role_arn = self._callback(plan, args)
        rules = {rule.name: self._rule(rule, bus, source) for rule in plan.rules}
        queue, queue_policy = (
            self._dead_letter_queue(rules) if args.dead_letter_queue else (None, None)
        )
        wiring: list[pulumi.Resource] = []
        for rule in plan.rules:
            wiring += self._targets(
                rule, rules[rule.name], bus, callback_arn, account_id, queue, queue_policy
            )
        if args.notify_on_change:
            self._notify(plan, integration, bus, rules, callback_arn, wiring)

        self.integration_id = integration.integration_id
        self.event_source_name = source
        self.event_bus_name = bus.name
        self.event_bus_arn = bus.arn
        self.rule_arns = cast(
            pulumi.Output[dict[str, str]],
            pulumi.Output.all(**{rule_name: rule.arn for rule_name, rule in rules.items()}),
        )
        self.lambda_arn = _optional(callback_arn)
        self.role_arn = _optional(role_arn)
        self.dead_letter_queue_arn = _optional(queue.arn if queue else None)
        self.dead_letter_queue_url = _optional(queue.url if queue else None)
        self.register_outputs({name: getattr(self, name) for name in OUTPUT_NAMES})

    def _child(self, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on) or None)

    def _aws_target(self, args: SubscriptionArgs) -> tuple[pulumi.Input[str], pulumi.Input[str]]:
        """The account and region receiving the events: as given, else the deploying ones."""
        invoke_opts = pulumi.InvokeOutputOptions(parent=self)
        account_id: pulumi.Input[str]
        region: pulumi.Input[str]
        if args.aws_account_id is not None:
            account_id = args.aws_account_id
        else:
            account_id = aws.get_caller_identity_output(opts=invoke_opts).account_id
        if args.aws_region is not None:
            region = args.aws_region
        else:
            # pulumi-aws 7: `region` (the older `name` is deprecated).
            region = aws.get_region_output(opts=invoke_opts).region
        return account_id, region

    def _callback(
        self, plan: SubscriptionPlan, args: SubscriptionArgs
    ) -> tuple[pulumi.Output[str] | None, pulumi.Output[str] | None]:
        """The callback function's ARN and its role's ARN (a given function has no role here)."""
        if args.lambda_arn is not None:
            return pulumi.Output.from_input(args.lambda_arn), None
        if not plan.uses_callback and not args.notify_on_change:
            return None, None
        name = self._name
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=json.dumps(iam.lambda_assume_role_policy()),
            description="Execution role of the Genesys EventBridge callback",
            tags=self._tags,
            opts=self._child(),
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            retention_in_days=args.log_retention_in_days,
            region=self._region,
            tags=self._tags,
            opts=self._child(),
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-logs-policy",
            role=role.id,
            policy=log_group.arn.apply(lambda arn: json.dumps(iam.lambda_logging_policy(arn))),
            opts=self._child(),
        )
        code = args.lambda_code or _bundled_code()
        function = aws.lambda_.Function(
            f"{name}-callback",
            role=role.arn,
            code=_archive(code.code),
            handler=code.handler,
            runtime=code.runtime,
            memory_size=code.memory_size,
            timeout=code.timeout,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(code.environment))
            if code.environment
            else None,
            # Its own group, so the role may write there and nowhere else.
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="Text", log_group=log_group.name
            ),
            description="Genesys Cloud EventBridge callback",
            region=self._region,
            tags=self._tags,
            # The first invocation must already be able to log.
            opts=self._child(depends_on=[role_policy]),
        )
        return function.arn, role.arn

    def _rule(
        self, rule: RulePlan, bus: aws.cloudwatch.EventBus, source: pulumi.Output[str]
    ) -> aws.cloudwatch.EventRule:
        return aws.cloudwatch.EventRule(
            f"{self._name}-rule-{rule.name}",
            name=rule.rule_name,
            event_bus_name=bus.name,
            event_pattern=source.apply(lambda src: pattern_json(rule.pattern(src))),
            description=rule.description,
            region=self._region,
            tags=self._tags,
            opts=self._child(),
        )

    def _dead_letter_queue(
        self, rules: Mapping[str, aws.cloudwatch.EventRule]
    ) -> tuple[aws.sqs.Queue, aws.sqs.QueuePolicy]:
        queue = aws.sqs.Queue(
            f"{self._name}-dlq",
            sqs_managed_sse_enabled=True,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            region=self._region,
            tags=self._tags,
            opts=self._child(),
        )
        policy = pulumi.Output.all(queue.arn, *(rule.arn for rule in rules.values())).apply(
            lambda arns: json.dumps(iam.dead_letter_queue_policy(arns[0], arns[1:]))
        )
        queue_policy = aws.sqs.QueuePolicy(
            f"{self._name}-dlq-policy",
            queue_url=queue.url,
            policy=policy,
            region=self._region,
            opts=self._child(),
        )
        return queue, queue_policy

    def _targets(
        self,
        rule: RulePlan,
        event_rule: aws.cloudwatch.EventRule,
        bus: aws.cloudwatch.EventBus,
        callback_arn: pulumi.Output[str] | None,
        account_id: pulumi.Input[str],
        queue: aws.sqs.Queue | None,
        queue_policy: aws.sqs.QueuePolicy | None,
    ) -> list[pulumi.Resource]:
        """One EventTarget per target of `rule`, each with an invoke permission scoped to it."""
        created: list[pulumi.Resource] = []
        retry = self._args.retry_policy
        for index, target in enumerate(rule.targets):
            is_callback = isinstance(target, str) and target == CALLBACK_TARGET
            arn: pulumi.Input[str] = (
                cast(pulumi.Output[str], callback_arn) if is_callback else target
            )
            child = f"{self._name}-rule-{rule.name}-target-{index}"
            permission = aws.lambda_.Permission(
                f"{child}-permission",
                action="lambda:InvokeFunction",
                function=arn,
                principal=iam.EVENTS_PRINCIPAL,
                source_arn=event_rule.arn,
                source_account=account_id,
                region=self._region,
                opts=self._child(),
            )
            target_resource = aws.cloudwatch.EventTarget(
                child,
                rule=event_rule.name,
                event_bus_name=bus.name,
                arn=arn,
                target_id=CALLBACK_TARGET if is_callback else f"target-{index}",
                retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                    maximum_retry_attempts=retry.maximum_retry_attempts,
                    maximum_event_age_in_seconds=retry.maximum_event_age_in_seconds,
                ),
                dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=queue.arn)
                if queue
                else None,
                region=self._region,
                # Allowed to invoke (and to dead-letter) before the first event is routed.
                opts=self._child(
                    depends_on=[permission, *([queue_policy] if queue_policy else [])]
                ),
            )
            created += [permission, target_resource]
        return created

    def _notify(
        self,
        plan: SubscriptionPlan,
        integration: EventBridgeIntegration,
        bus: aws.cloudwatch.EventBus,
        rules: Mapping[str, aws.cloudwatch.EventRule],
        callback_arn: pulumi.Output[str] | None,
        wiring: Sequence[pulumi.Resource],
    ) -> aws.lambda_.Invocation:
        """Invoke the callback with the subscription's shape on create, change and delete."""
        payload = pulumi.Output.all(
            integration.integration_id,
            integration.event_source_name,
            bus.name,
            pulumi.Output.all(**{name: rule.arn for name, rule in rules.items()}),
        ).apply(lambda values: json.dumps(_registration(plan, *values), sort_keys=True))
        return aws.lambda_.Invocation(
            f"{self._name}-notify",
            function_name=cast(pulumi.Output[str], callback_arn),
            input=payload,
            # CRUD: invoked again on every change and on delete, with a `tf` lifecycle key added.
            lifecycle_scope="CRUD",
            region=self._region,
            opts=self._child(depends_on=wiring),
        )


def _registration(
    plan: SubscriptionPlan,
    integration_id: str,
    event_source_name: str,
    event_bus_name: str,
    rule_arns: Mapping[str, str],
) -> dict[str, Any]:
    """The `register_subscription` payload the callback receives."""
    return {
        "action": REGISTER_ACTION,
        "data": {
            "integration_id": integration_id,
            "event_source_name": event_source_name,
            "event_bus_name": event_bus_name,
            "topics": list(plan.topics),
            "rules": [
                {
                    "name": rule.name,
                    "rule_name": rule.rule_name,
                    "rule_arn": rule_arns.get(rule.name),
                    "topics": list(rule.topics),
                    "event_pattern": rule.pattern(event_source_name),
                }
                for rule in plan.rules
            ],
        },
    }


def _bundled_code() -> LambdaCodeArgs:
    return LambdaCodeArgs(
        code=pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(HANDLER_FILE))}),
        handler=HANDLER_ENTRY,
        runtime=HANDLER_RUNTIME,
        memory_size=128,
        timeout=10,
    )


def _archive(code: pulumi.Archive | str) -> pulumi.Archive:
    return code if isinstance(code, pulumi.Archive) else pulumi.FileArchive(code)


def _optional(value: pulumi.Input[str] | None) -> pulumi.Output[str | None]:
    return cast(pulumi.Output[str | None], pulumi.Output.from_input(value))
