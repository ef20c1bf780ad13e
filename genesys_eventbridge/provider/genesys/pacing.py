"""Per-token pacing: a sliding window of one token's sends, what the server says about its budget,
and what a 429 says about its scope.

Genesys limits requests per token and states the budget on every API reply:
`inin-ratelimit-allowed` (requests per window), `inin-ratelimit-count` (counted so far) and
`inin-ratelimit-reset` (seconds until the window resets: the public SDK documentation shows
`count: 1` beside `reset: 61`; a Unix timestamp is accepted too, in case). A Pacer never lets its
token send more than its limit in any window of WINDOW seconds: the server's `allowed` once a
reply has stated it, the `requestsPerMinute` setting until then. Any fixed or sliding server window
inside ours holds at most as many requests as ours does, so a large stack waits on its own clock
(or moves to another token) instead of collecting 429s. Until the server's window resets, what it
counted beyond this process's own sends (the token used elsewhere) is spent too. A 429's
Retry-After pauses the token it was sent with.
"""

from __future__ import annotations

import collections
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from genesys_eventbridge.provider.genesys.errors import parse_error_body

# The server's window, plus slack for the jitter between our send times and its arrival times.
WINDOW = 60.0
WINDOW_SLACK = 1.0
# The pause after a 429 that gives no usable Retry-After.
DEFAULT_PAUSE = 1.0

ALLOWED_HEADER = "inin-ratelimit-allowed"
COUNT_HEADER = "inin-ratelimit-count"
RESET_HEADER = "inin-ratelimit-reset"
# A reset further away than this is not believed: a garbled header must not park a token.
MAX_RESET = 2 * WINDOW
# A reset this large is a Unix timestamp (seconds; milliseconds above the second bound).
_EPOCH_SECONDS = 1e9
_EPOCH_MILLISECONDS = 1e12
_DIGITS = re.compile(r"[0-9]{1,18}")  # ASCII only: str.isdigit() also takes "²"

# Genesys names its limits with keys such as `token.rate.per.minute` (one token) and
# `org.app.user.rate.per.minute` or `client.credentials.token.rate.per.minute` (wider). Whether an
# org-wide or per-client limit applies to client-credentials API calls is unverified: a 429 that
# names such a key, an organization or an OAuth client pauses every token of the client.
_WIDE = re.compile(
    r"\b(?:org|organization|client)\.[a-z.]*rate\b|\borgani[sz]ation\b|\boauth client\b"
    r"|\b(?:org|client)[- ]wide\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Budget:
    """What one reply said about its token's budget: the limit, the count and when it resets."""

    allowed: int
    # Requests the server has counted in its window (None without a usable count).
    count: int | None = None
    # Seconds from the reply until the server's window resets (None without a usable reset).
    reset: float | None = None


def _whole(value: str | None) -> int | None:
    """A header's non-negative whole number, or None."""
    text = (value or "").strip()
    return int(text) if _DIGITS.fullmatch(text) else None


def _seconds_until(value: str | None, wall: float) -> float | None:
    """Seconds until a reset given as seconds from now or as a Unix timestamp, or None."""
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    if number >= _EPOCH_MILLISECONDS:
        number = number / 1000 - wall
    elif number >= _EPOCH_SECONDS:
        number -= wall
    return min(max(0.0, number), MAX_RESET)


def read_budget(headers: Mapping[str, str], *, wall: float | None = None) -> Budget | None:
    """The token's budget from a reply's rate-limit headers; None when `allowed` is unusable.

    A count or reset that is missing or malformed is left out (the limit alone still serves).
    """
    allowed = _whole(headers.get(ALLOWED_HEADER))
    if allowed is None or allowed < 1:
        return None
    count = _whole(headers.get(COUNT_HEADER))
    reset = _seconds_until(headers.get(RESET_HEADER), time.time() if wall is None else wall)
    return Budget(allowed, count, reset)


@dataclass
class _Elsewhere:
    """Requests the server counted beyond this token's own sends, until its window resets."""

    count: int
    until: float  # monotonic time of the reset


class Pacer:
    """The send times of one token in the last window, its limit, and a pause set by Retry-After.

    Not thread-safe on its own: the token pool calls it under its lock.
    """

    __slots__ = ("_elsewhere", "_sends", "limit", "paused_until")

    def __init__(self, limit: int | None = None) -> None:
        self._sends: collections.deque[float] = collections.deque()
        self._elsewhere: _Elsewhere | None = None
        # The server's `allowed` for this token, once a reply has said it.
        self.limit = limit
        self.paused_until = 0.0

    def _forget(self, now: float) -> None:
        while self._sends and now - self._sends[0] >= WINDOW + WINDOW_SLACK:
            self._sends.popleft()
        if self._elsewhere is not None and now >= self._elsewhere.until:
            self._elsewhere = None

    def _spent(self, rate: int) -> tuple[int, int]:
        """(requests counted against the token now, its limit) after _forget."""
        elsewhere = self._elsewhere.count if self._elsewhere is not None else 0
        return len(self._sends) + elsewhere, self.limit or rate

    def budget(self, now: float, rate: int) -> int:
        """Requests this token may send now (0 while paused or when its window is full).

        `rate`: the setting, the limit until the server has said its own.
        """
        if now < self.paused_until:
            return 0
        self._forget(now)
        spent, limit = self._spent(rate)
        return max(0, limit - spent)

    def opens_at(self, now: float, rate: int) -> float:
        """The monotonic time from which this token may send again."""
        self._forget(now)
        opens = self.paused_until
        spent, limit = self._spent(rate)
        if spent < limit:
            return opens
        # Wait for the server's reset, or for enough own sends to leave the window.
        own_limit = limit - (spent - len(self._sends))
        if own_limit > 0:
            window_opens = self._sends[len(self._sends) - own_limit] + WINDOW + WINDOW_SLACK
        else:
            window_opens = math.inf
        if self._elsewhere is not None:
            window_opens = min(window_opens, self._elsewhere.until)
        return max(opens, window_opens)

    def spend(self, now: float) -> None:
        """Count one request sent now."""
        self._sends.append(now)

    def learn(self, budget: Budget, now: float) -> None:
        """Take in what a reply just received said about the token's budget.

        The latest `allowed` is the limit. What the server counted beyond our own sends (this
        token used elsewhere) is spent too until its reset; replies overtake each other, so a
        count that goes backwards within a window is not believed.
        """
        self.limit = budget.allowed
        self._forget(now)
        if budget.count is None or budget.reset is None or budget.reset <= 0:
            return
        elsewhere = max(0, budget.count - len(self._sends))
        if self._elsewhere is None or elsewhere >= self._elsewhere.count:
            self._elsewhere = _Elsewhere(elsewhere, now + budget.reset)

    def pause(self, until: float) -> None:
        """Send nothing before the monotonic time `until` (never moves a pause earlier)."""
        self.paused_until = max(self.paused_until, until)

    @property
    def sent(self) -> int:
        """Requests counted in the current window (as of the last budget or opens_at)."""
        return len(self._sends)


def client_wide(response: httpx.Response) -> bool:
    """Whether a 429 says its limit is the org's or the OAuth client's rather than the token's."""
    for name, value in response.headers.items():
        if "ratelimit" in name.lower() and _WIDE.search(value):
            return True
    body = parse_error_body(response)
    if body is None:
        return False
    texts = [body.text or "", body.code or ""]
    if body.limit is not None:
        texts.append(str(body.limit))
    return any(_WIDE.search(text) for text in texts)
