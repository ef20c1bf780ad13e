"""A local event-pattern matcher with EventBridge's semantics (for tests and previews).

Semantics, from AWS's docs and Event Ruler (the library EventBridge uses):
- every field of the pattern must match (AND); a field's array of matchers is an OR;
- when the event value is an array, the field matches if any element matches; nested arrays are
  crushed, and arrays of objects are searched element by element: all fields of one nested
  pattern object must match within the same array element (Ruler's "array-consistent" matching);
- only leaf values (strings, numbers, booleans, null) are matched; an object, a missing field or an
  empty array give no values, so only `{"exists": false}` matches them;
- exact values are typed: "5" is not 5, true is not 1, null is not ""; numbers compare by value
  (300 == 3.0e2); an exact string that is an IP address also matches other spellings of it;
- prefix/suffix/equals-ignore-case/wildcard/cidr match strings only; numeric matches numbers in
  EventBridge's range [-5e9, 5e9] only (a millisecond epoch never matches a numeric range);
- anything-but matches any present value (of any type) that is not excluded, never a missing one.
- equals-ignore-case (alone, under prefix/suffix, or under anything-but) follows Event Ruler's
  EqualsIgnoreCaseParser: the event value is not case-mapped; each UTF-16 unit of the pattern
  matches either its own lower-case or its own upper-case form (Java's String.toLowerCase and
  toUpperCase in Locale.ROOT). So a mapping that is not one-to-one matches only those two forms:
  "ß" matches "ß" and "SS" (not "ss"), "ﬁ" matches "ﬁ" and "FI" (not "fi"), "İ" matches "İ" and
  "i̇" (i + combining dot, not "i"), while "SS" never matches "ß". A character beyond the BMP is
  two UTF-16 surrogates, each of which Java encodes as "?", so it matches the text "??".
Known approximation: EventBridge compares numbers to 6 decimal places.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .validate import NUMERIC_LIMIT, is_number, validate_pattern
from .wildcard import wildcard_matches

_MISSING = object()
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Mismatch:
    """Why an event does not match a pattern: the first field that did not match."""

    field: str
    """The dotted path of the field (ending in `$or` when no alternative matched)."""
    matchers: Any
    """The pattern's matchers for the field (for `$or`: the alternatives' mismatches)."""
    values: tuple[Any, ...]
    """The event's values at the field (array elements flattened; empty when absent)."""

    @property
    def reason(self) -> str:
        """The mismatch as a sentence: the field, what the event has, what the rule wants."""
        if self.field.endswith("$or"):
            alternatives = "; ".join(
                f"({i}) {miss.reason}" for i, miss in enumerate(self.matchers, start=1)
            )
            return f"{self.field}: no alternative matches: {alternatives}"
        wants = _json(self.matchers)
        if not self.values:
            return f"{self.field}: the event has no value there, and the rule wants {wants}"
        has = ", ".join(_json(value) for value in self.values)
        return f"{self.field}: the event has {has}, and the rule wants {wants}"


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """True if EventBridge would deliver `event` to a rule with `pattern` (validated first)."""
    return explain(pattern, event) is None


