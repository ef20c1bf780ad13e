"""Fixtures for the command-line tests: a fresh process state, the emulator, in-process runs."""

from __future__ import annotations

import io
import socket
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from genesys_eventbridge.__main__ import main
from genesys_eventbridge.emulator import GenesysEmulator


@pytest.fixture
def env(emulator: GenesysEmulator) -> dict[str, str]:
    """GENESYSCLOUD_* variables pointing at the emulator (and nothing else of this process)."""
    return {**emulator.settings_env(), "GENESYSCLOUD_RETRY_BUDGET": "2"}


@dataclass
class Result:
    """What one command run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr together (for "never printed" assertions)."""
        return self.out + self.err


def run_cli(*argv: str, environ: Mapping[str, str]) -> Result:
    """Run `python -m genesys_eventbridge <argv>` in-process."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ=environ)
    return Result(code, out.getvalue(), err.getvalue())


def closed_port_url() -> str:
    """http://127.0.0.1:<port> where nothing listens (the port was just bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def unreachable_environ() -> tuple[str, dict[str, str]]:
    """A closed-port base URL and settings that point at it, with a short retry budget."""
    url = closed_port_url()
    return url, {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "someone",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s3cret-value",
        "GENESYSCLOUD_API_BASE_URL": url,
        "GENESYSCLOUD_ALLOW_INSECURE_HTTP": "true",
        "GENESYSCLOUD_RETRY_BUDGET": "0.2",
    }
