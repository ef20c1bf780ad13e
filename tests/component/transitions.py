"""Render a subscription before and after an edit under mocks, and check what must hold across it.

A rendering is what the program declares for one configuration (rule name -> the targets it
lists, drawn from POOL). Across an edit, a target that stays in its rule must keep its
EventTarget resource, its target id and the ARN it delivers to (for a queue or log group the
component makes, that ARN is the made resource's: a new one would mean its data is gone), and
no target id may pass from one EventTarget resource to another (the old one's delete, which
comes last, would remove the id from the rule). Within a rendering, no two resources may own
one physical thing: a rule's target id, a queue's policy, a Logs resource policy, a function's
async invoke config.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from genesys_eventbridge.components import (
    CALLBACK_TARGET,
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
)
from genesys_eventbridge.components.targets import (
    EventBusTarget,
    LogGroupTarget,
    SqsTarget,
    StepFunctionsTarget,
)
from tests.mocking import ACCOUNT_ID, REGION, Deployment, run_program

TOPICS = ["v2.detail.events.conversation.{id}.customer.start"]
OWN_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:orders"
POOL: dict[str, Any] = {
    "callback": CALLBACK_TARGET,
    "orders-fn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:orders",
    "audits-fn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:audits",
    "made-queue": SqsTarget(),
    "own-queue": SqsTarget(queue_arn=OWN_QUEUE, manage_queue_policy=True),
    "made-logs": LogGroupTarget(),
    "machine": StepFunctionsTarget(
        state_machine_arn=f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:triage"
    ),
    "central-bus": EventBusTarget(
        event_bus_arn=f"arn:aws:events:{REGION}:999999999999:event-bus/c"
    ),
}
"""Targets a rule may list, by a name the harness knows them by."""

Config = tuple[tuple[str, tuple[str, ...]], ...]
"""(rule name, the POOL names of its targets in order), per rule."""

TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FUNCTION = "aws:lambda/function:Function"
OWNED_ONCE = {
    "aws:sqs/queuePolicy:QueuePolicy": "queueUrl",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyName",
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": "functionName",
}


@dataclass(frozen=True)
class Delivery:
    """One EventTarget as declared: its resource, the id it puts and the ARN it delivers to."""

    resource: str
    target_id: str
    arn: str


@dataclass(frozen=True)
class Rendering:
    """What one configuration declares, by (rule, POOL name) of each target."""

    config: Config
    deliveries: dict[tuple[str, str], Delivery]
    shared_owners: list[str]
    """Problems: a physical thing two resources of this rendering own."""
    owners: dict[tuple[str, str], str]
    """(type, physical thing) -> the resource owning it (a queue's policy, a function's async
    invoke config): across an edit it must not pass to another resource, whose create comes
    before the old one's delete (which would undo it)."""


def _prefix(rule: str) -> str:
    return f"cx-{rule}"


@functools.lru_cache(maxsize=256)
def render(config: Config) -> Rendering:
    """Declare the subscription of `config` under mocks and index what it declared."""
    rules = [RuleArgs(name=name, targets=[POOL[t] for t in targets]) for name, targets in config]
    deployment = run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx", SubscriptionArgs(topics=TOPICS, rules=rules, aws_region=REGION)
        )
    )
    owners = {
        (typ, str(r.inputs[key])): r.name
        for typ, key in OWNED_ONCE.items()
        for r in deployment.of_type(typ)
    }
    return Rendering(config, _deliveries(deployment, config), _shared_owners(deployment), owners)


def _deliveries(deployment: Deployment, config: Config) -> dict[tuple[str, str], Delivery]:
    callback = [f.outputs["arn"] for f in deployment.of_type(FUNCTION)]
    made = {
        "made-queue": {q.outputs["arn"] for q in deployment.of_type(QUEUE)},
        "made-logs": {g.outputs["arn"] for g in deployment.of_type(LOG_GROUP)},
    }
    found: dict[tuple[str, str], Delivery] = {}
    for rule, targets in config:
        mine = [t for t in deployment.of_type(TARGET) if t.inputs["rule"] == _prefix(rule)]
        assert len(mine) == len(targets), f"rule {rule}: {len(mine)} targets for {targets}"
        for name in targets:
            spec = POOL[name]
            if spec == CALLBACK_TARGET:
                wanted = set(callback)
            elif name in made:
                wanted = made[name]
            else:
                arn = (
                    spec
                    if isinstance(spec, str)
                    else next(
                        getattr(spec, a)
                        for a in ("queue_arn", "state_machine_arn", "event_bus_arn")
                        if getattr(spec, a, None)
                    )
                )
                wanted = {arn}
            [target] = [t for t in mine if t.inputs["arn"] in wanted]
            found[(rule, name)] = Delivery(
                target.name, target.inputs["targetId"], target.inputs["arn"]
            )
    return found


def _shared_owners(deployment: Deployment) -> list[str]:
    problems = []
    ids = Counter((t.inputs["rule"], t.inputs["targetId"]) for t in deployment.of_type(TARGET))
    problems += [f"target id {key} put by {n} resources" for key, n in ids.items() if n > 1]
    for typ, key in OWNED_ONCE.items():
        owners = Counter(str(r.inputs[key]) for r in deployment.of_type(typ))
        problems += [f"{typ} {thing} owned by {n}" for thing, n in owners.items() if n > 1]
    return problems


def transition_problems(before: Rendering, after: Rendering) -> list[str]:
    """What the edit from `before` to `after` breaks (empty when nothing)."""
    problems = list(after.shared_owners)
    kept = before.deliveries.keys() & after.deliveries.keys()
    for key in sorted(kept):
        old, new = before.deliveries[key], after.deliveries[key]
        if old != new:
            problems.append(f"{key}: was {old}, becomes {new}")
    for thing, resource in after.owners.items():
        held = before.owners.get(thing)
        if held is not None and held != resource:
            problems.append(f"{thing[0]} of {thing[1]} passes from {held} to {resource}")
    old_ids = {(rule, d.target_id): d.resource for (rule, _), d in before.deliveries.items()}
    for (rule, _), delivery in after.deliveries.items():
        held = old_ids.get((rule, delivery.target_id))
        if held is not None and held != delivery.resource:
            problems.append(
                f"rule {rule}: target id {delivery.target_id} passes from {held} to"
                f" {delivery.resource}"
            )
    return problems
