"""Fixtures of the component tests: a mocked deployment runner and the sample events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pulumi
import pytest

from tests.mocking import REGION, Deployment, run_program
from tests.samples import SAMPLES_DIR, load_samples


@pytest.fixture
def deploy() -> Iterator[Callable[..., Deployment]]:
    """`deploy(build)`: run a program under mocks and return what it declared."""
    yield run_program


@pytest.fixture(scope="session")
def samples() -> dict[str, dict[str, Any]]:
    """The sample Genesys events of shared/samples, by file stem."""
    found = load_samples()
    assert found, f"no samples in {SAMPLES_DIR}"
    return found


@pytest.fixture(autouse=True)
def no_stack_config() -> Iterator[None]:
    """Pulumi's config is process-wide: no test here sees another test's stack config (e.g. an
    `aws:region` that would move the rules to another region)."""
    pulumi.runtime.set_all_config({})
    yield


@contextmanager
def moto_aws(monkeypatch: pytest.MonkeyPatch, **env: str) -> Iterator[None]:
    """moto in-process, with fake credentials (and `env`) so nothing can reach a real account."""
    from moto import mock_aws

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        **env,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield
