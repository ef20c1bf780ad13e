"""Settings for the command line: read from GENESYSCLOUD_* variables, problems told as fixes.

The commands read only the environment (a stack's Pulumi config is not at hand), so every fix
names the environment variable to set.
"""

from __future__ import annotations

from collections.abc import Mapping

from genesys_eventbridge.provider.genesys import (
    SETTING_KEYS,
    ConfigurationError,
    GenesysError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    Settings,
)

# A command answers a person at a terminal: give up on an unreachable Genesys Cloud after this
# many seconds of retries rather than the provider's default (minutes), unless the environment
# sets GENESYSCLOUD_RETRY_BUDGET.
CLI_RETRY_BUDGET = 10.0

CLIENT_ID_ENV = SETTING_KEYS["client_id"].env
CLIENT_SECRET_ENV = SETTING_KEYS["client_secret"].env
CREDENTIALS_FIX = (
    f"export {CLIENT_ID_ENV}=<client id> {CLIENT_SECRET_ENV}=<client secret> of a Genesys Cloud"
    " OAuth client that uses the Client Credentials grant (Admin > Integrations > OAuth)"
)


def resolve_settings(environ: Mapping[str, str]) -> Settings:
    """Settings from `environ` alone, with the command-line retry budget unless one is set."""
    settings = Settings.resolve(None, environ)
    if not environ.get(SETTING_KEYS["retry_budget"].env, "").strip():
        settings = settings.model_copy(update={"retry_budget": CLI_RETRY_BUDGET})
    return settings


def setting_problem(error: ConfigurationError) -> tuple[str, str]:
    """What is wrong with a setting, and how to fix it in the environment."""
    key = next((k for k in SETTING_KEYS.values() if k.config == error.setting), None)
    if key is None:
        return error.message, error.action
    return error.message, (
        f"set {key.env} to a valid value (e.g. `export {key.env}={key.example}`), or unset it to"
        " use the default"
    )


def secret_is_set(settings: Settings) -> bool:
    """Whether a non-empty client secret is set (its value is never shown)."""
    return settings.client_secret is not None and bool(settings.client_secret.get_secret_value())


def credentials_problem(settings: Settings) -> str | None:
    """Which OAuth client credentials are missing, or None when both are set."""
    missing = [
        env
        for env, present in (
            (CLIENT_ID_ENV, bool(settings.client_id)),
            (CLIENT_SECRET_ENV, secret_is_set(settings)),
        )
        if not present
    ]
    if not missing:
        return None
    verb = "is" if len(missing) == 1 else "are"
    return f"no OAuth client credentials: {' and '.join(missing)} {verb} not set"


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
