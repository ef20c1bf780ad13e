"""Errors: one actionable sentence each, no secrets anywhere, picklable."""

from __future__ import annotations

import pickle
import re
import time

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import (
    AmbiguousRequestError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    GenesysClient,
    GenesysError,
    InvalidPathParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    TokenRequestRejectedError,
    VersionMismatchError,
    auth,
)
from genesys_eventbridge.provider.genesys.errors import MAX_SANITIZED, redact, sanitize
from tests.client.conftest import settings_for

# A second sentence would start after ". " with a capital letter.
_SECOND_SENTENCE = re.compile(r"[a-z0-9)\]]\.\s+[A-Z]")


def collect_errors(emulator: GenesysEmulator) -> list[GenesysError]:
    """Provoke one error of every kind from the emulator (and the local checks)."""
    found: list[GenesysError] = []

    def expect(kind: type[GenesysError], call: object) -> None:
        with pytest.raises(kind) as caught:
            call()  # type: ignore[operator]
        found.append(caught.value)

    settings = settings_for(emulator, **{"genesyscloud:retryBudget": 0.2})
    client = GenesysClient(settings)
    integration_id = client.create_integration("errors").id
    bad = GenesysClient(settings_for(emulator, **{"genesyscloud:oauthclientSecret": "nope-123456"}))
    expect(TokenRequestRejectedError, bad.org_id)
    expect(NotFoundError, lambda: client.get_integration("00000000-0000-0000-0000-000000000000"))
    expect(BadRequestError, lambda: client.create_integration(" "))
    config = client.get_integration_config(integration_id)
    emulator.inject_version_conflict()
    expect(VersionMismatchError, lambda: client.put_integration_config(integration_id, config))
    emulator.revoke_permission("integrations:integration:edit")
    expect(PermissionDeniedError, lambda: client.set_intended_state(integration_id, "ENABLED"))
    emulator.inject_status(503, count=1000, path_contains=integration_id)
    expect(ServiceUnavailableError, lambda: client.get_integration(integration_id))
    emulator.clear_faults()
    emulator.inject_drop_after_commit(count=1, method="POST")
    expect(AmbiguousRequestError, lambda: client.create_integration("ambiguous"))
    expect(InvalidPathParameterError, lambda: client.get_integration("../x"))
    expect(ConfigurationError, lambda: settings_for(emulator, **{"genesyscloud:region": "x"}))
    # Last with this token: its Retry-After holds every later call with the token for 10 s.
    emulator.inject_status(429, count=1000, retry_after=10, path_contains=integration_id)
    expect(RateLimitExhaustedError, lambda: client.get_integration(integration_id))
    emulator.token_ttl = 0
    auth.clear()
    expect(AuthenticationError, client.org_id)
    return found


def test_every_error_is_one_actionable_sentence_without_secrets(
    emulator: GenesysEmulator,
) -> None:
    settings = settings_for(emulator)
    token = auth.access_token(settings).value
    errors = collect_errors(emulator)
    assert len(errors) == 11
    for error in errors:
        text = str(error)
        print(f"\n{type(error).__name__}: {text}")
        assert "\n" not in text and text.endswith(".")
        assert not _SECOND_SENTENCE.search(text), text
        for shown in (text, repr(error), error.message, error.action):
            assert emulator.client_secret not in shown
            assert "nope-123456" not in shown
            assert token not in shown
        if error.status is not None and not isinstance(error, TokenRequestRejectedError):
            assert error.correlation_id and f"correlation id {error.correlation_id}" in text
        if error.method:
            assert error.path and error.path in text


def test_errors_survive_pickling() -> None:
    originals: list[GenesysError] = [
        PermissionDeniedError(
            "missing [integrations:integration:add]",
            permission="integrations:integration:add",
            status=403,
            code="missing.permissions",
            correlation_id="c-1",
            method="POST",
            path="/api/v2/integrations",
        ),
        BadRequestError("bad", field_messages=["name: invalid.value"], status=400),
        ServiceUnavailableError("", waited=1.5, attempts=3, budget=2, last="503"),
        TokenRequestRejectedError("no", client_id="cid", login_url="https://login.x/oauth/token"),
        InvalidPathParameterError("integration id", "../x", "a UUID"),
        ConfigurationError("bad region", setting="genesyscloud:region"),
    ]
    for error in originals:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert copy.__dict__ == error.__dict__


def test_redact_scrubs_known_secrets_and_credential_shapes() -> None:
    text = redact(
        'Bearer abc.def-123 Basic Zm9vOmJhcg== {"access_token": "tok123"} client_secret=s3 hunter2',
        ["hunter2"],
    )
    for leaked in ("abc.def-123", "Zm9vOmJhcg==", "tok123", "s3 ", "hunter2"):
        assert leaked not in text
    assert text.count("[redacted]") == 5


def test_long_server_messages_are_trimmed() -> None:
    error = GenesysError("x" * 5000, status=500, method="GET", path="/p", correlation_id="c")
    assert len(str(error)) < 700 and str(error).endswith("(correlation id c).")


def test_exhausted_error_reports_duration_attempts_and_budget() -> None:
    error = RateLimitExhaustedError(
        "", waited=12.34, attempts=4, budget=12, last="429", method="GET", path="/api/v2/x"
    )
    assert str(error).startswith(
        "Genesys Cloud GET /api/v2/x was still rate limited (429) after trying for 12.3 s"
        " (4 attempts, retry budget 12 s)"
    )
    assert time.monotonic() > 0


@pytest.mark.parametrize("unit", ["a.", "a-", "http://a"])
def test_sanitizing_a_large_server_text_takes_linear_time(unit: str) -> None:
    # A URL-like run of word and scheme characters made the URL pattern rescan at every
    # boundary: 40 KB took seconds, 400 KB minutes.
    for size in (40_000, 400_000):
        text = unit * (size // len(unit))
        started = time.perf_counter()
        cleaned = sanitize(text)
        assert time.perf_counter() - started < 1.0, size
        assert len(cleaned) <= MAX_SANITIZED + 40


def test_a_long_text_is_cut_after_its_secrets_are_redacted() -> None:
    secret = "sentinel-long-secret-value"
    text = "x" * (MAX_SANITIZED - 5) + secret + " https://u:pw@host/p?code=abc " * 10
    cleaned = sanitize(text, [secret])
    assert "sentinel" not in cleaned and secret[5:] not in cleaned
    assert cleaned.endswith("more)")
    short = sanitize("see https://user:pw@host/in?code=SECRET now")
    assert short == "see https://host/in now"
