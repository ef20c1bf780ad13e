"""Run the emulator in the foreground: python -m genesys_eventbridge.emulator --port 8787."""

from __future__ import annotations

import argparse
import errno
import os
import secrets
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .emulator import GenesysEmulator

# Stable defaults for what is not a credential, so a dry run's settings survive a restart.
LOCAL_CLIENT_ID = "emulator-client"
LOCAL_ORG_ID = "00000000-0000-4000-8000-00000000e4a1"
# The client secret is new at every start unless this variable sets one (an environment variable,
# unlike a command-line flag, is not shown to other users of the machine by `ps`): a fixed,
# published secret would let any local process, or a web page rebinding a DNS name to 127.0.0.1,
# take a token.
SECRET_VARIABLE = "GENESYS_EMULATOR_CLIENT_SECRET"


def new_client_secret() -> str:
    """A client secret for one run of the emulator."""
    return f"emulator-{secrets.token_urlsafe(18)}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m genesys_eventbridge.emulator",
        description=(
            "Emulate a Genesys Cloud org (OAuth client credentials, the integrations API, the"
            " topic catalog) on 127.0.0.1 for dry runs, and print the settings that point"
            " `pulumi preview`/`up`, `doctor` and `topics` at it. The client secret is new at"
            f" every start unless ${SECRET_VARIABLE} sets one; the default client id and org id"
            " are fixed, local-only values."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8787,
        help="port to bind on 127.0.0.1, 0 for any free port (default: %(default)s)",
    )
    parser.add_argument(
        "--activation-delay",
        type=float,
        default=0.05,
        metavar="S",
        help="seconds an enabled integration stays ACTIVATING before it reports ACTIVE"
        " (default: %(default)s)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="S",
        help="seconds added to every reply, to try timeouts and slow networks (default: 0)",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        metavar="N",
        help="requests per token per minute before replying 429 with Retry-After"
        " (default: no limit)",
    )
    parser.add_argument(
        "--token-ttl",
        type=float,
        default=86400,
        metavar="S",
        help="lifetime in seconds of the access tokens it issues (default: %(default)s)",
    )
    parser.add_argument(
        "--client-id",
        default=LOCAL_CLIENT_ID,
        help="the OAuth client id the token endpoint accepts (default: %(default)s)",
    )
    parser.add_argument(
        "--client-secret",
        default=None,
        help=f"the OAuth client secret the token endpoint accepts (default: ${SECRET_VARIABLE}"
        " if set, else a new random one at each start); prefer the variable: other users see"
        " command lines in `ps`",
    )
    parser.add_argument(
        "--org-id",
        default=LOCAL_ORG_ID,
        help="the org id GET /api/v2/organizations/me answers, part of every event source"
        " name (default: %(default)s)",
    )
    return parser


def banner(emulator: GenesysEmulator) -> str:
    """What to tell the user: where it listens, its credentials, how to point Pulumi at it."""
    lines = [
        f"Genesys Cloud emulator listening on {emulator.base_url}",
        f"  client id:     {emulator.client_id}",
        f"  client secret: {emulator.client_secret}",
        f"  org id:        {emulator.org_id}",
        "  (local-only values: they open nothing but this emulator; the secret is new at each"
        f" start unless ${SECRET_VARIABLE} sets one)",
        "",
        "Point the provider at it with environment variables (plain http on loopback needs the"
        " explicit GENESYSCLOUD_ALLOW_INSECURE_HTTP opt-in):",
    ]
    lines += [f"  export {k}={shlex.quote(v)}" for k, v in emulator.settings_env().items()]
    lines += [
        "",
        "or with Pulumi config, in the stack's directory (one or the other: credentials are only"
        " sent to base URLs set in the same place):",
    ]
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
        client_secret=args.client_secret or os.environ.get(SECRET_VARIABLE) or new_client_secret(),
        org_id=args.org_id or LOCAL_ORG_ID,
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
        hint = ""
        if error.errno == errno.EADDRINUSE:
            hint = (
                "; something else listens there (another emulator?): stop it, or start this one"
                " with --port 0 for any free port (it prints the settings to use)"
            )
        print(f"Cannot listen on 127.0.0.1:{args.port}: {error}{hint}", file=sys.stderr)
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
