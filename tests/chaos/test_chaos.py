"""Chaos: hundreds of lifecycle operations through the real provider host while the API misbehaves.

Two `python -m pulumi.dynamic` hosts serve four concurrent engine workers. Each worker owns a
few resource slots (the engine never runs two steps on one resource at once) and, per step,
may inject a random emulator fault (429 with Retry-After, 5xx, slow replies, connections dropped
before processing or after a committed write, token expiry, config version conflicts) or play an
out-of-band admin (edit or delete in Genesys Cloud). StateModel keeps Pulumi's state table.

At the end a fault-free `pulumi up --refresh` converges what the program declares (retrying the
deletes that failed), then the invariants are checked, then everything is destroyed.
Run with `pytest -s tests/chaos` to see the counts; CHAOS_SEED picks another seed.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.emulator.catalog import eventbridge_topic_ids
from genesys_eventbridge.provider import EventBridgeIntegrationProvider
from genesys_eventbridge.provider.ownership import owner_of, split_notes
from tests.chaos.engine_model import Resource, StateModel, message_problems, sentence_of
from tests.chaos.fault_plan import FaultInjector
from tests.engine.harness import ProviderHost
from tests.engine.integration_host import SECRET_KEY

SEED = int(os.environ.get("CHAOS_SEED", "20240611"))
TARGET_OPS = 240
WORKERS = 4
HOSTS = 2
SLOTS_PER_WORKER = 6
FAULT_RATE = 0.55
OUT_OF_BAND_RATE = 0.05
ADOPT_RATE = 0.2
CHAOS_DEADLINE = 120.0  # a safety net (a run takes 30-60 s); the final pass and teardown follow
RETRY_BUDGET = 2.0
REQUEST_TIMEOUT = 1.5
TOPIC_POOL = sorted(eventbridge_topic_ids())
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
THINK_AFTER_FAILURE = 0.3  # the user reads the error before running `pulumi up` again


@pytest.fixture
def emulator() -> Iterator[GenesysEmulator]:
    with GenesysEmulator(activation_delay=0.02) as emu:
        yield emu


def start_chaos_host(emulator: GenesysEmulator, audit_log: Path) -> ProviderHost:
    """A provider host with a short retry budget and request timeout, so faults can win."""
    config = {
        **emulator.settings_config(),
        "genesyscloud:retryBudget": str(RETRY_BUDGET),
        "genesyscloud:requestTimeout": str(REQUEST_TIMEOUT),
        "genesyscloud:activationTimeout": "5",
        "genesyscloud:auditLogPath": str(audit_log),
    }
    return ProviderHost(
        EventBridgeIntegrationProvider(), config=config, secret_config_keys=[SECRET_KEY]
    ).start()


# -- the program: what a user declares, and how they change it --------------------------------


class Program:
    """Generates declarations and edits of them; serial numbers keep every name unique."""

    def __init__(self) -> None:
        self._serial = 0
        self._lock = threading.Lock()

    def serial(self) -> int:
        """A run-wide unique number."""
        with self._lock:
            self._serial += 1
            return self._serial

    def declare(self, slot: str, rng: random.Random) -> dict[str, Any]:
        """A fresh declaration of the resource in `slot` (auto-named)."""
        n = self.serial()
        news: dict[str, Any] = {
            "resource_name": f"chaos-{slot}",
            "owner": owner_of("chaos", "test", f"chaos-{slot}"),
            "aws_account_id": rng.choice(["123456789012", "210987654321"]),
            "aws_region": rng.choice(REGIONS),
            "event_source_suffix": f"chaos-{slot}-{n}",
            "topics": rng.sample(TOPIC_POOL, rng.randint(1, 4)),
            "enabled": rng.random() < 0.75,
        }
        if rng.random() < 0.5:
            news["notes"] = f"chaos note {n}"
        return news

    def edit(self, slot: str, news: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        """`news` with one in-place property changed (topics, notes, enabled or the name)."""
        new = dict(news)
        what = rng.choice(["topics", "topics", "notes", "enabled", "name"])
        if what == "topics":
            while sorted(new["topics"]) == sorted(news["topics"]):
                new["topics"] = rng.sample(TOPIC_POOL, rng.randint(1, 4))
        elif what == "notes":
            if "notes" in new and rng.random() < 0.4:
                del new["notes"]
            else:
                new["notes"] = f"chaos note {self.serial()}"
        elif what == "enabled":
            new["enabled"] = not new.get("enabled", True)
        else:
            new["integration_name"] = f"chaos-{slot}-renamed-{self.serial()}"
        return new


def without_vanished_adoption(emu: GenesysEmulator, news: dict[str, Any]) -> dict[str, Any]:
    """The user's fix once an adopted integration is gone: stop adopting, create a new one."""
    adopted = news.get("adopt_integration_id")
    if adopted is None or any(i["id"] == adopted for i in emu.integrations()):
        return news
    return {k: v for k, v in news.items() if k != "adopt_integration_id"}


