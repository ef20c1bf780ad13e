"""Lambda targets: one invoke permission and one async invoke config per function, not per rule.

EventBridge invokes Lambda asynchronously, so once Lambda accepts an event the rule's retry
policy and dead-letter queue no longer apply: an exception in the function gets Lambda's own
retries. Each function therefore gets an async invoke config whose on-failure destination is
the subscription's dead-letter queue, and one permission that lets every rule of the bus invoke
it (`aws:SourceArn` = `rule/<bus>/*`), so nothing grows with the number of rules.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import iam, policy_size
from genesys_eventbridge.components.args import CALLBACK_TARGET, SubscriptionArgs
from genesys_eventbridge.components.event_source import placeholder_source
from genesys_eventbridge.components.lambda_arns import LAMBDA_ARN, check_function_arn
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.target_keys import derived_key
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.components.targets.resources import delivery_args
from genesys_eventbridge.components.watchlist import Watched

if TYPE_CHECKING:
    from genesys_eventbridge.components.plan import SubscriptionPlan

EXTRAS_KEY = "lambda"
# pulumi-aws names a resource `<logical name>-<7 random characters>`.
_AUTONAME_SUFFIX = 8


@dataclass(frozen=True)
class LambdaFunction:
    """One distinct function the subscription invokes."""

    key: str
    """Stable logical-name part: `callback`, or the target key of its ARN (`lambda-<digest>`);
    `fn-<n>` (its order among the functions rules name) for an ARN that is an Output."""
    arn: pulumi.Input[str]
    external: bool
    """Whether the subscription does not create it (`lambda_arn` or an ARN in a rule)."""
    field: str
    """The config path that names it, for errors."""
    legacy_key: str = ""
    """The key earlier releases gave it (`fn-<n>`), when that differs: its resources' alias."""

    def aliases(self, name: str) -> list[pulumi.Alias]:
        """`name` as earlier releases had it, for a stack they deployed."""
        if not self.legacy_key:
            return []
        return [pulumi.Alias(name=name.replace(self.key, self.legacy_key, 1))]


def plan_functions(plan: SubscriptionPlan, lambda_arn: Any, uses_callback: bool) -> list[Any]:
    """The distinct Lambda target specs of the plan, in order (`CALLBACK_TARGET` first)."""
    specs: list[Any] = [CALLBACK_TARGET] if uses_callback else []
    for rule in plan.rules:
        for target in rule.targets:
            if not isinstance(target, (str, pulumi.Output)):
                continue
            same_as_callback = isinstance(lambda_arn, str) and target == lambda_arn
            if same_as_callback and uses_callback:
                continue
            if not any(_same(target, seen) for seen in specs):
                specs.append(target)
    return specs


def subscription_functions(
    args: SubscriptionArgs, specs: Sequence[Any], callback_arn: pulumi.Output[str] | None
) -> list[LambdaFunction]:
    """The distinct functions `specs` name, the callback first, each keyed stably."""
    functions: list[LambdaFunction] = []
    for spec in specs:
        if isinstance(spec, str) and spec == CALLBACK_TARGET:
            given = args.lambda_arn
            functions.append(
                LambdaFunction(
                    key="callback",
                    arn=given if isinstance(given, str) else cast(pulumi.Output[str], callback_arn),
                    external=given is not None,
                    field="lambda_arn" if given is not None else "lambda_code",
                )
            )
            continue
        where = _target_field(args, spec)
        ordinal = f"fn-{len(functions)}"
        # Keyed by its ARN, not its order: a function named earlier must not take this one's
        # permission and invoke config (deleting the old config would remove the new one's).
        key = derived_key(spec) if isinstance(spec, str) else None
        functions.append(
            LambdaFunction(
                key=key or ordinal,
                arn=spec,
                external=True,
                field=where,
                legacy_key=ordinal if key else "",
            )
        )
    return functions


def _target_field(args: SubscriptionArgs, spec: Any) -> str:
    for rule_index, rule in enumerate(args.rules or []):
        for index, target in enumerate(rule.targets or []):
            if target is spec or (isinstance(spec, str) and target == spec):
                return f"rules[{rule_index}].targets[{index}]"
    return "rules.targets"


def _function_name(arn: str) -> str:
    """The function name in a (possibly qualified) Lambda function ARN: the metrics' dimension."""
    parts = str(arn).split(":")
    return parts[6] if len(parts) > 6 else str(arn)


