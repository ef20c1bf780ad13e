"""The partner event source Genesys creates in AWS: waited for before the bus is made."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.scope import Scope

SOURCE_POLL_SECONDS = 10.0
"""How often the bus's wait looks for the partner event source in AWS."""


class PartnerSourceMissingError(RuntimeError):
    """The partner event source did not appear in AWS in time; the message names it."""


def wait_for_source(scope: Scope, source: pulumi.Output[str], timeout: float) -> pulumi.Output[str]:
    """The source's name, once the partner event source exists in AWS (polled)."""
    region = pulumi.Output.from_input(scope.region)

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
                    opts=pulumi.InvokeOptions(parent=scope.parent),
                )
                if found.name == name and found.state != "DELETED":
                    return str(name)
                problem = f"found {found.name!r} in state {found.state}"
            except Exception as err:  # the lookup fails while nothing matches
                problem = " ".join(str(err).split())[:300]
            if time.monotonic() >= deadline:
                raise PartnerSourceMissingError(
                    f"subscription {scope.name!r}: the partner event source {name!r} did"
                    f" not appear in AWS within {timeout:g} s ({problem}). Genesys creates it"
                    " when the integration is ACTIVE: check the integration in Genesys Admin >"
                    " Integrations (enabled, ACTIVE, the right AWS account and region), then"
                    " run `pulumi up` again; raise partner_source_timeout if it is slow."
                )
            await asyncio.sleep(SOURCE_POLL_SECONDS)

    return pulumi.Output.all(source, region).apply(wait)
