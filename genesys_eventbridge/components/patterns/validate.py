"""Validation of EventBridge event patterns, following AWS's documented grammar.

Sources: "Content filtering in Amazon EventBridge event patterns" and "Comparison operators for
use in event patterns" (AWS docs), and Event Ruler (github.com/aws/event-ruler), the matching
library behind EventBridge, for the finer points: numeric limits, wildcard syntax, CIDR masks,
anything-but argument types and "$or" rules. Where this is stricter than AWS might be, it says why.
"""

from __future__ import annotations

import decimal
import ipaddress
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from .errors import PatternError
from .wildcard import wildcard_syntax_error

KNOWN_OPERATORS: tuple[str, ...] = (
    "anything-but",
    "cidr",
    "equals-ignore-case",
    "exists",
    "numeric",
    "prefix",
    "suffix",
    "wildcard",
)
"""Operators accepted inside a field's array of matchers."""

NUMERIC_LIMIT = 5_000_000_000
"""Event Ruler compares numbers in [-5e9, 5e9] only (ComparableNumber)."""

NUMERIC_DECIMALS = 6
"""Event Ruler compares numbers to 6 digits right of the decimal point and rejects more."""

LOWER_BOUNDS = (">", ">=")
UPPER_BOUNDS = ("<", "<=")
NUMERIC_OPERATORS = ("<", "<=", "=", ">", ">=")
ANYTHING_BUT_NESTED = ("equals-ignore-case", "prefix", "suffix", "wildcard")

_OPERATOR_LIST = ", ".join(KNOWN_OPERATORS)


