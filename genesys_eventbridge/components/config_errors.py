"""One layer of stack config errors: every problem as `<config path>: <what is wrong and the fix>`.

The checks underneath speak three dialects: pydantic (`Input should be a valid string`), the
component's own (`aws_account_id must be ...`, in Python's snake_case) and the provider's. This
module turns each into the config path a user edits (`subscriptions[0].awsAccountId`) and the
words of the stack file (camelCase, "quote it").
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails

from genesys_eventbridge.components.targets.args import CONFIG_TAGS

# A snake_case identifier of two or more words (aws_account_id, lambda_code.code's parts).
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# Fields whose value YAML may read as a number when it is left unquoted.
_QUOTE_HINT = (
    "quote it in the stack file (YAML reads an unquoted 012345678901 as a number and drops the"
    " leading zero)"
)


def config_path(loc: Iterable[int | str]) -> str:
    """`("subscriptions", 0, "lambdaCode", "path")` -> `subscriptions[0].lambdaCode.path`."""
    path = ""
    parts = list(loc)
    for position, part in enumerate(parts):
        # pydantic names the target kind it tried (`targets[0].https.endpoint`): not a path.
        if part in CONFIG_TAGS and position >= 2 and parts[position - 2] == "targets":
            continue
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def camel_words(message: str) -> str:
    """The message with Python's snake_case field names in the stack file's camelCase."""
    return _SNAKE.sub(lambda m: to_camel(m.group(0)), message)


def strip_field(message: str, field: str) -> str:
    """`aws_account_id must be ...` -> `must be ...`; `lambda_code.code: x` -> `x`."""
    for prefix in (f"{field}: ", f"{field} "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` most likely misspells: same letters in another case, else similar."""
    candidates = sorted(set(known))
    by_case = {k.lower(): k for k in candidates}
    if name.lower() in by_case:
        return by_case[name.lower()]
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The config model that holds the field at `loc` (its last part), walking by aliases."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = next(
            (f for name, f in model.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return None
        found = _models_in(field.annotation)
        model = found[0] if found else None
    return model


def field_names(model: type[BaseModel]) -> list[str]:
    """The names a model's fields have in the stack file (their aliases)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def pydantic_problem(root: type[BaseModel], error: ErrorDetails) -> str:
    """One pydantic error as `<config path>: <problem and fix>`."""
    loc = list(error["loc"])
    where = config_path(loc)
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        model = model_at(root, loc)
        name = str(loc[-1])
        guess = closest(name, field_names(model)) if model is not None else None
        hint = f"did you mean {guess}?" if guess else "fields are camelCase (see the README)"
        return f"{where}: is not a known field; {hint}"
    if kind == "missing":
        return f"{where}: is required; set it (see Pulumi.example.yaml)"
    if kind == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{where}: must be a string, got the number {value!r}; {_QUOTE_HINT}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


def component_problem(prefix: str, field: str, message: str) -> str:
    """A component check's error (snake_case `field`, its message) under config path `prefix`."""
    parts = [to_camel(part) for part in field.split(".") if part]
    # The stack file gives the code as a directory path (lambdaCode.path).
    if parts[-2:] == ["lambdaCode", "code"]:
        parts[-1] = "path"
    where = prefix + "".join("." + part for part in parts)
    text = camel_words(strip_field(message, field)).replace("lambdaCode.code", "lambdaCode.path")
    return f"{where}: {text}"


def unknown_key_problems(
    keys: Iterable[str], namespace: str, known: Mapping[str, str] | Sequence[str]
) -> list[str]:
    """`<namespace>:<key>` keys this program does not read, each with the closest known key."""
    names = list(known)
    problems = []
    for key in sorted(keys):
        head, sep, bare = key.partition(":")
        if not sep or head != namespace or bare in names:
            continue
        guess = closest(bare, names)
        hint = (
            f"did you mean {namespace}:{guess}?"
            if guess
            else f"the keys it reads are {', '.join(namespace + ':' + n for n in names)}"
        )
        problems.append(f"{key}: is not a key this program reads (Pulumi would ignore it); {hint}")
    return problems
