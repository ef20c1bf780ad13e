"""`python -m genesys_eventbridge topics`: the org's topic catalog, and what EventBridge carries."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from genesys_eventbridge.cli.environment import (
    CREDENTIALS_FIX,
    StackConfigUnavailable,
    add_source_options,
    credentials_problem,
    endpoint_settings,
    resolve_settings,
    setting_problem,
    settings_source,
)
from genesys_eventbridge.cli.output import render_table, terminal_width
from genesys_eventbridge.cli.parser import (
    CommandParser,
    command_parser,
    returns_parser_exit,
)
from genesys_eventbridge.provider.genesys import (
    AuthenticationError,
    AvailableTopic,
    ConfigurationError,
    GenesysClient,
    GenesysError,
    NotFoundError,
    PermissionDeniedError,
    reachability,
)
from genesys_eventbridge.provider.genesys.errors import sanitize

NAME = "topics"
SUMMARY = "List the org's notification topics and whether EventBridge can carry them."
HEADERS = ("TOPIC", "EVENTBRIDGE", "DESCRIPTION")


def _parser(stdout: TextIO, stderr: TextIO) -> CommandParser:
    parser = command_parser(
        NAME,
        (
            f"{SUMMARY} Reads a stack's genesyscloud:* config with --stack, and the"
            " GENESYSCLOUD_* environment variables (GENESYSCLOUD_OAUTHCLIENT_ID,"
            " GENESYSCLOUD_OAUTHCLIENT_SECRET, GENESYSCLOUD_REGION, ...)."
        ),
        stdout=stdout,
        stderr=stderr,
    )
    add_source_options(parser)
    parser.add_argument(
        "--match",
        metavar="TEXT",
        help="only topics whose id or description contains TEXT (case-insensitive)",
    )
    parser.add_argument(
        "--eventbridge-only",
        action="store_true",
        help="only topics an EventBridge integration can subscribe to",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print a JSON array of {"id", "description", "transports", "eventbridge"}',
    )
    return parser


def select(
    topics: Sequence[AvailableTopic], *, match: str | None = None, eventbridge_only: bool = False
) -> list[AvailableTopic]:
    """The topics that pass the filters, sorted by id."""
    needle = match.casefold() if match else None
    chosen = [
        topic
        for topic in topics
        if (not eventbridge_only or topic.eventbridge_available)
        and (
            needle is None
            or needle in topic.id.casefold()
            or needle in (topic.description or "").casefold()
        )
    ]
    return sorted(chosen, key=lambda topic: topic.id)


def as_json(topic: AvailableTopic) -> dict[str, Any]:
    """One topic as the --json output shows it (server text sanitized, as in the table)."""
    return {
        "id": sanitize(topic.id),
        "description": None if topic.description is None else sanitize(topic.description),
        "transports": None if topic.transports is None else [sanitize(t) for t in topic.transports],
        "eventbridge": topic.eventbridge_available,
    }


def summary_line(shown: Sequence[AvailableTopic], total: int) -> str:
    """How many topics are shown, of how many, and how many of them EventBridge can carry."""
    if not shown:
        return f"No topic matches the filters ({total} topics in the catalog)."
    carried = sum(1 for topic in shown if topic.eventbridge_available)
    count = f"{total} topics" if len(shown) == total else f"{len(shown)} of {total} topics"
    return f"{count} ({carried} available to EventBridge)"


def _fail(stderr: TextIO, problem: str) -> int:
    stderr.write(f"error: {sanitize(problem)}\n")
    return 2


@returns_parser_exit
def run(argv: Sequence[str], *, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]) -> int:
    """Print the topic catalog; 0 on success, 2 on a usage, settings or Genesys Cloud error."""
    args = _parser(stdout, stderr).parse_args(list(argv))
    try:
        source = settings_source(args.stack, args.cwd, environ)
        settings = resolve_settings(source)
    except StackConfigUnavailable as error:
        return _fail(stderr, str(error))
    except ConfigurationError as error:
        what, fix = setting_problem(error, args.stack)
        return _fail(stderr, f"{what}; fix: {fix}")
    missing = credentials_problem(settings)
    if missing:
        return _fail(stderr, f"{missing}; fix: {CREDENTIALS_FIX}")
    problem = reachability.unreachable(settings)  # in seconds, not after the retry budget
    if problem is not None:
        return _fail(stderr, problem)
    try:
        catalog = GenesysClient(settings).available_topics()
    except GenesysError as error:
        # str(error) is one sentence: what failed, why, what to do (never a secret). A reply
        # from the wrong server (unreachable, 404, not JSON) means a wrong endpoint setting.
        if isinstance(error, (AuthenticationError, PermissionDeniedError)):
            return _fail(stderr, str(error))
        if isinstance(error, NotFoundError):
            # Its default advice is about integrations; a catalog that is not found is a wrong
            # base URL.
            error.action = endpoint_settings(settings)
            return _fail(stderr, str(error))
        return _fail(stderr, f"{str(error).rstrip('.')}; {endpoint_settings(settings)}")

    shown = select(catalog, match=args.match, eventbridge_only=args.eventbridge_only)
    if args.json:
        json.dump([as_json(topic) for topic in shown], stdout, indent=2)
        stdout.write("\n")
        return 0
    if shown:
        rows = [
            # Server text: no escape sequence may reach the terminal, no secret the screen.
            (
                sanitize(topic.id),
                "yes" if topic.eventbridge_available else "no",
                sanitize(topic.description or ""),
            )
            for topic in shown
        ]
        width = terminal_width(stdout, environ)
        for line in render_table(HEADERS, rows, width=width):
            stdout.write(line + "\n")
    stdout.write(summary_line(shown, len(catalog)) + "\n")
    return 0
