"""Every requirement has a floor and a ceiling, so a fresh install (CI on a new machine) gets the
versions the code was checked with, not a new major release."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_bounded_above(name: str) -> None:
    lines = [
        line.split("#", 1)[0].strip()
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
    ]
    requirements = [line for line in lines if line]
    assert requirements
    unbounded = [line for line in requirements if not re.search(r"(<|==|~=)", line)]
    assert unbounded == [], f"{name}: give each an upper bound: {unbounded}"
    floorless = [line for line in requirements if not re.search(r"(>=|==|~=)", line)]
    assert floorless == [], f"{name}: give each the oldest version it needs: {floorless}"
