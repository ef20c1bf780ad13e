"""Benchmark the EventBridgeIntegration provider through the real provider host (run by hand).

    .venv/bin/python bench/benchmark.py                       # after ./scripts/test made .venv
    .venv/bin/python bench/benchmark.py --json bench-results.json --integrations 50 200

Everything runs against the Genesys Cloud emulator with a per-request latency (50 ms) and a
per-token rate limit (300 requests per sliding minute), and reports:
1. API calls per operation (token and org id not counted), ours beside the baseline;
2. for 50 and 200 integrations, created, updated (topics) and deleted with 10 concurrent engine
   calls (`pulumi up --parallel 10`) into one provider host (which serves 4 at a time): wall time,
   calls, tokens, 429s, client-visible failures and the lower bound, for ours with token pools of
   1, 4 and 10, and for a baseline that makes CX as Code's calls with its pool of 10 tokens
   (bench/baseline_client.py) at concurrency 4 (equal footing) and 10 (Terraform's default
   -parallelism); the provider host's peak RSS;
3. 30 creates and 30 deletes, 4 engine calls at once into one host, against a server allowing
   120 requests a minute per token: the provider told that limit (requestsPerMinute), not told
   (learning it from the replies' inin-ratelimit-* headers), and not told by a server that keeps
   those headers to itself;
4. the provider host's cold start (spawn to first Check answered) beside a bare
   `python -m pulumi.dynamic` (spawn to port printed), median of 5.
Not a test (pytest collects tests/ only); it takes about ten minutes. `--parts` picks parts
(calls, workload, stated-limit, cold-start), `--pools` the token pool sizes of part 2.
docs/benchmark.md has a run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.baseline_client import BaselinePool  # noqa: E402
from genesys_eventbridge.emulator import GenesysEmulator  # noqa: E402
from genesys_eventbridge.provider import EventBridgeIntegrationProvider  # noqa: E402
from tests.engine.harness import ProviderHost  # noqa: E402

LATENCY = 0.05
RATE_PER_MINUTE = 300
ACTIVATION_DELAY = 0.05
ENGINE_CONCURRENCY = 10
HOST_WORKERS = 4  # the SDK's dynamic provider host serves 4 calls at a time
COLD_STARTS = 5
SECRET_KEY = "genesyscloud:oauthclientSecret"
TOPICS = [
    "v2.detail.events.conversation.{id}.customer.start",
    "v2.detail.events.conversation.{id}.customer.end",
]
MORE_TOPICS = [*TOPICS, "v2.users.{id}.presence"]
NOT_COUNTED = ("/oauth/token", "/api/v2/organizations/me")
POOL_SIZES = (1, 4, 10)
BASELINE_CONCURRENCY = (HOST_WORKERS, ENGINE_CONCURRENCY)
OPS = ("create", "update topics", "delete")
# The stated-limit part: a server allowing fewer requests per token than the provider's default.
STATED_RATE = 120
STATED_N = 30
PARTS = ("calls", "workload", "stated-limit", "cold-start")


def news(n: int, topics: list[str] = TOPICS) -> dict[str, Any]:
    """The inputs of integration number n."""
    return {
        "resource_name": f"bench-{n}",
        "aws_account_id": "123456789012",
        "aws_region": "eu-west-1",
        "event_source_suffix": f"bench-{n}",
        "topics": topics,
    }


def properties(n: int, topics: list[str]) -> dict[str, Any]:
    """The same declaration as EventBridge config properties (for the baseline)."""
    return {
        "awsAccountId": "123456789012",
        "awsAccountRegion": "eu-west-1",
        "eventSourceSuffix": f"bench-{n}",
        "eventFilter": topics,
    }


def emulator(rate_limited: bool = True, rate: int = RATE_PER_MINUTE) -> GenesysEmulator:
    """A started emulator with the benchmark's latency (and rate limit)."""
    return GenesysEmulator(
        activation_delay=ACTIVATION_DELAY,
        latency=LATENCY,
        rate_limit_per_minute=rate if rate_limited else None,
    ).start()


