"""The IAM policy documents of a subscription: least privilege, no `*` action or resource."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

VERSION = "2012-10-17"
EVENTS_PRINCIPAL = "events.amazonaws.com"
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"


def allow(sid: str, actions: Sequence[str] | str, resources: Sequence[str] | str) -> dict[str, Any]:
    """A role policy with one statement allowing `actions` on `resources`."""
    return {
        "Version": VERSION,
        "Statement": [{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}],
    }


def trust_policy(
    service: str, account_id: str | None = None, source_arn: str | None = None
) -> dict[str, Any]:
    """Let only `service` assume the role; given `account_id`, only when acting for that account,
    and given `source_arn` (an ARN pattern), only for those resources (no confused deputy)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    condition: dict[str, Any] = {}
    if account_id is not None:
        condition["StringEquals"] = {"aws:SourceAccount": account_id}
    if source_arn is not None:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    if condition:
        statement["Condition"] = condition
    return {"Version": VERSION, "Statement": [statement]}


def events_trust_policy(account_id: str, bus_arn: str) -> dict[str, Any]:
    """Let EventBridge assume a target's role only for the rules of the bus `bus_arn` (EventBridge
    gives the rule's ARN as aws:SourceArn), in `account_id`."""
    return trust_policy(EVENTS_PRINCIPAL, account_id, rules_of_bus(bus_arn))


def lambda_assume_role_policy() -> dict[str, Any]:
    """Trust policy letting only the Lambda service assume the callback's role."""
    return trust_policy(LAMBDA_PRINCIPAL)


def lambda_logging_policy(log_group_arn: str) -> dict[str, Any]:
    """Let the callback write to the streams of its own log group, and nothing else.

    The group itself is created by the component, so `logs:CreateLogGroup` is not granted.
    """
    # pulumi-aws reports a log group's ARN without the trailing ":*" that the Logs API shows.
    group = log_group_arn.removesuffix(":*")
    return allow(
        "WriteOwnLogStreams",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        f"{group}:log-stream:*",
    )


def rules_of_bus(bus_arn: str) -> str:
    """The ARN pattern of every rule on the bus `bus_arn`: `arn:...:rule/<bus name>/*`.

    Policies name the bus's rules by this one pattern, so they do not grow with the rule count.
    """
    prefix, _, bus = bus_arn.partition(":event-bus/")
    return f"{prefix}:rule/{bus}/*"


def events_statement(
    sid: str, action: str, resource: str, condition: dict[str, Any]
) -> dict[str, Any]:
    """A resource policy statement letting EventBridge do `action` on `resource` under `condition`
    (the rules and account it acts for: no confused deputy)."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": EVENTS_PRINCIPAL},
        "Action": action,
        "Resource": resource,
        "Condition": condition,
    }


def dead_letter_queue_policy(
    queue_arn: str, bus_arn: str, account_id: str, function_roles: Sequence[str] = ()
) -> dict[str, Any]:
    """Let the bus's rules (and the Lambda targets' roles) put undeliverable events on the queue.

    One statement covers every rule of the bus; a second lists the execution roles of functions
    the subscription does not create, whose async invoke config sends failures here.
    """
    statements: list[dict[str, Any]] = [
        events_statement(
            "EventBridgeDeadLetters",
            "sqs:SendMessage",
            queue_arn,
            {
                "ArnLike": {"aws:SourceArn": rules_of_bus(bus_arn)},
                "StringEquals": {"aws:SourceAccount": account_id},
            },
        )
    ]
    roles = sorted(set(function_roles))
    if roles:
        statements.append(
            {
                "Sid": "LambdaOnFailure",
                "Effect": "Allow",
                "Principal": {"AWS": roles if len(roles) > 1 else roles[0]},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
            }
        )
    return {"Version": VERSION, "Statement": statements}


def lambda_on_failure_policy(queue_arn: str) -> dict[str, Any]:
    """Let the callback's role send its failed async invocations to the queue, and nothing more."""
    return allow("OnFailureDestination", "sqs:SendMessage", queue_arn)


def lambda_invoke_statement(
    statement_id: str, function_arn: str, bus_arn: str, account_id: str
) -> dict[str, Any]:
    """The statement a `lambda.Permission` for the bus's rules adds to a function's policy.

    Rendered as Lambda stores it, so its size can be checked before it is added.
    """
    return events_statement(
        statement_id,
        "lambda:InvokeFunction",
        function_arn,
        {
            "StringEquals": {"AWS:SourceAccount": account_id},
            "ArnLike": {"AWS:SourceArn": rules_of_bus(bus_arn)},
        },
    )


def lambda_resource_policy(statements: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A function's resource-based policy holding `statements`."""
    return {"Version": VERSION, "Id": "default", "Statement": list(statements)}
