"""An argparse parser that writes to given streams and returns instead of exiting the process."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import Any, NoReturn, TextIO, TypeVar, cast

PROG = "python -m genesys_eventbridge"
_Run = TypeVar("_Run", bound=Callable[..., int])


class ParserExit(Exception):
    """Parsing ended (help shown or a usage error): return `status` from the command."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(status)


class CommandParser(argparse.ArgumentParser):
    """ArgumentParser that prints to `stdout`/`stderr` and raises ParserExit instead of exiting.

    Commands run in-process (in tests, with StringIO streams), so neither sys.stdout nor
    sys.exit may be used behind their back.
    """

    def __init__(self, *args: Any, stdout: TextIO, stderr: TextIO, **kwargs: Any) -> None:
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(*args, **kwargs)

    def print_usage(self, file: Any = None) -> None:
        """Print the usage line (to this parser's stdout unless told otherwise)."""
        super().print_usage(file or self.stdout)

    def print_help(self, file: Any = None) -> None:
        """Print the help (to this parser's stdout unless told otherwise)."""
        super().print_help(file or self.stdout)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Write `message` to stderr and end parsing with `status`."""
        if message:
            self.stderr.write(message)
        raise ParserExit(status)

    def error(self, message: str) -> NoReturn:
        """A usage error: usage and the message on stderr, status 2."""
        self.print_usage(self.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def command_parser(name: str, description: str, *, stdout: TextIO, stderr: TextIO) -> CommandParser:
    """The parser of the command `name`: `python -m genesys_eventbridge <name>`, its --help text."""
    return CommandParser(
        prog=f"{PROG} {name}", description=description, stdout=stdout, stderr=stderr
    )


def returns_parser_exit(run: _Run) -> _Run:
    """Let the command `run` end parsing anywhere (help, a usage error): it returns the status."""

    @functools.wraps(run)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        try:
            return run(*args, **kwargs)
        except ParserExit as done:
            return done.status

    return cast(_Run, wrapper)
