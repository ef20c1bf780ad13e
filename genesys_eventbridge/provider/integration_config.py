"""Integrations declared in stack config (`<project>:integrations`), checked before anything runs.

The integration-only program (examples/integration-only) reads a list of integrations from its
stack config. A misspelled field would be ignored and an unquoted account id would lose its
leading zero without a word, so every entry is checked here, all problems reported at once, each
with its config path and the fix; `validate` runs the same checks without the engine.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from genesys_eventbridge.provider.errors import problem_list
from genesys_eventbridge.provider.schema import input_problem

INTEGRATIONS_KEY = "integrations"
"""The config key of the list of integrations."""

# Stack-file field -> the resource input it sets.
FIELDS = {
    "name": "",
    "topics": "topics",
    "eventSourceSuffix": "event_source_suffix",
    "awsAccountId": "aws_account_id",
    "awsRegion": "aws_region",
    "enabled": "enabled",
    "notes": "notes",
    "integrationName": "integration_name",
    "adoptIntegrationId": "adopt_integration_id",
}
_QUOTE = (
    'quote it (e.g. "012345678901"): YAML reads an unquoted 012345678901 as a number and drops the'
    " leading zero"
)


class IntegrationConfigError(pulumi.RunError, ValueError):
    """The integrations in stack config are wrong; the message lists each problem by its path."""

    def __init__(self, problems: Sequence[str]) -> None:
        """`problems`: one `<config path>: <what is wrong and the fix>` each."""
        self.problems = list(problems)
        super().__init__(problem_list(self.problems))


@dataclass(frozen=True)
class IntegrationEntry:
    """One checked entry: the resource name and the EventBridgeIntegrationArgs values."""

    name: str
    inputs: dict[str, Any]


def parse_integrations(
    raw: Any,
    *,
    account: Any,
    region: Any,
    key: str = INTEGRATIONS_KEY,
    stack: str | None = None,
) -> list[IntegrationEntry]:
    """Check `raw` (the config value of `key`) and the defaults `account` and `region`; raise
    IntegrationConfigError listing every problem. The default suffix is `<stack>-<name>`."""
    problems = [
        p
        for field, value in (("awsAccountId", account), ("awsRegion", region))
        if value is not None and (p := _field_problem(field, field, value)) is not None
    ]
    if not isinstance(raw, list):
        raise IntegrationConfigError(
            [
                *problems,
                f"{key}: must be a list of integration objects, e.g. [{{name: orders,"
                " topics: [v2.users.{id}.presence]}]",
            ]
        )
    entries: list[IntegrationEntry] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        where = f"{key}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object with at least name and topics")
            continue
        found = _entry_problems(where, item)
        name = item.get("name")
        if isinstance(name, str) and name in seen:
            found.append(
                f"{where}.name: {name!r} is already the name of {key}[{seen[name]}]; names must"
                " be unique"
            )
        if isinstance(name, str):
            seen.setdefault(name, index)
        problems += found
        if found:
            continue
        inputs = {FIELDS[f]: v for f, v in item.items() if FIELDS[f]}
        inputs.setdefault("aws_account_id", account)
        inputs.setdefault("aws_region", region)
        # Two stacks of one program (say dev and prod) in one org and AWS account must not share
        # an event source: the default suffix, and so the derived integration name, holds the
        # stack.
        inputs.setdefault("event_source_suffix", f"{stack}-{name}" if stack else name)
        entries.append(IntegrationEntry(str(name), inputs))
    if problems:
        raise IntegrationConfigError(problems)
    return entries


def _entry_problems(where: str, item: Mapping[str, Any]) -> list[str]:
    problems = []
    for field in item:
        if field not in FIELDS:
            guess = difflib.get_close_matches(str(field), list(FIELDS), n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]}?" if guess else f"the fields are {', '.join(FIELDS)}"
            problems.append(f"{where}.{field}: is not a known field; {hint}")
    for field in ("name", "topics"):
        if item.get(field) is None:
            problems.append(f"{where}.{field}: is required")
    name = item.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        problems.append(f"{where}.name: must be a non-empty string")
    for field, value in item.items():
        if field in FIELDS and FIELDS[field] and value is not None:
            problem = _field_problem(f"{where}.{field}", field, value)
            if problem is not None:
                problems.append(problem)
    return problems


def _field_problem(path: str, field: str, value: Any) -> str | None:
    """Why `value` cannot be the stack-file `field`, as `<path>: <problem>`, or None."""
    if field == "awsAccountId" and isinstance(value, int) and not isinstance(value, bool):
        return f"{path}: must be a string of 12 digits, got the number {value}; {_QUOTE}"
    problem = input_problem(FIELDS[field], value)
    if problem is None:
        return None
    return f"{path}: {problem.removeprefix(FIELDS[field]).lstrip(' :')}"
