"""The EventBridgeIntegration resource's schema: its properties, their validation and their diff."""

from __future__ import annotations

import hashlib
import re
import string
import uuid
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from genesys_eventbridge.provider import topics as topic_rules

# Input properties, in the order users meet them.
INPUTS = (
    "integration_name",
    "aws_account_id",
    "aws_region",
    "event_source_suffix",
    "topics",
    "enabled",
    "notes",
    "adopt_integration_id",
)
# The Pulumi resource name, passed by EventBridgeIntegration so check() can auto-name.
RESOURCE_NAME = "resource_name"
# Who declares the integration, `<project>/<stack>/<resource name>`, passed by
# EventBridgeIntegration: the owner marker that lets a create prove a leftover is its own.
OWNER = "owner"
# Changing these points the integration at another partner event source: Genesys cannot move it.
REPLACE_ON_CHANGE = ("aws_account_id", "aws_region", "event_source_suffix")
UPDATE_IN_PLACE = ("topics", "integration_name", "notes", "enabled")
OUTPUTS = ("integration_id", "org_id", "event_source_name", "reported_state", "config_version")

MAX_NAME_LENGTH = 256
MAX_NOTES_LENGTH = 1024
MAX_TOPICS = 500
# Used with fullmatch and explicit ASCII classes: `$` accepts a trailing newline and `\d` accepts
# any Unicode digit, both of which pass here and fail later at AWS.
_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_AWS_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}")
_SUFFIX = re.compile(r"[A-Za-z0-9._-]{1,64}")
_NAME_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
# C0 controls, DEL, and the bidirectional controls that make a name display as something else.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_unknown(value: Any) -> bool:
    """Whether a property is not yet known (a preview with computed inputs)."""
    # The provider host hands unknowns over as Unknown objects; the wire form is the UNKNOWN string.
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def auto_name(resource_name: str, *partner_source: Any) -> str:
    """The name of a resource that names none: `<resource name>-<7 chars>`, from its source.

    Derived, not random: the engine runs Check afresh (no olds) in the preview pass and again in
    the update pass of `pulumi up`, each in a new provider host, so a random name shown by preview
    would not be the one created. The account, region and suffix it is derived from are what a
    replacement changes, so a replacement still gets a name of its own.
    """
    known = [str(part) for part in partner_source if isinstance(part, str) and not is_unknown(part)]
    digest = hashlib.sha256("\0".join((resource_name, *known)).encode()).digest()
    suffix = "".join(
        _NAME_SUFFIX_ALPHABET[byte % len(_NAME_SUFFIX_ALPHABET)] for byte in digest[:7]
    )
    return f"{resource_name}-{suffix}"


def event_source_name(org_id: str, suffix: str) -> str:
    """The partner event source (and bus) name Genesys creates for an integration."""
    return f"aws.partner/genesys.com/cloud/{org_id}/{suffix}"


