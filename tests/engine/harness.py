"""Plays the Pulumi engine over gRPC against the SDK's real dynamic provider host.

`pulumi up` runs a Python dynamic resource by starting `python -u -m pulumi.dynamic` from the
project directory, reading the gRPC port from its first stdout line, calling GetPluginInfo and
Configure, then Check / Diff / Create / Read / Update / Delete with the serialized provider in the
`__provider` property. `ProviderHost` does the same, so a test exercises the provider exactly as
the CLI would: pickled by the SDK, unpickled and configured in another process, properties through
protobuf.

Engine behaviours reproduced on purpose (they are what a user of `pulumi up` gets):
- the host answers Configure with acceptSecrets=False, so secrets are sent to it as plain values;
- the host answers supportsPreview=False, so a preview Create is never sent to it: the engine
  answers itself with an empty id and the inputs as outputs;
- a non-preview Create that returns an empty id is an error;
- a Read that returns an empty id means "the resource is gone": outputs are empty, inputs None;
- a replacement is Checked again with no olds before its Create (`replacement_check`), so an
  auto-named resource gets a new name (the engine's step generator: "recompute the default
  values");
- an import is a Read with the id alone, no state and no inputs (`import_read`), which the
  Python host cannot serve: it finds the provider by `__provider` there (KeyError, the same as
  through the real CLI in tests/e2e).

Also as under the real CLI (tests/e2e shows each): `pulumi up` is a preview pass and an update
pass, each a separate provider host that Checks every resource afresh (olds empty for a create),
so anything `check()` draws at random differs between the two; Ctrl-C lets in-flight creates
finish and records them before the update stops.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import proto, rpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2_grpc

# The host reports a failure with its whole traceback in the gRPC status details: a long one
# (chained exceptions, a nested error) passes the Python client's 8 KiB metadata default and
# reaches the test as "Stream removed (received metadata size exceeds soft limit ...)" instead
# of the error. The CLI's Go client allows 16 MiB; so does the harness.
_METADATA_LIMIT = 16 * 1024 * 1024
CHANNEL_OPTIONS = [
    *_GRPC_CHANNEL_OPTIONS,
    ("grpc.max_metadata_size", _METADATA_LIMIT),
    ("grpc.absolute_max_metadata_size", _METADATA_LIMIT),
]

__all__ = [
    "DEFAULT_DEADLINE",
    "PROVIDER_KEY",
    "REPO_ROOT",
    "RESOURCE_TYPE",
    "UNKNOWN",
    "DiffResponse",
    "EngineError",
    "HostStartError",
    "ProviderHost",
    "resource_urn",
    "secret",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The project directory: the CLI starts the provider host there."""

UNKNOWN: str = rpc.UNKNOWN
"""The wire form of a value not known during preview (pass it in check/diff inputs)."""

PROVIDER_KEY = "__provider"
RESOURCE_TYPE = "pulumi-python:dynamic:Resource"
PACKAGE = "pulumi-python"
DEFAULT_DEADLINE = 120.0
STARTUP_TIMEOUT = 30.0
DEFAULT_RESOURCE_NAME = "resource"

_T = TypeVar("_T")


def resource_urn(
    name: str = DEFAULT_RESOURCE_NAME,
    *,
    stack: str = "test",
    project: str = "genesys-eventbridge",
    type_: str = RESOURCE_TYPE,
) -> str:
    """URN the engine would give a dynamic resource named `name`."""
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def secret(value: Any) -> dict[str, Any]:
    """Mark a property or config value as secret, the way it is held in engine state."""
    wrapped: dict[str, Any] = rpc.wrap_rpc_secret(value)
    return wrapped


class EngineError(Exception):
    """A failed gRPC call to the provider host, as the engine would report it."""

    code: grpc.StatusCode
    """The gRPC status (the host answers every provider exception with UNKNOWN)."""
    details: str
    """The full text the engine shows: for a provider exception, the host's whole traceback."""
    message: str
    """The exception's own line(s) at the end of the traceback, e.g. "ValueError: bad name"."""
    method: str
    """The RPC that failed, e.g. "Create"."""

    def __init__(self, code: grpc.StatusCode, details: str, *, method: str = "") -> None:
        self.code = code
        self.details = details
        self.method = method
        self.message = exception_line(details)
        super().__init__(code, details)

    def __str__(self) -> str:
        head = f"{self.method or 'call'} failed ({self.code.name}): {self.message}"
        if self.details.strip() == self.message:
            return head
        return f"{head}\n--- provider host said ---\n{self.details.rstrip()}"