def _same(a: Any, b: Any) -> bool:
    return a is b if isinstance(a, pulumi.Output) or isinstance(b, pulumi.Output) else a == b


def _split_qualifier(arn: str) -> tuple[str, str | None]:
    match = LAMBDA_ARN.fullmatch(arn)
    if match is None or match.group(5) is None:
        return arn, None
    return arn[: -len(match.group(5)) - 1], match.group(5)


class LambdaFunctions:
    """The subscription's Lambda functions: a permission and an async invoke config for each."""

    def __init__(
        self,
        context: TargetContext,
        functions: Sequence[LambdaFunction],
        *,
        deploy_region: pulumi.Input[str],
        event_source_suffix: str,
        callback_ready: Sequence[pulumi.Resource] = (),
    ) -> None:
        """Declare one permission and (when configured) one async invoke config per function."""
        self._context = context
        self._functions = list(functions)
        self._deploy_region = deploy_region
        self._suffix = event_source_suffix
        self.permissions: dict[str, aws.lambda_.Permission] = {}
        self.invoke_configs: dict[str, aws.lambda_.FunctionEventInvokeConfig] = {}
        for function in self._functions:
            self._declare(function, callback_ready)

    def find(self, spec: Any) -> LambdaFunction:
        """The function a rule's target names."""
        if isinstance(spec, str) and spec == CALLBACK_TARGET:
            return next(f for f in self._functions if f.key == "callback")
        lambda_arn = self._context.args.lambda_arn
        for function in self._functions:
            if _same(function.arn, spec):
                return function
        if isinstance(spec, str) and isinstance(lambda_arn, str) and spec == lambda_arn:
            return next(f for f in self._functions if f.key == "callback")
        raise KeyError(spec)

    def _declare(self, function: LambdaFunction, ready: Sequence[pulumi.Resource]) -> None:
        context = self._context
        name = context.name
        arn = self._checked_arn(function)
        permission = aws.lambda_.Permission(
            f"{name}-invoke-{function.key}",
            action="lambda:InvokeFunction",
            function=arn,
            principal=iam.EVENTS_PRINCIPAL,
            # Every rule of this bus: the statement does not grow with the rule count.
            source_arn=context.bus.arn.apply(iam.rules_of_bus),
            source_account=context.account_id,
            region=context.region,
            opts=context.child().merge(
                pulumi.ResourceOptions(aliases=function.aliases(f"{name}-invoke-{function.key}"))
            ),
        )
        self.permissions[function.key] = permission
        context.watch.add(
            Watched(
                "function",
                function.key,
                pulumi.Output.from_input(arn).apply(_function_name),
                "the callback" if function.key == "callback" else f"function {function.field}",
            )
        )
        if isinstance(function.arn, str):
            statement = iam.lambda_invoke_statement(
                f"{name}-invoke-{function.key}-xxxxxxx",
                function.arn,
                _placeholder_bus_arn(self._suffix, function.arn),
                function.arn.split(":")[4],
            )
            policy_size.add_function_statement(function.arn, name, statement, field=function.field)
        settings = context.args.async_invoke
        if function.external and not settings.external_functions:
            return
        queue = context.dead_letter_queue
        destination = (
            aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                    destination=queue.arn
                )
            )
            if queue is not None
            else None
        )
        # Lambda checks, when the config is set, that the function's execution role may send to
        # the on-failure destination; the queue policy's grant alone does not pass that check.
        sends = [self._role_may_send(function, queue)] if function.external and queue else []
        function_name: pulumi.Input[str] = arn
        qualifier: str | None = None
        if isinstance(function.arn, str):
            unqualified, qualifier = _split_qualifier(function.arn)
            function_name = unqualified
            _claim_invoke_config(function.arn, name, function.field)
        self.invoke_configs[function.key] = aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-{function.key}-async",
            function_name=function_name,
            qualifier=qualifier,
            maximum_retry_attempts=settings.maximum_retry_attempts,
            maximum_event_age_in_seconds=settings.maximum_event_age_in_seconds,
            destination_config=destination,
            region=context.region,
            # The role (ours, or theirs through `sends`) must allow the send first.
            opts=context.child(
                depends_on=[
                    *context.dead_letter_ready,
                    *(sends if function.external else ready),
                ]
            ).merge(
                pulumi.ResourceOptions(aliases=function.aliases(f"{name}-{function.key}-async"))
            ),
        )

    def _checked_arn(self, function: LambdaFunction) -> pulumi.Input[str]:
        """The function's ARN, checked against the deploying region once both are known."""
        if not function.external:
            return function.arn

        def check(values: list[Any]) -> str:
            arn, region = values
            if isinstance(arn, str) and LAMBDA_ARN.fullmatch(arn):
                check_function_arn(arn, region, field=function.field)
            return str(arn)

        return pulumi.Output.all(function.arn, self._deploy_region).apply(check)

    def _role_may_send(self, function: LambdaFunction, queue: aws.sqs.Queue) -> aws.iam.RolePolicy:
        """An inline policy on a function's own execution role: it may send to the queue.

        Named after this subscription's suffix (unique per account and region) and the
        function, so it touches none of the role's other policies and goes with the subscription.
        """
        context = self._context
        role = role_lookup(function, context.component, context.region)
        return aws.iam.RolePolicy(
            f"{context.name}-{function.key}-dlq-send",
            # One per function: functions sharing a role must not share (and overwrite) one.
            name=f"genesys-eventbridge-{self._suffix}-{function.key}-dlq-send"[-128:],
            role=role.apply(_role_name),
            policy=queue.arn.apply(lambda arn: json.dumps(iam.lambda_on_failure_policy(arn))),
            opts=context.child(),
        )

    def declare_target(self, target: RuleTarget) -> list[pulumi.Resource]:
        """The EventTarget of one rule's Lambda target, after its permission exists."""
        context = self._context
        function = self.find(target.spec)
        options = target.rule.target_options
        typed = options[target.index] if target.index < len(options) else None
        resource = aws.cloudwatch.EventTarget(
            f"{context.name}-{target.logical_name}",
            rule=target.event_rule.name,
            event_bus_name=context.bus.name,
            arn=function.arn,
            target_id=target.key,
            **delivery_args(context, typed),
            region=context.region,
            # Allowed to invoke (and to dead-letter) before the first event is routed.
            opts=context.child(
                depends_on=[self.permissions[function.key], *context.dead_letter_ready]
            ),
        )
        return [resource]


