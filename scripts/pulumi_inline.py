"""`pulumi` for the CLI built by scripts/pulumi-cli: runs a Python project's program for the engine.

The Go module proxy does not serve `pulumi-language-python` (the Python language host, module
github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 answers 403 "This module version
is not available" at every commit), so the built CLI cannot start a Python program by itself.
The Pulumi SDK ships the other supported way in: the Automation API's inline-program language
server (`pulumi.automation._server.LanguageServer`), which the real CLI connects to with
`--client`. This wrapper starts that server in this process with the project's `__main__.py` as
the program and runs the real CLI with `--client`; every other command goes to the CLI unchanged.
The engine, the state, the plugins (the dynamic provider host included) are the real CLI's.
Users never need this: the Pulumi CLI they install brings the language host.

Usage (scripts/pulumi-cli writes the wrapper that calls it): pulumi_inline.py PULUMI ARGS...
"""

from __future__ import annotations

import os
import re
import runpy
import signal
import subprocess
import sys
from concurrent import futures
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import grpc

# How the SDK's inline server words the run errors that are not a program's RunError.
_NOT_RUN_ERRORS = ("python inline source runtime error", "RPC error")

# The commands that take --client (`import` does not: it never runs the program).
PROGRAM_COMMANDS = frozenset({"preview", "pre", "up", "update", "refresh", "destroy"})


def command_of(args: list[str]) -> str | None:
    """The pulumi subcommand in `args` (the first word that is not an option)."""
    skip_value = {"-C", "--cwd", "-s", "--stack"}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in skip_value:
            i += 2
            continue
        if not arg.startswith("-"):
            return arg
        i += 1
    return None


def project_dir(args: list[str]) -> Path:
    """The directory holding Pulumi.yaml: `-C/--cwd` if given, else the working directory."""
    for i, arg in enumerate(args):
        if arg in ("-C", "--cwd") and i + 1 < len(args):
            return Path(args[i + 1]).resolve()
        if arg.startswith("--cwd="):
            return Path(arg.split("=", 1)[1]).resolve()
    return Path.cwd()


def project_settings(directory: Path) -> tuple[Path, Path | None]:
    """The program's directory (`main`, default the project's) and its `virtualenv`, if any."""
    # Read with two patterns, not a YAML parser: this runs before the project's virtualenv (which
    # has one) is known, under whatever python3 is on PATH.
    text = (directory / "Pulumi.yaml").read_text(encoding="utf-8")
    main = re.search(r"^main:[ \t]*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    venv = re.search(r"^[ \t]+virtualenv:[ \t]*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    program = (directory / (main.group(1) if main else ".")).resolve()
    return program, (directory / venv.group(1)).resolve() if venv else None


def reexec_in_virtualenv(venv: Path | None) -> None:
    """Run this script with the project's virtualenv Python, as the language host would."""
    python = venv / "bin" / "python" if venv else None
    if python is None or not python.exists() or Path(sys.prefix).resolve() == venv:
        return
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def serve_program(program_dir: Path) -> tuple[int, grpc.Server]:
    """Start the SDK's inline language server running program_dir/__main__.py; (port, server)."""
    import grpc  # late: commands that do not run the program skip loading gRPC and the SDK
    from pulumi.automation._server import LanguageServer
    from pulumi.runtime.proto import language_pb2, language_pb2_grpc

    entry = program_dir / "__main__.py"

    def program() -> None:
        # What pulumi-language-python-exec does: the program's directory first on sys.path.
        if str(program_dir) not in sys.path:
            sys.path.insert(0, str(program_dir))
        runpy.run_path(str(entry), run_name="__main__")

    class ProgramServer(LanguageServer):
        """The inline server, showing a program's RunError once, as the language host does."""

        def Run(self, request: Any, context: Any) -> Any:  # noqa: N802 (the gRPC method)
            result = super().Run(request, context)
            # The server logged a RunError's message already; returned as the run's error too,
            # the engine would print it again as "an unhandled error occurred: <message>".
            # Crashes and RPC errors keep their error (their text says which they are).
            if result.error and not result.error.startswith(_NOT_RUN_ERRORS):
                return language_pb2.RunResponse(bail=True)
            return result

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(ProgramServer(program), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return port, server


def plugin_environment(venv: Path | None) -> dict[str, str]:
    """The CLI's environment, telling the dynamic provider's plugin which Python to run.

    The plugin (pulumi-resource-pulumi-python) runs PULUMI_RUNTIME_VIRTUALENV's Python, else
    PULUMI_PYTHON_CMD, else whatever python3 is on PATH, which may lack the SDK. The language
    host sets the first from Pulumi.yaml's `virtualenv`; this wrapper stands in for it, and
    without a virtualenv names the Python that runs the program (it has the SDK: it imports it).
    """
    env = dict(os.environ)
    if venv is not None and (venv / "bin" / "python").exists():
        env.setdefault("PULUMI_RUNTIME_VIRTUALENV", str(venv))
    else:
        env.setdefault("PULUMI_PYTHON_CMD", sys.executable)
    return env


def main(argv: list[str]) -> int:
    """Run the real CLI at argv[0] with argv[1:], serving the program when the command needs it."""
    pulumi, args = argv[0], argv[1:]
    if command_of(args) not in PROGRAM_COMMANDS or "--help" in args or "-h" in args:
        os.execv(pulumi, [pulumi, *args])
    directory = project_dir(args)
    if not (directory / "Pulumi.yaml").exists():
        os.execv(pulumi, [pulumi, *args])
    program_dir, venv = project_settings(directory)
    reexec_in_virtualenv(venv)
    here = os.getcwd()
    os.chdir(directory)  # the program's working directory, as under the language host
    port, server = serve_program(program_dir)
    child = subprocess.Popen(
        [pulumi, *args, f"--client=127.0.0.1:{port}"], cwd=here, env=plugin_environment(venv)
    )

    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)

    # Ctrl-C reaches the whole foreground process group, the CLI included, which cancels the
    # update gracefully (a second SIGINT would kill it): do not forward it, keep serving.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, forward)
    try:
        return child.wait()
    finally:
        server.stop(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
