"""The engine harness drives the real `python -m pulumi.dynamic` host like `pulumi up` does."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from tests.engine.conftest import ProviderHostFactory
from tests.engine.harness import (
    UNKNOWN,
    EngineError,
    HostStartError,
    ProviderHost,
    exception_line,
    secret,
)
from tests.engine.toy_provider import STORE_ENV, ToyProvider, load_records

CONFIG = {"toy:greeting": "hello", "toy:token": "tok-123"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory where the toy provider keeps its records."""
    return tmp_path_factory.mktemp("toy-store")


@pytest.fixture(scope="module")
def host(module_provider_host_factory: ProviderHostFactory, store: Path) -> Iterator[ProviderHost]:
    """One host for the module: spawning costs about a second."""
    yield module_provider_host_factory(
        ToyProvider(),
        config=CONFIG,
        secret_config_keys=["toy:token"],
        env={STORE_ENV: str(store)},
    )


def test_full_lifecycle_through_the_host(host: ProviderHost, store: Path) -> None:
    inputs, failures = host.check({}, {"name": "alpha", "color": "red"})
    assert failures == []
    assert inputs == {"name": "alpha", "color": "red", "size": 1, "unknown_inputs": []}

    id_, outs = host.create(inputs)
    assert id_
    assert "__provider" not in outs
    assert outs["name"] == "alpha" and outs["color"] == "red" and outs["revision"] == 1
    # The provider ran in the host process, not in ours.
    assert outs["host_pid"] == host.pid != os.getpid()
    assert load_records(store)[id_]["color"] == "red"

    assert host.diff(id_, outs, inputs).changes == "none"

    new_inputs, failures = host.check(inputs, {"name": "alpha", "color": "blue"})
    assert failures == []
    diff = host.diff(id_, outs, new_inputs)
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == ("some", [], False)

    outs = host.update(id_, outs, new_inputs)
    assert outs["color"] == "blue" and outs["revision"] == 2
    assert load_records(store)[id_]["color"] == "blue"

    read_id, read_outs, read_inputs = host.read(id_, outs, new_inputs)
    assert read_id == id_
    assert read_outs == outs
    assert read_inputs == {"name": "alpha", "color": "blue", "size": 1}

    renamed, _ = host.check(new_inputs, {"name": "beta", "color": "blue"})
    assert host.diff(id_, outs, renamed).replaces == ["name"]

    host.delete(id_, outs)
    assert id_ not in load_records(store)
    assert host.read(id_, outs) == ("", {}, None)
    host.delete(id_, outs)  # already gone: still succeeds


def test_check_failures_come_back_as_property_and_reason(host: ProviderHost) -> None:
    _, failures = host.check({}, {"color": "red"})
    assert failures == [("name", "name must be a non-empty string")]


def test_configure_reached_the_provider(host: ProviderHost) -> None:
    assert host.plugin_info.version == "0.1.0"
    assert host.accept_secrets is False
    assert host.supports_preview is False
    _, outs = host.create({"name": "configured"})
    assert outs["greeting"] == "hello"


def test_secret_config_and_secret_inputs_arrive_unwrapped(host: ProviderHost) -> None:
    _, outs = host.create({"name": secret("hidden-name")})
    assert outs["token_seen"] == "tok-123"
    assert outs["name"] == "hidden-name"


def test_provider_exception_surfaces_as_engine_error(host: ProviderHost, store: Path) -> None:
    before = load_records(store)
    with pytest.raises(EngineError) as caught:
        host.create({"name": "doomed", "fail": "boom"})
    err = caught.value
    assert err.code == grpc.StatusCode.UNKNOWN
    assert err.method == "Create"
    assert err.message == "ValueError: toy toy failed: boom"
    assert err.details.startswith("Traceback (most recent call last):")
    assert load_records(store) == before

    with pytest.raises(EngineError) as caught:
        host.update("no-such-id", {"name": "x"}, {"name": "x"})
    assert caught.value.message == "KeyError: 'toy record no-such-id does not exist'"

    # The host keeps serving after a failed call.
    assert host.check({}, {"name": "still-alive"})[1] == []


