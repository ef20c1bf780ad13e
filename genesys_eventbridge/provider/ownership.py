"""Which integration belongs to which resource: owner markers, and a create's own leftovers.

A create may take over an integration only when it is provably this resource's own leftover:
one that the same project, stack and resource marked as theirs. Two marks prove it:
- the provisional name the POST gives (`<name> (creating <8 hex> for <owner tag>)`), while the
  config PUT has not landed: the POST carries nothing else;
- the line `[managed by genesys-eventbridge: <project>/<stack>/<resource>]` that every config
  PUT appends to the integration's notes (and that reading the notes strips again).
A same-named integration for this resource's partner event source that carries neither is
someone else's (another stack, another tool, a person): the create stops and says whose.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import Any

from genesys_eventbridge.provider import schema
from genesys_eventbridge.provider.cap import CountKey, IntegrationCount
from genesys_eventbridge.provider.errors import OwnershipError
from genesys_eventbridge.provider.genesys import (
    GenesysClient,
    Integration,
    IntegrationConfig,
    NotFoundError,
)

OWNER = schema.OWNER

_OWNER = re.compile(r"[^\[\]\r\n]{1,400}")
_MARKER = re.compile(r"(?:\A|\n\n)\[managed by genesys-eventbridge: ([^\[\]\r\n]{1,400})\]\Z")
_PROVISIONAL = r" \(creating [0-9a-f]{8}(?: for ([0-9a-f]{10}))?\)"
_SOURCE_KEYS = ("awsAccountId", "awsAccountRegion", "eventSourceSuffix")


def owner_of(project: str, stack: str, resource_name: str) -> str:
    """The owner input of resource `resource_name` in `stack` of `project`."""
    return f"{project}/{stack}/{resource_name}"


def mark_notes(notes: str | None, owner: str | None) -> str | None:
    """The config notes to write: the user's notes, then the owner's marker line."""
    if not owner or not _OWNER.fullmatch(owner):
        return notes
    marker = f"[managed by genesys-eventbridge: {owner}]"
    return f"{notes}\n\n{marker}" if notes else marker


def split_notes(notes: str | None) -> tuple[str | None, str | None]:
    """(the user's notes, the owner the marker names) of a config's notes."""
    if not notes:
        return None, None
    found = _MARKER.search(notes)
    if found is None:
        return notes, None
    return notes[: found.start()] or None, found.group(1)


def owner_tag(owner: str) -> str:
    """A short digest of `owner`, carried by the provisional name of the integrations it POSTs."""
    return hashlib.sha256(owner.encode()).hexdigest()[:10]


def provisional_name(name: str, owner: str | None = None) -> str:
    """A name no other integration has, used from POST until the config PUT sets the real one."""
    tag = f" for {owner_tag(owner)}" if owner else ""
    return f"{name} (creating {secrets.token_hex(4)}{tag})"


def _provisional(name: str, candidate: str | None) -> re.Match[str] | None:
    if candidate is None:
        return None
    return re.fullmatch(re.escape(name) + _PROVISIONAL, candidate)


def is_provisional_of(name: str, candidate: str | None) -> bool:
    """Whether `candidate` is a provisional name (see provisional_name) made for `name`."""
    return _provisional(name, candidate) is not None


def describe_owner(owner: str | None) -> str:
    """Whom an integration belongs to, as a phrase."""
    if owner is None:
        return "no resource that marked it (made by hand, by another tool or by an older release)"
    project, _, rest = owner.partition("/")
    stack, _, resource = rest.partition("/")
    return f"resource {resource!r} of stack {stack!r} in project {project!r}"


def find_leftover(
    client: GenesysClient, count_key: CountKey, inputs: Mapping[str, Any]
) -> tuple[Integration, IntegrationConfig] | None:
    """An integration an earlier failed create of this resource left behind, with its config.

    A candidate is one the last listing saw named `integration_name` or provisionally for it
    (auto-names are derived, so a re-run asks for the same name); its config (one GET, only for
    a candidate) decides. It is ours when its owner marker (or, before its config PUT, its
    provisional name) names this resource, and it is for the same partner event source or
    none yet. One for this resource's event source that is not provably ours raises
    OwnershipError; any other is left alone.
    """
    name, owner = inputs["integration_name"], inputs.get(OWNER)
    want = (inputs["aws_account_id"], inputs["aws_region"], inputs["event_source_suffix"])

    def named(candidate: str | None) -> bool:
        return candidate == name or is_provisional_of(name, candidate)

    for candidate in IntegrationCount.seen(count_key, named):
        try:
            config = client.get_integration_config(candidate.id)
        except NotFoundError:
            continue  # deleted since the listing
        properties = config.properties or {}
        has = tuple(properties.get(key) for key in _SOURCE_KEYS)
        marked = split_notes(config.notes)[1]
        provisional = _provisional(name, candidate.name)
        if not any(has):
            # The POST went through, the config PUT never did: only the name can say whose.
            tag = provisional.group(1) if provisional else None
            if owner and tag == owner_tag(owner) and IntegrationCount.claim(candidate.id):
                return candidate, config
            continue
        if has != want:
            continue  # another event source: whoever owns it, this create does not touch it
        if owner and marked == owner:
            if IntegrationCount.claim(candidate.id):
                return candidate, config
            continue
        raise OwnershipError(
            f"integration {candidate.id} ({candidate.name!r}) already sends to this resource's"
            f" event source (suffix {want[2]!r}, AWS account {want[0]}, {want[1]}) and belongs"
            f" to {describe_owner(marked)}, so it is left alone: give this resource another event"
            " source suffix (or integration name), or set"
            f" adopt_integration_id={candidate.id!r} to take it over on purpose"
        )
    return None