class HostStartError(RuntimeError):
    """The provider host did not come up (died, or printed no port in time)."""

    def __init__(self, reason: str, *, stderr: str, returncode: int | None) -> None:
        self.reason = reason
        self.stderr = stderr
        self.returncode = returncode
        super().__init__(f"{reason}\n--- host stderr ---\n{stderr.rstrip()}")


def exception_line(details: str) -> str:
    """The "ExcType: message" part of a Python traceback (the last non-empty line otherwise)."""
    lines = details.rstrip().splitlines()
    if not lines:
        return ""
    frames = [i for i, line in enumerate(lines) if line.startswith('  File "')]
    if not frames:
        return lines[-1].strip()
    # After the last frame header come its source/caret lines (indented 4); the rest is the
    # exception text, which may span several lines (multi-line message, notes).
    i = frames[-1] + 1
    while i < len(lines) and lines[i].startswith("    "):
        i += 1
    tail = "\n".join(lines[i:]).strip()
    return tail or lines[-1].strip()


@dataclass
class DiffResponse:
    """What the provider's Diff answered."""

    changes: Literal["some", "none", "unknown"]
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    diffs: list[str] = field(default_factory=list)


_CHANGES: dict[int, Literal["some", "none", "unknown"]] = {
    proto.DiffResponse.DIFF_SOME: "some",
    proto.DiffResponse.DIFF_NONE: "none",
    proto.DiffResponse.DIFF_UNKNOWN: "unknown",
}


