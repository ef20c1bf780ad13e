"""`python -m genesys_eventbridge validate`: every static check of a stack's config, no engine.

For pre-commit hooks and CI: the checks `pulumi preview` runs before it talks to anyone (unknown
keys, each subscription's fields, filter policies and limits, the Genesys settings), on a stack
read through the Pulumi CLI (`--stack`) or straight from its file (`--file`). Nothing is sent to
Genesys Cloud or AWS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from genesys_eventbridge.cli.environment import (
    StackConfigUnavailable,
    fix_for,
    read_stack_json,
)
from genesys_eventbridge.cli.parser import (
    CommandParser,
    command_parser,
    returns_parser_exit,
)
from genesys_eventbridge.cli.yaml_errors import yaml_problem
from genesys_eventbridge.components.nesting import too_deep_problem
from genesys_eventbridge.provider.genesys import ConfigurationError, Settings
from genesys_eventbridge.provider.integration_config import (
    INTEGRATIONS_KEY,
    IntegrationConfigError,
    parse_integrations,
)
from genesys_eventbridge.provider.integration_resource import plain_secret_settings

NAME = "validate"
SUMMARY = "Run every static check of a stack's config (no engine, no network): for CI and hooks."
DEFAULT_NAMESPACE = "genesys-eventbridge"
SECRET_PLACEHOLDER = "<secret>"  # a `secure:` value of a stack file, which only Pulumi decrypts


class UnreadableStack(Exception):
    """The stack file or the Pulumi CLI's answer cannot be used; str() says why."""


@dataclass
class StackDocument:
    """A stack's config as the checks need it."""

    stack: str
    where: str
    project_dir: Path
    namespace: str
    config: dict[str, Any]
    secret_keys: set[str] = field(default_factory=set)
    # Of each secret key: the config paths of its `secure:` values, None when they cannot be known.
    secure_paths: dict[str, set[str] | None] = field(default_factory=dict)
    # The config keys Pulumi.yaml declares (full keys), with their defaults (None without one).
    declared: dict[str, Any] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        """The stack's value of the full `key`, else the project's default."""
        return self.config.get(key, self.declared.get(key))


def _parser(stdout: TextIO, stderr: TextIO) -> CommandParser:
    parser = command_parser(
        NAME,
        (
            f"{SUMMARY} Checks that every genesys-eventbridge:* and genesyscloud:* key is one the"
            " program reads, every subscription (its fields, rules, filter policies and AWS"
            " limits) and the Genesys settings (with the GENESYSCLOUD_* environment, as preview"
            " sees them). Topics are checked against the org's catalog only at preview. Exit"
            " status 0 when all pass, 1 with one line per problem, 2 when the stack cannot be"
            " read."
        ),
        stdout=stdout,
        stderr=stderr,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--stack",
        metavar="NAME",
        help="read the stack's config through the Pulumi CLI (`pulumi config --json"
        " --show-secrets --stack NAME`, in --cwd)",
    )
    source.add_argument(
        "--file",
        metavar="PATH",
        help="read a stack file (Pulumi.<stack>.yaml) directly; `secure:` values are not"
        " decrypted, only their place is checked",
    )
    parser.add_argument(
        "--cwd",
        metavar="DIR",
        default=".",
        help="the Pulumi project directory, for --stack (default: the current directory)",
    )
    return parser


def _project(project_dir: Path) -> dict[str, Any]:
    import yaml  # PyYAML ships with the pulumi SDK (a dependency of it)

    try:
        project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return project if isinstance(project, dict) else {}


def _namespace(project_dir: Path) -> str:
    name = _project(project_dir).get("name")
    return name if isinstance(name, str) and name else DEFAULT_NAMESPACE


def _declared(project_dir: Path) -> dict[str, Any]:
    """The config keys Pulumi.yaml declares, as full keys, with their defaults."""
    namespace = _namespace(project_dir)
    declared = _project(project_dir).get("config")
    found = {}
    for key, spec in declared.items() if isinstance(declared, dict) else ():
        full = str(key) if ":" in str(key) else f"{namespace}:{key}"
        found[full] = spec.get("default") if isinstance(spec, dict) else spec
    return found


