"""Fixtures that start real dynamic provider hosts and stop them at teardown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from pulumi.dynamic import ResourceProvider

from genesys_eventbridge.emulator import GenesysEmulator
from tests.engine.harness import ProviderHost
from tests.engine.integration_host import start_host


class ProviderHostFactory(Protocol):
    """Makes a started ProviderHost; takes ProviderHost's arguments."""

    def __call__(self, provider: ResourceProvider, **kwargs: Any) -> ProviderHost: ...


class _Hosts:
    """Starts hosts on demand and remembers them, so teardown stops every one."""

    def __init__(self) -> None:
        self.hosts: list[ProviderHost] = []

    def __call__(self, provider: ResourceProvider, **kwargs: Any) -> ProviderHost:
        host = ProviderHost(provider, **kwargs)
        self.hosts.append(host)
        return host.start()

    def stop_all(self) -> None:
        for host in reversed(self.hosts):
            host.stop()


@pytest.fixture
def provider_host_factory() -> Iterator[ProviderHostFactory]:
    """`make(provider, config=..., env=...)` -> started ProviderHost; all stopped after the test."""
    hosts = _Hosts()
    try:
        yield hosts
    finally:
        hosts.stop_all()


@pytest.fixture(scope="module")
def module_provider_host_factory() -> Iterator[ProviderHostFactory]:
    """Like provider_host_factory, but the hosts live until the test module ends (share one)."""
    hosts = _Hosts()
    try:
        yield hosts
    finally:
        hosts.stop_all()


@pytest.fixture
def emulator() -> Iterator[GenesysEmulator]:
    """A Genesys emulator that activates integrations after 50 ms."""
    with GenesysEmulator(activation_delay=0.05) as emu:
        yield emu


@pytest.fixture
def audit_log(tmp_path: Path) -> Path:
    """Where the provider host writes its audit log."""
    return tmp_path / "audit.jsonl"


@pytest.fixture
def host(emulator: GenesysEmulator, audit_log: Path) -> Iterator[ProviderHost]:
    """A provider host configured for `emulator`, stopped after the test."""
    h = start_host(emulator, audit_log)
    try:
        yield h
    finally:
        h.stop()
