"""One token's pacer on an injected clock: its window, its pause, what the server's headers say."""

from __future__ import annotations

import pytest

from genesys_eventbridge.provider.genesys import pacing

T0 = 1000.0  # an arbitrary monotonic time: every call below passes `now` explicitly


def test_a_full_window_frees_budget_only_once_the_window_and_its_slack_have_passed() -> None:
    pacer = pacing.Pacer()
    pacer.spend(T0)
    pacer.spend(T0 + 0.5)
    frees = T0 + pacing.WINDOW + pacing.WINDOW_SLACK  # the first send leaves the window here
    assert pacer.budget(T0 + 0.5, rate=2) == 0
    assert pacer.budget(frees - 0.01, rate=2) == 0  # still inside the window and its slack
    assert pacer.opens_at(frees - 0.01, rate=2) == frees
    assert pacer.budget(frees, rate=2) == 1  # the first send has left, the second not yet
    assert pacer.budget(frees + 0.5, rate=2) == 2


def told(allowed: str, count: str | None = None, reset: str | None = None) -> dict[str, str]:
    """Rate-limit headers as a reply carries them (a None is left out)."""
    headers = {pacing.ALLOWED_HEADER: allowed}
    if count is not None:
        headers[pacing.COUNT_HEADER] = count
    if reset is not None:
        headers[pacing.RESET_HEADER] = reset
    return headers


def learn(pacer: pacing.Pacer, headers: dict[str, str], now: float) -> None:
    """What the pool does with a reply's headers."""
    budget = pacing.read_budget(headers, wall=WALL)
    assert budget is not None
    pacer.learn(budget, now)


WALL = 1_800_000_000.0  # the wall clock (Unix time) the replies below arrive at


def test_the_stated_limit_replaces_the_setting_lower_or_higher() -> None:
    lower, higher = pacing.Pacer(), pacing.Pacer()
    for pacer, allowed in ((lower, "2"), (higher, "500")):
        pacer.spend(T0)
        learn(pacer, told(allowed), T0)
    assert lower.budget(T0, rate=300) == 1
    assert higher.budget(T0, rate=300) == 499
    assert lower.opens_at(T0 + 0.1, rate=300) == 0.0  # budget left: may send now
    lower.spend(T0 + 0.1)
    assert lower.opens_at(T0 + 0.1, rate=300) == T0 + pacing.WINDOW + pacing.WINDOW_SLACK


def test_a_stated_count_spends_budget_until_the_stated_reset() -> None:
    pacer = pacing.Pacer()
    pacer.spend(T0)
    learn(pacer, told("10", count="8", reset="5"), T0)
    assert pacer.budget(T0, rate=300) == 2  # the server counted requests sent elsewhere
    pacer.spend(T0 + 1)
    assert pacer.budget(T0 + 1, rate=300) == 1
    pacer.spend(T0 + 2)
    assert pacer.budget(T0 + 2, rate=300) == 0
    assert pacer.opens_at(T0 + 2, rate=300) == T0 + 5
    assert pacer.budget(T0 + 5, rate=300) == 7  # reset: only our own 3 sends still count


@pytest.mark.parametrize(
    "reset", ["30", "30.0", str(int(WALL) + 30), str(int(WALL * 1000) + 30_000)]
)
def test_a_reset_in_seconds_or_as_a_timestamp_means_the_same_moment(reset: str) -> None:
    pacer = pacing.Pacer()
    pacer.spend(T0)
    learn(pacer, told("5", count="5", reset=reset), T0)
    assert pacer.budget(T0, rate=300) == 0
    assert pacer.opens_at(T0, rate=300) == pytest.approx(T0 + 30)


def test_a_count_that_goes_backwards_in_a_window_is_not_believed() -> None:
    pacer = pacing.Pacer()
    pacer.spend(T0)
    pacer.spend(T0)
    learn(pacer, told("10", count="9", reset="20"), T0 + 0.1)  # 7 sent elsewhere
    learn(pacer, told("10", count="3", reset="20"), T0 + 0.2)  # an older reply, overtaken
    assert pacer.budget(T0 + 0.2, rate=300) == 1
    pacer.spend(T0 + 21)
    learn(pacer, told("10", count="2", reset="60"), T0 + 21)
    assert pacer.budget(T0 + 21, rate=300) == 7  # a new window: our own 3 sends count


@pytest.mark.parametrize(
    "headers",
    [
        {},
        told("abc", count="1", reset="60"),
        told("0", count="0", reset="60"),
        told("-5", count="1", reset="60"),
        told("1e3", count="1", reset="60"),
        told("", count="", reset=""),
        told("²", count="1", reset="60"),  # a digit to str.isdigit(), not to int()
        {pacing.COUNT_HEADER: "999", pacing.RESET_HEADER: "60"},  # no allowed
    ],
    ids=["none", "word", "zero", "negative", "exponent", "empty", "superscript", "count-only"],
)
def test_headers_without_a_usable_limit_are_ignored(headers: dict[str, str]) -> None:
    assert pacing.read_budget(headers, wall=WALL) is None


@pytest.mark.parametrize(
    ("headers", "budget"),
    [
        (told("5", count="many", reset="60"), 4),  # the limit serves, the count is left out
        (told("5", count="3", reset="soon"), 4),
        (told("5", count="3", reset="-1"), 4),
        (told("5", count="3", reset="nan"), 4),
        (told("5", count="3"), 4),
        (told("5", count="3", reset="0"), 4),  # already reset: nothing held
        (told("5", count="9", reset="99999999"), 0),  # over budget, for at most MAX_RESET
    ],
    ids=["count-word", "reset-word", "reset-negative", "reset-nan", "no-reset", "reset-0", "far"],
)
def test_a_malformed_count_or_reset_never_holds_a_token_long_or_in_a_hot_loop(
    headers: dict[str, str], budget: int
) -> None:
    pacer = pacing.Pacer()
    pacer.spend(T0)
    learn(pacer, headers, T0)
    assert pacer.budget(T0, rate=300) == budget
    opens = pacer.opens_at(T0, rate=300)
    # Never a hot loop: no budget means a wait to a later time; never parked past MAX_RESET.
    assert (opens > T0) == (budget == 0)
    assert opens <= T0 + pacing.MAX_RESET
