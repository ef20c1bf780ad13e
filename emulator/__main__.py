"""Run the emulator in the foreground: python -m genesys_eventbridge.emulator --port 8787."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .emulator import GenesysEmulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m genesys_eventbridge.emulator",
        description="Emulate a Genesys Cloud org (OAuth + integrations API) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8787, help="port to bind (0: any free one)")
    parser.add_argument("--activation-delay", type=float, default=0.05, metavar="S")
    parser.add_argument("--latency", type=float, default=0.0, metavar="S")
    parser.add_argument("--rate-limit", type=int, default=None, metavar="N", help="per token/min")
    parser.add_argument("--token-ttl", type=float, default=86400, metavar="S")
    parser.add_argument("--client-id", default="emulator-client")
    parser.add_argument("--client-secret", default=None, help="default: a random one")
    parser.add_argument("--org-id", default=None, help="default: a random uuid")
    return parser


def banner(emulator: GenesysEmulator) -> str:
    """What to tell the user: where it listens, its credentials, how to point Pulumi at it."""
    lines = [
        f"Genesys Cloud emulator listening on {emulator.base_url}",
        f"  client id:     {emulator.client_id}",
        f"  client secret: {emulator.client_secret}",
        f"  org id:        {emulator.org_id}",
        "",
        "Point the provider at it with environment variables:",
    ]
    lines += [f"  export {k}={shlex.quote(v)}" for k, v in emulator.settings_env().items()]
    lines += ["", "or with Pulumi config (in the stack's directory):"]
    for key, value in emulator.settings_config().items():
        secret = "--secret " if key.endswith("Secret") else ""
        lines.append(f"  pulumi config set {secret}{key} {shlex.quote(value)}")
    lines += ["", "Ctrl-C stops it."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the emulator, print how to use it, serve until Ctrl-C or SIGTERM."""
    args = _parser().parse_args(argv)
    emulator = GenesysEmulator(
        client_id=args.client_id,
        client_secret=args.client_secret,
        org_id=args.org_id,
        port=args.port,
        activation_delay=args.activation_delay,
        token_ttl=args.token_ttl,
        rate_limit_per_minute=args.rate_limit,
        latency=args.latency,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator.start()
    except OSError as error:
        print(f"Cannot listen on 127.0.0.1:{args.port}: {error}", file=sys.stderr)
        return 1
    try:
        print(banner(emulator), flush=True)
        # A timed wait so signals are handled promptly on every platform.
        while not stop.wait(0.2):
            pass
    finally:
        emulator.stop()
    print("Genesys Cloud emulator stopped.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
