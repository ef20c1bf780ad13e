"""GenesysEventBridgeSubscription: a Genesys Cloud EventBridge integration and its AWS side."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import policy_size, preview_limits
from genesys_eventbridge.components.alarms import declare_alarms
from genesys_eventbridge.components.archive import declare_archive
from genesys_eventbridge.components.args import ArchiveArgs, SubscriptionArgs
from genesys_eventbridge.components.aws_account import (
    AccountMismatchError as AccountMismatchError,
)
from genesys_eventbridge.components.aws_account import receiving_account
from genesys_eventbridge.components.callback import Callback, declare_callback
from genesys_eventbridge.components.dead_letter import (
    DLQ_RETENTION_SECONDS,
    declare_dead_letter_policy,
    declare_dead_letter_queue,
)
from genesys_eventbridge.components.lambda_targets import (
    EXTRAS_KEY,
    LambdaFunctions,
    plan_functions,
    subscription_functions,
)
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.partner_source import (
    PartnerSourceMissingError as PartnerSourceMissingError,
)
from genesys_eventbridge.components.partner_source import wait_for_source
from genesys_eventbridge.components.plan import SubscriptionPlan, plan_subscription, roles_of
from genesys_eventbridge.components.registration import declare_notify
from genesys_eventbridge.components.scope import Scope
from genesys_eventbridge.components.target_kinds import declare_target
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.components.watchlist import Watched, Watchlist
from genesys_eventbridge.provider.filter_schema import RuleFilter
from genesys_eventbridge.provider.integration_resource import (
    EventBridgeIntegration,
    EventBridgeIntegrationArgs,
)

TYPE_TOKEN = "genesys:eventbridge:Subscription"
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
    "archive_arn",
    "alarm_topic_arn",
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
    event_bus_name: pulumi.Output[str | None]
    """The partner event bus's name (equal to the event source name); None while disabled."""
    event_bus_arn: pulumi.Output[str | None]
    """The partner event bus's ARN; None while disabled."""
    rule_arns: pulumi.Output[dict[str, str]]
    """Each rule's name (as declared) -> its EventBridge rule ARN (none while disabled)."""
    lambda_arn: pulumi.Output[str | None]
    """The callback function's ARN (None when no rule targets the callback and nothing notifies)."""
    role_arn: pulumi.Output[str | None]
    """The callback's execution role ARN (None with `lambda_arn`, which creates no role)."""
    dead_letter_queue_arn: pulumi.Output[str | None]
    """The dead-letter queue's ARN (None when `dead_letter_queue` is off)."""
    dead_letter_queue_url: pulumi.Output[str | None]
    """The dead-letter queue's URL (None when `dead_letter_queue` is off)."""
    archive_arn: pulumi.Output[str | None]
    """The event archive's ARN, to replay from (None without `archive`)."""
    alarm_topic_arn: pulumi.Output[str | None]
    """The SNS topic the alarms notify (None without `alarms`)."""

    def __init__(
        self,
        name: str,
        args: SubscriptionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the subscription `name`; raise SubscriptionArgsError/PatternError on bad args."""
        # Everything checkable without AWS is checked before a single resource is declared.
        # Without aws_region the rules go to the AWS provider's region (aws:region, if set).
        region_known = args.aws_region or pulumi.Config("aws").get("region")
        plan = plan_subscription(name, args, region=region_known, stack=pulumi.get_stack())
        _claim_suffix(name, plan.event_source_suffix)
        # With the other subscriptions of this program: they share the account's roles.
        preview_limits.check_role_budget(
            name, roles_of(args, plan), args.quotas.max_iam_roles, program=True
        )
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._args = args
        # The callback exists for rules that target it and for notify_on_change.
        self._needs_callback = plan.uses_callback or args.notify_on_change
        self._scope = Scope(
            parent=self,
            name=name,
            region=args.aws_region,
            tags=dict(args.tags) if args.tags else None,
            retain_data=args.retain_data,
            protect_data=args.protect_data,
        )
        account_id, region = receiving_account(self, args)
        integration = self._integration(plan, account_id, region)
        outputs: dict[str, Any] = {
            "integration_id": integration.integration_id,
            "event_source_name": integration.event_source_name,
        }
        if args.enabled is False:
            _warn_deferred(name, self)
            outputs["rule_arns"] = pulumi.Output.from_input({})
        else:
            outputs |= self._aws_side(plan, integration, account_id, region)
        for key in OUTPUT_NAMES:
            setattr(self, key, outputs[key] if key in outputs else pulumi.Output.from_input(None))
        self.register_outputs({key: getattr(self, key) for key in OUTPUT_NAMES})

    def _integration(
        self, plan: SubscriptionPlan, account_id: pulumi.Input[str], region: pulumi.Input[str]
    ) -> EventBridgeIntegration:
        """The Genesys side: the integration that makes Genesys create the partner source."""
        args = self._args
        return EventBridgeIntegration(
            f"{self._scope.name}-integration",
            EventBridgeIntegrationArgs(
                aws_account_id=account_id,
                aws_region=region,
                event_source_suffix=plan.event_source_suffix,
                topics=list(plan.topics),
                integration_name=args.integration_name,
                enabled=args.enabled,
                notes=args.notes,
                adopt_integration_id=args.adopt_integration_id,
                # Checked at preview against each topic's schema in the org's catalog.
                rule_filters=[
                    RuleFilter(rule.name, rule.topics, rule.filter_policy)
                    for rule in plan.rules
                    if rule.filter_policy
                ]
                or None,
            ),
            opts=self._scope.child(),
        )

    def _aws_side(
        self,
        plan: SubscriptionPlan,
        integration: EventBridgeIntegration,
        account_id: pulumi.Output[str],
        region: pulumi.Input[str],
    ) -> dict[str, Any]:
        """The bus on the partner source, its rules, targets, dead letters, archive and alarms;
        returns the outputs they provide."""
        args, scope = self._args, self._scope
        source = wait_for_source(
            scope, integration.event_source_name, float(args.partner_source_timeout)
        )
        bus = aws.cloudwatch.EventBus(
            f"{scope.name}-bus",
            name=source,
            event_source_name=source,
            kms_key_identifier=args.kms_key_arn,
            region=scope.region,
            tags=scope.tags,
            opts=scope.child(depends_on=[integration]),
        )
        queue = declare_dead_letter_queue(scope) if args.dead_letter_queue else None
        callback = declare_callback(scope, args, needed=self._needs_callback, queue=queue)
        patterns = {rule.name: rule.pattern_output(source) for rule in plan.rules}
        rules = {
            rule.name: aws.cloudwatch.EventRule(
                f"{scope.name}-rule-{rule.name}",
                name=rule.rule_name,
                event_bus_name=bus.name,
                event_pattern=patterns[rule.name],
                description=rule.description,
                region=scope.region,
                tags=scope.tags,
                opts=scope.child(),
            )
            for rule in plan.rules
        }
        watch = Watchlist()
        if queue is not None:
            watch.add(
                Watched(
                    "dead_letter_queue",
                    "dlq",
                    queue.name,
                    "the dead-letter queue",
                    threshold=DLQ_RETENTION_SECONDS // 2,
                )
            )
        wiring = self._targets(plan, bus, rules, queue, account_id, region, callback, watch)
        if args.notify_on_change:
            declare_notify(scope, plan, integration, bus, rules, patterns, callback.arn, wiring)
        outputs: dict[str, Any] = {
            "event_bus_name": bus.name,
            "event_bus_arn": bus.arn,
            "rule_arns": pulumi.Output.all(**{key: rule.arn for key, rule in rules.items()}),
            "lambda_arn": callback.arn,
            "role_arn": callback.role_arn,
            "dead_letter_queue_arn": queue.arn if queue else None,
            "dead_letter_queue_url": queue.url if queue else None,
        }
        if plan.archive is not None:
            settings = cast(ArchiveArgs, args.archive)
            archive = declare_archive(
                scope, plan, plan.archive, settings, bus, source, args.kms_key_arn
            )
            outputs["archive_arn"] = archive.arn
        if args.alarms is not None:
            outputs["alarm_topic_arn"], _ = declare_alarms(
                scope, args.alarms, bus_name=bus.name, rules=rules, watch=watch
            )
        return {key: value for key, value in outputs.items() if value is not None}

    def _targets(
        self,
        plan: SubscriptionPlan,
        bus: aws.cloudwatch.EventBus,
        rules: Mapping[str, aws.cloudwatch.EventRule],
        queue: aws.sqs.Queue | None,
        account_id: pulumi.Output[str],
        region: pulumi.Input[str],
        callback: Callback,
        watch: Watchlist,
    ) -> list[pulumi.Resource]:
        """Every rule's targets, through their kinds; returns what they declared."""
        args, scope = self._args, self._scope
        specs = plan_functions(plan, args.lambda_arn, self._needs_callback)
        functions = subscription_functions(args, specs, callback.arn)
        context = TargetContext(
            component=self,
            name=scope.name,
            args=args,
            region=scope.region,
            account_id=account_id,
            bus=bus,
            tags=scope.tags,
            dead_letter_queue=queue,
            event_source_suffix=plan.event_source_suffix,
            event_rules=dict(rules),
            watch=watch,
        )
        if queue is not None:
            context.dead_letter_ready.append(
                declare_dead_letter_policy(scope, args, queue, bus, account_id, functions)
            )
        context.extras[EXTRAS_KEY] = LambdaFunctions(
            context,
            functions,
            deploy_region=region,
            event_source_suffix=plan.event_source_suffix,
            callback_ready=callback.ready,
        )
        wiring: list[pulumi.Resource] = []
        for rule in plan.rules:
            for index, spec in enumerate(rule.targets):
                target = RuleTarget(rule=rule, event_rule=rules[rule.name], index=index, spec=spec)
                wiring += declare_target(context, target)
        return wiring


def _warn_deferred(name: str, resource: pulumi.Resource) -> None:
    """`enabled: false`: the integration alone, until Genesys may create the source."""
    pulumi.log.warn(
        f"subscription {name!r} is disabled (enabled: false): only its Genesys integration is"
        " declared. Genesys creates the partner event source when the integration is"
        " enabled, so the event bus, rules, targets and dead-letter queue are declared once"
        " you set enabled: true.",
        resource=resource,
    )


# Event source suffixes claimed by the subscriptions of this program run, keyed by the run's
# resource monitor so each (mocked or real) run starts afresh (SETTINGS is one object per process).
_SUFFIXES: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def _claim_suffix(name: str, suffix: str) -> None:
    owner = policy_size.first_claim(_SUFFIXES, suffix, name)
    if owner != name:
        raise SubscriptionArgsError(
            f"event_source_suffix: subscriptions {owner!r} and {name!r} both use the event source"
            f" suffix {suffix!r}; each needs its own partner event source. Give one of them a"
            " different event_source_suffix.",
            field="event_source_suffix",
        )
