"""No pattern in the package ends in a bare `$`: with `match` or `search` it accepts a trailing
newline ("cc-prod\\n"), which then fails later at AWS or Genesys. A whole value is checked with
`fullmatch` (or `\\Z`); this scans every regex literal given to the `re` module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "genesys_eventbridge"
RE_FUNCTIONS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall"}


def _patterns(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id == "re"):
            continue
        if node.func.attr not in RE_FUNCTIONS or not node.args:
            continue
        first = node.args[0]
        parts = first.values if isinstance(first, ast.JoinedStr) else [first]
        text = "".join(
            p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
        )
        found.append((node.lineno, text))
    return found


def _ends_in_bare_dollar(pattern: str) -> bool:
    # An unescaped `$` at the end (an even number of backslashes before it), outside multiline.
    match = re.search(r"(\\*)\$\)*\Z", pattern)
    return match is not None and len(match.group(1)) % 2 == 0 and "(?m" not in pattern


def test_no_pattern_relies_on_a_bare_dollar() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {pattern!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, pattern in _patterns(ast.parse(path.read_text(encoding="utf-8")))
        if _ends_in_bare_dollar(pattern)
    ]
    assert offenders == [], "use fullmatch or \\Z:\n" + "\n".join(offenders)


def test_the_scan_sees_an_anchored_pattern() -> None:
    tree = ast.parse('import re\nNAME = re.compile(r"^[a-z]+$")\nre.match(f"^{x}x$", y)\n')
    assert [_ends_in_bare_dollar(p) for _, p in _patterns(tree)] == [True, True]
    assert not _ends_in_bare_dollar(r"[a-z]+\Z") and not _ends_in_bare_dollar(r"cost\$")


def test_an_input_path_name_with_a_trailing_newline_is_refused() -> None:
    import pytest

    from genesys_eventbridge.components.limits import SubscriptionArgsError
    from genesys_eventbridge.components.targets.args import InputTransformerArgs, SqsTarget
    from genesys_eventbridge.components.targets.checks import check_target

    transformer = InputTransformerArgs(input_paths={"id\n": "$.id"}, input_template="<id>")
    with pytest.raises(SubscriptionArgsError, match="input_paths"):
        check_target(
            SqsTarget(input_transformer=transformer), rule="r", field="t", region="us-east-1"
        )
