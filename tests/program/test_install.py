"""A larger Pulumi program pip-installs this project beside its own packages and uses it.

The wheel is built from a copy of the packaged files and installed into a fresh virtual
environment. That venv sees the test environment's third-party packages through a .pth file
(installing pulumi-aws again would download ~150 MB per run); the project itself comes only
from the wheel, which the tests prove by checking where `genesys_eventbridge` loads from.

The consumer has its own `components/` and `provider/` packages (a common Pulumi layout): the
wheel must put nothing on the import path that shadows them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import genesys_eventbridge
from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider import EventBridgeIntegrationProvider
from genesys_eventbridge.samples import load_samples
from tests.engine.harness import ProviderHost
from tests.engine.integration_host import NEWS, SECRET_KEY, checked, start_host

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = (
    "genesys_eventbridge",
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "requirements.txt",
)

OWN_COMPONENTS = '''
"""The consumer's own components package."""
class Website:
    kind = "the consumer's Website"
'''
OWN_PROVIDER = '''
"""The consumer's own provider package."""
NAME = "the consumer's provider"
'''
CONSUMER = textwrap.dedent(
    """
    import json, sys
    import pulumi
    import components, provider
    import genesys_eventbridge
    from genesys_eventbridge.components import GenesysEventBridgeSubscription, SubscriptionArgs
    from genesys_eventbridge.samples import load_samples
    from genesys_eventbridge.testing import GenesysEventBridgeMocks

    mocks = GenesysEventBridgeMocks(region="eu-west-1")
    pulumi.runtime.set_mocks(mocks, project="larger-program", stack="dev", preview=False)

    @pulumi.runtime.test
    def program():
        args = SubscriptionArgs(
            topics=["v2.users.{id}.presence"], aws_account_id="123456789012", aws_region="eu-west-1"
        )
        sub = GenesysEventBridgeSubscription("orders", args)
        return sub.event_bus_name

    program()
    print(json.dumps({
        "package": genesys_eventbridge.__file__,
        "version": genesys_eventbridge.__version__,
        "own": [components.Website.kind, provider.NAME],
        "types": sorted({r.type for r in mocks.resources}),
        "samples": sorted(load_samples()),
    }))
    """
)


@dataclass(frozen=True)
class Installed:
    """A fresh virtualenv with the wheel installed, and a program folder outside the checkout."""

    python: Path
    site: Path
    program: Path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel from a copy of the packaged files and install it into a fresh venv."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    source.mkdir()
    for name in PACKAGED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    wheels = tmp / "wheels"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    run([*pip_wheel, "-q", "-w", str(wheels), str(source)])
    [wheel] = wheels.glob("genesys_eventbridge-*.whl")

    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    site = Path(
        run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip()
    )
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    program = tmp / "program"
    program.mkdir()
    return Installed(python=python, site=site, program=program)


def test_the_wheel_puts_one_name_on_the_import_path(installed: Installed) -> None:
    top_level = {p.name.split("-")[0] for p in installed.site.iterdir()}
    assert "genesys_eventbridge" in top_level
    assert not {"provider", "components", "emulator", "tests"} & top_level, top_level
    package = installed.site / "genesys_eventbridge"
    assert (package / "components" / "handler" / "handler.py").is_file()
    assert (package / "emulator" / "__main__.py").is_file()


def test_a_program_with_its_own_components_and_provider_uses_the_wheel(
    installed: Installed,
) -> None:
    program = installed.program
    for name, text in (("components", OWN_COMPONENTS), ("provider", OWN_PROVIDER)):
        (program / name).mkdir(exist_ok=True)
        (program / name / "__init__.py").write_text(text)
    (program / "consumer.py").write_text(CONSUMER)
    out = run([str(installed.python), "consumer.py"], cwd=program)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["package"].startswith(str(installed.site)), report
    assert report["version"] == genesys_eventbridge.__version__
    assert report["own"] == ["the consumer's Website", "the consumer's provider"]
    # The shipped sample events, the same the checkout has.
    assert report["samples"] == sorted(load_samples()) and len(report["samples"]) >= 6
    assert "pulumi-python:dynamic/genesys:EventBridgeIntegration" in report["types"]
    assert "aws:cloudwatch/eventBus:EventBus" in report["types"]


def test_the_wheel_carries_its_license_and_metadata(installed: Installed) -> None:
    [info] = installed.site.glob("genesys_eventbridge-*.dist-info")
    metadata = (info / "METADATA").read_text()
    assert "License-Expression: Apache-2.0" in metadata
    assert "Author: The genesys-eventbridge authors" in metadata
    assert f"Version: {genesys_eventbridge.__version__}" in metadata
    [license_file] = info.rglob("LICENSE")
    text = license_file.read_text()
    assert text == (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert (installed.site / "genesys_eventbridge" / "py.typed").is_file()


def test_the_emulator_runs_from_the_wheel(installed: Installed) -> None:
    out = run([str(installed.python), "-m", "genesys_eventbridge.emulator", "--help"])
    assert "--activation-delay" in out


@pytest.fixture
def emulator() -> Iterator[GenesysEmulator]:
    """A Genesys emulator that activates integrations after 50 ms."""
    with GenesysEmulator(activation_delay=0.05) as emu:
        yield emu


def test_state_written_in_the_checkout_loads_in_a_host_from_the_wheel(
    installed: Installed, emulator: GenesysEmulator
) -> None:
    # The engine stores the provider pickled by module path: a state written by a program run
    # from a checkout must be served by a provider host that has only the installed wheel.
    checkout_host = start_host(emulator)
    try:
        created_id, outs = checkout_host.create(checked(checkout_host, NEWS))
        blob = checkout_host.provider_blob
    finally:
        checkout_host.stop()
    assert "genesys_eventbridge.provider.integration_provider" in _unpickled_names(blob)

    wheel_host = ProviderHost(
        EventBridgeIntegrationProvider(),
        config=emulator.settings_config(),
        secret_config_keys=[SECRET_KEY],
        cwd=installed.program,
        python=installed.python,
    )
    with wheel_host:
        wheel_host.provider_blob = blob  # exactly the state's __provider
        read_id, read_outs, _ = wheel_host.read(created_id, outs)
        assert read_id == created_id
        assert read_outs["topics"] == NEWS["topics"]
        wheel_host.delete(created_id, outs)
    assert emulator.integrations() == []


def _unpickled_names(blob: str) -> str:
    """The module paths a serialized provider refers to (dill stores classes by reference)."""
    import base64

    return base64.b64decode(blob).decode("latin-1")


def run(argv: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout
