"""The docs speak to users: no tracker numbers or planning notes that mean nothing to them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted(
    [
        ROOT / "README.md",
        ROOT / "CHANGELOG.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "examples").glob("*/README.md"),
        *(ROOT / "genesys_eventbridge").rglob("*.md"),
    ]
)
# "(issue 9)", "issue #12", "Stop 8": our tracker's words. Upstream references such as
# pulumi/pulumi#16175 name a public thread and stay.
PLANNING = re.compile(r"\bissues? #?\d+|\(#\d+\)|\bstop \d+\b", re.IGNORECASE)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_tracker_numbers_in_the_docs(path: Path) -> None:
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PLANNING.search(line)
    ]
    assert found == []


def test_relative_links_in_the_docs_lead_to_files_that_exist() -> None:
    broken = [
        f"{path.relative_to(ROOT)} -> {target}"
        for path in DOCS
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8"))
        if "://" not in target and not (path.parent / target).exists()
    ]
    assert broken == []
