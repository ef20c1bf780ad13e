"""What the stack program can learn about its config beyond `pulumi.Config.get`: every key the
engine passed, which keys are secret, and which values inside a secret object are `secure:`.

`pulumi.Config` reads one known key at a time, so a misspelled key is invisible to it; and
`get_object` returns the values of a secret object as plain values. The engine hands a Python
program its config in the PULUMI_CONFIG environment variable and the secret keys in
PULUMI_CONFIG_SECRET_KEYS (`pulumi/runtime/config.py`); mocks set them with `set_all_config`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime.config as runtime_config

from genesys_eventbridge.components.config_errors import config_path


def config_keys() -> set[str]:
    """Every config key (`namespace:key`) this program was given."""
    return set(runtime_config.get_config_env()) | set(runtime_config.CONFIG.get())


def is_secret_key(key: str) -> bool:
    """Whether the config key `key` holds a secret (or, for an object, contains one)."""
    return (
        runtime_config.is_config_secret(key) or key in runtime_config.get_config_secret_keys_env()
    )


PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")


def project_file(start: Path) -> Path | None:
    """The project file the Pulumi CLI would use from `start`: the nearest Pulumi.yaml (or .yml)
    in `start` or a parent directory; None when there is none."""
    for directory in (start, *start.parents):
        for name in PROJECT_FILES:
            if (directory / name).is_file():
                return directory / name
    return None


def stack_file(start: Path, stack: str) -> Path | None:
    """Where `pulumi config` keeps the stack's config, found as the CLI finds it from `start`.

    Pulumi.<stack>.yaml beside the project file (same extension), or in the project's
    `stackConfigDir` (relative to the project file) when it sets one. None when there is no
    project file, or it cannot be read (so where the stack file is cannot be known).
    """
    project = project_file(start.resolve())
    if project is None:
        return None
    document = _read_yaml(project)
    if not isinstance(document, dict):
        return None  # unreadable: where its stackConfigDir points cannot be known
    config_dir = document.get("stackConfigDir")
    if config_dir is not None and not isinstance(config_dir, str):
        return None
    directory = project.parent / config_dir if config_dir else project.parent
    # A qualified name (org/project/stack) keeps its last part, as the CLI names the file.
    return directory / f"Pulumi.{stack.rsplit('/', 1)[-1]}{project.suffix}"


def program_directory() -> Path:
    """Where the running program's project is looked for: the engine's project root when it
    said, else the working directory (the engine starts a program in its project)."""
    try:
        root = pulumi.runtime.get_root_directory()
    except AttributeError:  # older SDKs
        root = None
    return Path(root) if root else Path.cwd()


def secure_paths(document: Any, key: str) -> set[str] | None:
    """Config paths of the `secure:` values under `key` of a stack file's parsed YAML.

    `subscriptions[0].lambdaCode.environment.TOKEN` for a value set with
    `pulumi config set --secret --path 'genesys-eventbridge:subscriptions[0]...TOKEN'`.
    None when the document has no such key.
    """
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict) or key not in config:
        return None
    bare = key.split(":", 1)[-1]
    found: set[str] = set()
    _walk(config[key], [bare], found)
    return found


def _walk(value: Any, loc: list[int | str], found: set[str]) -> None:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            found.add(config_path(loc))
            return
        for name, item in value.items():
            _walk(item, [*loc, str(name)], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, [*loc, index], found)


def read_secure_paths(start: Path, stack: str, key: str) -> set[str] | None:
    """secure_paths() of the stack's file found from `start` as the CLI finds it; None when
    which values are secure cannot be known: no project or stack file, an unreadable one, or
    one without `key` (its value then comes from elsewhere, e.g. a Pulumi ESC environment)."""
    path = stack_file(start, stack)
    return None if path is None else secure_paths(_read_yaml(path), key)


def _read_yaml(path: Path) -> Any:
    """The parsed YAML file at `path`; None when it cannot be read or parsed."""
    import yaml  # PyYAML ships with the pulumi SDK (a dependency of it)

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None


def under(path: str, prefixes: Iterable[str]) -> bool:
    """Whether `path` is one of `prefixes` or lies inside one of them."""
    return any(path == p or path.startswith((p + ".", p + "[")) for p in prefixes)
