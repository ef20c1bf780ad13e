"""Fields' docstrings in their class's own docstring, so `help()` and editors show them.

Python keeps no docstring written under a dataclass field: the source has it, `help()` does not.
`documented` reads them from the class's source once, at import, and appends one entry per field
(name, type, default, docstring) to the class's docstring.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

# A field of a class body (four spaces in) and the docstring line that may follow it. Read line
# by line rather than with `ast` or `inspect.getsource` (which parses with `ast`): CPython 3.11's
# parser can fail with "AST constructor recursion depth mismatch" while another thread compiles.
_FIELD = re.compile(r"    ([A-Za-z_][A-Za-z0-9_]*)\s*:")
_QUOTES = '"""'


def _class_body(cls: type) -> list[str]:
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines() if path else []
    except OSError:  # no source at hand (e.g. only bytecode shipped)
        return []
    head = re.compile(rf"class {re.escape(cls.__name__)}\b")
    for number, line in enumerate(lines):
        if head.match(line):
            body = []
            for inner in lines[number + 1 :]:
                if inner.strip() and not inner.startswith((" ", "\t")):
                    break
                body.append(inner)
            return body
    return []


def _docstring_at(body: list[str], index: int) -> str | None:
    """The docstring starting at body[index], if one does."""
    first = body[index].strip() if index < len(body) else ""
    if not first.startswith(_QUOTES):
        return None
    text = first[len(_QUOTES) :]
    if _QUOTES in text:
        return inspect.cleandoc(text[: text.index(_QUOTES)])
    parts = [text]
    for line in body[index + 1 :]:
        if _QUOTES in line:
            parts.append(line[: line.index(_QUOTES)])
            break
        parts.append(line)
    return inspect.cleandoc("\n".join(parts))


def field_docstrings(cls: type) -> dict[str, str]:
    """Each field name of `cls` (its own and its bases') -> the docstring written under it."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        body = _class_body(klass)
        for index, line in enumerate(body):
            match = _FIELD.match(line)
            if match is None:
                continue
            after = index + 1
            # A value spread over several lines: its docstring follows the last of them.
            while after < len(body) and (
                body[after].startswith("     ") or body[after].rstrip() == "    )"
            ):
                after += 1
            doc = _docstring_at(body, after)
            if doc is not None:
                found[match.group(1)] = doc
    return found


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        return f" = {field.default!r}"
    if field.default_factory is not dataclasses.MISSING:
        return f" = {getattr(field.default_factory, '__name__', 'a new value')}()"
    return ""


def documented(cls: T) -> T:
    """Append a `Fields:` section to the dataclass `cls`'s docstring: each field's name, type,
    default and docstring."""
    docs = field_docstrings(cls)
    entries = []
    for field in dataclasses.fields(cls):
        if field.name.startswith("_"):
            continue
        entries.append(f"{field.name}: {field.type}{_default(field)}")
        text = docs.get(field.name, "")
        entries.extend(f"    {line}" if line else "" for line in text.splitlines())
    head = inspect.cleandoc(cls.__doc__ or "")
    cls.__doc__ = "\n".join([head, "", "Fields:", "", *(f"    {e}" if e else "" for e in entries)])
    return cls
