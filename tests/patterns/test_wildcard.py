"""Wildcard matching: linear in the value's length, and the same answers as a regex would give."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genesys_eventbridge.components.patterns import matches, validate_pattern
from genesys_eventbridge.components.patterns.wildcard import wildcard_syntax_error


def wildcard_matches(wildcard: str, value: str) -> bool:
    """The matcher as a rule uses it."""
    return matches({"text": [{"wildcard": wildcard}]}, {"text": value})


def _timed_match(wildcard: str, value: str) -> tuple[bool, float]:
    pattern = {"detail": {"text": [{"wildcard": wildcard}]}}
    validate_pattern(pattern, rule="stars")  # accepted: only the matching could be slow
    started = time.perf_counter()
    matched = matches(pattern, {"detail": {"text": value}})
    return matched, time.perf_counter() - started


@pytest.mark.timeout(30)  # a backtracking matcher would run for hours: fail, do not hang
def test_many_stars_on_a_long_value_match_in_milliseconds() -> None:
    # `*a*a...*b` against `aaa...`: a backtracking regex tries every split (8 stars on 40
    # characters took seconds); scanning piece by piece does not.
    ten, elapsed_ten = _timed_match("*a" * 9 + "*b", "a" * 40)
    hundred, elapsed_hundred = _timed_match("*a" * 99 + "*b", "a" * 10_000)
    hit, elapsed_hit = _timed_match("*a" * 99 + "*b", "a" * 10_000 + "b")
    print(
        f"\n10 stars / 40 chars: {elapsed_ten * 1000:.2f} ms;"
        f" 100 stars / 10 KB: {elapsed_hundred * 1000:.2f} ms (no match),"
        f" {elapsed_hit * 1000:.2f} ms (match)"
    )
    assert (ten, hundred, hit) == (False, False, True)
    assert max(elapsed_ten, elapsed_hundred, elapsed_hit) < 0.05


def _reference(wildcard: str, value: str) -> bool:
    pieces = []
    i = 0
    while i < len(wildcard):
        if wildcard[i] == "\\":
            pieces.append(re.escape(wildcard[i + 1]))
            i += 2
        else:
            pieces.append(".*" if wildcard[i] == "*" else re.escape(wildcard[i]))
            i += 1
    return re.fullmatch("".join(pieces), value, re.DOTALL) is not None


WILDCARDS = st.text(alphabet="ab*\\\n", max_size=8).filter(
    lambda s: wildcard_syntax_error(s) is None
)


@given(WILDCARDS, st.text(alphabet="ab*\\\n", max_size=10))
def test_wildcard_matches_agrees_with_a_regex_on_small_inputs(wildcard: str, value: str) -> None:
    assert wildcard_matches(wildcard, value) == _reference(wildcard, value)


def test_escapes_and_anchors() -> None:
    assert wildcard_matches("dir/*.png", "dir/a/b.png")
    assert not wildcard_matches("dir/*.png", "dir/a.png.txt")
    assert wildcard_matches("a*a", "aa") and not wildcard_matches("a*a", "a")
    assert wildcard_matches("\\*x*", "*xyz") and not wildcard_matches("\\*x*", "axyz")
    assert wildcard_matches("a\\\\b", "a\\b")
    assert wildcard_matches("*", "") and wildcard_matches("", "") and not wildcard_matches("", "x")
