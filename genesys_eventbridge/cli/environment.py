"""Settings for the command line: a stack's `genesyscloud:*` config (`--stack`), else the
GENESYSCLOUD_* environment; every problem told as a fix naming the config key and the variable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from genesys_eventbridge.cli.parser import CommandParser
from genesys_eventbridge.provider.genesys import (
    SETTING_KEYS,
    ConfigurationError,
    GenesysError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    Settings,
    unknown_keys,
)
from genesys_eventbridge.provider.genesys.regions import api_base_url


def _read_secret(env: str) -> str:
    # Typed at a prompt, a secret stays out of the shell's history (and out of `NAME=value`
    # text, which message redaction would mask).
    return f"`read -rs {env} && export {env}`"


CLIENT_ID = SETTING_KEYS["client_id"]
CLIENT_SECRET = SETTING_KEYS["client_secret"]
ACCESS_TOKEN = SETTING_KEYS["access_token"]
CREDENTIALS_FIX = (
    f"set {CLIENT_ID.config} and {CLIENT_SECRET.config} (`pulumi config set {CLIENT_ID.config}"
    f" <client id>` and `pulumi config set --secret {CLIENT_SECRET.config} <client secret>`) or"
    f" {CLIENT_ID.env} and {CLIENT_SECRET.env} (`export {CLIENT_ID.env}=<client id>` and"
    f" {_read_secret(CLIENT_SECRET.env)}), of a Genesys Cloud OAuth client that uses the Client"
    " Credentials grant (Admin > Integrations > OAuth); or a ready token in"
    f" {ACCESS_TOKEN.config} ({ACCESS_TOKEN.env})"
)
# The subscriptions' key in a stack of this project. components.targets.config has it too, but
# importing that module costs every command pulumi's and pydantic's start-up.
SUBSCRIPTIONS_KEY = "genesys-eventbridge:subscriptions"
PULUMI_TIMEOUT = 120.0  # seconds for `pulumi config`: a cloud backend may be slow to answer
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class StackConfigUnavailable(Exception):
    """The stack's config could not be read through the Pulumi CLI; str() says why and the fix."""


@dataclass(frozen=True)
class SettingsSource:
    """Where a command takes its settings from: a stack's config (if any), then the environment."""

    environ: Mapping[str, str]
    stack: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def described(self) -> str:
        """For messages: `stack prod's config, then the environment` or `the environment`."""
        if self.stack is None:
            return "the GENESYSCLOUD_* environment"
        return f"stack {self.stack}'s genesyscloud:* config, then the GENESYSCLOUD_* environment"


def add_source_options(parser: CommandParser) -> None:
    """Add --stack and --cwd to a command's parser."""
    parser.add_argument(
        "--stack",
        metavar="NAME",
        help=(
            "read the settings from this stack's genesyscloud:* config through the Pulumi CLI"
            " (`pulumi config --json --show-secrets --stack NAME`); settings it leaves unset come"
            " from the GENESYSCLOUD_* environment. Without it, only the environment is read"
        ),
    )
    parser.add_argument(
        "--cwd",
        metavar="DIR",
        default=".",
        help="the Pulumi project directory, for --stack (default: the current directory)",
    )


def settings_source(stack: str | None, cwd: str, environ: Mapping[str, str]) -> SettingsSource:
    """The source a command's --stack/--cwd name; StackConfigUnavailable when it cannot be read."""
    if stack is None:
        return SettingsSource(environ)
    return SettingsSource(environ, stack, read_stack_config(stack, cwd, environ))


