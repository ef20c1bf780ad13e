"""A small dynamic provider whose records live in a JSON file, for testing the engine harness.

The provider host imports this module by reference (the pickle names `tests.engine.toy_provider`),
so it must stay importable from the repo root and cheap to import. Records are kept in
`$TOY_PROVIDER_DIR/records.json`, so what the host did is visible from the test process.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

STORE_ENV = "TOY_PROVIDER_DIR"
INPUT_KEYS = ("name", "size", "color", "delay", "fail")
GREETING_KEY = "toy:greeting"
TOKEN_KEY = "toy:token"
FAIL_CONFIGURE_KEY = "toy:failConfigure"


def store_path(directory: str | Path | None = None) -> Path:
    """The records file, in `directory` or in $TOY_PROVIDER_DIR."""
    base = directory if directory is not None else os.environ[STORE_ENV]
    return Path(base) / "records.json"


def load_records(directory: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """All records by id (empty when nothing was ever created)."""
    path = store_path(directory)
    if not path.exists():
        return {}
    records: dict[str, dict[str, Any]] = json.loads(path.read_text() or "{}")
    return records


@contextmanager
def _locked_records() -> Iterator[dict[str, dict[str, Any]]]:
    """Read-modify-write the records under an exclusive lock (host threads run in parallel)."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        records = load_records(path.parent)
        yield records
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(records, sort_keys=True))
        tmp.replace(path)


class ToyProvider(ResourceProvider):
    """Records {name, size, color} plus what the host knew (config, pid, thread) at create time."""

    def __init__(self, label: str = "toy") -> None:
        super().__init__()
        self.label = label
        self._greeting: Any = None
        self._token: Any = None

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the config values the outputs echo (called once per host process)."""
        if req.config.get(FAIL_CONFIGURE_KEY):
            raise RuntimeError(f"toy configure refused: {req.config.get(FAIL_CONFIGURE_KEY)}")
        self._greeting = req.config.get(GREETING_KEY)
        self._token = req.config.get(TOKEN_KEY)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Require a name, default size to 1, and report which inputs were unknown."""
        inputs = {k: v for k, v in news.items() if k in INPUT_KEYS}
        failures = []
        name = inputs.get("name")
        if not isinstance(name, Unknown) and (not isinstance(name, str) or not name):
            failures.append(CheckFailure("name", "name must be a non-empty string"))
        inputs.setdefault("size", 1)
        # How unknowns look to a provider: pulumi.output.Unknown instances, not the wire string.
        inputs["unknown_inputs"] = sorted(k for k, v in news.items() if isinstance(v, Unknown))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Changed inputs are updates, except a new name, which replaces."""
        changed = [k for k in INPUT_KEYS if k in news and news[k] != olds.get(k)]
        replaces = [k for k in changed if k == "name"]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Store a record; `delay` seconds of work first; `fail` raises instead."""
        self._work(props)
        record_id = uuid.uuid4().hex
        outs = self._outputs(props, revision=1)
        with _locked_records() as records:
            records[record_id] = outs
        return CreateResult(record_id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The stored record, or an empty id when it is gone."""
        record = load_records().get(id_)
        if record is None:
            return ReadResult("", {})
        inputs = {k: record[k] for k in INPUT_KEYS if k in record}
        return ReadResult(id_, record, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Replace the stored inputs, bump the revision."""
        self._work(news)
        with _locked_records() as records:
            if id_ not in records:
                raise KeyError(f"toy record {id_} does not exist")
            outs = self._outputs(news, revision=int(records[id_]["revision"]) + 1)
            records[id_] = outs
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove the record; deleting a missing one succeeds."""
        with _locked_records() as records:
            records.pop(id_, None)

    def _work(self, props: dict[str, Any]) -> None:
        if props.get("delay"):
            time.sleep(float(props["delay"]))
        if props.get("fail"):
            raise ValueError(f"toy {self.label} failed: {props['fail']}")

    def _outputs(self, props: dict[str, Any], *, revision: int) -> dict[str, Any]:
        outs = {k: props[k] for k in INPUT_KEYS if k in props}
        outs.update(
            revision=revision,
            greeting=self._greeting,
            token_seen=self._token,
            label=self.label,
            host_pid=os.getpid(),
            thread=threading.current_thread().name,
        )
        return outs
