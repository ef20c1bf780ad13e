"""Fixtures that start real dynamic provider hosts and stop them at teardown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import pytest
from pulumi.dynamic import ResourceProvider

from tests.engine.harness import ProviderHost


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
