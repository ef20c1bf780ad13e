"""GenesysEventBridgeSubscription: a Genesys Cloud EventBridge integration and its AWS side."""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam, limits, policy_size
from genesys_eventbridge.components.alarms import AlarmScope, declare_alarms
from genesys_eventbridge.components.args import (
    CALLBACK_TARGET,
    ArchiveArgs,
    LambdaCodeArgs,
    SubscriptionArgs,
)
from genesys_eventbridge.components.lambda_targets import (
    EXTRAS_KEY,
    LambdaFunction,
    LambdaFunctions,
    plan_functions,
    role_lookup,
)
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.plan import RulePlan, SubscriptionPlan, plan_subscription
from genesys_eventbridge.components.target_kinds import declare_target
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.provider.filter_schema import RuleFilter
from genesys_eventbridge.provider.integration_resource import (
    EventBridgeIntegration,
    EventBridgeIntegrationArgs,
)

TYPE_TOKEN = "genesys:eventbridge:Subscription"
HANDLER_FILE = Path(__file__).resolve().parent / "handler" / "handler.py"
HANDLER_ENTRY = "handler.handler"
HANDLER_RUNTIME = "python3.13"
HANDLER_ARCHITECTURE = "arm64"
ARCHIVE_NAME_LENGTH = 48
# How often the bus's wait looks for the partner event source in AWS.
SOURCE_POLL_SECONDS = 10.0
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
    "archive_arn",
    "alarm_topic_arn",
)
"""The component's outputs, as attributes and as registered outputs."""


class PartnerSourceMissingError(RuntimeError):
    """The partner event source did not appear in AWS in time; the message names it."""


