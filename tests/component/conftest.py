"""Fixtures of the component tests: a mocked deployment runner and the sample events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest

from tests.mocking import Deployment, run_program
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
