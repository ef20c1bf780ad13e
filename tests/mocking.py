"""Pulumi mocks that record what a program declares: the component and stack program tests use them.

`deploy(build)` sets fresh mocks, runs `build()` as a Pulumi program with `@pulumi.runtime.test`
(which waits for every registration and re-raises any exception, including one raised in an
`apply`), and returns every registration with its resolved inputs, mocked outputs, parent and
dependencies, plus the component's resolved outputs.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockCallArgs, MockMonitor

from genesys_eventbridge import testing
from genesys_eventbridge.components.subscription import OUTPUT_NAMES

# The shipped mocks' values, under the names the tests use.
ACCOUNT_ID = testing.ACCOUNT_ID
ORG_ID = testing.ORG_ID
REGION = testing.REGION
INTEGRATION_TYPE = testing.INTEGRATION_TYPE
GET_FUNCTION = testing.GET_FUNCTION
GET_REGION = testing.GET_REGION
GET_EVENT_SOURCE = testing.GET_EVENT_SOURCE
CALLER_IDENTITY = testing.GET_CALLER_IDENTITY
COMPONENT_TYPE = testing.SUBSCRIPTION_TYPE


class GenesysMocks(testing.GenesysEventBridgeMocks):
    """The shipped mocks; unknown invokes fail the test that made them."""

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        try:
            return super().call(args)
        except NotImplementedError as err:
            raise AssertionError(f"unexpected invoke {args.token}") from err


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
