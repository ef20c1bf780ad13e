"""Hostile and broken input, each row ending in a clear failure that names the field.

Resource inputs go through the real provider host's Check (a CheckFailure on the property, as
`pulumi preview` shows it), provider config through Configure then Check, tampered state (a
hostile id in Read/Update/Delete) through the host, ids straight into the client, and filter
policies into components.patterns.build_pattern. Rows with an invalid path parameter also assert
that the emulator received no request at all.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from genesys_eventbridge.components.patterns import PatternError, build_pattern
from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import (
    GenesysClient,
    IntegrationConfig,
    InvalidPathParameterError,
    Settings,
    reset_process_state,
)
from tests.engine.harness import EngineError, ProviderHost
from tests.engine.integration_host import NEWS, checked, start_host

UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
TOPIC = "v2.users.{id}.presence"
# Every path the provider may legitimately call; anything else means an input reached a URL.
KNOWN_PATHS = re.compile(
    r"/oauth/token|/api/v2/organizations/me|/api/v2/notifications/availabletopics"
    r"|/api/v2/integrations(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"(/config/current)?)?"
)
PATH_INJECTIONS = ["../../organizations/me", "x?y=1", "%2e%2e%2f", f"{UUID}/../other"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[GenesysEmulator]:
    with GenesysEmulator(activation_delay=0.02) as emu:
        yield emu


@pytest.fixture(scope="module")
def host(emulator: GenesysEmulator) -> Iterator[ProviderHost]:
    """A host whose token, org id and topic catalog are already cached: a bad row sends nothing."""
    h = start_host(emulator)
    try:
        integration_id, outs = h.create(checked(h, NEWS))
        h.delete(integration_id, outs)
        yield h
    finally:
        h.stop()


def assert_no_requests(emulator: GenesysEmulator, before: int) -> None:
    sent = emulator.requests[before:]
    assert sent == [], [f"{r.method} {r.path}" for r in sent]


# -- resource inputs: one CheckFailure on the property --------------------------------------


@dataclass(frozen=True)
class Row:
    """One hostile value for one input property, and a word the reason must contain."""

    field: str
    value: Any
    says: str = ""


TEN_THOUSAND_TOPICS = [f"v2.users.{{id}}.t{n}" for n in range(10_000)]
CHECK_ROWS: dict[str, Row] = {
    # path injection into the one input that becomes a URL path parameter
    **{
        f"adopt-id-{n}": Row("adopt_integration_id", value, "UUID")
        for n, value in enumerate(PATH_INJECTIONS)
    },
    "adopt-id-newline": Row("adopt_integration_id", f"{UUID}\n", "UUID"),
    "adopt-id-encoded-nul": Row("adopt_integration_id", f"{UUID}%00", "UUID"),
    "adopt-id-empty": Row("adopt_integration_id", "", "UUID"),
    "adopt-id-number": Row("adopt_integration_id", 12345, "UUID"),
    "adopt-id-dict": Row("adopt_integration_id", {"id": UUID}, "UUID"),
    "adopt-id-list": Row("adopt_integration_id", [UUID], "UUID"),
    # names
    "name-empty": Row("integration_name", "", "non-empty"),
    "name-number": Row("integration_name", 42, "string"),
    "name-list": Row("integration_name", ["a"], "string"),
    "name-too-long": Row("integration_name", "n" * 257, "256"),
    "name-nul": Row("integration_name", "bad\x00name", "control"),
    "name-newline": Row("integration_name", "line\nbreak", "control"),
    # suffixes (part of the AWS event source name)
    **{
        f"suffix-injection-{n}": Row("event_source_suffix", value, "1-64")
        for n, value in enumerate(PATH_INJECTIONS)
    },
    "suffix-empty": Row("event_source_suffix", "", "1-64"),
    "suffix-too-long": Row("event_source_suffix", "s" * 65, "1-64"),
    "suffix-rtl-override": Row("event_source_suffix", "\u202eevil", "1-64"),
    "suffix-emoji": Row("event_source_suffix", "\U0001f680", "1-64"),
    "suffix-number": Row("event_source_suffix", 7, "1-64"),
    # topics
    "topic-path-injection": Row("topics", [f"{TOPIC}/../../organizations/me"], "segment"),
    "topic-query": Row("topics", [f"{TOPIC}?x=1"], "segment"),
    "topic-encoded-dots": Row("topics", ["v2.users.%2e%2e.presence"], "segment"),
    "topic-rtl-override": Row("topics", ["\u202ev2.users.{id}.presence"], "v2."),
    "topic-emoji": Row("topics", ["v2.users.{id}.\U0001f680"], "segment"),
    "topic-nul": Row("topics", [f"{TOPIC}\x00"], "segment"),
    "topic-too-long": Row("topics", ["v2." + "a" * 300], "256"),
    "topics-10000": Row("topics", TEN_THOUSAND_TOPICS, "more than 500"),
    "topics-string": Row("topics", TOPIC, "list"),
    "topics-numbers": Row("topics", [1, 2], "string"),
    "topics-dicts": Row("topics", [{"topic": TOPIC}], "string"),
    "topics-empty": Row("topics", [], "at least one"),
    "topics-duplicate": Row("topics", [TOPIC, TOPIC], "more than once"),
    "topics-null": Row("topics", None, "required"),
    # the AWS side
    "account-number": Row("aws_account_id", 123456789012, "quote it"),
    "account-letters": Row("aws_account_id", "12345678901x", "12 digits"),
    "account-empty": Row("aws_account_id", "", "12 digits"),
    "account-list": Row("aws_account_id", ["123456789012"], "12 digits"),
    "account-null": Row("aws_account_id", None, "required"),
    "region-mars": Row("aws_region", "mars-1", "us-east-1"),
    "region-underscores": Row("aws_region", "US_EAST_1", "did you mean 'us-east-1'"),
    "region-dict": Row("aws_region", {"name": "us-east-1"}, "us-east-1"),
    # the rest
    "enabled-string": Row("enabled", "yes", "true or false"),
    "enabled-number": Row("enabled", 1, "true or false"),
    "notes-too-long": Row("notes", "n" * 5000, "1024"),
    "notes-number": Row("notes", 12, "string"),
}


@pytest.mark.parametrize("row", list(CHECK_ROWS.values()), ids=list(CHECK_ROWS))
def test_bad_resource_input_is_a_check_failure_naming_the_field(
    host: ProviderHost, emulator: GenesysEmulator, row: Row
) -> None:
    before = len(emulator.requests)
    started = time.monotonic()
    _, failures = host.check({}, {**NEWS, row.field: row.value})
    assert time.monotonic() - started < 5
    assert [prop for prop, _ in failures] == [row.field], failures
    [(_, reason)] = failures
    stem = row.field.rstrip("s")  # "topics" -> reasons speak of "a topic"
    assert stem in reason, reason
    assert row.says in reason, reason
    assert "\n" not in reason and len(reason) <= 400, reason
    assert_no_requests(emulator, before)


@pytest.mark.parametrize("name", ["\u202eevil", "admin\u2066x\u2069"], ids=["rlo", "isolate"])
def test_bidi_controls_in_integration_name_are_refused(host: ProviderHost, name: str) -> None:
    _, failures = host.check({}, {**NEWS, "integration_name": name})
    assert [prop for prop, _ in failures] == ["integration_name"], failures


@pytest.mark.parametrize(
    "name",
    ["../../organizations/me", "x?y=1&z=%2e%2e%2f", "\U0001f680 launch \u00e9v\u00e9nements"],
    ids=["dot-dot", "query", "unicode"],
)
def test_hostile_but_printable_name_is_data_never_part_of_a_url(
    host: ProviderHost, emulator: GenesysEmulator, name: str
) -> None:
    """A name travels only in JSON bodies: kept verbatim, and no request path changes."""
    before = len(emulator.requests)
    inputs = checked(host, {**NEWS, "integration_name": name})
    integration_id, outs = host.create(inputs)
    try:
        assert outs["integration_name"] == name
        assert emulator.integration(integration_id)["name"] == name
    finally:
        host.delete(integration_id, outs)
    paths = {r.path for r in emulator.requests[before:]}
    assert all(KNOWN_PATHS.fullmatch(p) for p in paths), paths


# -- tampered state: a hostile id reaches Read, Update, Delete or an adopting Create -------------


def _outs(integration_id: str) -> dict[str, Any]:
    return {**NEWS, "integration_name": "tampered", "enabled": True, "org_id": "o"} | {
        "integration_id": integration_id
    }


STATE_ROWS: dict[str, tuple[str, Callable[[ProviderHost, str], Any]]] = {
    "read-dot-dot": ("../../organizations/me", lambda h, i: h.read(i, _outs(i))),
    "read-query": ("x?y=1", lambda h, i: h.read(i, _outs(i))),
    "update-encoded": (
        "%2e%2e%2f",
        lambda h, i: h.update(i, _outs(i), {**_outs(i), "topics": [TOPIC]}),
    ),
    "delete-uuid-then-dot-dot": (f"{UUID}/../other", lambda h, i: h.delete(i, _outs(i))),
    "adopt-bypassing-check": (
        "../../organizations/me",
        lambda h, i: h.create(
            {**NEWS, "integration_name": "n", "enabled": True, "adopt_integration_id": i}
        ),
    ),
}


@pytest.mark.parametrize("row", list(STATE_ROWS.values()), ids=list(STATE_ROWS))
def test_hostile_id_in_state_is_refused_before_any_request(
    host: ProviderHost,
    emulator: GenesysEmulator,
    row: tuple[str, Callable[[ProviderHost, str], Any]],
) -> None:
    hostile, call = row
    before = len(emulator.requests)
    with pytest.raises(EngineError) as caught:
        call(host, hostile)
    message = caught.value.message
    assert "InvalidPathParameterError" in message
    assert "integration id" in message and "no request was sent" in message
    assert "\n" not in message
    assert_no_requests(emulator, before)


# -- the client, directly ----------------------------------------------------------------------


@pytest.fixture
def client(emulator: GenesysEmulator) -> Iterator[GenesysClient]:
    reset_process_state()
    yield GenesysClient(Settings.resolve(emulator.settings_config(), environ={}))
    reset_process_state()


_CONFIG = IntegrationConfig(id=UUID, name="n", version=1, properties={})
CLIENT_ROWS: dict[str, tuple[Any, Callable[[GenesysClient, Any], Any]]] = {
    "get-dot-dot": ("../../organizations/me", lambda c, i: c.get_integration(i)),
    "get-config-query": ("x?y=1", lambda c, i: c.get_integration_config(i)),
    "put-config-encoded": ("%2e%2e%2f", lambda c, i: c.put_integration_config(i, _CONFIG)),
    "patch-uuid-then-dot-dot": (
        f"{UUID}/../other",
        lambda c, i: c.set_intended_state(i, "ENABLED"),
    ),
    "delete-trailing-newline": (f"{UUID}\n", lambda c, i: c.delete_integration(i)),
    "get-encoded-slash": (f"{UUID}%2F..", lambda c, i: c.get_integration(i)),
    "get-empty": ("", lambda c, i: c.get_integration(i)),
    "get-none": (None, lambda c, i: c.get_integration(i)),
    "get-number": (42, lambda c, i: c.get_integration(i)),
}


@pytest.mark.parametrize("row", list(CLIENT_ROWS.values()), ids=list(CLIENT_ROWS))
def test_client_refuses_a_hostile_id_with_zero_requests(
    client: GenesysClient,
    emulator: GenesysEmulator,
    row: tuple[Any, Callable[[GenesysClient, Any], Any]],
) -> None:
    hostile, call = row
    before = len(emulator.requests)
    with pytest.raises(InvalidPathParameterError) as caught:
        call(client, hostile)
    assert isinstance(caught.value, ValueError)
    assert "integration id" in str(caught.value) and "no request was sent" in str(caught.value)
    assert_no_requests(emulator, before)


def test_get_integration_of_the_org_path_sends_nothing(
    client: GenesysClient, emulator: GenesysEmulator
) -> None:
    """The brief's own example: GenesysClient.get_integration("../../organizations/me")."""
    emulator.reset_log()
    with pytest.raises(InvalidPathParameterError, match="integration id"):
        client.get_integration("../../organizations/me")
    assert emulator.count() == 0 and emulator.token_requests == 0