# The subscription that owns each function's async invoke config in this program run, keyed by
# the run's resource monitor: SETTINGS is one object for the process (configure() only sets its
# attributes), so mocked runs in one test process would otherwise see each other's claims.
_INVOKE_CONFIGS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], str]] = (
    weakref.WeakKeyDictionary()
)


def _claim_invoke_config(function_arn: str, subscription: str, field: str) -> None:
    """Raise when another subscription of this program already configures the function's async
    invocation: Lambda keeps one config per function and qualifier, so the second would
    overwrite the first's destination, and destroying either would remove it for both."""
    owner = policy_size.first_claim(_INVOKE_CONFIGS, _split_qualifier(function_arn), subscription)
    if owner != subscription:
        raise SubscriptionArgsError(
            f"{field}: subscriptions {owner!r} and {subscription!r} both target {function_arn}"
            " and would each set its async invoke config (retries and on-failure destination);"
            " Lambda keeps one per function. Set async_invoke.external_functions to false on"
            f" {subscription!r} (and grant its role sqs:SendMessage on the dead-letter queue"
            " yourself if you want its failures there), or give each its own function.",
            field=field,
        )


def _role_name(role_arn: str) -> str:
    """A role's name from its ARN (`arn:aws:iam::<account>:role/<path/><name>`)."""
    return role_arn.rsplit("/", 1)[-1]


def _placeholder_bus_arn(suffix: str, function_arn: str) -> str:
    """A bus ARN as long as the real one, for sizing a statement before the bus exists."""
    parts = function_arn.split(":")
    return f"arn:{parts[1]}:events:{parts[3]}:{parts[4]}:event-bus/{placeholder_source(suffix)}"


def role_lookup(
    function: LambdaFunction, parent: pulumi.Resource, region: pulumi.Input[str] | None
) -> pulumi.Output[str]:
    """The execution role of a function the subscription does not create."""
    arn = function.arn
    if isinstance(arn, str):
        arn = _split_qualifier(arn)[0]
    found = aws.lambda_.get_function_output(
        function_name=arn,
        region=region,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return found.role


def declare_lambda_target(context: TargetContext, target: RuleTarget) -> list[pulumi.Resource]:
    functions: LambdaFunctions = context.extras[EXTRAS_KEY]
    return functions.declare_target(target)
