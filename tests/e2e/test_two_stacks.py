"""Two stacks of one program against one org and account, through the real Pulumi CLI.

Neither stack may hold, change or delete the other's integrations: with the example's defaults
they get event sources of their own; given the same event source suffix, the second is refused.
"""

from __future__ import annotations

import re
from typing import Any

from genesys_eventbridge.emulator import GenesysEmulator
from tests.e2e.cli import Workspace
from tests.e2e.conftest import WorkspaceFactory, point_at

ENDS = ["v2.detail.events.conversation.{id}.customer.end"]
AUDITS = ["v2.audits.entitytype.{id}.entityid.{id}"]
NAMES = ["orders", "audits", "presence"]


def two_stacks(
    make: WorkspaceFactory, emulator: GenesysEmulator, entries: list[dict[str, Any]]
) -> Workspace:
    """Stacks `a` and `b` of the example in one project, with identical config; `b` selected."""
    ws = make()
    for name in ("a", "b"):
        ws.pulumi("stack", "init", name)
        point_at(ws, emulator)
        ws.set_config({"genesys-integration-only:integrations": entries})
    return ws


def ids_of(ws: Workspace, stack: str) -> set[str]:
    """The integration ids stack `stack` holds in its state."""
    ws.pulumi("stack", "select", stack)
    return {r["id"] for r in ws.resources()}


def test_two_stacks_with_default_suffixes_keep_to_their_own_integrations(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    ws = two_stacks(
        workspace_factory, emulator, [{"name": n, "topics": ENDS + AUDITS} for n in NAMES]
    )
    ws.pulumi("up", "--yes", "-s", "a")
    ws.pulumi("up", "--yes", "-s", "b")
    a, b = ids_of(ws, "a"), ids_of(ws, "b")
    assert len(a) == len(b) == 3 and not a & b
    suffixes = {emulator.integration_config(i)["properties"]["eventSourceSuffix"] for i in a | b}
    assert suffixes == {f"{stack}-{name}" for stack in "ab" for name in NAMES}

    ws.pulumi("destroy", "--yes", "-s", "b")
    assert {i["id"] for i in emulator.integrations()} == a
    refresh = ws.pulumi("refresh", "--yes", "--expect-no-changes", "-s", "a")
    assert not re.search(r"\bdeleted\b", refresh.out), refresh
    ws.pulumi("destroy", "--yes", "-s", "a")
    assert emulator.integrations() == []


def test_a_second_stack_given_the_same_suffixes_takes_nothing_over(
    workspace_factory: WorkspaceFactory, emulator: GenesysEmulator
) -> None:
    entries = [{"name": n, "topics": ENDS, "eventSourceSuffix": f"shared-{n}"} for n in NAMES]
    ws = two_stacks(workspace_factory, emulator, entries)
    ws.pulumi("up", "--yes", "-s", "a")
    a = ids_of(ws, "a")
    before = {i: emulator.integration_config(i) for i in a}

    up = ws.pulumi("up", "--yes", "-s", "b", expect=None)
    assert up.code != 0, up
    # The engine stops checking once one resource fails, so how many of b's resources get to
    # report their clash depends on timing: at least one does, each naming the integration, its
    # owner and the fix; none of a's integrations is held by b or changed, whatever the count.
    named = [i for i in a if f"integration {i}" in up.text]
    assert named, up
    for integration_id in named:
        assert f"adopt_integration_id={integration_id!r}" in up.text, up
    assert "of stack 'a' in project 'genesys-integration-only'" in up.text, up
    assert "event source suffix" in up.text, up
    assert not ids_of(ws, "b") & a
    assert {i: emulator.integration_config(i) for i in a} == before

    ws.pulumi("destroy", "--yes", "-s", "b")
    assert {i["id"] for i in emulator.integrations()} == a
    ws.pulumi("refresh", "--yes", "--expect-no-changes", "-s", "a")
    ws.pulumi("preview", "--expect-no-changes", "-s", "a")
    ws.pulumi("destroy", "--yes", "-s", "a")
    assert emulator.integrations() == []