# -- provider config: through Configure, then Check ---------------------------------------------


CONFIG_ROWS: dict[str, tuple[str, str]] = {
    "region-mars": ("genesyscloud:region", "mars-1"),
    "max-negative": ("genesyscloud:maxIntegrations", "-3"),
    "max-words": ("genesyscloud:maxIntegrations", "lots"),
    "max-fraction": ("genesyscloud:maxIntegrations", "2.5"),
    "timeout-zero": ("genesyscloud:requestTimeout", "0"),
    "budget-negative": ("genesyscloud:retryBudget", "-1"),
    "activation-nan": ("genesyscloud:activationTimeout", "nan"),
    "validate-maybe": ("genesyscloud:validateTopics", "maybe"),
    "api-plain-http": ("genesyscloud:apiBaseUrl", "http://api.example.com"),
    "api-private-ip": ("genesyscloud:apiBaseUrl", "http://10.0.0.1"),
    "api-ftp": ("genesyscloud:apiBaseUrl", "ftp://api.example.com"),
    "api-javascript": ("genesyscloud:apiBaseUrl", "javascript:alert(1)"),
    "api-credentials": ("genesyscloud:apiBaseUrl", "https://user:hunter2@api.example.com"),
    "login-plain-http": ("genesyscloud:loginBaseUrl", "http://login.example.com"),
}


