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


def stack_file(directory: Path, stack: str) -> Path:
    """Where `pulumi config` keeps the stack's config: Pulumi.<stack>.yaml in the project."""
    return directory / f"Pulumi.{stack}.yaml"


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


def read_secure_paths(directory: Path, stack: str, key: str) -> set[str] | None:
    """secure_paths() of the stack's file, or None when it cannot be read (e.g. elsewhere)."""
    import yaml  # PyYAML ships with the pulumi SDK (a dependency of it)

    try:
        document = yaml.safe_load(stack_file(directory, stack).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return secure_paths(document, key)


def under(path: str, prefixes: Iterable[str]) -> bool:
    """Whether `path` is one of `prefixes` or lies inside one of them."""
    return any(path == p or path.startswith((p + ".", p + "[")) for p in prefixes)
