"""Pulumi mocks that record what a program declares: the component and stack program tests use them.

`deploy(build)` sets fresh mocks, runs `build()` as a Pulumi program with `@pulumi.runtime.test`
(which waits for every registration and re-raises any exception, including one raised in an
`apply`), and returns every registration with its resolved inputs, mocked outputs, parent and
dependencies, plus the component's resolved outputs.
"""

from __future__ import annotations

import hashlib
import json
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from genesys_eventbridge.components.subscription import OUTPUT_NAMES

ORG_ID = "3f6e2b1a-5c7d-4e8f-9a0b-1c2d3e4f5a6b"  # the samples' organization
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
INTEGRATION_TYPE = "pulumi-python:dynamic/genesys:EventBridgeIntegration"
COMPONENT_TYPE = "genesys:eventbridge:Subscription"
CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
GET_REGION = "aws:index/getRegion:getRegion"
GET_EVENT_SOURCE = "aws:cloudwatch/getEventSource:getEventSource"
GET_FUNCTION = "aws:lambda/getFunction:getFunction"

# The ARN of a resource whose id is its name and whose outputs add only its name and ARN.
_NAMED_ARNS = {
    "aws:cloudwatch/eventBus:EventBus": "arn:aws:events:{region}:{account}:event-bus/{name}",
    "aws:iam/role:Role": "arn:aws:iam::{account}:role/{name}",
    "aws:cloudwatch/logGroup:LogGroup": "arn:aws:logs:{region}:{account}:log-group:{name}",
    "aws:cloudwatch/eventConnection:EventConnection": (
        "arn:aws:events:{region}:{account}:connection/{name}/{suffix}"
    ),
    "aws:cloudwatch/eventApiDestination:EventApiDestination": (
        "arn:aws:events:{region}:{account}:api-destination/{name}/{suffix}"
    ),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (
        "arn:aws:firehose:{region}:{account}:deliverystream/{name}"
    ),
    "aws:cloudwatch/eventArchive:EventArchive": "arn:aws:events:{region}:{account}:archive/{name}",
}


def _suffix(name: str) -> str:
    # Stands in for the AWS provider's auto-naming: stable per logical name.
    return hashlib.sha256(name.encode()).hexdigest()[:7]


class GenesysMocks(Mocks):
    """Realistic outputs: ARNs built from names, the integration's computed outputs."""

    def __init__(self, org_id: str = ORG_ID, account_id: str = ACCOUNT_ID) -> None:
        self.org_id = org_id
        self.account_id = account_id
        self.calls: list[str] = []

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.calls.append(args.token)
        if args.token == CALLER_IDENTITY:
            return {
                "accountId": self.account_id,
                "arn": f"arn:aws:iam::{self.account_id}:user/deployer",
                "id": self.account_id,
                "userId": "AIDAEXAMPLE",
            }, []
        if args.token == GET_EVENT_SOURCE:
            # The partner source Genesys created for the integration (see event_source below).
            name = args.args["namePrefix"]
            return {
                "name": name,
                "namePrefix": name,
                "state": "PENDING",
                "arn": f"arn:aws:events:{REGION}::event-source/{name}",
                "createdBy": "genesys.com",
                "id": name,
            }, []
        if args.token == GET_FUNCTION:
            # A function the user owns: its execution role is named after it.
            function = str(args.args["functionName"]).rsplit(":", 1)[-1]
            return {
                "functionName": function,
                "arn": args.args["functionName"],
                "role": f"arn:aws:iam::{ACCOUNT_ID}:role/{function}-role",
            }, []
        if args.token == GET_REGION:
            return {
                "region": REGION,
                "name": REGION,
                "id": REGION,
                "description": "US East (N. Virginia)",
                "endpoint": f"ec2.{REGION}.amazonaws.com",
            }, []
        raise AssertionError(f"unexpected invoke {args.token}")

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        region = inputs.get("region") or REGION
        name = inputs.get("name") or f"{args.name}-{_suffix(args.name)}"
        typ = args.typ
        if typ == INTEGRATION_TYPE:
            integration_id = f"00000000-0000-4000-8000-{_suffix(args.name) * 2}"[:36]
            outputs = {k: v for k, v in inputs.items() if k != "__provider"}
            outputs |= {
                "integration_id": integration_id,
                "org_id": self.org_id,
                "event_source_name": "aws.partner/genesys.com/cloud/"
                f"{self.org_id}/{inputs['event_source_suffix']}",
                "reported_state": "ACTIVE",
                "enabled": inputs.get("enabled", True),
            }
            return integration_id, outputs
        if typ in _NAMED_ARNS:
            arn = _NAMED_ARNS[typ].format(
                region=region, account=ACCOUNT_ID, name=name, suffix=_suffix(name)
            )
            return name, inputs | {"name": name, "arn": arn}
        if typ == "aws:cloudwatch/eventRule:EventRule":
            bus = inputs.get("eventBusName", "default")
            arn = f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{bus}/{name}"
            return f"{bus}|{name}", inputs | {"name": name, "arn": arn}
        if typ == "aws:lambda/function:Function":
            arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"
            return name, inputs | {"name": name, "arn": arn, "invokeArn": arn}
        if typ == "aws:sqs/queue:Queue":
            arn = f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{name}"
            url = f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{name}"
            return url, inputs | {"name": name, "arn": arn, "url": url}
        if typ == "aws:sns/topic:Topic":
            arn = f"arn:aws:sns:{region}:{ACCOUNT_ID}:{name}"
            return arn, inputs | {"name": name, "arn": arn}
        if typ == "aws:lambda/invocation:Invocation":
            return f"{args.name}-id", inputs | {"result": '{"status": "registered"}'}
        if typ == COMPONENT_TYPE:
            return None, {}
        return f"{args.name}-id", inputs