@pytest.fixture(scope="module")
def config_failures(emulator: GenesysEmulator) -> dict[str, tuple[list[tuple[str, str]], int]]:
    """Check's failures for each config row, and the requests the emulator got meanwhile.

    Each row needs its own host (config arrives once, in Configure): they start in parallel.
    """
    lock = threading.Lock()

    def run(key: str, value: str) -> tuple[list[tuple[str, str]], int]:
        with lock:
            before = len(emulator.requests)
        h = start_host(emulator, None, {key: value})
        try:
            _, failures = h.check({}, NEWS)
        finally:
            h.stop()
        return failures, len(emulator.requests[before:])

    with ThreadPoolExecutor(4) as pool:
        futures = {name: pool.submit(run, *row) for name, row in CONFIG_ROWS.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("name", list(CONFIG_ROWS))
def test_bad_provider_config_is_a_check_failure_naming_the_setting(
    config_failures: dict[str, tuple[list[tuple[str, str]], int]], name: str
) -> None:
    key, value = CONFIG_ROWS[name]
    failures, requests = config_failures[name]
    # No property (a setting is no input of the resource): the engine shows the reason alone,
    # which names the setting.
    assert [prop for prop, _ in failures] == [""], failures
    [(_, reason)] = failures
    assert key in reason, reason
    assert "\n" not in reason and len(reason) <= 600, reason
    assert "hunter2" not in reason
    # Bad settings stop everything before a token is asked for. (Rows run in parallel, so
    # this counts every request while the row ran: none at all.)
    assert requests == 0


# -- pattern bombs -------------------------------------------------------------------------------


def _nested_or(depth: int) -> dict[str, Any]:
    policy: dict[str, Any] = {"detail.eventBody.a": ["x"]}
    for _ in range(depth):
        policy = {"$or": [policy, {"detail.eventBody.b": ["y"]}]}
    return policy


FIELD = "detail.eventBody.x"
BOMBS: dict[str, Any] = {
    "or-depth-50": (_nested_or(50), None),
    "or-depth-1000": (_nested_or(1000), None),
    "path-10000-segments": ({"detail." + ".".join(["a"] * 10_000): ["x"]}, None),
    "prefix-100k": ({FIELD: [{"prefix": "a" * 100_000}]}, None),
    "matchers-10000": ({FIELD: [str(n) for n in range(10_000)]}, None),
    "matcher-objects-10000": ({FIELD: [{"prefix": str(n)} for n in range(10_000)]}, None),
    "fields-10000": ({f"detail.eventBody.f{n}": ["x"] for n in range(10_000)}, None),
    "or-branches-10000": ({"$or": [{FIELD: [str(n)]} for n in range(10_000)]}, None),
    "anything-but-10000": ({FIELD: [{"anything-but": [str(n) for n in range(10_000)]}]}, None),
    "wildcard-100k-stars": ({FIELD: [{"wildcard": "*" * 100_000}]}, FIELD),
    "numeric-10000-terms": ({FIELD: [{"numeric": [">", 0] * 5_000}]}, FIELD),
    "cidr-100k": ({FIELD: [{"cidr": "1" * 100_000}]}, FIELD),
    "key-100k": ({"detail.eventBody." + "k" * 100_000: ["x"]}, None),
}


def build_within(policy: Any, seconds: float = 5.0) -> BaseException | None:
    """Run build_pattern in a thread; return what it raised (None: it succeeded)."""
    outcome: dict[str, BaseException | None] = {}

    def run() -> None:
        try:
            build_pattern(
                rule="bomb", source="aws.partner/x", detail_types=[TOPIC], filter_policy=policy
            )
            outcome["error"] = None
        except BaseException as err:  # noqa: BLE001 - the test inspects whatever it was
            outcome["error"] = err

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"build_pattern still running after {seconds} s"
    assert time.monotonic() - started < seconds
    return outcome["error"]


@pytest.mark.parametrize("policy,field", list(BOMBS.values()), ids=list(BOMBS))
def test_pattern_bomb_ends_quickly_in_a_pattern_error(policy: Any, field: str | None) -> None:
    error = build_within(policy)
    assert isinstance(error, PatternError), repr(error)[:300]
    assert "'bomb'" in str(error)  # names the rule
    if field is not None:
        assert error.field == field and field in str(error)


LONG_VALUES: dict[str, Any] = {
    "prefix-100k": {FIELD: [{"prefix": "a" * 100_000}]},
    "key-100k": {"detail.eventBody." + "k" * 100_000: ["x"]},
    "wildcard-100k-stars": {FIELD: [{"wildcard": "*" * 100_000}]},
    "cidr-100k": {FIELD: [{"cidr": "1" * 100_000}]},
    "exists-100k": {FIELD: [{"exists": "y" * 100_000}]},
    "unknown-operator-100k": {FIELD: [{"o" * 100_000: 1}]},
    "numeric-10000-terms": {FIELD: [{"numeric": [">", 0] * 5_000}]},
}


@pytest.mark.parametrize("policy", list(LONG_VALUES.values()), ids=list(LONG_VALUES))
def test_pattern_error_for_a_huge_value_stays_one_short_sentence(policy: Any) -> None:
    error = build_within(policy)
    assert isinstance(error, PatternError)
    assert len(str(error)) <= 500, len(str(error))


def test_row_count_is_at_least_thirty() -> None:
    """The brief asks for a table of at least 30 hostile inputs."""
    rows = len(CHECK_ROWS) + len(STATE_ROWS) + len(CLIENT_ROWS) + len(CONFIG_ROWS) + len(BOMBS)
    assert rows >= 30, rows