def explain(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> Mismatch | None:
    """None if EventBridge would deliver `event` to a rule with `pattern` (validated first),
    else the first field, in the pattern's order, that did not match."""
    validate_pattern(pattern, rule="(local match)")
    return _mismatch(pattern, event, "")


def _match_object(pattern: Mapping[str, Any], node: Any) -> bool:
    return _mismatch(pattern, node, "") is None


def _mismatch(pattern: Mapping[str, Any], node: Any, where: str) -> Mismatch | None:
    obj: Mapping[str, Any] = node if isinstance(node, Mapping) else {}
    for key, sub in pattern.items():
        if key == "$or":
            misses = []
            for branch in sub:
                miss = _mismatch(branch, obj, where)
                if miss is None:
                    break
                misses.append(miss)
            else:
                return Mismatch(f"{where}$or", tuple(misses), ())
            continue
        value = obj.get(key, _MISSING)
        path = f"{where}{key}"
        if isinstance(sub, Mapping):
            # An absent or scalar parent still lets {"exists": false} below it match.
            candidates = _objects(value) or [{}]
            first: Mismatch | None = None
            for candidate in candidates:
                miss = _mismatch(sub, candidate, f"{path}.")
                if miss is None:
                    break
                first = first or miss
            else:
                return first
        else:
            values = _leaf_values(value)
            if not _match_field(sub, values):
                return Mismatch(path, sub, tuple(values))
    return None


def _objects(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [obj for item in value for obj in _objects(item)]
    return []


def _leaf_values(value: Any) -> list[Any]:
    if value is _MISSING or isinstance(value, Mapping):
        return []
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaf_values(item)]
    return [value]


def _match_field(matchers: Sequence[Any], values: list[Any]) -> bool:
    for matcher in matchers:
        if isinstance(matcher, Mapping):
            ((name, arg),) = matcher.items()
            if name == "exists":
                if bool(values) == arg:
                    return True
                continue
            test = _OPERATORS[name]
            if any(test(arg, value) for value in values):
                return True
        elif any(_exact(matcher, value) for value in values):
            return True
    return False


def _same_value(expected: Any, value: Any) -> bool:
    """JSON equality with types kept apart (Python alone says True == 1)."""
    if expected is None:
        return value is None
    if isinstance(expected, bool):
        return isinstance(value, bool) and value == expected
    if is_number(expected):
        return is_number(value) and value == expected
    return isinstance(value, str) and value == expected


def _exact(expected: Any, value: Any) -> bool:
    if _same_value(expected, value):
        return True
    # Event Ruler turns an exact IP-address string into an address range, so "::1" matches
    # "0:0:0:0:0:0:0:1".
    if isinstance(expected, str) and isinstance(value, str):
        wanted, got = _as_ip(expected), _as_ip(value)
        return wanted is not None and wanted == got
    return False


@functools.lru_cache(maxsize=4096)
def _as_ip(text: str) -> _IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=256)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text)


def _case_forms(char: str) -> list[str]:
    """The texts one pattern character matches under equals-ignore-case (Event Ruler's rule)."""
    if ord(char) > 0xFFFF:
        # Two UTF-16 surrogates, each encoded by Java's String.getBytes(UTF_8) as "?".
        return ["??"]
    # Python's full case mappings are Java's Locale.ROOT ones (SpecialCasing, unconditional).
    return list(dict.fromkeys((char.lower(), char.upper())))


@functools.lru_cache(maxsize=1024)
def ignore_case_regex(text: str) -> re.Pattern[str]:
    """A regex for the texts an equals-ignore-case `text` matches (use fullmatch, match, search)."""
    parts = []
    for char in text:
        forms = _case_forms(char)
        escaped = [re.escape(form) for form in forms]
        parts.append(escaped[0] if len(escaped) == 1 else f"(?:{'|'.join(escaped)})")
    return re.compile("".join(parts), re.DOTALL)


@functools.lru_cache(maxsize=1024)
def _ignore_case_suffix_regex(text: str) -> re.Pattern[str]:
    return re.compile(f"(?:{ignore_case_regex(text).pattern})\\Z", re.DOTALL)


def _prefix(arg: Any, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(arg, Mapping):
        return ignore_case_regex(arg["equals-ignore-case"]).match(value) is not None
    return value.startswith(arg)


def _suffix(arg: Any, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(arg, Mapping):
        return _ignore_case_suffix_regex(arg["equals-ignore-case"]).search(value) is not None
    return value.endswith(arg)


def _equals_ignore_case(arg: Any, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    candidates = arg if isinstance(arg, list | tuple) else [arg]
    return any(ignore_case_regex(c).fullmatch(value) is not None for c in candidates)


def _wildcard(arg: Any, value: Any) -> bool:
    return isinstance(value, str) and wildcard_matches(arg, value)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _numeric(arg: Any, value: Any) -> bool:
    if not is_number(value) or not -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
        return False
    return all(_COMPARE[arg[i]](value, arg[i + 1]) for i in range(0, len(arg), 2))


def _cidr(arg: Any, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    address = _as_ip(value)
    network = _network(arg)
    return address is not None and address.version == network.version and address in network


_NESTED_UNDER_ANYTHING_BUT: dict[str, Callable[[Any, Any], bool]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _equals_ignore_case,
    "wildcard": _wildcard,
}


def _anything_but(arg: Any, value: Any) -> bool:
    if isinstance(arg, Mapping):
        ((name, inner),) = arg.items()
        return not _NESTED_UNDER_ANYTHING_BUT[name](inner, value)
    excluded = arg if isinstance(arg, list | tuple) else [arg]
    return not any(_same_value(item, value) for item in excluded)


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "anything-but": _anything_but,
    "cidr": _cidr,
    "numeric": _numeric,
    **_NESTED_UNDER_ANYTHING_BUT,
}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
