"""Per-token pacing: a sliding window of one token's sends, and what a 429 says about its scope.

Genesys limits requests per token (300 a minute, reportedly). A Pacer never lets its token send
more than `requestsPerMinute` requests in any window of WINDOW seconds, so a large stack waits on
its own clock instead of collecting 429s: any fixed or sliding server window inside ours holds at
most as many requests as ours does. A 429's Retry-After pauses the token it was sent with.
"""

from __future__ import annotations

import collections
import re

import httpx

from genesys_eventbridge.provider.genesys.errors import parse_error_body

# The server's window, plus slack for the jitter between our send times and its arrival times.
WINDOW = 60.0
WINDOW_SLACK = 1.0
# The pause after a 429 that gives no usable Retry-After.
DEFAULT_PAUSE = 1.0

# Genesys names its limits with keys such as `token.rate.per.minute` (one token) and
# `org.app.user.rate.per.minute` or `client.credentials.token.rate.per.minute` (wider). Whether an
# org-wide or per-client limit applies to client-credentials API calls is unverified: a 429 that
# names such a key, an organization or an OAuth client pauses every token of the client.
_WIDE = re.compile(
    r"\b(?:org|organization|client)\.[a-z.]*rate\b|\borgani[sz]ation\b|\boauth client\b"
    r"|\b(?:org|client)[- ]wide\b",
    re.IGNORECASE,
)


class Pacer:
    """The send times of one token in the last window, and a pause set by Retry-After.

    Not thread-safe on its own: the token pool calls it under its lock.
    """

    __slots__ = ("_sends", "paused_until")

    def __init__(self) -> None:
        self._sends: collections.deque[float] = collections.deque()
        self.paused_until = 0.0

    def _forget(self, now: float) -> None:
        while self._sends and now - self._sends[0] >= WINDOW + WINDOW_SLACK:
            self._sends.popleft()

    def budget(self, now: float, rate: int) -> int:
        """Requests this token may send now (0 while paused or when its window is full)."""
        if now < self.paused_until:
            return 0
        self._forget(now)
        return max(0, rate - len(self._sends))

    def opens_at(self, now: float, rate: int) -> float:
        """The monotonic time from which this token may send again."""
        self._forget(now)
        opens = self.paused_until
        if len(self._sends) >= rate:
            opens = max(opens, self._sends[len(self._sends) - rate] + WINDOW + WINDOW_SLACK)
        return opens

    def spend(self, now: float) -> None:
        """Count one request sent now."""
        self._sends.append(now)

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
