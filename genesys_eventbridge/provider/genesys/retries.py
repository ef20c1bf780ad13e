"""Retries (tenacity) within a time budget, and the process-wide "not before" gate of rate limits.

- 429: wait for Retry-After (seconds or an HTTP date), but never less than the backoff step: a
  `Retry-After: 0` or a date in the past must not turn the retry budget into a hot loop. The wait is
  shared: every other call with the same gate key holds back until then instead of hammering the
  API. API calls pass no gate key: their token pool pauses the token that was told to wait
  (auth.Lease.rate_limited).
- 502/503/504 and network errors: exponential backoff, jittered between the step and twice it.
- At most MAX_ATTEMPTS attempts per call, whatever the budget.
- A request that may have reached the server (read error, read timeout, dropped connection, or a
  502/504 from a gateway) is repeated only when its method is idempotent: an ambiguous POST raises
  AmbiguousRequestError.
- Other statuses come back to the caller untouched.
"""

from __future__ import annotations

import email.utils
import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any

import httpx
import tenacity

from genesys_eventbridge.provider.genesys.errors import (
    CORRELATION_HEADER,
    AmbiguousRequestError,
    GenesysError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    parse_error_body,
    sanitize,
)
from genesys_eventbridge.provider.genesys.models import ErrorBody

logger = logging.getLogger("genesys_eventbridge.provider.genesys")

# The n-th retry waits uniform(step, 2 * step), step = min(BACKOFF_CAP, BACKOFF_BASE * 2**(n-1))/2:
# jittered so concurrent callers spread out, and never less than the step (a floor also under a
# server's Retry-After). Read at call time, so tests can shrink them.
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
# Attempts per call, whatever the budget: even with the floor, no call retries without end.
MAX_ATTEMPTS = 16

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Answered by a gateway that may have passed the request on: not repeated for a POST.
GATEWAY_STATUSES = frozenset({502, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})

