"""Fixtures for every test: a clean client process state, and a Genesys emulator on demand."""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis  # noqa: F401 - see below
import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider.genesys import reset_process_state, retries

# hypothesis' pytest plugin imports hypothesis lazily in the terminal summary; on CPython 3.11.7
# that first import, compiled by pytest's assertion rewriter at that depth, can die with
# "SystemError: AST constructor recursion depth mismatch" after every test passed. Importing it
# here, at collection, avoids the crash.


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No cached token, org id, catalog, rate-limit hold or connection carries over between
    tests, and retries back off for milliseconds."""
    reset_process_state()
    monkeypatch.setattr(retries, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr(retries, "BACKOFF_CAP", 0.05)
    yield
    reset_process_state()


@pytest.fixture
def emulator() -> Iterator[GenesysEmulator]:
    """A running Genesys Cloud emulator."""
    with GenesysEmulator() as emu:
        yield emu