def is_number(value: object) -> bool:
    """True for JSON numbers (int/float), false for booleans, which Python counts as ints."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def dotted(path: Sequence[str]) -> str:
    """The user-facing name of a field path."""
    return ".".join(path)


def validate_pattern(pattern: Mapping[str, Any], *, rule: str) -> None:
    """Raise PatternError unless `pattern` is an event pattern EventBridge accepts."""
    if not isinstance(pattern, Mapping):
        raise PatternError(
            rule, None, f"must be a JSON object, not {type(pattern).__name__}; write {{...}}"
        )
    if not pattern:
        raise PatternError(rule, None, "is empty; give it at least one field")
    _check_object(pattern, [], rule, in_or=False)


def _fail(rule: str, path: Sequence[str], reason: str) -> NoReturn:
    raise PatternError(rule, dotted(path) or None, reason)


def _check_object(obj: Mapping[Any, Any], path: list[str], rule: str, *, in_or: bool) -> None:
    if not obj:
        _fail(rule, path, "is an empty object, which EventBridge rejects; remove it or add fields")
    for key, value in obj.items():
        if not isinstance(key, str):
            _fail(rule, path, f"has a non-string key {key!r}; JSON object keys are strings")
        if key == "$or":
            _check_or(value, path, rule)
            continue
        field = [*path, key]
        is_container = isinstance(value, Mapping | list | tuple)
        if key in KNOWN_OPERATORS and path and not is_container:
            # {"queueId": {"prefix": "x"}}: an operator placed directly on the field.
            _fail(
                rule,
                path,
                f"puts the {key!r} operator directly on the field; operators go inside the "
                f"array of matchers: write {_json([dict(obj)])}",
            )
        if in_or and key in KNOWN_OPERATORS:
            _fail(
                rule,
                field,
                f'uses the operator name {key!r} as a field name inside "$or", which '
                "EventBridge reserves; put operators inside a field's array, e.g. "
                f'"state": [{{"{key}": ...}}]',
            )
        if isinstance(value, Mapping):
            _check_object(value, field, rule, in_or=in_or)
        elif isinstance(value, list | tuple):
            _check_matchers(value, field, rule)
        else:
            _fail(
                rule,
                field,
                f"must be an array of matchers or an object; write {_json([value])} instead of "
                f"{_json(value)}",
            )


def _check_or(value: Any, path: list[str], rule: str) -> None:
    field = [*path, "$or"]
    if not isinstance(value, list | tuple) or len(value) < 2:
        _fail(
            rule,
            field,
            'must be an array of at least 2 objects, e.g. "$or": [{"a": ["x"]}, {"b": ["y"]}]; '
            'with one alternative, drop the "$or" and use its fields directly',
        )
    for index, branch in enumerate(value):
        branch_path = [*path, f"$or[{index}]"]
        if not isinstance(branch, Mapping):
            _fail(
                rule,
                branch_path,
                f'must be an object of fields, not {_json(branch)}; each "$or" alternative is '
                'a pattern such as {"detail": {"state": ["x"]}}',
            )
        _check_object(branch, branch_path, rule, in_or=True)


def _check_matchers(values: Sequence[Any], path: list[str], rule: str) -> None:
    if not values:
        _fail(
            rule,
            path,
            "is an empty array, which EventBridge rejects; list at least one value, or use "
            '[{"exists": false}] to match events without the field',
        )
    for matcher in values:
        if matcher is None or isinstance(matcher, str | bool):
            continue
        if is_number(matcher):
            if not math.isfinite(matcher):
                _fail(rule, path, f"contains {matcher!r}, which is not a JSON number")
            continue
        if isinstance(matcher, Mapping):
            _check_operator(matcher, path, rule)
            continue
        if isinstance(matcher, list | tuple):
            _fail(
                rule,
                path,
                f"contains a nested array {_json(matcher)}; list the values directly, e.g. "
                f"{_json(list(matcher))}",
            )
        _fail(
            rule,
            path,
            f"contains a {type(matcher).__name__}, which is not a JSON value; use strings, "
            "numbers, true/false, null or operator objects",
        )


def _check_operator(matcher: Mapping[Any, Any], path: list[str], rule: str) -> None:
    if len(matcher) != 1:
        _fail(
            rule,
            path,
            f"has an operator object with {len(matcher)} keys ({_json(dict(matcher))}); each "
            "object holds exactly one operator: put each in its own array item",
        )
    ((name, arg),) = matcher.items()
    if name not in KNOWN_OPERATORS:
        _fail(rule, path, f"uses unknown operator {name!r}; known operators are: {_OPERATOR_LIST}")
    reason = _operator_error(name, arg)
    if reason:
        _fail(rule, path, reason)


def _operator_error(name: str, arg: Any) -> str | None:
    """Why `{name: arg}` is malformed, or None."""
    if name in ("prefix", "suffix"):
        if isinstance(arg, str):
            return None
        if isinstance(arg, Mapping) and list(arg) == ["equals-ignore-case"]:
            if isinstance(arg["equals-ignore-case"], str):
                return None
        return (
            f'uses "{name}" with {_json(arg)}; it takes a string, e.g. {{"{name}": "abc"}} or '
            f'{{"{name}": {{"equals-ignore-case": "abc"}}}}'
        )
    if name == "equals-ignore-case":
        if isinstance(arg, str):
            return None
        return f'uses "equals-ignore-case" with {_json(arg)}; it takes a string, e.g. "alice"'
    if name == "wildcard":
        if not isinstance(arg, str):
            return f'uses "wildcard" with {_json(arg)}; it takes a string, e.g. "dir/*.png"'
        problem = wildcard_syntax_error(arg)
        return f"has a wildcard that {problem}" if problem else None
    if name == "exists":
        if isinstance(arg, bool):
            return None
        return f'uses "exists" with {_json(arg)}; it takes true or false, e.g. {{"exists": true}}'
    if name == "cidr":
        return _cidr_error(arg)
    if name == "numeric":
        return _numeric_error(arg)
    return _anything_but_error(arg)


def _number_error(value: Any) -> str | None:
    if not is_number(value) or not math.isfinite(value):
        return f"{_json(value)} is not a number"
    if abs(value) > NUMERIC_LIMIT:
        return f"{value!r} is outside EventBridge's numeric range of -5e9 to 5e9"
    exponent = decimal.Decimal(repr(value)).normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -NUMERIC_DECIMALS:
        return f"{value!r} has more than {NUMERIC_DECIMALS} digits after the decimal point"
    return None


def _numeric_error(arg: Any) -> str | None:
    example = 'e.g. {"numeric": [">", 0, "<=", 5]} or {"numeric": ["=", 3]}'
    if not isinstance(arg, list | tuple) or len(arg) not in (2, 4):
        return f'uses "numeric" with {_json(arg)}; it takes 2 or 4 items, {example}'
    for position in range(0, len(arg), 2):
        operator, number = arg[position], arg[position + 1]
        if operator not in NUMERIC_OPERATORS:
            return (
                f'uses "numeric" with {_json(arg)}: {_json(operator)} is not one of '
                f"<, <=, =, >, >=; {example}"
            )
        problem = _number_error(number)
        if problem:
            return f'uses "numeric" with {_json(arg)}: {problem}; {example}'
    if len(arg) == 4:
        if arg[0] not in LOWER_BOUNDS or arg[2] not in UPPER_BOUNDS:
            return (
                f'uses "numeric" with {_json(arg)}; a range gives the lower bound (> or >=) '
                f"first and the upper bound (< or <=) second, {example}"
            )
        if not arg[1] < arg[3]:
            return (
                f'uses "numeric" with {_json(arg)}, an empty range; the lower bound must be '
                "below the upper bound"
            )
    return None


def _cidr_error(arg: Any) -> str | None:
    example = 'e.g. {"cidr": "10.0.0.0/24"}'
    if not isinstance(arg, str):
        return f'uses "cidr" with {_json(arg)}; it takes a string, {example}'
    address, _, mask = arg.partition("/")
    if not (mask.isascii() and mask.isdigit()):
        # Event Ruler wants integer mask bits ("/24"), not a netmask or nothing.
        return f'uses "cidr" with {arg!r}, which has no integer /mask; {example}'
    try:
        network = ipaddress.ip_network(arg, strict=False)
    except ValueError:
        return f'uses "cidr" with {arg!r}, which is not an IPv4 or IPv6 network; {example}'
    try:
        ipaddress.ip_network(arg)
    except ValueError:
        # Event Ruler starts the range at the given address, not at the network address.
        return (
            f'uses "cidr" with {arg!r}, which has host bits set; write the network address '
            f"{str(network)!r}"
        )
    if network.prefixlen == network.max_prefixlen:
        # Event Ruler rejects /32 (IPv4) and /128 (IPv6) masks.
        return (
            f'uses "cidr" with {arg!r}, a single address, which EventBridge rejects as a CIDR; '
            f"match it exactly instead: {_json(address)}"
        )
    return None


def _anything_but_error(arg: Any) -> str | None:
    usage = (
        "it takes a string, a number, a list of only strings or only numbers, or one of "
        '{"prefix": "x"}, {"suffix": "x"}, {"equals-ignore-case": "x"}, {"wildcard": "x*"}'
    )
    if isinstance(arg, str):
        return None
    if is_number(arg):
        problem = _number_error(arg)
        return f'uses "anything-but" with {problem}' if problem else None
    if isinstance(arg, list | tuple):
        if arg and all(isinstance(item, str) for item in arg):
            return None
        if arg and all(is_number(item) for item in arg):
            for item in arg:
                problem = _number_error(item)
                if problem:
                    return f'uses "anything-but" with {problem}'
            return None
        return f'uses "anything-but" with {_json(arg)}; {usage}'
    if isinstance(arg, Mapping) and len(arg) == 1:
        ((name, inner),) = arg.items()
        if name in ("prefix", "suffix") and isinstance(inner, str) and inner:
            return None
        if name == "equals-ignore-case":
            if isinstance(inner, str):
                return None
            if isinstance(inner, list | tuple) and inner and all(isinstance(i, str) for i in inner):
                return None
        if name == "wildcard" and isinstance(inner, str):
            problem = wildcard_syntax_error(inner)
            return f"has an anything-but wildcard that {problem}" if problem else None
    return f'uses "anything-but" with {_json(arg)}; {usage}'


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)
