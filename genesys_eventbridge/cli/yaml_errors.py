"""A stack file that is not YAML, said so a user can fix it: where, what, and the usual cause."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# A `{` inside a flow list (`topics: [v2.users.{id}.presence]`) starts a YAML mapping there.
_FLOW_BRACE = (
    "a `{` inside `[...]` starts a YAML mapping: quote each item, e.g."
    ' topics: ["v2.users.{id}.presence"], or write the list one `- item` a line'
)


def yaml_problem(path: Path, error: Exception, text: str | None = None) -> str:
    """`<path>, line L column C: <the parser's problem>; <the likely fix>`, on one line."""
    mark: Any = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return f"{path} is not valid YAML: {' '.join(str(error).split())}"
    where = f"{path}, line {mark.line + 1} column {mark.column + 1}"
    line = text.splitlines()[mark.line] if text and mark.line < len(text.splitlines()) else ""
    hint = ""
    if "[" in line and "{" in line and "'{" not in line and '"{' not in line:
        hint = f"; {_FLOW_BRACE}"
    return f"{where} is not valid YAML: {' '.join(str(problem).split())}{hint}"