# Raised before any byte of the request left: safe to repeat whatever the method.
_NOT_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# Raised once the request may have reached the server: repeated only for idempotent methods.
_MAYBE_SENT: tuple[type[Exception], ...] = (
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class NotBeforeGate:
    """Process-wide "not before" times per key: when one call is told to wait, all calls wait."""

    def __init__(self) -> None:
        self._until: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def hold(self, key: Hashable, until: float) -> None:
        """Hold every call for `key` until the monotonic time `until` (never moves it earlier)."""
        with self._lock:
            now = time.monotonic()
            for stale in [k for k, t in self._until.items() if t <= now]:
                del self._until[stale]
            if until > self._until.get(key, 0.0):
                self._until[key] = until

    def opens_at(self, key: Hashable) -> float:
        """The monotonic time from which calls for `key` may be sent (0 when not held)."""
        with self._lock:
            return self._until.get(key, 0.0)

    def clear(self) -> None:
        """Forget every hold."""
        with self._lock:
            self._until.clear()

    def reset_after_fork(self) -> None:
        """Start over in a forked child (a lock held at fork time would never be released)."""
        self._lock = threading.Lock()
        self._until.clear()


GATE = NotBeforeGate()


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait for a Retry-After value (delta-seconds or an HTTP date); None if unusable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_step(attempt: int) -> float:
    """The least any retry waits after attempt number `attempt` (1-based): the backoff step."""
    exponent = min(max(0, attempt - 1), 64)  # 2.0**1024 would overflow a float
    return max(0.0, min(BACKOFF_CAP, BACKOFF_BASE * 2**exponent)) / 2


def backoff(attempt: int) -> float:
    """Jittered exponential backoff before retry number `attempt` (1-based), at least its step."""
    step = backoff_step(attempt)
    return random.uniform(step, 2 * step)


@dataclass
class _Call:
    """The retry state of one call."""

    method: str
    path: str
    budget: float
    gate_key: Hashable | None
    idempotent: bool
    start: float = field(default_factory=time.monotonic)
    attempts: int = 0
    # The delay before the next attempt; None when the budget cannot cover it (give up).
    next_delay: float | None = 0.0
    why_stop: str = ""

    @property
    def deadline(self) -> float:
        return self.start + self.budget

    def waited(self) -> float:
        return time.monotonic() - self.start

    def plan(self, delay: float, *, told: bool = False) -> None:
        """Schedule the next attempt after `delay`, or give up when the budget cannot cover it.

        `told` says the delay is the server's Retry-After, worth quoting when it is what stops us.
        """
        remaining = self.deadline - time.monotonic()
        if self.attempts >= MAX_ATTEMPTS:
            self.next_delay = None
            self.why_stop = f"gave up after {self.attempts} attempts, the most one call makes"
            return
        if delay <= remaining:
            self.next_delay = delay
            return
        self.next_delay = None
        if told and self.budget > 0:
            self.why_stop = (
                f"Genesys Cloud asked to wait {delay:.1f} s (Retry-After) but only"
                f" {max(0.0, remaining):.1f} s of the retry budget remained"
            )

    def wait_for_gate(self) -> None:
        """Hold back while another call's 429 told everyone sharing this key to wait."""
        while self.gate_key is not None:
            now = time.monotonic()
            opens = GATE.opens_at(self.gate_key)
            if opens <= now:
                return
            if opens > self.deadline:
                raise RateLimitExhaustedError(
                    f"another call was told to wait {opens - now:.1f} s more, beyond this call's"
                    " retry budget",
                    waited=self.waited(),
                    attempts=self.attempts,
                    budget=self.budget,
                    last="429",
                    method=self.method,
                    path=self.path,
                )
            _sleep(opens - now)


def send_with_retries(
    send: Callable[[], httpx.Response],
    *,
    method: str,
    path: str,
    budget: float,
    gate_key: Hashable | None,
    idempotent: bool | None = None,
) -> httpx.Response:
    """Call `send` until it answers something other than 429/502/503/504, within `budget` seconds.

    Returns the final reply (whatever its status). Raises RateLimitExhaustedError or
    ServiceUnavailableError when the budget runs out, AmbiguousRequestError when a non-idempotent
    request may have been processed but no reply came.
    """
    call = _Call(
        method=method,
        path=path,
        budget=max(0.0, budget),
        gate_key=gate_key,
        idempotent=method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent,
    )
    retrying = tenacity.Retrying(
        retry=_retryable,
        # Decided by _attempt() (order-independent across tenacity versions): see _Call.plan.
        stop=lambda _state: call.next_delay is None,
        wait=lambda _state: call.next_delay or 0.0,
        sleep=_sleep,
        retry_error_callback=lambda state: _give_up(call, state),
        reraise=True,
    )
    result: httpx.Response = retrying(_attempt, call, send)
    return result


def _attempt(call: _Call, send: Callable[[], httpx.Response]) -> httpx.Response:
    """One attempt: wait for the gate, send, and plan the next attempt from what came back."""
    call.wait_for_gate()
    call.attempts += 1
    response = _send_once(call, send)
    status = response.status_code
    if status in GATEWAY_STATUSES and not call.idempotent:
        # A gateway error may come after the upstream committed the request (a 504 is a read
        # timeout one hop away): as ambiguous as no reply at all.
        raise _ambiguous_reply(call, response)
    if status in RETRY_STATUSES:
        _plan_after_retry_status(call, response)
    return response


def _send_once(call: _Call, send: Callable[[], httpx.Response]) -> httpx.Response:
    """Send once; after a transport error, plan a retry when repeating is safe, else say why not."""
    try:
        return send()
    except _NOT_SENT as err:
        _plan_after_transport_error(call, err)
        raise
    except _MAYBE_SENT as err:
        if not call.idempotent:
            raise _ambiguous(call, err) from err
        _plan_after_transport_error(call, err)
        raise
    except httpx.HTTPError as err:
        # Anything else (proxy, protocol, decoding, ...) is not worth repeating; a POST that
        # got this far may have been processed.
        if not call.idempotent:
            raise _ambiguous(call, err) from err
        raise _unavailable(call, _describe(err), None) from err


def _plan_after_transport_error(call: _Call, err: BaseException) -> None:
    """Schedule a backoff after a network error and log it."""
    call.plan(backoff(call.attempts))
    logger.info("%s %s: %s (attempt %d)", call.method, call.path, _describe(err), call.attempts)


def _plan_after_retry_status(call: _Call, response: httpx.Response) -> None:
    """Schedule the wait a 429/502/503/504 asks for (Retry-After, floored by the backoff step)."""
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    delay = (
        max(retry_after, backoff_step(call.attempts))
        if retry_after is not None
        else backoff(call.attempts)
    )
    if response.status_code == 429 and call.gate_key is not None:
        GATE.hold(call.gate_key, time.monotonic() + delay)
    # Quote the server's wait only when it, not our floor, is what the budget cannot cover.
    call.plan(delay, told=retry_after is not None and retry_after >= delay)
    logger.info(
        "%s %s answered %d (correlation id %s, attempt %d); retrying in %.2f s",
        call.method,
        call.path,
        response.status_code,
        sanitize(response.headers.get(CORRELATION_HEADER) or "-"),
        call.attempts,
        delay,
    )


def _retryable(state: tenacity.RetryCallState) -> bool:
    """Whether tenacity should try again: a network error or a retry status."""
    outcome = state.outcome
    if outcome is None:
        return False
    if outcome.failed:
        return isinstance(outcome.exception(), (*_NOT_SENT, *_MAYBE_SENT))
    return outcome.result().status_code in RETRY_STATUSES


def _give_up(call: _Call, state: tenacity.RetryCallState) -> httpx.Response:
    """Raise the error that says why the last attempt was the last."""
    outcome = state.outcome
    assert outcome is not None
    if outcome.failed:
        exc = outcome.exception()
        assert exc is not None
        raise _unavailable(call, _describe(exc), None) from exc
    raise _exhausted(call, outcome.result())


def _describe(err: BaseException) -> str:
    # httpx/h11 errors may quote a request header, the Authorization one included.
    text = sanitize(str(err).strip())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _ambiguous(call: _Call, err: BaseException) -> AmbiguousRequestError:
    return AmbiguousRequestError(_describe(err), method=call.method, path=call.path)


def _ambiguous_reply(call: _Call, response: httpx.Response) -> AmbiguousRequestError:
    body = parse_error_body(response)
    return AmbiguousRequestError(
        (body.text or "") if body else "", **_reply_details(call, response, body)
    )


def _exhausted(call: _Call, response: httpx.Response) -> GenesysError:
    """The error for a retry status still answered when the budget or attempts ran out."""
    body = parse_error_body(response)
    last = f"{response.status_code}" + (f" {body.code}" if body and body.code else "")
    cls = RateLimitExhaustedError if response.status_code == 429 else ServiceUnavailableError
    return cls(
        call.why_stop or ((body.text or "") if body else ""),
        waited=call.waited(),
        attempts=call.attempts,
        budget=call.budget,
        last=last,
        **_reply_details(call, response, body),
    )


def _reply_details(call: _Call, response: httpx.Response, body: ErrorBody | None) -> dict[str, Any]:
    """The fields of an error that say which call and which reply it was."""
    return {
        "status": response.status_code,
        "code": body.code if body else None,
        "context_id": body.context_id if body else None,
        "correlation_id": response.headers.get(CORRELATION_HEADER),
        "method": call.method,
        "path": call.path,
    }


def _unavailable(call: _Call, last: str, correlation_id: str | None) -> GenesysError:
    return ServiceUnavailableError(
        call.why_stop,
        waited=call.waited(),
        attempts=call.attempts,
        budget=call.budget,
        last=last,
        method=call.method,
        path=call.path,
        correlation_id=correlation_id,
    )


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=GATE.reset_after_fork)