def _decrypted_placeholders(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {k: _decrypted_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decrypted_placeholders(v) for v in value]
    return value


def _yaml_1_2_loader() -> type[Any]:
    import yaml

    class Loader(yaml.SafeLoader):
        """PyYAML reads YAML 1.1, where an unquoted 012345678901 is a string; Pulumi's YAML 1.2
        reader makes it a number (the account id problem validate must see as preview does)."""

    def integer(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        text = str(loader.construct_scalar(node)).replace("_", "")
        if text.lstrip("+-").isdigit():
            return int(text, 10)
        return yaml.SafeLoader.construct_yaml_int(loader, node)

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"[-+]?[0-9]+\Z"), list("-+0123456789")
    )
    Loader.add_constructor("tag:yaml.org,2002:int", integer)
    return Loader


def from_file(path: Path) -> StackDocument:
    """Read a Pulumi.<stack>.yaml file."""
    import yaml

    from genesys_eventbridge.components.config_source import secure_paths

    text: str | None = None
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.load(text, Loader=_yaml_1_2_loader())  # noqa: S506 (a SafeLoader)
    except OSError as error:
        raise UnreadableStack(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise UnreadableStack(yaml_problem(path, error, text)) from None
    except RecursionError:
        raise UnreadableStack(too_deep_problem(str(path))) from None
    if document is None:
        document = {}
    config = document.get("config", {}) if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise UnreadableStack(f"{path}: `config:` must be a mapping of keys to values")
    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml").removesuffix(".yml")
    secure = {key: secure_paths(document, key) or set() for key in config}
    return StackDocument(
        stack=stack,
        where=str(path),
        project_dir=path.resolve().parent,
        namespace=_namespace(path.resolve().parent),
        declared=_declared(path.resolve().parent),
        config={str(k): _decrypted_placeholders(v) for k, v in config.items()},
        secret_keys={k for k, paths in secure.items() if paths},
        secure_paths={k: paths for k, paths in secure.items() if paths},
    )


def from_cli(stack: str, cwd: str, environ: Mapping[str, str]) -> StackDocument:
    """Read a stack's config through the Pulumi CLI (secrets decrypted)."""
    from genesys_eventbridge.components.config_source import read_secure_paths

    entries = read_stack_json(stack, cwd, environ)
    config: dict[str, Any] = {}
    for key, entry in entries.items():
        if "objectValue" in entry:
            config[key] = entry["objectValue"]
        elif "value" in entry:
            config[key] = entry["value"]
    secret_keys = {k for k, entry in entries.items() if entry.get("secret") is True}
    project_dir = Path(cwd).resolve()
    # The stack file found as the CLI finds it (up to Pulumi.yaml, its stackConfigDir); None for a
    # key whose secure values cannot be known there, which the checks then refuse.
    secure = {k: read_secure_paths(project_dir, stack, k) for k in secret_keys}
    return StackDocument(
        stack=stack,
        where=f"stack {stack}",
        project_dir=project_dir,
        namespace=_namespace(project_dir),
        declared=_declared(project_dir),
        config=config,
        secret_keys=secret_keys,
        secure_paths=secure,
    )


@dataclass
class Report:
    """What the checks found."""

    problems: list[str]
    subscriptions: int = 0
    # What the program declares one resource per entry of: its subscriptions or integrations.
    noun: str = "subscription"


def check(document: StackDocument, environ: Mapping[str, str]) -> Report:
    """Every static check of `document`: keys, subscriptions, Genesys settings."""
    from genesys_eventbridge.components.stack_config import (
        CONFIG_KEY,
        StackConfigError,
        key_problems,
        parse_subscriptions,
    )
    from genesys_eventbridge.components.targets.config import secret_references

    if f"{document.namespace}:{INTEGRATIONS_KEY}" in document.declared:
        report = _check_integrations(document)
        report.problems += _settings_problems(document, environ, report.problems)
        return report
    full_key = f"{document.namespace}:{CONFIG_KEY}"
    raw = document.config.get(full_key)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            pass  # reported as "not a list" below
    # A key that a target names with {fromConfig: key} holds its credential: a key it reads.
    read = secret_references(raw) | set(document.declared)
    problems = key_problems(set(document.config) - read, document.namespace)
    count = 0
    if isinstance(raw, str):
        problems.append(
            f"{CONFIG_KEY}: must be a list of subscription objects in the stack file (see"
            " Pulumi.example.yaml), not a plain string"
        )
    elif not any(p.startswith(f"{document.namespace}:") for p in problems):
        try:
            # Where `secure:` values sit is checked, and that target credentials are secrets.
            count = len(
                parse_subscriptions(
                    raw,
                    document.stack,
                    base=document.project_dir,
                    secure_paths=document.secure_paths.get(full_key)
                    if full_key in document.secret_keys
                    else set(),
                    secret=full_key in document.secret_keys,
                    config_secrets={k: k in document.secret_keys for k in document.config},
                    default_region=_text(document.config.get("aws:region")),
                )
            )
        except StackConfigError as error:
            problems += error.problems
    problems += _settings_problems(document, environ, problems)
    return Report(problems, count)


def _settings_problems(
    document: StackDocument, environ: Mapping[str, str], found: Sequence[str]
) -> list[str]:
    """The Genesys settings' problem (with the environment, as preview resolves them), unless
    a genesyscloud: key was reported already."""
    genesys = {k: v for k, v in document.config.items() if k.startswith("genesyscloud:")}
    # The engine records stack config in the state: a Genesys credential must be a secret.
    plain = plain_secret_settings({k: k in document.secret_keys for k in genesys})
    if plain or any(p.startswith("genesyscloud:") for p in found):
        return plain
    try:
        Settings.resolve(genesys, environ)
    except ConfigurationError as error:
        setting = error.setting or "genesyscloud"
        return [f"{setting}: {error.message}; fix: {fix_for(error.setting, error.action)}"]
    return []


def _check_integrations(document: StackDocument) -> Report:
    """A project of integrations alone (examples/integration-only): its keys and entries."""
    from genesys_eventbridge.components.stack_config import key_problems

    namespace = document.namespace
    own = [key.partition(":")[2] for key in document.declared if key.startswith(namespace + ":")]
    problems = key_problems(document.config, namespace, own)
    try:
        entries = parse_integrations(
            document.value(f"{namespace}:{INTEGRATIONS_KEY}"),
            account=document.value(f"{namespace}:awsAccountId"),
            region=document.value(f"{namespace}:awsRegion"),
        )
    except IntegrationConfigError as error:
        return Report(problems + error.problems, noun="integration")
    return Report(problems, len(entries), noun="integration")


@returns_parser_exit
def run(argv: Sequence[str], *, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]) -> int:
    """Check the stack; 0 when it passes, 1 listing each problem, 2 when it cannot be read."""
    args = _parser(stdout, stderr).parse_args(list(argv))
    try:
        if args.file:
            document = from_file(Path(args.file))
        else:
            document = from_cli(args.stack, args.cwd, environ)
    except (UnreadableStack, StackConfigUnavailable) as error:
        stderr.write(f"error: {error}\n")
        return 2
    report = check(document, environ)
    if report.problems:
        count = len(report.problems)
        stdout.write(f"{document.where}: {count} problem{'s' if count != 1 else ''}\n")
        for problem in report.problems:
            stdout.write(f"  {problem}\n")
        return 1
    plural = "s" if report.subscriptions != 1 else ""
    stdout.write(
        f"{document.where}: {report.subscriptions} {report.noun}{plural}, every static check"
        " passed (nothing was sent; topics are checked against the org's catalog at preview)\n"
    )
    return 0


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
