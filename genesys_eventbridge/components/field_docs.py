"""Fields' docstrings in their class's own docstring, so `help()` and editors show them.

Python keeps no docstring written under a dataclass field: the source has it, `help()` does not.
`documented` reads them from the class's source once, at import, and appends one entry per field
(name, type, default, docstring) to the class's docstring.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from typing import Any, TypeVar

T = TypeVar("T", bound=type)


def field_docstrings(cls: type) -> dict[str, str]:
    """Each field name of `cls` (its own and its bases') -> the docstring written under it."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):  # no source at hand (e.g. only bytecode shipped)
            continue
        [node] = ast.parse(source).body
        assert isinstance(node, ast.ClassDef)
        for field, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                found[field.target.id] = inspect.cleandoc(after.value.value)
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
