"""Which failures mean Genesys is out of reach (fail a check now), which an outage to ride out."""

from __future__ import annotations

import pytest

from genesys_eventbridge.provider.genesys import ServiceUnavailableError, reachability


def exhausted(last: str | None, status: int | None = None) -> ServiceUnavailableError:
    return ServiceUnavailableError(
        "",
        waited=8.0,
        attempts=5,
        budget=8.0,
        last=last,
        status=status,
        method="POST",
        path="https://login.mypurecloud.com/oauth/token",
    )


@pytest.mark.parametrize(
    ("last", "status", "unreachable"),
    [
        ("ConnectError: [Errno 111] Connection refused", None, True),
        ("ConnectError: [Errno -2] Name or service not known", None, True),
        ("ConnectTimeout: timed out", None, True),
        # The server is there: a dropped reply or a 503 is an outage, worth the retry budget.
        ("RemoteProtocolError: Server disconnected without sending a response.", None, False),
        ("ReadTimeout: timed out", None, False),
        ("503", 503, False),
    ],
)
def test_only_never_connecting_is_unreachable(
    last: str, status: int | None, unreachable: bool
) -> None:
    assert reachability.nothing_answered(exhausted(last, status)) is unreachable


def test_the_likely_cause_follows_the_address() -> None:
    error = exhausted("ConnectError: [Errno -2] Name or service not known")
    assert "does not resolve" in reachability.likely_cause("https://api.mypurecloud.xx", error)
    refused = exhausted("ConnectError: [Errno 111] Connection refused")
    assert "is the emulator running?" in reachability.likely_cause("http://127.0.0.1:9", refused)
    assert "status.mypurecloud.com" in reachability.likely_cause(
        "https://api.mypurecloud.com", refused
    )
