"""Pulumi mocks for unit tests of programs that use genesys-eventbridge.

Under `pulumi.runtime.set_mocks`, nothing reaches Genesys Cloud or AWS, so every invoke and every
resource's outputs come from the mocks. `GenesysEventBridgeMocks` answers the calls the
`GenesysEventBridgeSubscription` component and the `EventBridgeIntegration` resource make the way
the real services do: the deploying AWS account and region, the partner event source Genesys
created (so the bus does not wait for it), an integration that is ACTIVE with its org id and event
source name, and ARNs built from names. Any other resource gets its inputs back as outputs; any
other invoke is an error naming it (subclass and answer it in `call`, then `super().call(args)`).

    import pulumi
    from genesys_eventbridge.testing import GenesysEventBridgeMocks

    mocks = GenesysEventBridgeMocks()
    pulumi.runtime.set_mocks(mocks, project="my-project", stack="dev", preview=False)

For a resource created under these mocks, `mocks.resources` holds its type, name and inputs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks

from genesys_eventbridge.components.subscription import TYPE_TOKEN as SUBSCRIPTION_TYPE
from genesys_eventbridge.provider.schema import event_source_name

__all__ = [
    "ACCOUNT_ID",
    "GET_CALLER_IDENTITY",
    "GET_EVENT_SOURCE",
    "GET_FUNCTION",
    "GET_REGION",
    "INTEGRATION_TYPE",
    "ORG_ID",
    "REGION",
    "SUBSCRIPTION_TYPE",
    "GenesysEventBridgeMocks",
    "MockedResource",
]

ORG_ID = "3f6e2b1a-5c7d-4e8f-9a0b-1c2d3e4f5a6b"
"""The Genesys Cloud org id the mocks answer with (that of the shipped sample events)."""
ACCOUNT_ID = "123456789012"
"""The AWS account the mocks deploy to."""
REGION = "us-east-1"
"""The AWS region the mocks deploy to."""
INTEGRATION_TYPE = "pulumi-python:dynamic/genesys:EventBridgeIntegration"
"""The type token of an `EventBridgeIntegration` as the engine (and the mocks) see it."""
GET_CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
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
    "aws:sns/topic:Topic": "arn:aws:sns:{region}:{account}:{name}",
}


def _suffix(name: str) -> str:
    # Stands in for the AWS provider's auto-naming: stable per logical name.
    return hashlib.sha256(name.encode()).hexdigest()[:7]


@dataclass(frozen=True)
class MockedResource:
    """One resource a program created under the mocks, with the inputs it was given."""

    type: str
    name: str
    inputs: dict[str, Any]


class GenesysEventBridgeMocks(Mocks):
    """Mocks answering the subscription component's and the integration's calls like the real
    services: partner event source present, integration ACTIVE, ARNs built from names."""

    def __init__(
        self, org_id: str = ORG_ID, account_id: str = ACCOUNT_ID, region: str = REGION
    ) -> None:
        self.org_id = org_id
        self.account_id = account_id
        self.region = region
        self.calls: list[str] = []
        """The token of every invoke, in order (e.g. `aws:index/getRegion:getRegion`)."""
        self.resources: list[MockedResource] = []
        """Every resource created, in order."""

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Answer an invoke of the component: account, region, partner source, a function."""
        self.calls.append(args.token)
        if args.token == GET_CALLER_IDENTITY:
            return {
                "accountId": self.account_id,
                "arn": f"arn:aws:iam::{self.account_id}:user/deployer",
                "id": self.account_id,
                "userId": "AIDAEXAMPLE",
            }, []
        if args.token == GET_EVENT_SOURCE:
            # The partner source Genesys created for the ACTIVE integration: PENDING until a bus
            # is attached, as in AWS.
            name = args.args["namePrefix"]
            return {
                "name": name,
                "namePrefix": name,
                "state": "PENDING",
                "arn": f"arn:aws:events:{self.region}::event-source/{name}",
                "createdBy": "genesys.com",
                "id": name,
            }, []
        if args.token == GET_FUNCTION:
            # A function the user owns: its execution role is named after it.
            function = str(args.args["functionName"]).rsplit(":", 1)[-1]
            return {
                "functionName": function,
                "arn": args.args["functionName"],
                "role": f"arn:aws:iam::{self.account_id}:role/{function}-role",
            }, []
        if args.token == GET_REGION:
            return {
                "region": self.region,
                "name": self.region,
                "id": self.region,
                "description": self.region,
                "endpoint": f"ec2.{self.region}.amazonaws.com",
            }, []
        raise NotImplementedError(
            f"GenesysEventBridgeMocks does not answer the invoke {args.token}: subclass it, answer"
            " that token in call() and return super().call(args) for the others"
        )

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """A resource's id and outputs: computed outputs as the real provider sets them."""
        inputs = dict(args.inputs)
        self.resources.append(MockedResource(args.typ, args.name, inputs))
        if args.typ == INTEGRATION_TYPE:
            return self._integration(args.name, inputs)
        region = inputs.get("region") or self.region
        name = inputs.get("name") or f"{args.name}-{_suffix(args.name)}"
        typ, account = args.typ, self.account_id
        if typ in _NAMED_ARNS:
            arn = _NAMED_ARNS[typ].format(
                region=region, account=account, name=name, suffix=_suffix(name)
            )
            return (arn if typ == "aws:sns/topic:Topic" else name), inputs | {
                "name": name,
                "arn": arn,
            }
        if typ == "aws:cloudwatch/eventRule:EventRule":
            bus = inputs.get("eventBusName", "default")
            arn = f"arn:aws:events:{region}:{account}:rule/{bus}/{name}"
            return f"{bus}|{name}", inputs | {"name": name, "arn": arn}
        if typ == "aws:lambda/function:Function":
            arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
            return name, inputs | {"name": name, "arn": arn, "invokeArn": arn}
        if typ == "aws:sqs/queue:Queue":
            arn = f"arn:aws:sqs:{region}:{account}:{name}"
            url = f"https://sqs.{region}.amazonaws.com/{account}/{name}"
            return url, inputs | {"name": name, "arn": arn, "url": url}
        if typ == "aws:lambda/invocation:Invocation":
            return f"{args.name}-id", inputs | {"result": '{"status": "registered"}'}
        if typ == SUBSCRIPTION_TYPE:
            return None, {}
        return f"{args.name}-id", inputs

    def _integration(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """An integration Genesys created and activated, with the outputs the provider sets."""
        integration_id = f"00000000-0000-4000-8000-{_suffix(name) * 2}"[:36]
        outputs = {k: v for k, v in inputs.items() if k != "__provider"}
        outputs |= {
            "integration_id": integration_id,
            "org_id": self.org_id,
            "event_source_name": event_source_name(self.org_id, inputs["event_source_suffix"]),
            "reported_state": "ACTIVE",
            "enabled": inputs.get("enabled", True),
        }
        return integration_id, outputs