def _check_name(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "integration_name must be a non-empty string; leave it unset to auto-name"
    if _CONTROL.search(value):
        return (
            "integration_name contains control characters (tabs, newlines) or bidirectional"
            " overrides; remove them"
        )
    if value != value.strip():
        return "integration_name starts or ends with spaces; remove them"
    if len(value) > MAX_NAME_LENGTH:
        return f"integration_name must be at most {MAX_NAME_LENGTH} characters (got {len(value)})"
    return None


def _check_account(value: Any) -> str | None:
    if isinstance(value, str) and _ACCOUNT_ID.fullmatch(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            "aws_account_id must be a string of 12 digits, got a number;"
            ' quote it (e.g. "012345678901") so leading zeros survive'
        )
    return f"aws_account_id must be exactly 12 digits, e.g. '123456789012'; got {_show(value)}"


def _check_region(value: Any) -> str | None:
    if isinstance(value, str) and _AWS_REGION.fullmatch(value):
        return None
    hint = ""
    if isinstance(value, str) and _AWS_REGION.fullmatch(value.strip().lower().replace("_", "-")):
        hint = f" (did you mean {value.strip().lower().replace('_', '-')!r}?)"
    return (
        f"aws_region must be an AWS region in hyphenated form such as 'us-east-1'; "
        f"got {_show(value)}{hint}"
    )


def _check_suffix(value: Any) -> str | None:
    if isinstance(value, str) and _SUFFIX.fullmatch(value):
        return None
    return (
        "event_source_suffix must be 1-64 characters of letters, digits, '.', '-' or '_';"
        f" got {_show(value)}"
    )


def _check_topics(value: Any) -> str | None:
    if not isinstance(value, (list, tuple)):
        return (
            "topics must be a list of topic templates, e.g. "
            "['v2.detail.events.conversation.{id}.customer.start']"
        )
    if not value:
        return (
            "topics must name at least one topic;"
            " run `python -m genesys_eventbridge topics` to list them"
        )
    if len(value) > MAX_TOPICS:
        return f"topics lists {len(value)} topics, more than {MAX_TOPICS}; split the subscription"
    for topic in value:
        if is_unknown(topic):
            continue
        problem = topic_rules.template_syntax_error(topic)
        if problem:
            return problem
    repeated = topic_rules.duplicates(t for t in value if not is_unknown(t))
    if repeated:
        return (
            f"topics lists {', '.join(repr(t) for t in repeated)} more than once; remove the copies"
        )
    return None


def _check_enabled(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"enabled must be true or false; got {_show(value)}"


def _check_notes(value: Any) -> str | None:
    if isinstance(value, str) and len(value) <= MAX_NOTES_LENGTH:
        return None
    return f"notes must be a string of at most {MAX_NOTES_LENGTH} characters; got {_show(value)}"


def _check_adopt(value: Any) -> str | None:
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value.lower():
            return None
    except ValueError:
        pass
    return (
        "adopt_integration_id must be the UUID of an existing Genesys integration "
        f"(Admin > Integrations, or `GET /api/v2/integrations`); got {_show(value)}"
    )


_CHECKS = {
    "integration_name": _check_name,
    "aws_account_id": _check_account,
    "aws_region": _check_region,
    "event_source_suffix": _check_suffix,
    "topics": _check_topics,
    "enabled": _check_enabled,
    "notes": _check_notes,
    "adopt_integration_id": _check_adopt,
}
# Required inputs, with what to set them to.
_REQUIRED = {
    "aws_account_id": "the 12-digit AWS account that receives the events, e.g. '123456789012'",
    "aws_region": "the AWS region of the event bus, e.g. 'eu-west-1'",
    "event_source_suffix": "the last part of the partner event source name, e.g. 'cc-prod'",
    "topics": "a list of topic templates; `python -m genesys_eventbridge topics` lists them",
}


def input_problem(key: str, value: Any) -> str | None:
    """Why `value` is not a valid input `key` (a sentence starting with the key), or None."""
    check = _CHECKS.get(key)
    return None if check is None or is_unknown(value) else check(value)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_inputs(
    olds: Mapping[str, Any], news: Mapping[str, Any]
) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate and default the inputs; return them with one failure per bad property."""
    inputs: dict[str, Any] = {}
    failures: list[CheckFailure] = []
    for key in INPUTS:
        value = news.get(key)
        if value is None:
            if key in _REQUIRED:
                failures.append(CheckFailure(key, f"{key} is required: set it to {_REQUIRED[key]}"))
            elif key == "enabled":
                inputs[key] = True
            continue
        if not is_unknown(value):
            problem = _CHECKS[key](value)
            if problem:
                failures.append(CheckFailure(key, problem))
                continue
            if key == "topics":
                value = list(value)
            elif key == "adopt_integration_id":
                value = value.lower()
        inputs[key] = value
    resource_name = news.get(RESOURCE_NAME)
    if isinstance(resource_name, str):
        inputs[RESOURCE_NAME] = resource_name
    owner = news.get(OWNER)
    if isinstance(owner, str) and owner:
        inputs[OWNER] = owner
    # An integration adopted once keeps its Genesys name, even after adopt_integration_id goes.
    adopting = inputs.get("adopt_integration_id") is not None or bool(
        olds.get("adopt_integration_id")
    )
    named = "integration_name" in inputs or any(f.property == "integration_name" for f in failures)
    # An adopted integration keeps its own name unless the program names it.
    if not named and not adopting:
        previous = olds.get("integration_name")
        # Keep the name chosen at the first check, so later previews do not rename the integration.
        if isinstance(previous, str) and previous and olds.get(RESOURCE_NAME) == resource_name:
            inputs["integration_name"] = previous
        elif isinstance(resource_name, str) and resource_name:
            inputs["integration_name"] = auto_name(
                resource_name, *(inputs.get(key) for key in REPLACE_ON_CHANGE)
            )
        else:
            failures.append(
                CheckFailure("integration_name", "integration_name is required when unnamed")
            )
    return inputs, failures


def _normalized(key: str, value: Any) -> Any:
    if key == "topics" and isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    if key == "enabled" and value is None:
        return True
    if key == "notes" and value == "":
        return None
    return value


def diff_inputs(olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Return (changed properties, properties whose change needs a replacement); no network."""
    changed = [
        key
        for key in (*REPLACE_ON_CHANGE, *UPDATE_IN_PLACE)
        if is_unknown(news.get(key))
        or _normalized(key, olds.get(key)) != _normalized(key, news.get(key))
    ]
    if news.get("integration_name") is None and "integration_name" in changed:
        # Only an adopted integration has no name input: it keeps whatever name Genesys holds.
        changed.remove("integration_name")
    old_adopt, new_adopt = olds.get("adopt_integration_id"), news.get("adopt_integration_id")
    if new_adopt is not None and (is_unknown(new_adopt) or new_adopt != old_adopt):
        # Managing another existing integration is a new resource.
        return [*changed, "adopt_integration_id"], ["adopt_integration_id"]
    if old_adopt and new_adopt == old_adopt:
        # A replacement would adopt the same integration again and then delete it as "the old
        # one": an adopted integration is re-pointed in place instead.
        return changed, []
    return changed, [key for key in changed if key in REPLACE_ON_CHANGE]
