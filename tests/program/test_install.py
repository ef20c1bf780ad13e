"""A larger Pulumi program can pip-install this project and use the component, outside the checkout.

The wheel is built from a copy of the packaged files and installed into a fresh virtual
environment. That venv sees the test environment's third-party packages through a .pth file
(installing pulumi-aws again would download ~150 MB per run); the project itself comes only
from the wheel, which the test proves by checking where `components` and `provider` load from.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ("provider", "components", "pyproject.toml", "README.md", "requirements.txt")

CONSUMER = textwrap.dedent(
    """
    import json, sys
    import pulumi
    import components, provider
    from components import GenesysEventBridgeSubscription, SubscriptionArgs
    from tests_mocks import Mocks

    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="larger-program", stack="dev", preview=False)

    @pulumi.runtime.test
    def program():
        args = SubscriptionArgs(
            topics=["v2.users.{id}.presence"], aws_account_id="123456789012", aws_region="eu-west-1"
        )
        sub = GenesysEventBridgeSubscription("orders", args)
        return sub.event_bus_name

    program()
    print(json.dumps({"components": components.__file__, "provider": provider.__file__,
                      "types": sorted(set(mocks.types))}))
    """
)
MOCKS = textwrap.dedent(
    """
    import pulumi

    class Mocks(pulumi.runtime.Mocks):
        def __init__(self):
            self.types = []

        def new_resource(self, args):
            self.types.append(args.typ)
            outs = dict(args.inputs)
            outs.setdefault("arn", "arn:aws:x:eu-west-1:123456789012:" + args.name)
            if args.typ.endswith("EventBridgeIntegration"):
                source = "aws.partner/genesys.com/cloud/org/" + outs["event_source_suffix"]
                outs["event_source_name"] = source
            return args.name + "-id", outs

        def call(self, args):
            return {}, []
    """
)


def test_installed_wheel_serves_a_program_outside_the_checkout(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in PACKAGED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    wheels = tmp_path / "wheels"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ]
    )
    [wheel] = wheels.glob("genesys_eventbridge-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    site = Path(
        run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip()
    )
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    program = tmp_path / "program"
    program.mkdir()
    (program / "consumer.py").write_text(CONSUMER)
    (program / "tests_mocks.py").write_text(MOCKS)
    out = run([str(python), "consumer.py"], cwd=program)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["components"].startswith(str(site)), report
    assert report["provider"].startswith(str(site)), report
    assert "pulumi-python:dynamic/genesys:EventBridgeIntegration" in report["types"]
    assert "aws:cloudwatch/eventBus:EventBus" in report["types"]
    assert (site / "components" / "handler" / "handler.py").is_file()


def run(argv: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout
