"""Limits AWS enforces on what the component generates from the args, checked before `up`.

Each of these would otherwise fail at `pulumi up`, in the AWS provider's words, after other
resources of the subscription were created: rules using `wildcard` per bus, rule descriptions,
and the names pulumi-aws derives from the subscription's name (`<logical name>-<7 characters>`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pulumi

from genesys_eventbridge.components import policy_size
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.targets.args import (
    EventBusTarget,
    FirehoseTarget,
    HttpsTarget,
    StepFunctionsTarget,
)

MAX_WILDCARD_RULES_PER_BUS = 30
"""EventBridge: rules per event bus whose pattern uses `wildcard` (EventBridge quotas page,
"Rules containing wildcards"; not adjustable)."""
MAX_RULE_DESCRIPTION = 512
"""EventBridge PutRule: a rule's description (API reference: at most 512 characters)."""
MAX_QUEUE_NAME = 80
"""SQS: a queue's name."""
MAX_STATEMENT_ID = 100
"""Lambda AddPermission: a statement id (API reference: 1-100 characters)."""
AUTONAME_SUFFIX = 8
"""pulumi-aws names a resource `<logical name>-<7 random characters>`."""
MAX_IAM_ROLES = 1000
"""IAM: roles per account by default (IAM and STS quotas; adjustable through Service Quotas)."""
_ROLE_KINDS = (StepFunctionsTarget, EventBusTarget, FirehoseTarget, HttpsTarget)


def uses_wildcard(policy: Any) -> bool:
    """Whether a filter policy (with its Outputs stood in) holds a `wildcard` matcher anywhere."""
    if isinstance(policy, Mapping):
        return "wildcard" in policy or any(uses_wildcard(value) for value in policy.values())
    if isinstance(policy, (list, tuple)):
        return any(uses_wildcard(item) for item in policy)
    return False


def check_wildcard_rules(rules: Iterable[tuple[str, Any]]) -> None:
    """Refuse a bus with more rules using `wildcard` than EventBridge allows; `rules` are
    (rule name, filter policy) pairs in declaration order."""
    using = [name for name, policy in rules if uses_wildcard(policy)]
    if len(using) <= MAX_WILDCARD_RULES_PER_BUS:
        return
    extra = using[MAX_WILDCARD_RULES_PER_BUS]
    raise SubscriptionArgsError(
        f"rules: {len(using)} rules use a wildcard matcher, more than EventBridge's"
        f" {MAX_WILDCARD_RULES_PER_BUS} per event bus (a limit AWS does not raise); rule"
        f" {extra!r} is number {MAX_WILDCARD_RULES_PER_BUS + 1}. Use prefix or suffix matchers"
        " where they do, merge rules with $or, or split the topics over several subscriptions.",
        field="rules.filter_policy",
        rule=extra,
    )


def check_rule_description(rule: str, description: object) -> None:
    """Refuse a rule description EventBridge would refuse."""
    if description is None:
        return
    if not isinstance(description, str) or len(description) > MAX_RULE_DESCRIPTION:
        size = len(description) if isinstance(description, str) else description
        raise SubscriptionArgsError(
            f"rule {rule!r}: description must be a string of at most {MAX_RULE_DESCRIPTION}"
            f" characters (EventBridge's limit); it has {size}. Shorten it.",
            field="rules.description",
            rule=rule,
        )


def check_generated_name(name: str, ending: str, limit: int, what: str) -> None:
    """Refuse a subscription name whose generated `<name><ending>-<7>` passes `limit`; `what`
    names the resource and its service (e.g. "callback function's name ... Lambda's")."""
    if len(name) + len(ending) + AUTONAME_SUFFIX <= limit:
        return
    room = limit - AUTONAME_SUFFIX - len(ending)
    raise SubscriptionArgsError(
        f"the subscription name {name!r} has {len(name)} characters: {what} {limit};"
        f" use at most {room}.",
        field="name",
    )


def check_subscription_names(
    name: str, *, dead_letter_queue: bool, function_keys: Sequence[str]
) -> None:
    """Refuse a subscription name that makes a generated name pass its AWS limit: the
    dead-letter queue's (`<name>-dlq-<7>`) and each Lambda permission's statement id
    (`<name>-invoke-<function key>-<7>`)."""
    if dead_letter_queue:
        what = "its dead-letter queue's name would pass SQS's"
        check_generated_name(name, "-dlq", MAX_QUEUE_NAME, what)
    for key in function_keys:
        what = f"the statement id of its Lambda permission for {key!r} would pass Lambda's"
        check_generated_name(name, f"-invoke-{key}", MAX_STATEMENT_ID, what)


def lambda_function_keys(uses_callback: bool, targets: Iterable[Any]) -> list[str]:
    """The keys the subscription's Lambda permissions are named by: `callback`, then `fn-<n>`
    for each distinct function a rule names by ARN (or Output)."""
    keys = ["callback"] if uses_callback else []
    seen: list[Any] = []
    for target in targets:
        if isinstance(target, pulumi.Output) or (isinstance(target, str) and target != "callback"):
            if not any(target is other or target == other for other in seen):
                seen.append(target)
    return keys + [f"fn-{len(keys) + index}" for index in range(len(seen))]


def roles_made(targets: Iterable[Any], *, makes_callback: bool) -> int:
    """The IAM roles a subscription makes: the callback's, one per delivery kind used (shared by
    all its targets), and the one its Firehose streams write with."""
    targets = list(targets)
    kinds = {type(t) for t in targets if isinstance(t, _ROLE_KINDS)}
    streams = any(isinstance(t, FirehoseTarget) and t.delivery_stream_arn is None for t in targets)
    return int(makes_callback) + len(kinds) + int(streams)


# Roles the subscriptions of this program run make, keyed by the run (as suffixes are).
_ROLES: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def check_role_budget(name: str, roles: int, quota: int | None, *, program: bool) -> None:
    """Refuse when the subscription (with `program`: with the others of this program run, as
    the component counts them) would make more roles than the account may hold."""
    budget = MAX_IAM_ROLES if quota is None else quota
    made = _ROLES.setdefault(policy_size.program_run(), {}) if program else {}
    made[name] = roles
    total = sum(made.values())
    if total <= budget:
        return
    raise SubscriptionArgsError(
        f"the subscriptions of this program would make {total:,} IAM roles ({name!r}: {roles},"
        f" at most one per target kind), more than IAM's {budget:,} per account. Merge"
        " subscriptions, or set quotas.max_iam_roles if AWS raised the account's quota.",
        field="rules.targets",
    )