class AccountMismatchError(SubscriptionArgsError):
    """`aws_account_id` is not the account the AWS provider deploys to."""


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
        uses_callback = plan.uses_callback or args.notify_on_change
        specs = plan_functions(plan, args.lambda_arn, uses_callback)
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
                # Checked at preview against each topic's schema in the org's catalog.
                rule_filters=[
                    RuleFilter(rule.name, rule.topics, rule.filter_policy)
                    for rule in plan.rules
                    if rule.filter_policy
                ]
                or None,
            ),
            opts=self._child(),
        )
        self.integration_id = integration.integration_id
        self.event_source_name = integration.event_source_name
        if args.enabled is False:
            self._deferred(name)
            return

        source = self._wait_for_source(integration.event_source_name)
        bus = aws.cloudwatch.EventBus(
            f"{name}-bus",
            name=source,
            event_source_name=source,
            region=self._region,
            tags=self._tags,
            opts=self._child(depends_on=[integration]),
        )
        queue = self._dead_letter_queue() if args.dead_letter_queue else None
        callback_arn, role_arn, callback_ready = self._callback(plan, args, queue)
        functions = self._functions(specs, callback_arn)
        patterns = {rule.name: rule.pattern_output(source) for rule in plan.rules}
        rules = {rule.name: self._rule(rule, bus, patterns[rule.name]) for rule in plan.rules}
        context = TargetContext(
            component=self,
            name=name,
            args=args,
            region=self._region,
            account_id=account_id,
            bus=bus,
            tags=self._tags,
            dead_letter_queue=queue,
            event_source_suffix=plan.event_source_suffix,
        )
        if queue is not None:
            context.dead_letter_ready.append(
                self._dead_letter_policy(queue, bus, account_id, functions)
            )
        context.extras[EXTRAS_KEY] = LambdaFunctions(
            context,
            functions,
            deploy_region=region,
            event_source_suffix=plan.event_source_suffix,
            callback_ready=callback_ready,
        )
        wiring: list[pulumi.Resource] = []
        for rule in plan.rules:
            for index, spec in enumerate(rule.targets):
                target = RuleTarget(rule=rule, event_rule=rules[rule.name], index=index, spec=spec)
                wiring += declare_target(context, target)
        if args.notify_on_change:
            self._notify(plan, integration, bus, rules, patterns, callback_arn, wiring)
        archive = self._archive(plan, bus, source) if plan.archive is not None else None
        topic_arn = None
        if args.alarms is not None:
            topic_arn, _ = declare_alarms(
                AlarmScope(parent=self, name=name, region=self._region, tags=self._tags),
                args.alarms,
                bus_name=bus.name,
                rules=rules,
                queue=queue,
                function_name=callback_arn.apply(_function_name) if callback_arn else None,
            )

        self.event_bus_name = cast(pulumi.Output[str | None], bus.name)
        self.event_bus_arn = cast(pulumi.Output[str | None], bus.arn)
        self.rule_arns = cast(
            pulumi.Output[dict[str, str]],
            pulumi.Output.all(**{rule_name: rule.arn for rule_name, rule in rules.items()}),
        )
        self.lambda_arn = _optional(callback_arn)
        self.role_arn = _optional(role_arn)
        self.dead_letter_queue_arn = _optional(queue.arn if queue else None)
        self.dead_letter_queue_url = _optional(queue.url if queue else None)
        self.archive_arn = _optional(archive.arn if archive else None)
        self.alarm_topic_arn = _optional(topic_arn)
        self.register_outputs({name: getattr(self, name) for name in OUTPUT_NAMES})

    def _child(self, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on) or None)

    def _archive(
        self, plan: SubscriptionPlan, bus: aws.cloudwatch.EventBus, source: pulumi.Output[str]
    ) -> aws.cloudwatch.EventArchive:
        """An archive of the bus's events (or those its filter policy selects), for replays."""
        archive = cast(RulePlan, plan.archive)
        return aws.cloudwatch.EventArchive(
            f"{self._name}-archive",
            # Archive names are at most 48 characters and unique per account and region: the
            # event source suffix is (it includes the stack by default).
            # (a suffix over 48 is cut and hashed: cut alone, two could meet).
            name=limits.unique_name(plan.event_source_suffix, ARCHIVE_NAME_LENGTH),
            event_source_arn=bus.arn,
            event_pattern=archive.pattern_output(source) if archive.filter_policy else None,
            retention_days=cast(ArchiveArgs, self._args.archive).retention_days,
            description=f"Genesys Cloud events of subscription {self._name}",
            region=self._region,
            opts=self._child(),
        )

    def _deferred(self, name: str) -> None:
        """`enabled: false`: the integration alone, until Genesys may create the source."""
        pulumi.log.warn(
            f"subscription {name!r} is disabled (enabled: false): only its Genesys integration is"
            " declared. Genesys creates the partner event source when the integration is"
            " enabled, so the event bus, rules, targets and dead-letter queue are declared once"
            " you set enabled: true.",
            resource=self,
        )
        none = _optional(None)
        self.archive_arn = none
        self.alarm_topic_arn = none
        self.event_bus_name = none
        self.event_bus_arn = none
        self.rule_arns = cast(pulumi.Output[dict[str, str]], pulumi.Output.from_input({}))
        self.lambda_arn = none
        self.role_arn = none
        self.dead_letter_queue_arn = none
        self.dead_letter_queue_url = none
        self.register_outputs({key: getattr(self, key) for key in OUTPUT_NAMES})

    def _aws_target(self, args: SubscriptionArgs) -> tuple[pulumi.Output[str], pulumi.Input[str]]:
        """The account and region receiving the events: as given, else the deploying ones.

        A given account must be the deploying one: the source appears there, the bus is made
        with the provider's credentials."""
        invoke_opts = pulumi.InvokeOutputOptions(parent=self)
        deploying = aws.get_caller_identity_output(opts=invoke_opts).account_id
        account_id: pulumi.Output[str]
        if args.aws_account_id is not None:
            account_id = pulumi.Output.all(args.aws_account_id, deploying).apply(_same_account)
        else:
            account_id = deploying
        region: pulumi.Input[str]
        if args.aws_region is not None:
            region = args.aws_region
        else:
            # pulumi-aws 7: `region` (the older `name` is deprecated).
            region = aws.get_region_output(opts=invoke_opts).region
        return account_id, region

    def _wait_for_source(self, source: pulumi.Output[str]) -> pulumi.Output[str]:
        """The source's name, once the partner event source exists in AWS (polled)."""
        timeout = float(self._args.partner_source_timeout)
        region = pulumi.Output.from_input(self._region)
        component = self

        async def wait(values: list[Any]) -> str:
            name, region_name = values
            # A preview changes nothing, so it neither waits nor fails on a source still to come.
            if pulumi.runtime.is_dry_run():
                return str(name)
            deadline = time.monotonic() + timeout
            problem = "no partner event source of that name"
            while True:
                try:
                    found = aws.cloudwatch.get_event_source(
                        name_prefix=name,
                        region=region_name,
                        opts=pulumi.InvokeOptions(parent=component),
                    )
                    if found.name == name and found.state != "DELETED":
                        return str(name)
                    problem = f"found {found.name!r} in state {found.state}"
                except Exception as err:  # the lookup fails while nothing matches
                    problem = " ".join(str(err).split())[:300]
                if time.monotonic() >= deadline:
                    raise PartnerSourceMissingError(
                        f"subscription {component._name!r}: the partner event source {name!r} did"
                        f" not appear in AWS within {timeout:g} s ({problem}). Genesys creates it"
                        " when the integration is ACTIVE: check the integration in Genesys Admin >"
                        " Integrations (enabled, ACTIVE, the right AWS account and region), then"
                        " run `pulumi up` again; raise partner_source_timeout if it is slow."
                    )
                await asyncio.sleep(SOURCE_POLL_SECONDS)

        return pulumi.Output.all(source, region).apply(wait)

    def _functions(
        self, specs: Sequence[Any], callback_arn: pulumi.Output[str] | None
    ) -> list[LambdaFunction]:
        functions: list[LambdaFunction] = []
        for spec in specs:
            if isinstance(spec, str) and spec == CALLBACK_TARGET:
                given = self._args.lambda_arn
                functions.append(
                    LambdaFunction(
                        key="callback",
                        arn=given
                        if isinstance(given, str)
                        else cast(pulumi.Output[str], callback_arn),
                        external=self._args.lambda_arn is not None,
                        field="lambda_arn" if self._args.lambda_arn is not None else "lambda_code",
                    )
                )
                continue
            where = self._target_field(spec)
            functions.append(
                LambdaFunction(key=f"fn-{len(functions)}", arn=spec, external=True, field=where)
            )
        return functions

    def _target_field(self, spec: Any) -> str:
        for rule_index, rule in enumerate(self._args.rules or []):
            for index, target in enumerate(rule.targets or []):
                if target is spec or (isinstance(spec, str) and target == spec):
                    return f"rules[{rule_index}].targets[{index}]"
        return "rules.targets"

    def _callback(
        self, plan: SubscriptionPlan, args: SubscriptionArgs, queue: aws.sqs.Queue | None
    ) -> tuple[pulumi.Output[str] | None, pulumi.Output[str] | None, list[pulumi.Resource]]:
        """The callback's ARN, its role's ARN, and what must exist before it may run."""
        if args.lambda_arn is not None:
            return pulumi.Output.from_input(args.lambda_arn), None, []
        if not plan.uses_callback and not args.notify_on_change:
            return None, None, []
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
        ready: list[pulumi.Resource] = [
            aws.iam.RolePolicy(
                f"{name}-logs-policy",
                role=role.id,
                policy=log_group.arn.apply(lambda arn: json.dumps(iam.lambda_logging_policy(arn))),
                opts=self._child(),
            )
        ]
        if queue is not None:
            # The async invoke config's on-failure destination: the role may send there only.
            ready.append(
                aws.iam.RolePolicy(
                    f"{name}-dlq-send-policy",
                    role=role.id,
                    policy=queue.arn.apply(
                        lambda arn: json.dumps(iam.lambda_on_failure_policy(arn))
                    ),
                    opts=self._child(),
                )
            )
        code = args.lambda_code or _bundled_code()
        function = aws.lambda_.Function(
            f"{name}-callback",
            role=role.arn,
            code=_archive(code.code),
            handler=code.handler,
            runtime=code.runtime,
            architectures=[code.architecture],
            memory_size=code.memory_size,
            timeout=code.timeout,
            reserved_concurrent_executions=args.reserved_concurrency,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(code.environment))
            if code.environment
            else None,
            # Its own group, so the role may write there and nowhere else.
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format=args.log_format, log_group=log_group.name
            ),
            description="Genesys Cloud EventBridge callback",
            region=self._region,
            tags=self._tags,
            # The first invocation must already be able to log.
            opts=self._child(depends_on=ready[:1]),
        )
        return function.arn, role.arn, ready

    def _rule(
        self, rule: RulePlan, bus: aws.cloudwatch.EventBus, pattern: pulumi.Output[str]
    ) -> aws.cloudwatch.EventRule:
        return aws.cloudwatch.EventRule(
            f"{self._name}-rule-{rule.name}",
            name=rule.rule_name,
            event_bus_name=bus.name,
            event_pattern=pattern,
            description=rule.description,
            region=self._region,
            tags=self._tags,
            opts=self._child(),
        )

    def _dead_letter_queue(self) -> aws.sqs.Queue:
        return aws.sqs.Queue(
            f"{self._name}-dlq",
            sqs_managed_sse_enabled=True,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            region=self._region,
            tags=self._tags,
            opts=self._child(),
        )

    def _dead_letter_policy(
        self,
        queue: aws.sqs.Queue,
        bus: aws.cloudwatch.EventBus,
        account_id: pulumi.Input[str],
        functions: Sequence[LambdaFunction],
    ) -> aws.sqs.QueuePolicy:
        """One statement for every rule of the bus, one for the external functions' roles."""
        external = [f for f in functions if f.external]
        if not self._args.async_invoke.external_functions:
            external = []
        roles = [role_lookup(function, self, self._region) for function in external]

        def render(values: list[Any]) -> str:
            queue_arn, bus_arn, account, *role_arns = values
            document = iam.dead_letter_queue_policy(queue_arn, bus_arn, account, role_arns)
            policy_size.check_queue_policy(document, functions=len(role_arns))
            return policy_size.rendered(document)

        return aws.sqs.QueuePolicy(
            f"{self._name}-dlq-policy",
            queue_url=queue.url,
            policy=pulumi.Output.all(queue.arn, bus.arn, account_id, *roles).apply(render),
            region=self._region,
            opts=self._child(),
        )

    def _notify(
        self,
        plan: SubscriptionPlan,
        integration: EventBridgeIntegration,
        bus: aws.cloudwatch.EventBus,
        rules: Mapping[str, aws.cloudwatch.EventRule],
        patterns: Mapping[str, pulumi.Output[str]],
        callback_arn: pulumi.Output[str] | None,
        wiring: Sequence[pulumi.Resource],
    ) -> aws.lambda_.Invocation:
        """Invoke the callback with the subscription's shape on create, change and delete."""
        payload = pulumi.Output.all(
            integration.integration_id,
            integration.event_source_name,
            bus.name,
            pulumi.Output.all(**{name: rule.arn for name, rule in rules.items()}),
            pulumi.Output.all(**patterns),
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


# Event source suffixes claimed by the subscriptions of this program run, keyed by the run's
# resource monitor so each (mocked or real) run starts afresh (SETTINGS is one object per process).
_SUFFIXES: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def _claim_suffix(name: str, suffix: str) -> None:
    claimed = _SUFFIXES.setdefault(policy_size.program_run(), {})
    owner = claimed.setdefault(suffix, name)
    if owner != name:
        raise SubscriptionArgsError(
            f"event_source_suffix: subscriptions {owner!r} and {name!r} both use the event source"
            f" suffix {suffix!r}; each needs its own partner event source. Give one of them a"
            " different event_source_suffix.",
            field="event_source_suffix",
        )


def _function_name(arn: str) -> str:
    """The function name in a (possibly qualified) Lambda function ARN."""
    parts = str(arn).split(":")
    return parts[6] if len(parts) > 6 else str(arn)


def _same_account(values: list[Any]) -> str:
    given, deploying = values
    # An identity without an account (a test double) cannot be compared; AWS always gives one.
    if deploying and str(given) != str(deploying):
        raise AccountMismatchError(
            f"aws_account_id is {given}, but the AWS provider deploys to account {deploying}:"
            f" Genesys would create the partner event source in {given} while the bus is"
            f" created in {deploying}. Set aws_account_id to {deploying} (or leave it unset), or"
            f" deploy with credentials for {given}.",
            field="aws_account_id",
        )
    return str(given)


def _registration(
    plan: SubscriptionPlan,
    integration_id: str,
    event_source_name: str,
    event_bus_name: str,
    rule_arns: Mapping[str, str],
    patterns: Mapping[str, str],
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
                    "event_pattern": json.loads(patterns[rule.name]),
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
        architecture=HANDLER_ARCHITECTURE,
        memory_size=128,
        timeout=10,
    )


def _archive(code: pulumi.Archive | str) -> pulumi.Archive:
    return code if isinstance(code, pulumi.Archive) else pulumi.FileArchive(code)


def _optional(value: pulumi.Input[str] | None) -> pulumi.Output[str | None]:
    return cast(pulumi.Output[str | None], pulumi.Output.from_input(value))