def host_for(emu: GenesysEmulator, **config: str) -> ProviderHost:
    """A provider host configured for `emu`, as the CLI would configure it."""
    # The default cap (25 integrations) is a safety net, not what is measured here.
    settings = {**emu.settings_config(), "genesyscloud:maxIntegrations": "1000", **config}
    return ProviderHost(
        EventBridgeIntegrationProvider(),
        config=settings,
        secret_config_keys=[SECRET_KEY],
        deadline=900.0,  # queued behind a rate-limit wait, a call may take minutes
    ).start()


def checked(host: ProviderHost, new: dict[str, Any], olds: dict[str, Any] | None = None) -> dict:
    """Check, insisting on no failures."""
    inputs, failures = host.check(olds or {}, new)
    if failures:
        raise RuntimeError(f"Check failed: {failures}")
    return inputs


def label(method: str, path: str) -> str:
    """A short name for one API call."""
    if path == "/api/v2/integrations":
        return "GET list" if method == "GET" else method
    if path.endswith("/config/current"):
        return f"{method} config"
    if path.startswith("/api/v2/notifications"):
        return "GET topics"
    return method


def calls_since(emu: GenesysEmulator, start: int) -> list[str]:
    """The counted calls (token and org id excluded) since request number `start`."""
    return [
        label(r.method, r.path) for r in emu.requests[start:] if not r.path.startswith(NOT_COUNTED)
    ]


def summarize(calls: Iterable[str]) -> str:
    """The calls in order, "GET list, POST, ...", consecutive repeats folded: "GET ×2"."""
    runs: list[list[Any]] = []
    for call in calls:
        if runs and runs[-1][0] == call:
            runs[-1][1] += 1
        else:
            runs.append([call, 1])
    return ", ".join(f"{call} ×{count}" if count > 1 else call for call, count in runs)


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    """Run `action`; return its result and the seconds it took."""
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


# -- 1. calls per operation ---------------------------------------------------------------------


def calls_per_operation() -> dict[str, Any]:
    """Ours and the baseline, one operation at a time on a warm process (no rate limit)."""
    emu = emulator(rate_limited=False)
    ours: dict[str, dict[str, Any]] = {}
    try:
        host = host_for(emu)
        try:
            # A host's first create also lists before its POST (it knows no count yet).
            warm_id, warm_outs = host.create(checked(host, news(0)))
            start = len(emu.requests)
            inputs = checked(host, news(1))
            (integration_id, outs), seconds = timed(lambda: host.create(inputs))
            ours["create"] = {"calls": calls_since(emu, start), "seconds": seconds}
            start = len(emu.requests)
            new_inputs = checked(host, news(1, MORE_TOPICS), inputs)
            assert host.diff(integration_id, outs, new_inputs).changes == "some"
            outs, seconds = timed(lambda: host.update(integration_id, outs, new_inputs))
            ours["update topics"] = {"calls": calls_since(emu, start), "seconds": seconds}
            start = len(emu.requests)
            _, seconds = timed(lambda: host.read(integration_id, outs))
            ours["read"] = {"calls": calls_since(emu, start), "seconds": seconds}
            start = len(emu.requests)
            _, seconds = timed(lambda: host.delete(integration_id, outs))
            ours["delete"] = {"calls": calls_since(emu, start), "seconds": seconds}
            host.delete(warm_id, warm_outs)
        finally:
            host.stop()

        baseline: dict[str, dict[str, Any]] = {}
        pool = BaselinePool(emu.base_url, emu.client_id, emu.client_secret, size=1)
        try:
            start = len(emu.requests)
            with pool.operation() as op:
                integration_id, seconds = timed(lambda: op.create("b-1", properties(1, TOPICS)))
            baseline["create"] = {"calls": calls_since(emu, start), "seconds": seconds}
            start = len(emu.requests)
            with pool.operation() as op:
                _, seconds = timed(
                    lambda: op.update(integration_id, "b-1", properties(1, MORE_TOPICS))
                )
            baseline["update topics"] = {"calls": calls_since(emu, start), "seconds": seconds}
            start = len(emu.requests)
            with pool.operation() as op:
                _, seconds = timed(lambda: op.read(integration_id))
            baseline["read"] = {"calls": calls_since(emu, start), "seconds": seconds}
            start = len(emu.requests)
            with pool.operation() as op:
                _, seconds = timed(lambda: op.delete(integration_id))
            baseline["delete"] = {"calls": calls_since(emu, start), "seconds": seconds}
        finally:
            pool.close()
    finally:
        emu.stop()
    return {"ours": ours, "baseline": baseline}


