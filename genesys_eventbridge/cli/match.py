"""`python -m genesys_eventbridge match`: which rule matches which sample event, and why not."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from genesys_eventbridge.cli.environment import SUBSCRIPTIONS_KEY
from genesys_eventbridge.cli.parser import (
    CommandParser,
    command_parser,
    returns_parser_exit,
)
from genesys_eventbridge.components.nesting import nests_deeper_than, too_deep_problem
from genesys_eventbridge.components.patterns import Mismatch, PatternError, build_pattern, explain
from genesys_eventbridge.provider.genesys.errors import strip_controls

NAME = "match"
SUMMARY = (
    "Show which rule of the stack (or one given rule) matches which sample event, and why not."
)
INLINE_RULE = "inline"
# Stands in for the event source in patterns: every event on a subscription's bus comes from its
# own source, so the source is never what tells the rules of one bus apart.
_ANY_SOURCE = "aws.partner/genesys.com/cloud/any/any"


class UsageError(Exception):
    """Bad input to the command (a file, the stack config, a rule): str() says what and the fix."""


@dataclass(frozen=True)
class Rule:
    """One rule to try: its display name and its event pattern (without the source pin)."""

    name: str
    pattern: Mapping[str, Any]


@dataclass(frozen=True)
class Event:
    """One sample event and where it came from."""

    label: str
    body: Mapping[str, Any]


def _parser(stdout: TextIO, stderr: TextIO) -> CommandParser:
    parser = command_parser(
        NAME,
        (
            f"{SUMMARY} Each rule's event pattern is built as the component builds it (its topics"
            " pinned in detail-type, its filter policy); the event source is not compared, since"
            " every event on a subscription's bus comes from its own source. For a miss, the first"
            " field that did not match is shown with the event's value and what the rule wants."
            " Exit status: 0 when every event matches some rule, 1 when one matches none, 2 for"
            " bad input."
        ),
        stdout=stdout,
        stderr=stderr,
    )
    parser.add_argument(
        "events",
        nargs="+",
        metavar="EVENT.json",
        help="a file holding one EventBridge event, or a JSON array of events",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--stack",
        metavar="NAME",
        help=(
            f"the rules of every subscription in Pulumi.NAME.yaml ({SUBSCRIPTIONS_KEY}), read"
            " from the project directory (--cwd); the default when there is exactly one stack file"
        ),
    )
    source.add_argument(
        "--config-file",
        metavar="FILE",
        help=f"the rules of every subscription in this stack file ({SUBSCRIPTIONS_KEY})",
    )
    source.add_argument(
        "--filter-policy",
        metavar="JSON",
        help=(
            "one rule, given inline: a filter policy as JSON, e.g."
            ' \'{"detail.eventBody.queueId": [{"prefix": "9e8d"}]}\'; its topics are --topic'
        ),
    )
    parser.add_argument(
        "--topic",
        action="append",
        metavar="TOPIC",
        help=(
            "with --filter-policy: a topic template the rule covers (repeatable); default: the"
            " detail-type of each event, i.e. any topic"
        ),
    )
    parser.add_argument(
        "--cwd", metavar="DIR", default=".", help="the Pulumi project directory (default: .)"
    )
    parser.add_argument(
        "--subscription",
        metavar="NAME",
        help="only the rules of this subscription (with --stack or --config-file)",
    )
    return parser


@returns_parser_exit
def run(argv: Sequence[str], *, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]) -> int:
    """Run the command; see `python -m genesys_eventbridge match --help`."""
    parser = _parser(stdout, stderr)
    args = parser.parse_args(list(argv))
    if args.topic and args.filter_policy is None:
        parser.error("--topic needs --filter-policy")
    try:
        events = [event for path in args.events for event in _events(Path(path))]
        rules = _rules(args, events)
    except UsageError as err:
        stderr.write(f"error: {strip_controls(str(err))}\n")
        return 2
    unmatched = 0
    width = max(len(rule.name) for rule in rules)
    for event in events:
        # Event text is anyone's: escape sequences in it must not drive the reader's terminal.
        stdout.write(strip_controls(f"{event.label}  ({event.body.get('detail-type')})") + "\n")
        hits = 0
        for rule in rules:
            miss = explain(rule.pattern, event.body)
            if miss is None:
                hits += 1
                stdout.write(strip_controls(f"  {rule.name:<{width}}  match") + "\n")
            else:
                line = f"  {rule.name:<{width}}  miss   {_reason(miss)}"
                stdout.write(strip_controls(line) + "\n")
        if hits == 0:
            unmatched += 1
    stdout.write(
        f"{len(events) - unmatched} of {len(events)} event(s) matched a rule;"
        f" {len(rules)} rule(s) tried\n"
    )
    return 1 if unmatched else 0


def _reason(miss: Mismatch) -> str:
    if miss.field == "detail-type":
        # The event's topic heads its block already.
        topics = ", ".join(json.dumps(t) for t in miss.matchers)
        return f"detail-type: the event's topic is not one of the rule's topics ({topics})"
    return miss.reason


def _events(path: Path) -> Iterator[Event]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise UsageError(
            f"{path} is not JSON ({err}); give files holding EventBridge events"
        ) from None
    except RecursionError:
        raise UsageError(too_deep_problem(str(path))) from None
    if nests_deeper_than(data):
        raise UsageError(too_deep_problem(str(path)))
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        label = str(path) if not isinstance(data, list) else f"{path}[{index}]"
        if not isinstance(item, dict):
            raise UsageError(f"{label} is not a JSON object (an EventBridge event)")
        yield Event(label, item)


def _rules(args: Any, events: Sequence[Event]) -> list[Rule]:
    if args.filter_policy is not None:
        return [_inline_rule(args.filter_policy, args.topic, events)]
    path = Path(args.config_file) if args.config_file else _stack_file(args.stack, Path(args.cwd))
    rules = _stack_rules(path, args.subscription)
    if not rules:
        raise UsageError(f"{path}: no subscription named {args.subscription!r}")
    return rules


def _inline_rule(text: str, topics: Sequence[str] | None, events: Sequence[Event]) -> Rule:
    try:
        policy = json.loads(text)
    except ValueError as err:
        raise UsageError(f"--filter-policy is not JSON ({err})") from None
    except RecursionError:
        raise UsageError(too_deep_problem("--filter-policy")) from None
    if not topics:
        # Any topic: the detail-types of the events themselves.
        topics = list(dict.fromkeys(str(e.body.get("detail-type")) for e in events))
    try:
        pattern = build_pattern(
            rule=INLINE_RULE, source=_ANY_SOURCE, detail_types=topics, filter_policy=policy
        )
    except PatternError as err:
        raise UsageError(str(err)) from None
    return Rule(INLINE_RULE, _without_source(pattern))


def _stack_file(stack: str | None, cwd: Path) -> Path:
    if stack is not None:
        path = cwd / f"Pulumi.{stack}.yaml"
        if not path.is_file():
            raise UsageError(
                f"no stack file {path}; check the stack name (`pulumi stack ls`) and --cwd"
            )
        return path
    found = sorted(p for p in cwd.glob("Pulumi.*.yaml") if p.name != "Pulumi.example.yaml")
    if len(found) != 1:
        names = ", ".join(p.name for p in found) or "none"
        raise UsageError(
            f"say which rules to try: --stack NAME, --config-file FILE or --filter-policy JSON"
            f" (stack files in {cwd}: {names})"
        )
    return found[0]


def _stack_rules(path: Path, only: str | None) -> list[Rule]:
    # The stack program's own loaders: the same validation, errors with their config paths.
    import yaml  # pulumi's own dependency: the stack files are YAML

    from genesys_eventbridge.cli.yaml_errors import yaml_problem
    from genesys_eventbridge.components.event_source import placeholder_source
    from genesys_eventbridge.components.plan import plan_subscription
    from genesys_eventbridge.components.stack_config import StackConfigError, parse_subscriptions

    text: str | None = None
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.safe_load(text) or {}
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise UsageError(yaml_problem(path, err, text)) from None
    except RecursionError:
        raise UsageError(too_deep_problem(str(path))) from None
    config = document.get("config") if isinstance(document, dict) else None
    raw = config.get(SUBSCRIPTIONS_KEY) if isinstance(config, dict) else None
    if isinstance(raw, dict) and "value" in raw:
        raw = raw["value"]  # the `key: {value: ...}` form Pulumi also accepts
    try:
        # Only the rules matter here: an HTTPS target's credential is not this command's business.
        entries = parse_subscriptions(raw, check_credentials=False)
    except StackConfigError as err:
        raise UsageError(f"{path}: {SUBSCRIPTIONS_KEY}: {err}") from None
    rules = []
    for entry in entries:
        if only is not None and entry.name != only:
            continue
        plan = plan_subscription(entry.name, entry.to_args(), region=entry.aws_region)
        source = placeholder_source(plan.event_source_suffix)
        rules += [
            Rule(f"{entry.name}/{rule.name}", _without_source(rule.pattern(source)))
            for rule in plan.rules
        ]
    return rules


def _without_source(pattern: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in pattern.items() if key != "source"}