# -- the invariants -------------------------------------------------------------------------


def config_mismatches(emu: GenesysEmulator, resource: Resource, news: dict[str, Any]) -> list[str]:
    """How the integration in the emulator differs from the declaration `news`."""
    try:
        integration = emu.integration(resource.id)
        config = emu.integration_config(resource.id)
    except KeyError:
        return [f"{resource.slot}: integration {resource.id} does not exist"]
    props = config.get("properties") or {}
    want_name = news.get("integration_name") or resource.inputs.get("integration_name")
    checks: dict[str, tuple[Any, Any]] = {
        "awsAccountId": (props.get("awsAccountId"), news["aws_account_id"]),
        "awsAccountRegion": (props.get("awsAccountRegion"), news["aws_region"]),
        "eventSourceSuffix": (props.get("eventSourceSuffix"), news["event_source_suffix"]),
        "eventFilter": (sorted(props.get("eventFilter") or []), sorted(news["topics"])),
        "notes": (split_notes(config.get("notes"))[0], news.get("notes") or None),
        "intendedState": (
            integration["intendedState"],
            "ENABLED" if news.get("enabled", True) else "DISABLED",
        ),
    }
    if want_name:
        checks["name"] = (config.get("name"), want_name)
    return [
        f"{resource.slot} ({resource.id}): {key} is {got!r}, declared {want!r}"
        for key, (got, want) in checks.items()
        if got != want
    ]


# -- the test ---------------------------------------------------------------------------------


def test_chaos_lifecycle_keeps_state_and_genesys_consistent(
    emulator: GenesysEmulator, tmp_path: Path
) -> None:
    print(f"\nchaos seed {SEED} (set CHAOS_SEED to replay another)")
    started = time.monotonic()
    hosts = [start_chaos_host(emulator, tmp_path / "audit.jsonl") for _ in range(HOSTS)]
    try:
        summary = run_chaos(emulator, hosts, started)
    finally:
        for host in hosts:
            host.stop()
    summary["elapsed_s"] = round(time.monotonic() - started, 1)
    errors = summary.pop("all_errors")
    path = Path(os.environ.get("CHAOS_SUMMARY", tmp_path / "chaos-summary.json"))
    path.write_text(json.dumps(summary, indent=2, sort_keys=True))
    path.with_suffix(".errors.txt").write_text("\n".join(errors) + "\n")
    print(json.dumps(summary, indent=2, sort_keys=True))
    print(f"chaos summary written to {path}")

    assert summary["ops_total"] >= 200, "too few operations ran before the deadline"
    assert summary["failed_total"] > 0 and summary["succeeded_total"] > 0
    assert summary["duplicates"] == []
    assert summary["orphans"] == []
    assert summary["half_created"] == []
    assert summary["config_mismatches"] == []
    assert summary["bad_messages"] == []
    assert summary["left_after_destroy"] == []