# -- 2. the workload ------------------------------------------------------------------------------


class RssSampler:
    """The peak resident set size of a process, sampled every 0.2 s from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self._stop.wait(0.2):
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak_kib = max(self.peak_kib, int(line.split()[1]))
            except (OSError, ValueError):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_workload(
    label_: str,
    n: int,
    concurrency: int,
    create: Callable[[int], Any],
    update: Callable[[int, Any], Any],
    delete: Callable[[int, Any], Any],
    emu: GenesysEmulator,
    start: int = 0,
) -> dict[str, Any]:
    """Create, update and delete n integrations with `concurrency` threads; time the phases.

    Requests are counted from request number `start` (so a caller's Checks count too). An
    operation that raises is a client-visible failure: counted, and its integration left out of
    the later phases.
    """
    failures: list[str] = []

    def guarded(action: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            if any(a is None for a in args[1:]):
                return None
            try:
                return action(*args)
            except Exception as err:  # a failure the user would see: count it, go on
                failures.append(f"{type(err).__name__}: {str(err)[:200]}")
                return None

        return run

    phases: dict[str, float] = {}
    with ThreadPoolExecutor(concurrency) as pool:
        handles, phases["create"] = timed(lambda: list(pool.map(guarded(create), range(n))))
        handles, phases["update"] = timed(
            lambda: list(pool.map(guarded(update), range(n), handles))
        )
        _, phases["delete"] = timed(lambda: list(pool.map(guarded(delete), range(n), handles)))
    log = emu.requests[start:]
    left = emu.integrations()
    if left:
        failures.append(f"{len(left)} integrations left behind")
    requests = len(log)
    answered_429 = sum(1 for r in log if r.status == 429)
    tokens = sum(1 for r in log if r.path == "/oauth/token" and r.status == 200)
    return {
        "label": label_,
        "phases_s": phases,
        "total_s": sum(phases.values()),
        "requests": requests,
        "api_calls": sum(1 for r in log if r.status != 429 and not r.path.startswith(NOT_COUNTED)),
        "answered_429": answered_429,
        "share_429": answered_429 / requests if requests else 0.0,
        "token_requests": tokens,
        "failures": failures,
    }


def ours_workload(n: int, pool_size: int) -> dict[str, Any]:
    """The workload through one provider host with a pool of `pool_size` tokens."""
    emu = emulator()
    host = host_for(emu, **{"genesyscloud:tokenPoolSize": str(pool_size)})
    try:
        # Checks first, as `pulumi up` does before any Create: not timed, but their requests
        # (a token, the org id and the topic catalog) are counted.
        start = len(emu.requests)
        inputs = [checked(host, news(i)) for i in range(n)]

        def create(i: int) -> tuple[str, dict[str, Any], dict[str, Any]]:
            integration_id, outs = host.create(inputs[i])
            return integration_id, outs, inputs[i]

        def update(i: int, handle: tuple[str, dict[str, Any], dict[str, Any]]) -> Any:
            integration_id, outs, olds = handle
            new_inputs = checked(host, news(i, MORE_TOPICS), olds)
            return integration_id, host.update(integration_id, outs, new_inputs), new_inputs

        def delete(i: int, handle: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
            host.delete(handle[0], handle[1])

        with RssSampler(host.pid) as rss:
            result = run_workload(
                f"ours, pool {pool_size}", n, ENGINE_CONCURRENCY, create, update, delete, emu, start
            )
        result["host_peak_rss_mib"] = rss.peak_kib / 1024
        return result
    finally:
        host.stop()
        emu.stop()


def baseline_workload(n: int, concurrency: int) -> dict[str, Any]:
    """The same workload through the CX as Code baseline (a pool of 10 tokens)."""
    emu = emulator()
    try:
        pool = BaselinePool(emu.base_url, emu.client_id, emu.client_secret)
        try:

            def create(i: int) -> str:
                with pool.operation() as op:
                    return op.create(f"bench-{i}", properties(i, TOPICS))

            def update(i: int, integration_id: str) -> str:
                with pool.operation() as op:
                    op.update(integration_id, f"bench-{i}", properties(i, MORE_TOPICS))
                return integration_id

            def delete(i: int, integration_id: str) -> None:
                with pool.operation() as op:
                    op.delete(integration_id)

            result = run_workload(
                f"baseline, concurrency {concurrency}", n, concurrency, create, update, delete, emu
            )
        finally:
            pool.close()
        # The pool's 10 tokens are fetched before the run, as CX as Code does at configure.
        result["token_requests"] = emu.token_requests
        return result
    finally:
        emu.stop()


def lower_bound(
    n: int, per_op_calls: dict[str, int], per_op_trips: dict[str, int], tokens: int, served: int
) -> dict[str, float]:
    """The fastest the workload could go: max(latency bound, rate bound).

    - latency: every operation's round trips in sequence (50 ms each; ours sends the cap count
      beside the config PUT, so its create is 5 calls in 4 round trips), `served` operations at
      once (the concurrency actually served: 4 in one provider host), phase after phase;
    - rate, for the tokens used: the emulator's sliding window lets each token send 300 calls,
      then call 301 waits until call 1 is 60 s old: floor((calls per token - 1) / 300) minutes;
    - for context, the same window if the limit were per OAuth client (every token sharing it).
    """
    calls = n * sum(per_op_calls.values())
    per_token = math.ceil(calls / max(1, tokens))
    window = math.floor(max(0, per_token - 1) / RATE_PER_MINUTE) * 60.0
    latency = sum(math.ceil(n / served) * c * LATENCY for c in per_op_trips.values())
    return {
        "calls": calls,
        "served": served,
        "rate_window_s": window,
        "rate_window_if_per_client_s": math.floor(max(0, calls - 1) / RATE_PER_MINUTE) * 60.0,
        "latency_s": latency,
        "bound_s": max(window, latency),
    }


# -- 3. a limit stated by the server ---------------------------------------------------------------


def stated_limit_workload(told: bool, stated: bool = True) -> dict[str, Any]:
    """STATED_N creates then deletes, HOST_WORKERS engine calls at once into one host (pool 10),
    against a server allowing STATED_RATE requests a minute per token.

    `told`: genesyscloud:requestsPerMinute is set to STATED_RATE (else the default, 300).
    `stated`: the server's replies carry its budget headers (else it keeps them to itself).
    """
    emu = emulator(rate=STATED_RATE)
    emu.rate_headers = stated
    config = {"genesyscloud:tokenPoolSize": "10"}
    if told:
        config["genesyscloud:requestsPerMinute"] = str(STATED_RATE)
    host = host_for(emu, **config)
    try:
        start = len(emu.requests)
        inputs = [checked(host, news(i)) for i in range(STATED_N)]

        def create(i: int) -> tuple[str, dict[str, Any]]:
            return host.create(inputs[i])

        def keep(i: int, handle: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
            return handle  # creates and deletes only

        def delete(i: int, handle: tuple[str, dict[str, Any]]) -> None:
            host.delete(*handle)

        name = f"{'told' if told else 'not told'}{'' if stated else ', no budget headers'}"
        return run_workload(name, STATED_N, HOST_WORKERS, create, keep, delete, emu, start)
    finally:
        host.stop()
        emu.stop()


# -- 4. cold start ------------------------------------------------------------------------------


def bare_host_start() -> float:
    """Spawn `python -m pulumi.dynamic` until it prints its port."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.dynamic"],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - started
        int(line)
        return elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def provider_cold_start(emu: GenesysEmulator, **config: str) -> float:
    """Spawn a provider host, Configure it, answer the first Check."""
    started = time.perf_counter()
    host = host_for(emu, **config)
    try:
        checked(host, news(1))
        return time.perf_counter() - started
    finally:
        host.stop()


