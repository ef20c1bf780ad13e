"""Declare each rule target's AWS resources: the EventTarget and the role, policy, queue, stream,
log group or connection it needs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.scope import keeping_data
from genesys_eventbridge.components.target_wiring import RuleTarget, TargetContext
from genesys_eventbridge.components.targets import policies, watched
from genesys_eventbridge.components.targets.args import (
    ApiKeyAuth,
    BasicAuth,
    EventBusTarget,
    FirehoseTarget,
    HttpsTarget,
    LogGroupTarget,
    OAuthClientCredentialsAuth,
    SqsTarget,
    StepFunctionsTarget,
)
from genesys_eventbridge.components.targets.firehose_streams import StreamRole, declare_stream
from genesys_eventbridge.components.targets.log_groups import LogGroups
from genesys_eventbridge.components.targets.queue_policies import QueuePolicies
from genesys_eventbridge.components.targets.roles import DeliveryRoles

# Events that exhausted their retries stay in a dead-letter queue for SQS's maximum, 14 days.
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
_AUTONAME_SUFFIX = 8  # pulumi-aws appends `-<7 random characters>`
_MAX_ROLE_NAME, _MAX_ROLE_PREFIX = 64, 38
_MAX_QUEUE_NAME, _MAX_QUEUE_PREFIX = 80, 54
_MAX_EVENTS_NAME = 64  # connections, API destinations, delivery streams

EXTRAS_KEY = "typed-targets"


def declare_typed_target(context: TargetContext, target: RuleTarget) -> list[pulumi.Resource]:
    """The seam's declarer for every typed kind but Lambda: one TargetResources per subscription."""
    resources = context.extras.get(EXTRAS_KEY)
    if resources is None:
        resources = context.extras[EXTRAS_KEY] = TargetResources(context)
    return resources.declare(target)


