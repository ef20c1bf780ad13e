"""One token's pacer on an injected clock: its window, its pause, what the server's headers say."""

from __future__ import annotations

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
