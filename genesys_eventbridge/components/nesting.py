"""How deeply a value from config or a file nests lists and objects, found without recursing.

Deeply nested input (a runaway YAML anchor, a generated file) must fail with a message naming
where it is, not with a RecursionError traceback from whichever walk reaches the bottom first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 64
"""Levels of lists and objects any input may nest; real filter policies and events use < 15."""


def nests_deeper_than(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests lists, tuples and mappings more than `limit` levels deep."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            children: Any = node.values()
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def too_deep_problem(what: str, limit: int = MAX_DEPTH) -> str:
    """The message for input nested past `limit`."""
    return (
        f"{what} nests lists and objects more than {limit} levels deep; nothing here needs that"
        " many: look for a runaway nesting (e.g. a YAML anchor that includes itself)"
    )