def _run_coroutine(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a coroutine to completion in a fresh event loop, even if one runs in this thread."""

    def run() -> _T:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(make())
        finally:
            loop.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    # A loop already runs in this thread (an async test): nesting is not allowed, use a thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _strip_secrets(value: Any) -> Any:
    """Plain values, as the engine sends them to a provider that does not accept secrets."""
    if rpc.is_rpc_secret(value):
        return _strip_secrets(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {k: _strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strip_secrets(v) for v in value]
    return value


def _restore_unknowns(value: Any) -> Any:
    """Map deserialized `Unknown()` objects back to the UNKNOWN wire string callers compare to."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _restore_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore_unknowns(v) for v in value]
    return value


def _urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _urn_type(urn: str) -> str:
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else RESOURCE_TYPE


class ProviderHost:
    """One `python -u -m pulumi.dynamic` process, driven the way the Pulumi engine drives it.

    Use as a context manager (or start()/stop()). Every method may be called from several threads
    at once; the host serves 4 calls in parallel.
    """

    def __init__(
        self,
        provider: ResourceProvider,
        *,
        config: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | Path = REPO_ROOT,
        python: str | Path = sys.executable,
        secret_config_keys: Iterable[str] = (),
        deadline: float = DEFAULT_DEADLINE,
        startup_timeout: float = STARTUP_TIMEOUT,
        resource_name: str = DEFAULT_RESOURCE_NAME,
    ) -> None:
        """Pickle `provider` as the SDK does; nothing runs until start().

        config: stack config as full keys ("genesyscloud:region") -> value, sent in Configure.
        env: added to os.environ for the host. cwd: where the host runs (its sys.path[0]).
        python: the interpreter that runs the host (another virtualenv's, e.g. a wheel's).
        secret_config_keys: config keys sent as secrets, as `pulumi config set --secret` would.
        deadline: seconds allowed for each gRPC call. resource_name: names the default URN.
        """
        self.provider = provider
        blob, has_secrets = _serialize(True, serialize_provider, provider)
        self.provider_blob: str = blob
        """The `__provider` property, exactly as `pulumi.dynamic.Resource` computes it."""
        self.provider_blob_has_secrets: bool = has_secrets
        self.config: dict[str, Any] = dict(config or {})
        self.env: dict[str, str] = dict(env or {})
        self.cwd = Path(cwd)
        self.python = str(python)
        self.secret_config_keys = frozenset(secret_config_keys)
        missing = self.secret_config_keys - self.config.keys()
        if missing:
            raise ValueError(f"secret_config_keys not in config: {sorted(missing)}")
        self.deadline = deadline
        self.startup_timeout = startup_timeout
        self.default_urn = resource_urn(resource_name)
        self.plugin_info: Any = None
        """GetPluginInfo's answer (proto PluginInfo)."""
        self.configure_response: Any = None
        """Configure's answer (proto ConfigureResponse): acceptSecrets, supportsPreview, ..."""
        self.port: int | None = None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self._stderr_path: Path | None = None
        self._stderr_final: str | None = None
        self._stdout_chunks: list[bytes] = []
        self._reader: threading.Thread | None = None

    # lifecycle ---------------------------------------------------------------------------------

    def __enter__(self) -> ProviderHost:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> ProviderHost:
        """Spawn the host, read its port, connect, call GetPluginInfo, then Configure."""
        with self._lock:
            if self._proc is not None:
                raise RuntimeError("provider host already started")
            fd, path = tempfile.mkstemp(prefix="pulumi-dynamic-host-", suffix=".stderr")
            os.close(fd)
            self._stderr_path = Path(path)
            self._stderr_final = None
            # Append mode: the child's writes never race with our reads over a shared offset.
            with open(path, "ab") as stderr_file:
                self._proc = subprocess.Popen(
                    [self.python, "-u", "-m", "pulumi.dynamic"],
                    cwd=self.cwd,
                    env={**os.environ, **self.env},
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=stderr_file,
                )
        try:
            self.port = self._wait_for_port()
            self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=CHANNEL_OPTIONS)
            grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
            self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
            self.plugin_info = self._call("GetPluginInfo", empty_pb2.Empty())
            self.configure_response = self._call("Configure", self._configure_request())
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_port(self) -> int:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        first_line: list[str] = []
        ready = threading.Event()
        stdout = proc.stdout
        assert isinstance(stdout, io.BufferedReader)

        def pump() -> None:
            # Keep draining stdout after the port line: a provider that prints must never block
            # on a full pipe.
            buffered = b""
            while chunk := stdout.read1(65536):
                if ready.is_set():
                    self._stdout_chunks.append(chunk)
                    continue
                buffered += chunk
                if b"\n" in buffered:
                    line, rest = buffered.split(b"\n", 1)
                    first_line.append(line.decode(errors="replace").strip())
                    if rest:
                        self._stdout_chunks.append(rest)
                    ready.set()
            if not ready.is_set():
                self._stdout_chunks.append(buffered)
            ready.set()

        self._reader = threading.Thread(target=pump, name=f"host-stdout-{proc.pid}", daemon=True)
        self._reader.start()
        if not ready.wait(self.startup_timeout):
            raise self._start_error(f"no port on stdout within {self.startup_timeout:g} s")
        if not first_line:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            raise self._start_error(f"provider host exited (code {proc.returncode}) before a port")
        try:
            return int(first_line[0])
        except ValueError:
            raise self._start_error(f"first stdout line is not a port: {first_line[0]!r}") from None

    def _start_error(self, reason: str) -> HostStartError:
        proc = self._proc
        return HostStartError(
            reason,
            stderr=self.stderr_text(),
            returncode=proc.poll() if proc is not None else None,
        )

    def _configure_request(self) -> Any:
        args: dict[str, Any] = {
            k: secret(v) if k in self.secret_config_keys else v for k, v in self.config.items()
        }
        # `variables` is the legacy flat form of the same config (strings, secrets in the clear).
        variables = {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.config.items()}
        return proto.ConfigureRequest(
            variables=variables,
            args=_run_coroutine(lambda: rpc.serialize_properties(args, {})),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
        )

    def stop(self) -> None:
        """Terminate the host (and wait for it), close the channel. Idempotent."""
        with self._lock:
            channel, self._channel, self._stub = self._channel, None, None
            proc = self._proc
            if channel is not None:
                channel.close()
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            if self._reader is not None:
                self._reader.join(timeout=5)
                self._reader = None
            if proc is not None and proc.stdout is not None:
                proc.stdout.close()
            if self._stderr_path is not None and self._stderr_final is None:
                self._stderr_final = self._read_stderr_file()
                self._stderr_path.unlink(missing_ok=True)
                self._stderr_path = None

    @property
    def pid(self) -> int:
        """Process id of the host (valid after start(), also after stop())."""
        if self._proc is None:
            raise RuntimeError("provider host not started")
        return self._proc.pid

    @property
    def running(self) -> bool:
        """True while the host process is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def supports_preview(self) -> bool:
        """What the host told Configure (False for the Python host)."""
        return bool(self.configure_response and self.configure_response.supportsPreview)

    @property
    def accept_secrets(self) -> bool:
        """What the host told Configure (False for the Python host)."""
        return bool(self.configure_response and self.configure_response.acceptSecrets)

    def stderr_text(self) -> str:
        """Everything the host wrote to stderr so far."""
        if self._stderr_final is not None:
            return self._stderr_final
        return self._read_stderr_file()

    def stdout_text(self) -> str:
        """What the host wrote to stdout after the port line (e.g. a provider's print())."""
        return b"".join(self._stdout_chunks).decode(errors="replace")

    def _read_stderr_file(self) -> str:
        path = self._stderr_path
        if path is None:
            return ""
        try:
            return path.read_bytes().decode(errors="replace")
        except FileNotFoundError:
            return ""

    # the provider protocol ---------------------------------------------------------------------

    def check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], *, urn: str | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Check: returns (checked inputs without __provider, failures as (property, reason)).

        `__provider` is added to news (and to olds when olds are non-empty, as they are once the
        resource exists). UNKNOWN values are passed through (preview) and come back as UNKNOWN.
        """
        urn = urn or self.default_urn
        request = proto.CheckRequest(
            urn=urn,
            olds=self._to_struct(self._with_provider(olds) if olds else {}),
            news=self._to_struct(self._with_provider(news)),
            randomSeed=os.urandom(32),
            name=_urn_name(urn),
            type=_urn_type(urn),
        )
        response = self._call("Check", request)
        failures = [(f.property, f.reason) for f in response.failures]
        return self._from_struct(response.inputs), failures

    def replacement_check(
        self, news: Mapping[str, Any], *, urn: str | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Check as the engine repeats it once Diff asked for a replacement: the new inputs with
        no olds, so that defaults (auto-names) are computed afresh for the new resource; the
        engine creates the replacement from these inputs, not from the first Check's."""
        return self.check({}, news, urn=urn)

    def diff(
        self,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        urn: str | None = None,
    ) -> DiffResponse:
        """Diff: `olds` are the previous outputs (state), `news` the checked inputs."""
        urn = urn or self.default_urn
        request = proto.DiffRequest(
            id=id,
            urn=urn,
            olds=self._to_struct(self._with_provider(olds)),
            news=self._to_struct(self._with_provider(news)),
            name=_urn_name(urn),
            type=_urn_type(urn),
        )
        response = self._call("Diff", request)
        return DiffResponse(
            changes=_CHANGES[response.changes],
            replaces=list(response.replaces),
            delete_before_replace=bool(response.deleteBeforeReplace),
            diffs=list(response.diffs),
        )

    def create(
        self, inputs: Mapping[str, Any], *, preview: bool = False, urn: str | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Create: returns (id, outputs without __provider).

        With preview=True and a host that does not support preview (the Python host), the engine
        does not call the provider at all and answers ("", inputs); so does this method.
        """
        urn = urn or self.default_urn
        properties = self._to_struct(self._with_provider(inputs))
        if preview and not self.supports_preview:
            return "", self._from_struct(properties)
        request = proto.CreateRequest(
            urn=urn,
            properties=properties,
            preview=preview,
            name=_urn_name(urn),
            type=_urn_type(urn),
        )
        response = self._call("Create", request)
        if not response.id and not preview:
            raise EngineError(
                grpc.StatusCode.UNKNOWN,
                f"plugin for package '{PACKAGE}' returned empty resource.ID from create '{urn}'",
                method="Create",
            )
        return response.id, self._from_struct(response.properties)

    def read(
        self,
        id: str,
        outs: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
        *,
        urn: str | None = None,
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Read (refresh): returns (id, outputs, inputs or None when the provider gave none).

        An empty id means the resource is gone; the engine then drops outputs and inputs, so this
        returns ("", {}, None).
        """
        urn = urn or self.default_urn
        request = proto.ReadRequest(
            id=id,
            urn=urn,
            properties=self._to_struct(self._with_provider(outs)),
            inputs=self._to_struct(self._with_provider(inputs)) if inputs is not None else None,
            name=_urn_name(urn),
            type=_urn_type(urn),
        )
        response = self._call("Read", request)
        if not response.id:
            return "", {}, None
        new_inputs = self._from_struct(response.inputs) if response.HasField("inputs") else None
        return response.id, self._from_struct(response.properties), new_inputs

    def import_read(
        self, id: str, *, urn: str | None = None
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Read as the engine sends it to import an existing resource (`pulumi import`, or the
        `import_` resource option): the id alone, no state and no inputs (the engine Checks the
        program's inputs against what Read returns only afterwards), so no `__provider` for the
        Python host to find the provider by.
        """
        urn = urn or self.default_urn
        request = proto.ReadRequest(
            id=id,
            urn=urn,
            properties=self._to_struct({}),
            name=_urn_name(urn),
            type=_urn_type(urn),
        )
        response = self._call("Read", request)
        new_inputs = self._from_struct(response.inputs) if response.HasField("inputs") else None
        return response.id, self._from_struct(response.properties), new_inputs

    def update(
        self,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        urn: str | None = None,
    ) -> dict[str, Any]:
        """Update: `olds` are the previous outputs; returns the new outputs without __provider."""
        urn = urn or self.default_urn
        request = proto.UpdateRequest(
            id=id,
            urn=urn,
            olds=self._to_struct(self._with_provider(olds)),
            news=self._to_struct(self._with_provider(news)),
            preview=False,
            name=_urn_name(urn),
            type=_urn_type(urn),
        )
        response = self._call("Update", request)
        return self._from_struct(response.properties)

    def delete(self, id: str, outs: Mapping[str, Any], *, urn: str | None = None) -> None:
        """Delete: `outs` are the resource's last outputs."""
        urn = urn or self.default_urn
        request = proto.DeleteRequest(
            id=id,
            urn=urn,
            properties=self._to_struct(self._with_provider(outs)),
            name=_urn_name(urn),
            type=_urn_type(urn),
        )
        self._call("Delete", request)

    # plumbing ----------------------------------------------------------------------------------

    def _with_provider(self, props: Mapping[str, Any]) -> dict[str, Any]:
        result = dict(props)
        # setdefault: a test may send a different provider blob on purpose.
        result.setdefault(PROVIDER_KEY, self.provider_blob)
        return result

    def _to_struct(self, props: Mapping[str, Any]) -> struct_pb2.Struct:
        plain = dict(props) if self.accept_secrets else _strip_secrets(props)
        return _run_coroutine(lambda: rpc.serialize_properties(plain, {}))

    @staticmethod
    def _from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
        props = _restore_unknowns(rpc.deserialize_properties(struct, keep_unknowns=True))
        assert isinstance(props, dict)
        props.pop(PROVIDER_KEY, None)
        return props

    def _call(self, method: str, request: Any) -> Any:
        stub = self._stub
        if stub is None:
            raise RuntimeError("provider host not started (or already stopped)")
        started = time.monotonic()
        try:
            return getattr(stub, method)(request, timeout=self.deadline)
        except grpc.RpcError as err:
            if isinstance(err, grpc.Call):
                code, details = err.code(), err.details() or ""
            else:
                code, details = grpc.StatusCode.UNKNOWN, str(err)
            if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                details = f"{details} (after {time.monotonic() - started:.1f} s)"
            raise EngineError(code, details, method=method) from None
