"""Whether Genesys Cloud answers at all, found out in seconds rather than after the retry budget.

The retry budget (two minutes by default) lets `pulumi up` ride out an outage. A check that only
reads (preview's Check, `doctor`) gains nothing by waiting that long for an address where nothing
listens: it tries for at most REACH_BUDGET seconds, then says which URL it tried, how, and the
likely cause.
"""

from __future__ import annotations

from typing import TypeGuard

import httpx

from genesys_eventbridge.provider.genesys.api import GenesysClient
from genesys_eventbridge.provider.genesys.errors import GenesysError, ServiceUnavailableError
from genesys_eventbridge.provider.genesys.regions import is_loopback_host
from genesys_eventbridge.provider.genesys.settings import SETTING_KEYS, Settings

REACH_BUDGET = 8.0
"""Seconds a read-only check keeps trying when nothing answers at all."""

# How the retries name the last error when no connection was ever made (see retries._describe).
_CONNECT_ERRORS = ("ConnectError", "ConnectTimeout")

# What the resolver's errors say, on Linux, macOS and Windows.
_NAME_NOT_RESOLVED = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "getaddrinfo failed",
    "no address associated",
)


# Per process, per (API base, login base): None when Genesys answered, else why it did not.
_FOUND: dict[tuple[str, str], str | None] = {}


def unreachable(settings: Settings) -> str | None:
    """Why Genesys Cloud cannot be reached with `settings`, or None when it answered (whatever
    it said: a refusal or an error is for the caller's next request to report).

    Asks for the org id (cached, so the caller's own request for it costs nothing more), trying
    for at most REACH_BUDGET seconds; found out once per process and endpoint.
    """
    key = (settings.api_base_url, settings.login_base_url)
    if key not in _FOUND:
        try:
            GenesysClient(for_a_quick_check(settings)).org_id()
            _FOUND[key] = None
        except ServiceUnavailableError as err:
            _FOUND[key] = unreachable_message(settings, err) if nothing_answered(err) else None
        except (GenesysError, httpx.HTTPError):
            _FOUND[key] = None
    return _FOUND[key]


def clear() -> None:
    """Forget what was found (a test restarts its server)."""
    _FOUND.clear()


def for_a_quick_check(settings: Settings) -> Settings:
    """`settings` with the retry budget cut to REACH_BUDGET, for a read-only check."""
    return settings.model_copy(update={"retry_budget": min(settings.retry_budget, REACH_BUDGET)})


def nothing_answered(error: BaseException) -> TypeGuard[ServiceUnavailableError]:
    """Whether `error` is retries running out without ever connecting (refused, timed out,
    unresolvable), as opposed to Genesys answering 5xx or 429, or a connection dropped after it
    was made (the server is there: that is an outage to ride out, not a wrong address)."""
    return (
        isinstance(error, ServiceUnavailableError)
        and error.status is None
        and (error.last or "").startswith(_CONNECT_ERRORS)
    )


def unreachable_message(settings: Settings, error: ServiceUnavailableError) -> str:
    """The URL that did not answer, what was tried, and the likely cause."""
    path = error.path or ""
    url = path if "://" in path else settings.api_base_url + path
    times = "attempt" if error.attempts == 1 else "attempts"
    last = f", the last failing with {error.last}" if error.last else ""
    cause = likely_cause(url, error)
    return (
        f"Genesys Cloud did not answer at {url}: {error.attempts} {times} of"
        f" {error.method or 'the request'} over {error.waited:.1f} s{last}. {cause}"
    )


def likely_cause(url: str, error: ServiceUnavailableError) -> str:
    """The likeliest reason nothing answered at `url`, and what to do about it."""
    api, login, region = (
        SETTING_KEYS["api_base_url"],
        SETTING_KEYS["login_base_url"],
        SETTING_KEYS["region"],
    )
    if is_loopback_host(httpx.URL(url).host):
        return (
            "That address is on this machine: is the emulator running? Start it with"
            " `python -m genesys_eventbridge.emulator --port 0` and set the base URLs it prints"
            f" ({api.config} and {login.config}, or {api.env} and {login.env})."
        )
    if any(text in (error.last or "").lower() for text in _NAME_NOT_RESOLVED):
        return (
            f"The host name does not resolve: check {region.config} ({region.env}), or"
            f" {api.config} and {login.config} if set, and this machine's DNS."
        )
    return (
        "Check this machine's network, firewall and proxy (HTTPS_PROXY) and"
        " https://status.mypurecloud.com, then run again."
    )