def read_stack_config(stack: str, cwd: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """The stack's `genesyscloud:*` config, secrets in clear, from `pulumi config --json`."""
    return genesys_config(read_stack_json(stack, cwd, environ))


def genesys_config(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The `genesyscloud:*` values of `pulumi config --json` output."""
    config: dict[str, Any] = {}
    for key, entry in entries.items():
        if key.startswith("genesyscloud:"):
            # Without --show-secrets a secret has no "value": then it is simply unset.
            if entry.get("value") is not None:
                config[key] = entry["value"]
    return config


def read_stack_json(stack: str, cwd: str, environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """`pulumi config --json --show-secrets --stack NAME`: key -> {value, secret, objectValue}."""
    pulumi = shutil.which("pulumi", path=environ.get("PATH", os.defpath))
    if pulumi is None:
        raise StackConfigUnavailable(
            "--stack needs the Pulumi CLI, and `pulumi` is not on PATH; install it"
            " (https://www.pulumi.com/docs/install/), or leave out --stack and export the"
            " GENESYSCLOUD_* variables instead"
        )
    command = [pulumi, "config", "--json", "--show-secrets", "--stack", stack]
    try:
        done = subprocess.run(  # noqa: S603 (a fixed command; the stack name is one argument)
            command,
            cwd=cwd,
            env=dict(environ),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PULUMI_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StackConfigUnavailable(
            f"`pulumi config --stack {stack}` could not run in {cwd} ({_printable(str(error))})"
        ) from None
    if done.returncode != 0:
        said = _printable(" ".join(done.stderr.split()))[:300] or f"exit status {done.returncode}"
        raise StackConfigUnavailable(
            f"`pulumi config --stack {stack}` failed in {cwd}: {said}; check the stack name"
            " (`pulumi stack ls`), that you are logged in to its backend (`pulumi login`), and"
            " that --cwd is the project directory"
        )
    try:
        data = json.loads(done.stdout or "{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise StackConfigUnavailable(
            f"`pulumi config --json --stack {stack}` did not print a JSON object; is `pulumi` the"
            " Pulumi CLI?"
        )
    return {key: entry for key, entry in data.items() if isinstance(entry, dict)}


def _printable(text: str) -> str:
    return _CONTROL.sub("", text)


def resolve_settings(source: SettingsSource) -> Settings:
    """Settings from the source; the retry budget is the documented setting (120 s by default).

    ConfigurationError for a bad or misspelled `genesyscloud:*` key too.
    """
    problems = unknown_keys(source.config)
    if problems:
        first = problems[0].split(" ", 1)[0]
        raise ConfigurationError("; ".join(problems), setting=first, action=f"rename {first}")
    return Settings.resolve(source.config, source.environ)


def fix_for(key_config: str | None, action: str, stack: str | None = None) -> str:
    """The fix for a setting's problem, naming both its config key and its variable."""
    key = next((k for k in SETTING_KEYS.values() if k.config == key_config), None)
    if key is None or (key.config in action and key.env in action):
        return action
    hidden = key.field in ("client_secret", "access_token")
    secret = "--secret " if hidden else ""
    on_stack = f" --stack {stack}" if stack else ""
    export = _read_secret(key.env) if hidden else f"`export {key.env}={key.example}`"
    return (
        f"set {key.config} (`pulumi config set {secret}{key.config} {key.example}{on_stack}`) or"
        f" {key.env} ({export}) to a valid value, or unset it to use the default"
    )


def setting_problem(error: ConfigurationError, stack: str | None = None) -> tuple[str, str]:
    """What is wrong with a setting, and how to fix it (config key and variable both named)."""
    return error.message, fix_for(error.setting, error.action, stack)


def secret_is_set(settings: Settings) -> bool:
    """Whether a non-empty client secret is set (its value is never shown)."""
    return settings.client_secret is not None and bool(settings.client_secret.get_secret_value())


def credentials_problem(settings: Settings) -> str | None:
    """Which credentials are missing, or None when the client can authenticate."""
    if settings.has_credentials:
        return None
    missing = [
        f"{key.config} ({key.env})"
        for key, present in (
            (CLIENT_ID, bool(settings.client_id)),
            (CLIENT_SECRET, secret_is_set(settings)),
        )
        if not present
    ]
    verb = "is" if len(missing) == 1 else "are"
    return (
        f"no credentials: {' and '.join(missing)} {verb} not set, and neither is"
        f" {ACCESS_TOKEN.config} ({ACCESS_TOKEN.env})"
    )


def endpoint_settings(settings: Settings) -> str:
    """Which settings chose the endpoint in use, for errors that may come from a wrong one."""
    api, login = SETTING_KEYS["api_base_url"], SETTING_KEYS["login_base_url"]
    region = SETTING_KEYS["region"]
    if settings.api_base_url == api_base_url(settings.region):
        chosen = f"{region.config} ({region.env}) {settings.region}"
    else:
        chosen = f"{api.config} ({api.env}) and {login.config} ({login.env})"
    origin = "by default" if settings.source == "defaults" else f"set in {settings.source}"
    return (
        f"the API base {settings.api_base_url} and login base {settings.login_base_url} come from"
        f" {chosen} ({origin}): check them"
    )


def explain(error: GenesysError) -> str:
    """A Genesys error as a short clause: status, code, message and correlation id (no advice)."""
    if isinstance(error, (ServiceUnavailableError, RateLimitExhaustedError)):
        times = "attempt" if error.attempts == 1 else "attempts"
        text = f"no usable reply after {error.attempts} {times} in {error.waited:.1f} s"
        if error.last:
            text += f" (last: {error.last})"
    else:
        text = " ".join(str(part) for part in (error.status, error.code) if part)
    message = " ".join(error.message.split()).rstrip(".")
    if message:
        text = f"{text}: {message}" if text else message
    if error.correlation_id:
        text += f" (correlation id {error.correlation_id})"
    return text or type(error).__name__
