"""Benchmark the EventBridgeIntegration provider through the real provider host (run by hand).

    .venv/bin/python bench/benchmark.py            # after ./scripts/test has made .venv
    .venv/bin/python bench/benchmark.py --json bench-results.json --integrations 50

Everything runs against the Genesys Cloud emulator with a per-request latency (50 ms) and a
per-token rate limit (300 requests per sliding minute), and reports:
1. API calls per operation (token and org id not counted) and token requests per host process;
2. wall time to create, update (topics) and delete N integrations with 10 concurrent engine calls,
   beside the lower bound set by the rate limit and the latency;
3. the same workload through a baseline client that makes the Terraform CX as Code provider's
   calls with a new token per resource operation (bench/baseline_client.py);
4. the provider host's cold start (spawn to first Check answered) beside a bare
   `python -m pulumi.dynamic` (spawn to port printed), median of 5.
Not a test (pytest collects tests/ only); it takes a few minutes. docs/benchmark.md has a run.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.baseline_client import BaselineOperation  # noqa: E402
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


def emulator(rate_limited: bool = True) -> GenesysEmulator:
    """A started emulator with the benchmark's latency (and rate limit)."""
    return GenesysEmulator(
        activation_delay=ACTIVATION_DELAY,
        latency=LATENCY,
        rate_limit_per_minute=RATE_PER_MINUTE if rate_limited else None,
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


# -- 1. calls per operation and tokens per host process -------------------------------------------


def calls_per_operation() -> dict[str, Any]:
    """Ours and the baseline, one operation at a time on a warm process (no rate limit)."""
    emu = emulator(rate_limited=False)
    ours: dict[str, dict[str, Any]] = {}
    try:
        host = host_for(emu)
        try:
            warm_id, warm_outs = host.create(checked(host, news(0)))  # token, org id, catalog
            host.delete(warm_id, warm_outs)
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
        finally:
            host.stop()

        baseline: dict[str, dict[str, Any]] = {}
        creds = (emu.base_url, emu.client_id, emu.client_secret)
        start = len(emu.requests)
        with BaselineOperation(*creds) as op:
            integration_id, seconds = timed(lambda: op.create("b-1", properties(1, TOPICS)))
        baseline["create"] = {"calls": calls_since(emu, start), "seconds": seconds}
        start = len(emu.requests)
        with BaselineOperation(*creds) as op:
            _, seconds = timed(lambda: op.update(integration_id, "b-1", properties(1, MORE_TOPICS)))
        baseline["update topics"] = {"calls": calls_since(emu, start), "seconds": seconds}
        start = len(emu.requests)
        with BaselineOperation(*creds) as op:
            _, seconds = timed(lambda: op.read(integration_id))
        baseline["read"] = {"calls": calls_since(emu, start), "seconds": seconds}
        start = len(emu.requests)
        with BaselineOperation(*creds) as op:
            _, seconds = timed(lambda: op.delete(integration_id))
        baseline["delete"] = {"calls": calls_since(emu, start), "seconds": seconds}
    finally:
        emu.stop()
    return {"ours": ours, "baseline": baseline}


def tokens_per_host_process() -> dict[str, int]:
    """Token requests of one fresh host: sequential operations, then 4 concurrent engine calls."""
    results = {}
    for concurrency in (1, HOST_WORKERS):
        emu = emulator(rate_limited=False)
        try:
            host = host_for(emu)
            try:
                inputs = [checked(host, news(n)) for n in range(8)]
                with ThreadPoolExecutor(concurrency) as pool:
                    created = list(pool.map(host.create, inputs))
                    list(pool.map(host.delete, *zip(*created, strict=True)))
            finally:
                host.stop()
            results[f"{concurrency} concurrent engine call(s), 8 creates + 8 deletes"] = (
                emu.token_requests
            )
        finally:
            emu.stop()
    return results


# -- 2. and 3. the workload ---------------------------------------------------------------------


def run_workload(
    label_: str,
    n: int,
    create: Callable[[int], Any],
    update: Callable[[int, Any], Any],
    delete: Callable[[int, Any], Any],
    emu: GenesysEmulator,
    start: int = 0,
) -> dict[str, Any]:
    """Create, update and delete n integrations with ENGINE_CONCURRENCY threads; time phases.

    Requests are counted from request number `start` (so a caller's Checks count too).
    """
    phases: dict[str, float] = {}
    with ThreadPoolExecutor(ENGINE_CONCURRENCY) as pool:
        handles, phases["create"] = timed(lambda: list(pool.map(create, range(n))))
        handles, phases["update"] = timed(lambda: list(pool.map(update, range(n), handles)))
        _, phases["delete"] = timed(lambda: list(pool.map(delete, range(n), handles)))
    log = emu.requests[start:]
    assert emu.integrations() == [], f"{label_}: integrations left behind"
    return {
        "phases_s": phases,
        "total_s": sum(phases.values()),
        "requests": len(log),
        "answered_429": sum(1 for r in log if r.status == 429),
        "token_requests": sum(1 for r in log if r.path == "/oauth/token" and r.status == 200),
        "needed_calls": sum(1 for r in log if r.status != 429),
    }


def ours_workload(n: int, hosts: int) -> dict[str, Any]:
    """The workload through `hosts` provider host(s), engine calls spread round-robin."""
    emu = emulator()
    started = [host_for(emu) for _ in range(hosts)]
    try:
        # Checks first, as `pulumi up` does before any Create: not timed, but their requests
        # (a token and the topic catalog per host) are counted.
        start = len(emu.requests)
        inputs = [checked(started[i % hosts], news(i)) for i in range(n)]

        def create(i: int) -> tuple[str, dict[str, Any], dict[str, Any]]:
            integration_id, outs = started[i % hosts].create(inputs[i])
            return integration_id, outs, inputs[i]

        def update(i: int, handle: tuple[str, dict[str, Any], dict[str, Any]]) -> Any:
            integration_id, outs, olds = handle
            host = started[i % hosts]
            new_inputs = checked(host, news(i, MORE_TOPICS), olds)
            return integration_id, host.update(integration_id, outs, new_inputs), new_inputs

        def delete(i: int, handle: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
            started[i % hosts].delete(handle[0], handle[1])

        return run_workload(f"ours ({hosts} host)", n, create, update, delete, emu, start)
    finally:
        for host in started:
            host.stop()
        emu.stop()


def baseline_workload(n: int) -> dict[str, Any]:
    """The same workload through the Terraform-like baseline client (a token per operation)."""
    emu = emulator()
    creds = (emu.base_url, emu.client_id, emu.client_secret)
    try:

        def create(i: int) -> str:
            with BaselineOperation(*creds) as op:
                return op.create(f"bench-{i}", properties(i, TOPICS))

        def update(i: int, integration_id: str) -> str:
            with BaselineOperation(*creds) as op:
                op.update(integration_id, f"bench-{i}", properties(i, MORE_TOPICS))
            return integration_id

        def delete(i: int, integration_id: str) -> None:
            with BaselineOperation(*creds) as op:
                op.delete(integration_id)

        return run_workload("baseline", n, create, update, delete, emu)
    finally:
        emu.stop()


def lower_bound(
    n: int, per_op_calls: dict[str, int], tokens: int, concurrency: int
) -> dict[str, float]:
    """The fastest the workload could go under the rate limit and the latency.

    - rate, steady state: calls needed / (300 per minute), the brief's definition;
    - rate, sliding window: the emulator's window lets each token burst 300 calls, then the
      301st waits until the 1st is 60 s old: floor((calls per token - 1) / 300) minutes;
    - latency: every operation's calls in sequence (50 ms each), `concurrency` operations at once;
    - not measured: the window bound if the limit were per OAuth client (all tokens sharing it),
      which Genesys may also enforce (unverified): it undoes the baseline's token-per-operation.
    """
    calls = n * sum(per_op_calls.values())
    per_token = math.ceil(calls / tokens)
    steady = calls / (RATE_PER_MINUTE / 60.0)
    window = math.floor(max(0, per_token - 1) / RATE_PER_MINUTE) * 60.0
    latency = sum(math.ceil(n / concurrency) * c * LATENCY for c in per_op_calls.values())
    return {
        "calls": calls,
        "rate_steady_s": steady,
        "rate_window_s": window,
        "rate_window_if_per_client_s": math.floor(max(0, calls - 1) / RATE_PER_MINUTE) * 60.0,
        "latency_s": latency,
        "bound_s": max(window, latency),
    }


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


def main(argv: list[str] | None = None) -> int:
    """Run every part and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--integrations", type=int, default=50)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    n: int = args.integrations
    began = time.perf_counter()
    results: dict[str, Any] = {
        "settings": {
            "latency_s": LATENCY,
            "rate_limit_per_minute_per_token": RATE_PER_MINUTE,
            "activation_delay_s": ACTIVATION_DELAY,
            "engine_concurrency": ENGINE_CONCURRENCY,
            "integrations": n,
            "python": sys.version.split()[0],
        }
    }

    print(f"1/4 calls per operation (latency {LATENCY * 1000:.0f} ms, no rate limit) ...")
    per_op = calls_per_operation()
    tokens = tokens_per_host_process()
    results["calls_per_operation"] = per_op
    results["tokens_per_host_process"] = tokens
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
    print("(token and org id requests not counted; the baseline also asks for 1 token per op)")
    for what, count in tokens.items():
        print(f"token requests per provider host process, {what}: {count}")

    ours_counts = {
        op: len(per_op["ours"][op]["calls"]) for op in ("create", "update topics", "delete")
    }
    base_counts = {
        op: len(per_op["baseline"][op]["calls"]) + 1  # + its token request per operation
        for op in ("create", "update topics", "delete")
    }

    print(f"\n2/4 workload: {n} integrations, {ENGINE_CONCURRENCY} concurrent engine calls ...")
    workloads: dict[str, dict[str, Any]] = {}
    print("  ours, 1 provider host (what `pulumi up --parallel 10` runs) ...")
    workloads["ours, 1 host"] = ours_workload(n, hosts=1)
    workloads["ours, 1 host"]["bound"] = lower_bound(n, ours_counts, 1, ENGINE_CONCURRENCY)
    print("  ours, 3 provider hosts (10 calls really in flight; 3 tokens) ...")
    workloads["ours, 3 hosts"] = ours_workload(n, hosts=3)
    workloads["ours, 3 hosts"]["bound"] = lower_bound(n, ours_counts, 3, ENGINE_CONCURRENCY)
    print("3/4 baseline (Terraform CX as Code call sequence, a token per operation) ...")
    workloads["baseline"] = baseline_workload(n)
    workloads["baseline"]["bound"] = lower_bound(n, base_counts, 3 * n, ENGINE_CONCURRENCY)
    results["workloads"] = workloads

    ours_total = workloads["ours, 1 host"]["total_s"]
    print(
        f"\n{'run':<15}{'create':>8}{'update':>8}{'delete':>8}{'total':>8}{'calls':>7}{'429s':>6}"
        f"{'tokens':>7}{'bound':>8}{'total/bound':>12}{'÷ ours 1 host':>14}"
    )
    for name, w in workloads.items():
        p, bound = w["phases_s"], w["bound"]["bound_s"]
        print(
            f"{name:<15}{p['create']:>7.1f}s{p['update']:>7.1f}s{p['delete']:>7.1f}s"
            f"{w['total_s']:>7.1f}s{w['requests']:>7}{w['answered_429']:>6}{w['token_requests']:>7}"
            f"{bound:>7.1f}s{w['total_s'] / bound:>11.2f}x{w['total_s'] / ours_total:>13.2f}x"
        )
    for name, w in workloads.items():
        b = w["bound"]
        print(
            f"  bound for {name}: {b['calls']} calls -> rate {b['rate_steady_s']:.1f} s steady"
            f" ({RATE_PER_MINUTE}/min), {b['rate_window_s']:.0f} s with the sliding window's burst"
            f" ({b['rate_window_if_per_client_s']:.0f} s if the limit were per OAuth client);"
            f" latency {b['latency_s']:.1f} s; bound = max(window, latency)"
        )

    print(f"\n4/4 cold start, median of {COLD_STARTS} ...")
    starts = cold_starts()
    results["cold_start_median_s"] = starts
    for name, seconds in starts.items():
        print(f"{name:<58}{seconds * 1000:>7.0f} ms")

    results["benchmark_s"] = time.perf_counter() - began
    print(f"\nbenchmark took {results['benchmark_s']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True, default=str))
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
