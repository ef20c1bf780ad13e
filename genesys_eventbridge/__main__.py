"""The command line: `python -m genesys_eventbridge <command> [options]` (`--help` lists them)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from genesys_eventbridge.cli import COMMANDS
from genesys_eventbridge.cli.parser import CommandParser, ParserExit

PROG = "python -m genesys_eventbridge"


def _parser(stdout: TextIO, stderr: TextIO) -> CommandParser:
    width = max(len(name) for name in COMMANDS) + 2
    listing = "\n".join(f"  {c.name:<{width}}{c.summary}" for c in COMMANDS.values())
    parser = CommandParser(
        prog=PROG,
        description="Helpers for genesys-eventbridge (Genesys Cloud -> Amazon EventBridge).",
        epilog=(
            f"commands:\n{listing}\n\n"
            f"Run `{PROG} <command> --help` for a command's options. Settings come from a"
            " stack's genesyscloud:* config (--stack NAME) and the GENESYSCLOUD_* environment"
            " variables."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        stdout=stdout,
        stderr=stderr,
    )
    parser.add_argument("command", metavar="<command>", choices=list(COMMANDS), help="see below")
    parser.add_argument(
        "args", nargs=argparse.REMAINDER, help=f"the command's options (`{PROG} <command> --help`)"
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run one command; the defaults are sys.argv, sys.stdout, sys.stderr and os.environ."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        args = _parser(out, err).parse_args(list(sys.argv[1:] if argv is None else argv))
    except ParserExit as done:
        return done.status
    command = COMMANDS[args.command]
    try:
        return command.run(
            args.args, stdout=out, stderr=err, environ=os.environ if environ is None else environ
        )
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python's exit-time flush of
        # stdout from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