@dataclass
class Registration:
    """One resource the program declared, as the engine would have received it."""

    type: str
    name: str
    urn: str
    parent: str
    dependencies: list[str]
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    alias_names: list[str] = field(default_factory=list)
    """The logical names of its aliases (those given by name)."""


class RecordingMonitor(MockMonitor):
    """A MockMonitor that also keeps each registration's parent, dependencies and inputs."""

    def __init__(self, mocks: GenesysMocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.registered_outputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (the gRPC method's name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            state = self.resources[response.urn].state
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=request.parent,
                    dependencies=list(request.dependencies),
                    inputs=pulumi.runtime.rpc.deserialize_properties(request.object),
                    outputs=dict(state),
                    protect=bool(request.protect),
                    retain_on_delete=bool(request.retainOnDelete),
                    ignore_changes=list(request.ignoreChanges),
                    alias_names=[a.spec.name for a in request.aliases if a.spec.name]
                    + [u.rsplit("::", 1)[-1] for u in request.aliasURNs],
                )
            )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802
        self.registered_outputs[request.urn] = pulumi.runtime.rpc.deserialize_properties(
            request.outputs
        )
        return super().RegisterResourceOutputs(request)


@dataclass
class Deployment:
    """What one mocked program run declared."""

    registrations: list[Registration]
    outputs: dict[str, Any]
    calls: list[str]
    registered_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of_type(self, typ: str) -> list[Registration]:
        """Every registration of resource type `typ` (e.g. `aws:cloudwatch/eventRule:EventRule`)."""
        return [r for r in self.registrations if r.type == typ]

    def one(self, typ: str) -> Registration:
        """The single registration of type `typ`."""
        found = self.of_type(typ)
        assert len(found) == 1, f"expected one {typ}, got {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> Registration:
        """The registration with logical name `name`."""
        found = [r for r in self.registrations if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, got {len(found)}"
        return found[0]

    @property
    def component(self) -> Registration:
        """The component's own registration."""
        return self.one(COMPONENT_TYPE)


Build = Callable[[], Any]


def run_program(
    build: Build,
    mocks: GenesysMocks | None = None,
    *,
    preview: bool = False,
    stack: str = "test",
) -> Deployment:
    """Run `build` (which declares one subscription and returns it) under fresh mocks, as a
    program of stack `stack`."""
    mocks = mocks or GenesysMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(
        mocks, project="genesys", stack=stack, preview=preview, monitor=monitor
    )
    # Config is process-wide: a stack program run before (run_stack) must not set aws:region here.
    pulumi.runtime.set_all_config({})
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        component = build()
        outputs = {name: getattr(component, name) for name in OUTPUT_NAMES}
        return pulumi.Output.all(**outputs).apply(resolved.update)

    program()
    return Deployment(monitor.registrations, resolved, mocks.calls, monitor.registered_outputs)


@dataclass
class StackRun:
    """What the stack program declared and exported under mocks."""

    registrations: list[Registration]
    exports: dict[str, Any]

    def of_type(self, typ: str) -> list[Registration]:
        """Every registration of resource type `typ`."""
        return [r for r in self.registrations if r.type == typ]


def run_stack(
    program: Path,
    config: dict[str, Any],
    *,
    project: str,
    stack: str,
    secret_keys: list[str] | None = None,
) -> StackRun:
    """Run a Pulumi program file under fresh mocks with `config` as the stack's config.

    `secret_keys`: the keys the engine would mark secret (set with `pulumi config set --secret`,
    or containing a value set with `--secret --path`).
    """
    mocks = GenesysMocks()
    monitor = RecordingMonitor(mocks)
    # A fresh root stack: set_mocks keeps an existing one, and with it an earlier run's exports.
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    # The engine hands the program config values as strings; objects arrive as JSON text.
    pulumi.runtime.set_all_config(
        {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in config.items()
        },
        list(secret_keys or []),
    )

    exports: dict[str, Any] = {}

    @pulumi.runtime.test
    def run() -> pulumi.Output[Any]:
        runpy.run_path(str(program), run_name="__main__")
        # pulumi.export() fills the root stack's outputs; the engine would register them at
        # the end of the run, which tests never reach, so resolve them here.
        stack = pulumi.runtime.settings.get_root_resource()
        outputs = dict(getattr(stack, "outputs", {}))
        return pulumi.Output.from_input(outputs).apply(exports.update)

    run()
    return StackRun(monitor.registrations, exports)