def run_chaos(
    emulator: GenesysEmulator, hosts: list[ProviderHost], started: float
) -> dict[str, Any]:
    """Run the chaos, the final fault-free pass and the destroy; return the summary."""
    model = StateModel()
    program = Program()
    injector = FaultInjector(emulator, request_timeout=REQUEST_TIMEOUT, retry_budget=RETRY_BUDGET)
    out_of_band: Counter[str] = Counter()
    oob_lock = threading.Lock()
    deadline = started + CHAOS_DEADLINE

    def worker(index: int) -> None:
        rng = random.Random(f"{SEED}-{index}")
        slots = [f"w{index}s{n}" for n in range(SLOTS_PER_WORKER)]
        # The next `pulumi up` after a failed create runs in a fresh provider host, whose first
        # listing shows what the failure left. Of these long-lived hosts, the one that saw the
        # failure knows it; the other's listing may predate it, so the retry goes there.
        failed_on: dict[str, ProviderHost] = {}
        while sum(model.ops.values()) < TARGET_OPS and time.monotonic() < deadline:
            slot = rng.choice(slots)
            host = rng.choice(hosts)
            if rng.random() < FAULT_RATE:
                injector.inject(rng)
            resource = model.live(slot)
            if resource is None:
                news = model.desired.get(slot)
                if news is None:
                    news = program.declare(slot, rng)
                    if rng.random() < ADOPT_RATE:
                        seed_id = emulator.seed_integration(
                            f"legacy-{slot}-{program.serial()}",
                            intended_state=rng.choice(["ENABLED", "DISABLED"]),
                        )
                        model.seeds.add(seed_id)
                        news["adopt_integration_id"] = seed_id
                news = without_vanished_adoption(emulator, news)
                kind = "adopt" if "adopt_integration_id" in news else "create"
                host = failed_on.pop(slot, host)
                ok: bool | None = model.create(host, slot, news, kind)
                if not ok:
                    failed_on[slot] = host
            elif resource.pending_delete:
                ok = model.delete(host, slot)
            elif rng.random() < OUT_OF_BAND_RATE:
                # Someone edits or deletes the integration in Genesys Cloud Admin.
                kind = "edit" if rng.random() < 0.5 else "delete"
                try:
                    if kind == "edit":
                        emulator.edit_config(resource.id, eventFilter=rng.sample(TOPIC_POOL, 2))
                    else:
                        emulator.delete_integration(resource.id)
                except KeyError:
                    continue  # already deleted out of band
                with oob_lock:
                    out_of_band[kind] += 1
                continue
            else:
                roll = rng.random()
                if roll < 0.45:
                    ok = model.update(host, slot, program.edit(slot, model.desired[slot], rng))
                elif roll < 0.7:
                    ok = model.read(host, slot)
                else:
                    ok = model.delete(host, slot)
            if ok is False:
                time.sleep(THINK_AFTER_FAILURE)

    with ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(worker, i) for i in range(WORKERS)]:
            future.result()
    chaos_elapsed = time.monotonic() - started
    chaos_ops, chaos_ok, chaos_failed = (
        Counter(model.ops),
        Counter(model.succeeded),
        Counter(model.failed),
    )
    busy = {kind: round(seconds, 1) for kind, seconds in model.seconds.items()}

    # No more faults. A request held past its timeout may still land: let it.
    emulator.clear_faults()
    if injector.expensive["past_timeout"]:
        time.sleep(REQUEST_TIMEOUT + 0.5)
    log = emulator.requests
    faults_consumed = Counter(r.fault for r in log if r.fault)
    retries_429 = sum(1 for r in log if r.status == 429)
    retries_5xx = sum(1 for r in log if r.status is not None and r.status >= 500)
    dropped = sum(1 for r in log if r.status is None)
    token_requests = emulator.token_requests

    # What a failed create left behind, before anything cleans up.
    managed_now = {r.id for r in model.state.values()}
    half_created, told, told_why = [], [], []
    for failed in model.failed_creates:
        for i in emulator.integrations():
            # A create POSTs under a provisional name ("<name> (creating ...)") until its config
            # PUT sets the real one: a leftover may carry either.
            ours = i["name"] == failed.name or i["name"].startswith(failed.name + " ")
            if not ours or i["id"] in managed_now:
                continue
            if i["id"] in failed.message or i["name"] in failed.message:
                told.append(i["id"])  # the error named it: the user knows what to clean up
                told_why.append(f"create {failed.slot}: {failed.message}")
            else:
                half_created.append(
                    f"{failed.slot}: failed create left {i['id']} {i['name']!r}, unnamed:"
                    f" {failed.message}"
                )

    # The fault-free `pulumi up --refresh`: retry failed deletes, refresh, converge.
    final = hosts[0]
    for slot, resource in sorted(model.state.items()):
        if resource.pending_delete:
            assert model.delete(final, slot), model.errors[-1]
    for slot in sorted(model.state):
        assert model.read(final, slot), model.errors[-1]
    for slot, news in sorted(model.desired.items()):
        if slot in model.state:
            assert model.update(final, slot, news) is not False, model.errors[-1]
        else:
            news = without_vanished_adoption(emulator, news)
            kind = "adopt" if "adopt_integration_id" in news else "create"
            assert model.create(final, slot, news, kind), model.errors[-1]
    # Leftovers an error named: the user follows the advice and adopts them, unless the next
    # `pulumi up` already took them over (a resource's own leftover is recovered by its create).
    # (A named one may be gone already: a DELETE held past its timeout can land after the error.)
    exists = {i["id"] for i in emulator.integrations()}
    managed_after = {r.id for r in model.state.values()}
    leftovers = sorted((model.named_orphans | set(told)) & (exists - managed_after))
    for n, orphan in enumerate(leftovers):
        slot = f"named-orphan-{n}"
        news = {**program.declare(slot, random.Random(n)), "adopt_integration_id": orphan}
        assert model.create(final, slot, news, "adopt"), model.errors[-1]

    integrations = emulator.integrations()
    names = Counter(i["name"] for i in integrations)
    managed = {r.id for r in model.state.values()}
    time.sleep(0.05)  # activations settle (activation_delay 0.02 s)
    mismatches = [
        problem
        for slot, resource in sorted(model.state.items())
        for problem in config_mismatches(emulator, resource, model.desired[slot])
    ]
    bad_messages = []
    for e in model.errors:
        problems = message_problems(e.message)
        if problems:
            bad_messages.append(f"{e.op} {e.slot}: message {', '.join(problems)}: {e.message!r}")

    # `pulumi destroy`, fault-free.
    for slot in sorted(model.state):
        assert model.delete(final, slot), model.errors[-1]
    left = [f"{i['id']} {i['name']!r}" for i in emulator.integrations()]

    error_kinds: Counter[str] = Counter()
    longest: dict[str, int] = {}
    for e in model.errors:
        kind = e.message.split(":", 1)[0].rsplit(".", 1)[-1]
        error_kinds[kind] += 1
        longest[kind] = max(longest.get(kind, 0), len(sentence_of(e.message)))
    named_why = sorted(set(told_why))
    return {
        "seed": SEED,
        "hosts": len(hosts),
        "workers": WORKERS,
        "ops_by_kind": dict(chaos_ops),
        "succeeded_by_kind": dict(chaos_ok),
        "failed_by_kind": dict(chaos_failed),
        "ops_total": sum(chaos_ops.values()),
        "engine_call_seconds_by_kind": busy,
        "succeeded_total": sum(chaos_ok.values()),
        "failed_total": sum(chaos_failed.values()),
        "final_pass_ops": sum(model.ops.values()) - sum(chaos_ops.values()),
        "reads_that_found_resource_gone": model.gone_on_read,
        "out_of_band_changes": dict(out_of_band),
        "faults_injected": dict(injector.injected),
        "faults_consumed_by_requests": dict(faults_consumed),
        "expensive_faults": dict(injector.expensive),
        "emulator_requests": len(log),
        "answers_429": retries_429,
        "answers_5xx": retries_5xx,
        "connections_dropped": dropped,
        "token_requests": token_requests,
        "error_kinds": dict(error_kinds),
        "longest_error_sentence_by_kind": longest,
        "duplicates": sorted(name for name, count in names.items() if count > 1),
        "orphans": sorted(i["id"] for i in integrations if i["id"] not in managed),
        "named_orphans_from_failed_rollbacks": sorted(model.named_orphans),
        "leftovers_named_by_failed_creates": sorted(set(told) - model.named_orphans),
        "named_orphans_why": named_why,
        "half_created": half_created,
        "config_mismatches": mismatches,
        "bad_messages": bad_messages,
        "left_after_destroy": left,
        "chaos_elapsed_s": round(chaos_elapsed, 1),
        "all_errors": [f"{e.op} {e.slot}: {e.message}" for e in model.errors],
    }