def test_an_error_longer_than_grpcs_default_metadata_limit_still_arrives(
    host: ProviderHost,
) -> None:
    # The host sends the traceback in the status details; past 8 KiB a default Python gRPC
    # client drops it and reports "Stream removed (received metadata size exceeds ...)".
    reason = "x" * 12_000
    with pytest.raises(EngineError) as caught:
        host.create({"name": "doomed", "fail": reason})
    assert caught.value.message == f"ValueError: toy toy failed: {reason}"


def test_four_concurrent_creates_run_in_parallel(host: ProviderHost, store: Path) -> None:
    delay = 0.5
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda i: host.create({"name": f"parallel-{i}", "delay": delay}), range(4))
        )
    elapsed = time.monotonic() - started
    ids = {id_ for id_, _ in results}
    assert len(ids) == 4
    assert elapsed < 3 * delay, f"4 creates took {elapsed:.2f} s: not parallel"
    assert len({outs["thread"] for _, outs in results}) == 4
    assert ids <= load_records(store).keys()
    for id_, outs in results:
        host.delete(id_, outs)


def test_unknown_values_during_preview(host: ProviderHost, store: Path) -> None:
    inputs, failures = host.check({}, {"name": UNKNOWN, "color": UNKNOWN})
    assert failures == []
    assert inputs["name"] == UNKNOWN and inputs["color"] == UNKNOWN
    assert inputs["unknown_inputs"] == ["color", "name"]

    diff = host.diff("some-id", {"name": "n", "color": "red"}, {"name": "n", "color": UNKNOWN})
    assert diff.changes == "some"

    # The Python host does not support preview, so the engine never sends it a preview Create.
    before = load_records(store)
    assert host.create(inputs, preview=True) == ("", inputs)
    assert load_records(store) == before


def test_deadline_exceeded_is_an_engine_error(host: ProviderHost, store: Path) -> None:
    host.deadline = 0.3
    try:
        with pytest.raises(EngineError) as caught:
            host.create({"name": "slowpoke", "delay": 1.0})
    finally:
        host.deadline = 120.0
    assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    # The host finishes the call anyway; wait so no worker is still busy for later tests.
    deadline = time.monotonic() + 5
    while not any(r["name"] == "slowpoke" for r in load_records(store).values()):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_host_process_is_gone_after_stop(
    provider_host_factory: ProviderHostFactory, tmp_path: Path
) -> None:
    host = provider_host_factory(
        ToyProvider(), config={"toy:failConfigure": "nope"}, env={STORE_ENV: str(tmp_path)}
    )
    # Configure itself succeeds; provider.configure runs lazily, on the first resource call.
    with pytest.raises(EngineError) as caught:
        host.check({}, {"name": "x"})
    assert caught.value.message == "RuntimeError: toy configure refused: nope"

    pid = host.pid
    host.stop()
    assert not host.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    host.stop()  # idempotent
    with pytest.raises(RuntimeError, match="not started"):
        host.check({}, {"name": "x"})


def test_host_that_dies_at_startup_reports_its_stderr(tmp_path: Path) -> None:
    # A `pulumi` package in the host's cwd shadows the SDK, so `-m pulumi.dynamic` dies at once.
    (tmp_path / "pulumi").mkdir()
    (tmp_path / "pulumi" / "__init__.py").write_text("raise SystemExit('shadowed sdk, no host')\n")
    host = ProviderHost(ToyProvider(), cwd=tmp_path)
    with pytest.raises(HostStartError) as caught:
        host.start()
    assert "shadowed sdk, no host" in caught.value.stderr
    assert caught.value.returncode not in (None, 0)
    assert not host.running


def test_exception_line_keeps_multiline_messages() -> None:
    details = (
        "Traceback (most recent call last):\n"
        '  File "/x/provider.py", line 3, in create\n'
        "    raise ValueError('first\\nsecond')\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "ValueError: first\n"
        "second\n"
    )
    assert exception_line(details) == "ValueError: first\nsecond"
    assert exception_line("Deadline Exceeded") == "Deadline Exceeded"


def test_import_read_fails_in_the_host_for_want_of_the_provider(host: ProviderHost) -> None:
    # What `pulumi import` and the import_ resource option get from the real CLI (tests/e2e).
    with pytest.raises(EngineError) as raised:
        host.import_read("some-existing-id")
    assert "KeyError: '__provider'" in raised.value.details
