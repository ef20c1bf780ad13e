"""The Pulumi engine's bookkeeping for chaos runs: the program, the state table, what users saw.

`pulumi up` records a step in the state only when the provider call succeeds:
- a failed Create leaves no state entry (the program still declares the resource, so the next
  run creates it again, with a fresh auto-name from a fresh Check);
- a failed Update keeps the old outputs (the next run diffs them against the inputs again);
- a failed Delete keeps the resource (the next run deletes it again);
- a Read (refresh) that answers an empty id removes the resource from the state.
StateModel applies exactly these rules around ProviderHost calls and records every error the
user would have seen.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.engine.harness import EngineError, ProviderHost

# "Under ~400 characters": the target is 400; the bound enforced is 500, because a sentence that
# quotes a method, a path with a UUID and a correlation id legitimately runs past 400 (the client's
# retry-exhausted errors reach ~480). Nested sentences (one error inside another) go far beyond.
MAX_MESSAGE = 500
# A RolledBackError whose rollback failed names the leftover and how to take it over ("... adopt
# it with adopt_integration_id='<id>'"): the one kind of leftover a user is told about.
_NAMED_ORPHAN = re.compile(r"adopt_integration_id='([0-9a-f-]{36})'")
_EXCEPTION_PREFIX = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Failure): ")


@dataclass
class Resource:
    """One state entry: the resource's id, last outputs and the inputs that produced them."""

    slot: str
    id: str
    outs: dict[str, Any]
    inputs: dict[str, Any]
    pending_delete: bool = False


@dataclass
class SeenError:
    """An error the engine showed the user."""

    op: str
    slot: str
    message: str
    details: str


@dataclass
class FailedCreate:
    """A Create that failed: the integration name it tried, and the error the user saw."""

    slot: str
    name: str
    message: str


def sentence_of(message: str) -> str:
    """The sentence of an exception line, without its `package.module.ErrorType: ` prefix."""
    match = _EXCEPTION_PREFIX.match(message)
    return message[match.end() :] if match else message


def message_problems(message: str) -> list[str]:
    """Why `message` is not one actionable sentence (empty when it is)."""
    problems = []
    if "\n" in message.strip():
        problems.append("spans several lines")
    sentence = sentence_of(message)
    if len(sentence) > MAX_MESSAGE:
        problems.append(f"is {len(sentence)} characters long (limit {MAX_MESSAGE})")
    if "Traceback" in message or 'File "' in message:
        problems.append("contains a traceback")
    if not re.search(r"integration|Genesys|topic", message, re.IGNORECASE):
        problems.append("does not name what failed")
    return problems


@dataclass
class StateModel:
    """The program (slot -> declared inputs) and Pulumi's state table (slot -> Resource)."""

    desired: dict[str, dict[str, Any]] = field(default_factory=dict)
    state: dict[str, Resource] = field(default_factory=dict)
    ops: Counter[str] = field(default_factory=Counter)
    succeeded: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    gone_on_read: int = 0
    errors: list[SeenError] = field(default_factory=list)
    failed_creates: list[FailedCreate] = field(default_factory=list)
    named_orphans: set[str] = field(default_factory=set)
    seeds: set[str] = field(default_factory=set)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- bookkeeping ----------------------------------------------------------------------

    @contextmanager
    def _op(self, kind: str, slot: str) -> Iterator[None]:
        """Count one operation; record a failure (an EngineError) instead of raising it."""
        with self._lock:
            self.ops[kind] += 1
        started = time.monotonic()
        try:
            yield
        except EngineError as err:
            with self._lock:
                self.failed[kind] += 1
                self.seconds[kind] = self.seconds.get(kind, 0.0) + time.monotonic() - started
                self.errors.append(SeenError(kind, slot, err.message, err.details))
                self.named_orphans.update(_NAMED_ORPHAN.findall(err.message))
            raise
        with self._lock:
            self.succeeded[kind] += 1
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.monotonic() - started

    def _run(self, kind: str, slot: str, step: Callable[[], None]) -> EngineError | None:
        """Run one provider step as operation `kind`; return its error, if it failed."""
        try:
            with self._op(kind, slot):
                step()
        except EngineError as err:
            return err
        return None

    def live(self, slot: str) -> Resource | None:
        """The state entry of `slot`, or None."""
        with self._lock:
            return self.state.get(slot)

    # -- engine steps ---------------------------------------------------------------------

    def create(self, host: ProviderHost, slot: str, news: dict[str, Any], kind: str) -> bool:
        """`pulumi up` of a newly declared resource: Check, then Create (`kind` create/adopt)."""
        with self._lock:
            self.desired[slot] = news
        attempted: dict[str, str] = {}

        def step() -> None:
            inputs = _checked(host, {}, news)
            attempted["name"] = inputs.get("integration_name") or ""
            integration_id, outs = host.create(inputs)
            with self._lock:
                self.state[slot] = Resource(slot, integration_id, outs, inputs)

        error = self._run(kind, slot, step)
        if error is not None and kind == "create" and attempted.get("name"):
            with self._lock:
                self.failed_creates.append(FailedCreate(slot, attempted["name"], error.message))
        return error is None

    def update(self, host: ProviderHost, slot: str, news: dict[str, Any]) -> bool | None:
        """`pulumi up` of a changed declaration: Check, Diff, Update (None: Diff saw no change)."""
        resource = self.state[slot]
        with self._lock:
            self.desired[slot] = news
        inputs = _checked(host, resource.inputs, news)
        diff = host.diff(resource.id, resource.outs, inputs)
        if diff.changes == "none":
            return None
        assert diff.replaces == [], f"chaos updates never replace, got {diff.replaces}"

        def step() -> None:
            outs = host.update(resource.id, resource.outs, inputs)
            with self._lock:
                resource.outs, resource.inputs = outs, inputs

        return self._run("update", slot, step) is None

    def read(self, host: ProviderHost, slot: str) -> bool:
        """`pulumi refresh` of one resource: an empty id drops it from the state."""
        resource = self.state[slot]

        def step() -> None:
            read_id, outs, _ = host.read(resource.id, resource.outs, resource.inputs)
            with self._lock:
                if not read_id:
                    self.gone_on_read += 1
                    del self.state[slot]
                else:
                    resource.outs = outs

        return self._run("read", slot, step) is None

    def delete(self, host: ProviderHost, slot: str) -> bool:
        """`pulumi up` after the program stops declaring `slot` (or `pulumi destroy`)."""
        resource = self.state[slot]
        with self._lock:
            self.desired.pop(slot, None)
            resource.pending_delete = True

        def step() -> None:
            host.delete(resource.id, resource.outs)
            with self._lock:
                del self.state[slot]

        return self._run("delete", slot, step) is None


def _checked(host: ProviderHost, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    inputs, failures = host.check(olds, news)
    assert failures == [], f"valid chaos inputs failed Check: {failures}"
    return inputs
