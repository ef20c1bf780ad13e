"""The commands of `python -m genesys_eventbridge <command>`, each in its own module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from genesys_eventbridge.cli import doctor, match, topics, validate


class CommandFunction(Protocol):
    """A command: parses `argv`, writes to the streams, returns the exit status."""

    def __call__(
        self, argv: Sequence[str], *, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]
    ) -> int: ...


@dataclass(frozen=True)
class Command:
    """A command's name, its one-line description, and its function."""

    name: str
    summary: str
    run: CommandFunction


COMMANDS: Mapping[str, Command] = {
    command.name: command
    for command in (
        Command(topics.NAME, topics.SUMMARY, topics.run),
        Command(doctor.NAME, doctor.SUMMARY, doctor.run),
        Command(match.NAME, match.SUMMARY, match.run),
        Command(validate.NAME, validate.SUMMARY, validate.run),
    )
}

__all__ = ["COMMANDS", "Command", "CommandFunction"]
