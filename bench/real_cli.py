"""The same 20 integrations through the real `pulumi` CLI and through the gRPC harness (by hand).

    .venv/bin/python bench/real_cli.py        # after ./scripts/test (it builds the CLI)

Against the emulator with the benchmark's settings (50 ms latency per reply, 300 requests per
token per minute, ACTIVE 50 ms after enabling), it runs examples/integration-only with 20
integrations: `pulumi up --parallel 10` (create), `pulumi up --parallel 10` after a topics
change (update), `pulumi destroy --parallel 10`; then the same creates, updates and deletes
through one harness provider host with 10 concurrent engine calls. For each phase: wall time,
requests the emulator received, token requests, 429s. docs/benchmark.md has a run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.benchmark import (  # noqa: E402
    ENGINE_CONCURRENCY,
    MORE_TOPICS,
    TOPICS,
    checked,
    emulator,
    host_for,
    news,
)
from genesys_eventbridge.emulator import GenesysEmulator  # noqa: E402
from tests.e2e.cli import Workspace, copy_project, locate_cli  # noqa: E402

N = 20
OPERATIONS = ("/oauth/token", "/api/v2/organizations/me", "/availabletopics")


def counted(emu: GenesysEmulator, start: int, seconds: float) -> dict[str, Any]:
    """What the emulator saw since request number `start`."""
    log = emu.requests[start:]
    return {
        "seconds": round(seconds, 2),
        "requests": len(log),
        "operation_calls": sum(
            1 for r in log if r.status != 429 and not any(p in r.path for p in OPERATIONS)
        ),
        "token_requests": sum(1 for r in log if r.path == "/oauth/token" and r.status == 200),
        "catalog_requests": sum(1 for r in log if "availabletopics" in r.path),
        "answered_429": sum(1 for r in log if r.status == 429),
    }


def phase(emu: GenesysEmulator, action: Callable[[], Any]) -> dict[str, Any]:
    """Run `action`, timing it and counting its requests."""
    start = len(emu.requests)
    began = time.monotonic()
    action()
    return counted(emu, start, time.monotonic() - began)


def entries(topics: list[str]) -> list[dict[str, Any]]:
    """The example's integrations config for N integrations."""
    return [
        {"name": f"bench-{n}", "eventSourceSuffix": f"bench-{n}", "topics": topics}
        for n in range(N)
    ]


def real_cli(bin_dir: Path, work: Path) -> dict[str, Any]:
    """create / update / destroy of N integrations through `pulumi`, --parallel 10."""
    emu = emulator()
    try:
        project = copy_project(REPO / "examples" / "integration-only", work / "project")
        ws = Workspace(bin_dir, project, work / "home")
        ws.pulumi("stack", "init", "bench")
        ws.set_config(
            {
                **emu.settings_config(),
                "genesyscloud:maxIntegrations": "1000",
                "genesys-integration-only:awsRegion": "eu-west-1",
                "genesys-integration-only:integrations": entries(TOPICS),
            },
            secret=["genesyscloud:oauthclientSecret"],
        )
        parallel = ("--parallel", str(ENGINE_CONCURRENCY))
        result = {"create": phase(emu, lambda: ws.pulumi("up", "--yes", *parallel))}
        ws.set_config({"genesys-integration-only:integrations": entries(MORE_TOPICS)})
        result["update"] = phase(emu, lambda: ws.pulumi("up", "--yes", *parallel))
        result["delete"] = phase(emu, lambda: ws.pulumi("destroy", "--yes", *parallel))
        assert emu.integrations() == [], "integrations left behind"
        return result
    finally:
        emu.stop()


def harness() -> dict[str, Any]:
    """The same work through one harness provider host, 10 concurrent engine calls."""
    emu = emulator()
    host = host_for(emu)
    try:
        made: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

        def create_all() -> None:
            # Checks first, as the engine does before any Create.
            inputs = [checked(host, {**news(n), "aws_region": "eu-west-1"}) for n in range(N)]
            with ThreadPoolExecutor(ENGINE_CONCURRENCY) as pool:
                made.extend(pool.map(lambda i: (*host.create(i), i), inputs))

        def update_all() -> None:
            def one(handle: tuple[str, dict[str, Any], dict[str, Any]], n: int) -> None:
                new = checked(host, news(n, MORE_TOPICS), handle[2])
                host.update(handle[0], handle[1], new)

            with ThreadPoolExecutor(ENGINE_CONCURRENCY) as pool:
                list(pool.map(one, made, range(N)))

        def delete_all() -> None:
            with ThreadPoolExecutor(ENGINE_CONCURRENCY) as pool:
                list(pool.map(lambda handle: host.delete(handle[0], handle[1]), made))

        result = {"create": phase(emu, create_all)}
        result["update"] = phase(emu, update_all)
        result["delete"] = phase(emu, delete_all)
        assert emu.integrations() == [], "integrations left behind"
        return result
    finally:
        host.stop()
        emu.stop()


def main() -> int:
    """Run both and print a Markdown table."""
    bin_dir = locate_cli()
    with tempfile.TemporaryDirectory(prefix="bench-real-cli-") as work:
        runs = {"real `pulumi` CLI": real_cli(bin_dir, Path(work)), "harness": harness()}
    print("| run | phase | wall | requests | operation calls | tokens | catalog | 429s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, phases in runs.items():
        for phase_name, r in phases.items():
            print(
                f"| {name} | {phase_name} | {r['seconds']:.2f} s | {r['requests']} |"
                f" {r['operation_calls']} | {r['token_requests']} | {r['catalog_requests']} |"
                f" {r['answered_429']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
