"""The official Genesys Python SDK (PureCloudPlatformClientV2) as a schema: its operations' body
and reply models, and the JSON keys each model allows (`attribute_map`, `swagger_types`).

The SDK is generated from Genesys' OpenAPI spec; it is a dev dependency only, read here to check
that what we send and what the emulator answers have no key the platform's own models lack.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import PureCloudPlatformClientV2 as sdk

# The SDK modules holding every operation this project calls.
API_MODULES = ("integrations_api", "notifications_api", "organization_api")
ERROR_MODEL = "ErrorBody"

_OPERATION = re.compile(
    r"resource_path = '(?P<path>[^']+)'.*?call_api\(resource_path, '(?P<method>[A-Z]+)'"
    r".*?response_type=(?:'(?P<reply>[^']+)'|None)",
    re.DOTALL,
)
_BODY_PARAM = re.compile(r":param (?P<model>\w+) body:")
_QUERY_PARAM = re.compile(r"query_params\['(?P<name>\w+)'\]")
_LIST = re.compile(r"list\[(?P<inner>.+)\]")
_DICT = re.compile(r"dict\(str, (?P<inner>.+)\)")
_PRIMITIVES = frozenset({"str", "int", "float", "bool", "datetime", "date", "object", "long"})


@dataclass(frozen=True)
class Operation:
    """One SDK operation: its HTTP method and path template, body model and reply model."""

    method: str
    path: str
    body: str | None
    reply: str | None
    query: frozenset[str]

    def matches(self, method: str, path: str) -> bool:
        """Whether a concrete request is this operation."""
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.path))
        return method == self.method and re.fullmatch(pattern, path) is not None

    @property
    def literal_segments(self) -> int:
        """Path segments without a placeholder: more means a more specific template."""
        return sum(1 for s in self.path.split("/") if s and not s.startswith("{"))


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation of API_MODULES, read from the SDK's generated source."""
    found: list[Operation] = []
    for name in API_MODULES:
        source = inspect.getsource(importlib.import_module(f"{sdk.__name__}.apis.{name}"))
        for chunk in re.split(r"\n    def ", source)[1:]:
            match = _OPERATION.search(chunk)
            if match is None:
                continue
            body = _BODY_PARAM.search(chunk)
            found.append(
                Operation(
                    method=match["method"],
                    path=match["path"],
                    body=body["model"] if body else None,
                    reply=match["reply"],
                    query=frozenset(q["name"] for q in _QUERY_PARAM.finditer(chunk)),
                )
            )
    return tuple(found)


def operation_for(method: str, path: str) -> Operation:
    """The SDK operation a concrete request is (the most specific template wins)."""
    candidates = [op for op in operations() if op.matches(method, path)]
    if not candidates:
        raise LookupError(f"the SDK has no operation for {method} {path}")
    return max(candidates, key=lambda op: op.literal_segments)


@functools.cache
def model_fields(model: str) -> dict[str, str]:
    """A model's JSON keys -> their SDK type names."""
    instance = getattr(sdk, model)()
    return {
        json_name: instance.swagger_types[attr]
        for attr, json_name in instance.attribute_map.items()
    }


def foreign_keys(model: str, value: Any, where: str = "") -> Iterator[str]:
    """Paths of the keys in `value` that the SDK model `model` (or its nested models) lacks."""
    if model in _PRIMITIVES or value is None:
        return
    if listed := _LIST.fullmatch(model):
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from foreign_keys(listed["inner"], item, f"{where}[{index}]")
        return
    if mapped := _DICT.fullmatch(model):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from foreign_keys(mapped["inner"], item, f"{where}.{key}")
        return
    if not isinstance(value, dict):
        return
    known = model_fields(model)
    for key, item in value.items():
        path = f"{where}.{key}" if where else key
        if key not in known:
            yield f"{path} (not in {model})"
        else:
            yield from foreign_keys(known[key], item, path)
