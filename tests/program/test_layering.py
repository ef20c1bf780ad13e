"""The package's layers import downwards only, with no import circles, from plain folders.

Read from the code's own imports (every `import` and `from ... import`, at any depth, except
those under `if TYPE_CHECKING:`), so a new import that breaks a rule fails here, naming it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "genesys_eventbridge"
LAYERS = ("testing", "cli", "components", "provider", "emulator")
# What each layer may import of the others: the Genesys side is the base, the AWS side uses it,
# the command line sits on both; the test mocks shipped for users' programs sit on both too, and
# nothing of the package imports them; the emulator stands apart (it judges the client, so it
# must not share its code).
ALLOWED: dict[str, set[str]] = {
    "testing": {"components", "provider"},
    "cli": {"components", "provider"},
    "components": {"provider"},
    "provider": set(),
    "emulator": set(),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imported(module: str, path: Path) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def walk(node: ast.AST) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    yield from walk(other)
                continue
            if isinstance(child, ast.Import):
                yield from (alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    yield full if full in MODULES else base
            yield from walk(child)

    yield from walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))


def _ours(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_ours(name) for name in _imported(module, path)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions() -> None:
    # target_kinds imports its declarers lazily (no pulumi_aws at plan time): still an arrow.
    graph = import_graph()
    assert (
        "genesys_eventbridge.components.lambda_targets"
        in graph["genesys_eventbridge.components.target_kinds"]
    )


def test_no_import_circles() -> None:
    assert circles(import_graph()) == []


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_import_downwards_only(layer: str) -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if _layer(module) == layer
        for target in sorted(targets)
        if _layer(target) not in (None, layer) and _layer(target) not in ALLOWED[layer]
    ]
    assert wrong == []


def test_the_emulator_imports_nothing_of_the_package_outside_itself() -> None:
    outside = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if _layer(module) == "emulator"
        for target in targets
        if _layer(target) != "emulator"
    ]
    assert outside == []


def test_nothing_in_the_package_imports_the_test_mocks() -> None:
    # The mocks are for users' unit tests: a program that deploys must never load them.
    importers = [
        module
        for module, targets in import_graph().items()
        if _layer(module) != "testing" and any(_layer(t) == "testing" for t in targets)
    ]
    assert "genesys_eventbridge.testing" in MODULES
    assert importers == []


def test_the_package_is_plain_folders_and_files() -> None:
    links = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*") if p.is_symlink()]
    assert links == []
    assert all(
        (PACKAGE / layer / "__init__.py").is_file() or (PACKAGE / f"{layer}.py").is_file()
        for layer in LAYERS
    )
