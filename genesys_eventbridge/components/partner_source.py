"""The partner event source Genesys creates in AWS: waited for before the bus is made."""

from __future__ import annotations

import asyncio
import re
import string
import time
from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.scope import Scope

SOURCE_POLL_SECONDS = 10.0
"""How often the bus's wait looks for the partner event source in AWS."""


# The characters of an event source suffix: what may follow a source's name in a longer one.
_SUFFIX_CHARACTERS = string.ascii_letters + string.digits + "._-"
# How the AWS provider's data source reports a prefix that several sources share.
_TOO_MANY = re.compile(r"too many results: wanted 1, got (\d+)")


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
        while True:
            found, problem = _look_up(name, region_name, scope.parent)
            if found:
                return str(name)
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


def _count(prefix: str, region: Any, parent: pulumi.Resource) -> tuple[int, Any, str]:
    """How many partner event sources start with `prefix`: (count, the source when exactly one,
    what AWS said otherwise)."""
    try:
        found = aws.cloudwatch.get_event_source(
            name_prefix=prefix, region=region, opts=pulumi.InvokeOptions(parent=parent)
        )
    except Exception as err:  # the lookup fails unless exactly one source matches
        text = " ".join(str(err).split())[:300]
        many = _TOO_MANY.search(text)
        return (int(many.group(1)) if many else 0), None, text
    return 1, found, ""


def _look_up(name: str, region: Any, parent: pulumi.Resource) -> tuple[bool, str]:
    """Whether the partner event source `name` exists (and is not DELETED); else why not.

    The AWS provider looks sources up by name prefix only, and fails when several match: a
    subscription whose suffix is the start of another's (`prod-cx`, `prod-cx-eu`) would never
    see its own. Then its source exists exactly when the sources starting with its name
    outnumber those starting with its name and one more character.
    """
    count, found, problem = _count(name, region, parent)
    if found is not None:
        if found.name == name and found.state != "DELETED":
            return True, ""
        return False, f"found {found.name!r} in state {found.state}"
    if count < 2:
        return False, problem or "no partner event source of that name"
    longer = sum(_count(name + c, region, parent)[0] for c in _SUFFIX_CHARACTERS)
    if count > longer:
        return True, ""
    return False, f"{count} partner event sources start with that name, none is exactly it"