def cold_starts() -> dict[str, float]:
    """Medians of COLD_STARTS runs each."""
    emu = emulator(rate_limited=False)
    try:
        runs = {
            "bare python -m pulumi.dynamic (spawn -> port)": [
                bare_host_start() for _ in range(COLD_STARTS)
            ],
            "provider host (spawn -> first Check answered)": [
                provider_cold_start(emu) for _ in range(COLD_STARTS)
            ],
            "provider host, validateTopics=false (no catalog fetch)": [
                provider_cold_start(emu, **{"genesyscloud:validateTopics": "false"})
                for _ in range(COLD_STARTS)
            ],
        }
    finally:
        emu.stop()
    return {name: statistics.median(values) for name, values in runs.items()}


# -- the report ---------------------------------------------------------------------------------


def report_calls(results: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """Part 1; returns the calls and the round trips per operation of ours (for the bounds)."""
    print(f"1/4 calls per operation (latency {LATENCY * 1000:.0f} ms, no rate limit) ...")
    per_op = calls_per_operation()
    results["calls_per_operation"] = per_op
    print(f"\n{'operation':<15}{'calls: ours':>12}{'baseline':>9}{'time: ours':>12}{'baseline':>9}")
    for op in ("create", "update topics", "read", "delete"):
        o, b = per_op["ours"][op], per_op["baseline"][op]
        print(
            f"{op:<15}{len(o['calls']):>12}{len(b['calls']):>9}"
            f"{o['seconds'] * 1000:>10.0f}ms{b['seconds'] * 1000:>7.0f}ms"
        )
    for op in ("create", "update topics", "read", "delete"):
        o, b = per_op["ours"][op], per_op["baseline"][op]
        print(f"  {op}: ours {summarize(o['calls'])}; baseline {summarize(b['calls'])}")
    ours_counts = {op: len(per_op["ours"][op]["calls"]) for op in OPS}
    base_counts = {op: len(per_op["baseline"][op]["calls"]) for op in OPS}
    # Round trips in sequence: ours sends the create's cap count beside its config PUT.
    ours_trips = {**ours_counts, "create": ours_counts["create"] - 1}
    results["round_trips_per_operation"] = {"ours": ours_trips, "baseline": base_counts}
    return ours_counts, base_counts


def report_workloads(
    results: dict[str, Any],
    sizes: list[int],
    pools: list[int],
    counts: tuple[dict[str, int], dict[str, int]],
) -> None:
    """Part 2: the workload for each size, ours per pool and the baseline."""
    ours_counts, base_counts = counts
    ours_trips = {**ours_counts, "create": ours_counts["create"] - 1}
    workloads: dict[str, dict[str, Any]] = {}
    for n in sizes:
        print(f"\n2/4 workload: {n} integrations, {ENGINE_CONCURRENCY} concurrent engine calls ...")
        for size in pools:
            print(f"  ours, one provider host, token pool {size} ...", flush=True)
            w = ours_workload(n, size)
            w["bound"] = lower_bound(n, ours_counts, ours_trips, w["token_requests"], HOST_WORKERS)
            workloads[f"{n}: ours, pool {size}"] = w
        for concurrency in BASELINE_CONCURRENCY:
            print(f"  baseline (CX as Code calls, 10 tokens), concurrency {concurrency} ...")
            w = baseline_workload(n, concurrency)
            w["bound"] = lower_bound(n, base_counts, base_counts, w["token_requests"], concurrency)
            workloads[f"{n}: baseline, concurrency {concurrency}"] = w
    results["workloads"] = workloads

    print(
        f"\n{'run':<32}{'create':>8}{'update':>8}{'delete':>8}{'total':>8}{'calls':>7}"
        f"{'429s':>6}{'tokens':>7}{'fail':>5}{'bound':>8}{'÷bound':>8}{'RSS':>8}"
    )
    for name, w in workloads.items():
        p, bound = w["phases_s"], w["bound"]["bound_s"]
        rss = f"{w['host_peak_rss_mib']:.0f}MiB" if "host_peak_rss_mib" in w else "-"
        print(
            f"{name:<32}{p['create']:>7.1f}s{p['update']:>7.1f}s{p['delete']:>7.1f}s"
            f"{w['total_s']:>7.1f}s{w['requests']:>7}{w['answered_429']:>6}"
            f"{w['token_requests']:>7}{len(w['failures']):>5}{bound:>7.1f}s"
            f"{w['total_s'] / bound:>7.2f}x{rss:>8}"
        )
        for failure in w["failures"][:3]:
            print(f"    failure: {failure}")
    for n in sizes:
        if f"{n}: ours, pool 10" not in workloads:
            continue
        ours = workloads[f"{n}: ours, pool 10"]["total_s"]
        for concurrency in BASELINE_CONCURRENCY:
            base = workloads[f"{n}: baseline, concurrency {concurrency}"]["total_s"]
            print(f"{n}: baseline (concurrency {concurrency}) ÷ ours (pool 10): {base / ours:.2f}x")


def report_stated_limit(results: dict[str, Any]) -> None:
    """Part 3: a server allowing STATED_RATE a minute per token, the provider told or not."""
    print(
        f"\n3/4 {STATED_N} creates + {STATED_N} deletes, {HOST_WORKERS} engine calls at once,"
        f" server allowing {STATED_RATE} requests a minute per token, pool 10 ..."
    )
    runs = {}
    for told, stated in ((True, True), (False, True), (False, False)):
        w = stated_limit_workload(told, stated)
        runs[w["label"]] = w
    results["stated_limit"] = runs
    told_total = runs["told"]["total_s"]
    print(
        f"\n{'run':<32}{'create':>8}{'delete':>8}{'total':>8}{'calls':>7}{'429s':>6}"
        f"{'share':>7}{'tokens':>7}{'fail':>5}{'÷told':>7}"
    )
    for name, w in runs.items():
        p = w["phases_s"]
        print(
            f"{name:<32}{p['create']:>7.1f}s{p['delete']:>7.1f}s{w['total_s']:>7.1f}s"
            f"{w['requests']:>7}{w['answered_429']:>6}{w['share_429']:>7.1%}"
            f"{w['token_requests']:>7}{len(w['failures']):>5}{w['total_s'] / told_total:>6.2f}x"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the parts asked for (every part by default) and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--integrations", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--pools", type=int, nargs="+", default=list(POOL_SIZES))
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-cold-start", action="store_true", help="skip the cold start part")
    args = parser.parse_args(argv)
    parts = set(args.parts) - ({"cold-start"} if args.no_cold_start else set())
    began = time.perf_counter()
    load = os.getloadavg()
    results: dict[str, Any] = {
        "settings": {
            "latency_s": LATENCY,
            "rate_limit_per_minute_per_token": RATE_PER_MINUTE,
            "activation_delay_s": ACTIVATION_DELAY,
            "engine_concurrency": ENGINE_CONCURRENCY,
            "integrations": args.integrations,
            "python": sys.version.split()[0],
            "load_average_at_start": load,
        }
    }
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if parts & {"calls", "workload"}:  # the workload's bounds need the calls per operation
        counts = report_calls(results)
        if "workload" in parts:
            report_workloads(results, args.integrations, args.pools, counts)
    if "stated-limit" in parts:
        report_stated_limit(results)
    if "cold-start" in parts:
        print(f"\n4/4 cold start, median of {COLD_STARTS} ...")
        starts = cold_starts()
        results["cold_start_median_s"] = starts
        for name, seconds in starts.items():
            print(f"{name:<58}{seconds * 1000:>7.0f} ms")

    results["benchmark_s"] = time.perf_counter() - began
    results["load_average_at_end"] = os.getloadavg()
    end = results["load_average_at_end"]
    print(f"\nbenchmark took {results['benchmark_s']:.0f} s; load average at end {end[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True, default=str))
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
