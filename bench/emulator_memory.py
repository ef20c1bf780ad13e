"""The emulator's resident memory before and after four 9 MiB JSON POSTs without credentials.

Run by hand: python -m bench.emulator_memory (prints the two RSS figures in MiB).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

SERVE = """
import sys
from genesys_eventbridge.emulator import GenesysEmulator
with GenesysEmulator() as emulator:
    print(emulator.port, flush=True)
    sys.stdin.read()
"""


def rss_mib(pid: int) -> float:
    """Resident set size of a process, in MiB (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) / 1024


def main() -> None:
    """Start an emulator, post four 9 MiB bodies, print its RSS before and after."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        before = rss_mib(process.pid)
        item = b'{"k":1},'
        body = b"[" + item * (9 * 1024 * 1024 // len(item)) + b'{"k":1}]'
        for _ in range(4):
            httpx.post(
                f"http://127.0.0.1:{port}/api/v2/integrations",
                content=body,
                headers={"Content-Type": "application/json"},
                timeout=120,
            )
        print(f"emulator RSS: {before:.0f} MiB at start, {rss_mib(process.pid):.0f} MiB after")
    finally:
        process.kill()
        process.wait()


if __name__ == "__main__":
    main()
