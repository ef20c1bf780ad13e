"""equals-ignore-case as Event Ruler (EventBridge's matcher) does it, for characters whose case
mapping is not one-to-one: each pattern character matches only its own lower- or upper-case form
(Ruler's EqualsIgnoreCaseParser, Java Locale.ROOT), and the event's text is never case-mapped."""

from __future__ import annotations

from typing import Any

import pytest

from genesys_eventbridge.components.patterns import matches

KELVIN = "\u212a"


def event(value: Any) -> dict[str, Any]:
    return {"detail": {"eventBody": {"name": value}}}


def pattern(matcher: Any) -> dict[str, Any]:
    return {"detail": {"eventBody": {"name": [matcher]}}}


@pytest.mark.parametrize(
    ("wanted", "value", "expected"),
    [
        ("alice", "ALICE", True),
        ("Straße", "STRASSE", True),  # ß upper-cases to SS
        ("Straße", "straße", True),
        ("Straße", "strasse", False),  # ss is neither ß nor SS
        ("Straße", "STRAẞE", False),  # capital sharp s is not ß's upper case in Java
        ("STRASSE", "Straße", False),  # the pattern's S never matches ß
        ("ﬁle", "FILE", True),  # the ligature upper-cases to FI
        ("ﬁle", "ﬁle", True),
        ("ﬁle", "file", False),
        ("İstanbul", "i̇stanbul", True),  # İ lower-cases to i + combining dot above
        ("İstanbul", "istanbul", False),
        ("istanbul", "İSTANBUL", False),  # i's upper case is I, not İ
        ("istanbul", "ISTANBUL", True),
        ("Σ", "σ", True),
        ("σ", "ς", False),  # final sigma is its own lower-case letter
        (KELVIN, "k", True),  # the Kelvin sign lower-cases to k, upper-cases to itself
        (KELVIN, "K", False),
        ("k", KELVIN, False),
        ("😀", "😀", False),  # beyond the BMP: Ruler encodes each surrogate as "?"
        ("😀", "??", True),
    ],
)
def test_equals_ignore_case_follows_event_ruler(wanted: str, value: str, expected: bool) -> None:
    assert matches(pattern({"equals-ignore-case": wanted}), event(value)) is expected


def test_prefix_and_suffix_ignore_case_use_the_same_rule() -> None:
    assert matches(pattern({"prefix": {"equals-ignore-case": "straß"}}), event("STRASSE 5"))
    assert not matches(pattern({"prefix": {"equals-ignore-case": "straß"}}), event("strasse 5"))
    assert matches(pattern({"suffix": {"equals-ignore-case": "ﬁ"}}), event("wi-FI"))
    assert not matches(pattern({"suffix": {"equals-ignore-case": "ﬁ"}}), event("wi-fi"))


def test_anything_but_ignore_case_uses_the_same_rule() -> None:
    but_strasse = pattern({"anything-but": {"equals-ignore-case": ["Straße"]}})
    assert not matches(but_strasse, event("STRASSE"))
    assert matches(but_strasse, event("strasse"))  # not one of Straße's forms, so not excluded