@dataclass
class TargetResources:
    """Declares the typed targets of one subscription's rules, keeping what they share (the one
    CloudWatch Logs resource policy for all its log groups)."""

    ctx: TargetContext
    _log_groups: LogGroups | None = None
    _queue_policies: QueuePolicies | None = None
    roles: DeliveryRoles | None = None
    stream_role: StreamRole | None = None

    def declare(self, rt: RuleTarget) -> list[pulumi.Resource]:
        """Declare one target's resources, the EventTarget last."""
        t = rt.spec
        if isinstance(t, SqsTarget):
            return self._sqs(rt, t)
        if isinstance(t, FirehoseTarget):
            return self._firehose(rt, t)
        if isinstance(t, StepFunctionsTarget):
            watched.state_machine(self.ctx, rt, t.state_machine_arn)
            return self._with_role(rt, "stepFunctions", t.state_machine_arn, [])
        if isinstance(t, LogGroupTarget):
            return self._logs(rt)
        if isinstance(t, EventBusTarget):
            return self._with_role(rt, "eventBus", t.event_bus_arn, [])
        if isinstance(t, HttpsTarget):
            return self._https(rt, t)
        raise TypeError(f"not a target kind: {type(t).__name__}")

    # --- shared -------------------------------------------------------------------------------

    def _name(self, rt: RuleTarget, what: str = "") -> str:
        return f"{self.ctx.name}-{rt.logical_name}{'-' + what if what else ''}"

    def _physical(self, rt: RuleTarget, what: str) -> str:
        # Fixed AWS names must differ between the stacks of one program (the logical name is the
        # same in each): the event source suffix does.
        return _hashed(f"{self.ctx.event_source_suffix}-{rt.logical_name}-{what}", _MAX_EVENTS_NAME)

    def _physical_prefix(self) -> str:
        """What every `_physical` name of this subscription starts with (also when hashed)."""
        return f"{self.ctx.event_source_suffix}-rule-"[: _MAX_EVENTS_NAME - 9]

    @staticmethod
    def _role_name_prefix(logical: str) -> str | None:
        return _prefix_if_too_long(logical, _MAX_ROLE_NAME, _MAX_ROLE_PREFIX)

    def _opts(
        self, depends_on: Sequence[pulumi.Resource] = (), **kw: Any
    ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            parent=self.ctx.component, depends_on=list(depends_on) or None, **kw
        )

    def _holding_data(self, opts: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
        args = self.ctx.args
        return keeping_data(opts, args.retain_data, args.protect_data)

    def _kept(
        self,
        rt: RuleTarget,
        logical: str,
        depends_on: Sequence[pulumi.Resource] = (),
        *,
        fixed_name: bool = False,
        **kw: Any,
    ) -> pulumi.ResourceOptions:
        """Options for a resource made for one target: known by its earlier, positional name
        too, and (`fixed_name`) keeping the physical name it was created with, so a stack
        deployed before targets had keys keeps it rather than replacing it."""
        return self._opts(
            depends_on,
            aliases=rt.aliases(logical) or None,
            ignore_changes=["name"] if fixed_name else None,
            **kw,
        )

    def target_args(self, rt: RuleTarget) -> dict[str, Any]:
        """The EventTarget arguments every kind shares: rule, bus, retries, DLQ and input."""
        return {
            "rule": rt.event_rule.name,
            "event_bus_name": self.ctx.bus.name,
            "target_id": rt.key,
            **delivery_args(self.ctx, rt.spec),
            "region": self.ctx.region,
        }

    def _event_target(
        self,
        rt: RuleTarget,
        arn: pulumi.Input[str],
        waits_for: Sequence[pulumi.Resource],
        **kw: Any,
    ) -> aws.cloudwatch.EventTarget:
        # Allowed to deliver (and to dead-letter) before the first event is routed.
        return aws.cloudwatch.EventTarget(
            self._name(rt),
            arn=arn,
            **(self.target_args(rt) | kw),
            opts=self._opts([*waits_for, *self.ctx.dead_letter_ready]),
        )

    def _queue(self, rt: RuleTarget, name: str, **kw: Any) -> aws.sqs.Queue:
        # Both of an SQS target's queues: encrypted, tagged, named within SQS's limit.
        return aws.sqs.Queue(
            name,
            sqs_managed_sse_enabled=True,
            region=self.ctx.region,
            tags=self.ctx.tags,
            name_prefix=_prefix_if_too_long(name, _MAX_QUEUE_NAME, _MAX_QUEUE_PREFIX),
            opts=self._holding_data(self._kept(rt, name)),
            **kw,
        )

    def _with_role(
        self,
        rt: RuleTarget,
        kind: str,
        arn: pulumi.Input[str],
        created: list[pulumi.Resource],
        **kw: Any,
    ) -> list[pulumi.Resource]:
        # One role per kind for the whole subscription (targets/roles.py): roles do not grow
        # with the rules (IAM allows 1,000 per account by default).
        if self.roles is None:
            self.roles = DeliveryRoles(
                self.ctx,
                made_prefix=self._physical_prefix(),
                name_prefix=self._role_name_prefix,
            )
        role, policy, made = self.roles.role_for(kind)
        if made:
            created = [*created, role, policy]
        target = self._event_target(rt, arn, [policy], role_arn=role.arn, **kw)
        return [*created, target]

    # --- kinds --------------------------------------------------------------------------------

    def _sqs(self, rt: RuleTarget, t: SqsTarget) -> list[pulumi.Resource]:
        created: list[pulumi.Resource] = []
        waits: list[pulumi.Resource] = []
        queue_arn: pulumi.Input[str]
        queue_url: pulumi.Input[str] | None = None
        if t.queue_arn is None:
            dlq_name = self._name(rt, "queue-dlq")
            dlq = self._queue(rt, dlq_name, message_retention_seconds=DLQ_RETENTION_SECONDS)
            queue = self._queue(
                rt,
                self._name(rt, "queue"),
                # SQS deletes expired messages without dead-lettering them: keep them as long
                # as the dead-letter queues do, unless the user chose otherwise.
                message_retention_seconds=t.message_retention_seconds,
                redrive_policy=dlq.arn.apply(
                    lambda arn: json.dumps(
                        {"deadLetterTargetArn": arn, "maxReceiveCount": t.max_receive_count}
                    )
                ),
            )
            redrive_allow = aws.sqs.RedriveAllowPolicy(
                f"{dlq_name}-redrive-allow",
                queue_url=dlq.url,
                redrive_allow_policy=queue.arn.apply(
                    lambda arn: json.dumps(policies.sqs_redrive_allow_policy(arn))
                ),
                region=self.ctx.region,
                opts=self._kept(rt, f"{dlq_name}-redrive-allow"),
            )
            created += [dlq, queue, redrive_allow]
            watched.made_queue(self.ctx, rt, queue.name, dlq.name, t.message_retention_seconds)
            queue_arn, queue_url = queue.arn, queue.url
        else:
            queue_arn = t.queue_arn
            watched.given_queue(self.ctx, rt, t.queue_arn)
            if t.manage_queue_policy:
                queue_url = pulumi.Output.from_input(t.queue_arn).apply(_queue_url)
            else:
                # Without a statement for EventBridge the sends fail (and dead-letter) silently.
                pulumi.log.warn(
                    f"rule {rt.rule.name!r}, targets[{rt.index}]: the queue's policy is yours;"
                    " it must let events.amazonaws.com sqs:SendMessage with aws:SourceArn this"
                    " rule's ARN (or set manage_queue_policy to let the component write it)",
                    resource=self.ctx.component,
                )
        if queue_url is not None:
            if self._queue_policies is None:
                self._queue_policies = QueuePolicies(self.ctx)
            policy, new = self._queue_policies.policy_for(rt, t, queue_arn, queue_url)
            created += [policy] if new else []
            waits.append(policy)
        sqs_target = (
            aws.cloudwatch.EventTargetSqsTargetArgs(message_group_id=t.message_group_id)
            if t.message_group_id
            else None
        )
        target = self._event_target(rt, queue_arn, waits, sqs_target=sqs_target)
        return [*created, target]

    def _firehose(self, rt: RuleTarget, t: FirehoseTarget) -> list[pulumi.Resource]:
        created: list[pulumi.Resource] = []
        stream_arn: pulumi.Input[str]
        if t.delivery_stream_arn is not None:
            stream_arn = t.delivery_stream_arn
            watched.given_stream(self.ctx, rt, t.delivery_stream_arn)
        else:
            logical = self._name(rt, "stream")
            if self.stream_role is None:
                self.stream_role = StreamRole(
                    self.ctx, self._physical_prefix(), name_prefix=self._role_name_prefix
                )
            stream, created = declare_stream(
                self.ctx,
                rt,
                t,
                logical=logical,
                physical=self._physical(rt, "stream"),
                role=self.stream_role,
            )
            stream_arn = stream.arn
        return self._with_role(rt, "firehose", stream_arn, created)

    def _logs(self, rt: RuleTarget) -> list[pulumi.Resource]:
        created: list[pulumi.Resource] = []
        if self._log_groups is None:
            # The first logs target declares every group and their one resource policy.
            self._log_groups = LogGroups(self.ctx)
            created = self._log_groups.declare()
        groups = self._log_groups
        assert groups.policy is not None
        arn = groups.arn(rt.rule.name, rt.key)
        return [*created, self._event_target(rt, arn, [groups.policy])]

    def _https(self, rt: RuleTarget, t: HttpsTarget) -> list[pulumi.Resource]:
        connection = aws.cloudwatch.EventConnection(
            self._name(rt, "connection"),
            name=self._physical(rt, "connection"),
            description=f"Genesys events to {t.endpoint}"[:512],
            **_authorization(t),
            region=self.ctx.region,
            # The credentials are inputs of the connection: kept encrypted in state, never output.
            opts=self._kept(
                rt,
                self._name(rt, "connection"),
                fixed_name=True,
                delete_before_replace=True,
                additional_secret_outputs=["authParameters"],
            ),
        )
        destination = aws.cloudwatch.EventApiDestination(
            self._name(rt, "destination"),
            name=self._physical(rt, "destination"),
            connection_arn=connection.arn,
            invocation_endpoint=t.endpoint,
            http_method=t.http_method,
            invocation_rate_limit_per_second=t.rate_limit_per_second,
            region=self.ctx.region,
            opts=self._kept(
                rt, self._name(rt, "destination"), fixed_name=True, delete_before_replace=True
            ),
        )
        http = (
            aws.cloudwatch.EventTargetHttpTargetArgs(
                header_parameters=dict(t.headers) if t.headers else None,
                query_string_parameters=dict(t.query_parameters) if t.query_parameters else None,
            )
            if t.headers or t.query_parameters
            else None
        )
        return self._with_role(
            rt, "https", destination.arn, [connection, destination], http_target=http
        )


def delivery_args(context: TargetContext, target: Any) -> dict[str, Any]:
    """A typed target's retries (its own, else the subscription's), the subscription's DLQ, and
    its input shaping, as EventTarget arguments (`target` None: the subscription's defaults)."""
    retry = getattr(target, "retry_policy", None)
    transformer = getattr(target, "input_transformer", None)
    return {
        "retry_policy": aws.cloudwatch.EventTargetRetryPolicyArgs(
            maximum_retry_attempts=retry.maximum_retry_attempts,
            maximum_event_age_in_seconds=retry.maximum_event_age_in_seconds,
        )
        if retry
        else context.retry_policy(),
        "dead_letter_config": context.dead_letter_config(),
        "input_path": getattr(target, "input_path", None),
        "input_transformer": aws.cloudwatch.EventTargetInputTransformerArgs(
            input_paths=dict(transformer.input_paths),
            input_template=transformer.input_template,
        )
        if transformer
        else None,
    }


def _authorization(t: HttpsTarget) -> dict[str, Any]:
    """The connection's authorization type and parameters, every credential marked secret."""
    auth = t.auth
    if isinstance(auth, ApiKeyAuth):
        return {
            "authorization_type": "API_KEY",
            "auth_parameters": aws.cloudwatch.EventConnectionAuthParametersArgs(
                api_key=aws.cloudwatch.EventConnectionAuthParametersApiKeyArgs(
                    key=auth.header, value=pulumi.Output.secret(auth.value)
                )
            ),
        }
    if isinstance(auth, BasicAuth):
        return {
            "authorization_type": "BASIC",
            "auth_parameters": aws.cloudwatch.EventConnectionAuthParametersArgs(
                basic=aws.cloudwatch.EventConnectionAuthParametersBasicArgs(
                    username=auth.username, password=pulumi.Output.secret(auth.password)
                )
            ),
        }
    assert isinstance(auth, OAuthClientCredentialsAuth)
    oauth = aws.cloudwatch.EventConnectionAuthParametersOauthArgs
    params = aws.cloudwatch.EventConnectionAuthParametersOauthOauthHttpParametersArgs
    body = aws.cloudwatch.EventConnectionAuthParametersOauthOauthHttpParametersBodyArgs
    return {
        "authorization_type": "OAUTH_CLIENT_CREDENTIALS",
        "auth_parameters": aws.cloudwatch.EventConnectionAuthParametersArgs(
            oauth=oauth(
                authorization_endpoint=auth.authorization_endpoint,
                http_method=auth.http_method,
                client_parameters=aws.cloudwatch.EventConnectionAuthParametersOauthClientParametersArgs(
                    client_id=auth.client_id, client_secret=pulumi.Output.secret(auth.client_secret)
                ),
                oauth_http_parameters=params(
                    bodies=[body(key="scope", value=auth.scope, is_value_secret=False)]
                    if auth.scope
                    else None
                ),
            )
        ),
    }


def _queue_url(arn: str) -> str:
    """An SQS queue's URL from its ARN (`arn:aws:sqs:<region>:<account>:<name>`)."""
    _, partition, _, region, account, name = arn.split(":", 5)
    domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"https://sqs.{region}.{domain}/{account}/{name}"


def _prefix_if_too_long(logical: str, limit: int, prefix_limit: int) -> str | None:
    """None when auto-naming fits AWS's `limit`; else a `name_prefix` that does."""
    if len(logical) + _AUTONAME_SUFFIX <= limit:
        return None
    return _hashed(logical, prefix_limit - 1) + "-"


def _hashed(logical: str, limit: int) -> str:
    """`logical` when it fits `limit`, else its head and a hash of the whole (stable, unique)."""
    if len(logical) <= limit:
        return logical
    digest = hashlib.sha256(logical.encode()).hexdigest()[:8]
    return f"{logical[: limit - 9]}-{digest}"
