"""Client settings: from the stack's `genesyscloud:*` config, then `GENESYSCLOUD_*` variables."""

from __future__ import annotations

import difflib
import math
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, SecretStr, model_validator

from genesys_eventbridge.provider.genesys.errors import ConfigurationError
from genesys_eventbridge.provider.genesys.regions import (
    DEFAULT_REGION,
    api_base_url,
    check_base_url,
    derive_login_base_url,
    normalize_region,
)

CONFIG_NAMESPACE = "genesyscloud"


@dataclass(frozen=True)
class SettingKey:
    """Where one setting comes from: its Pulumi config key and its environment variable."""

    field: str
    config: str
    env: str
    example: str

    @property
    def names(self) -> str:
        """Both names, for messages: `genesyscloud:region (GENESYSCLOUD_REGION)`."""
        return f"{self.config} ({self.env})"


SETTING_KEYS: Mapping[str, SettingKey] = {
    k.field: k
    for k in (
        SettingKey(
            "client_id", "genesyscloud:oauthclientId", "GENESYSCLOUD_OAUTHCLIENT_ID", "<id>"
        ),
        SettingKey(
            "client_secret",
            "genesyscloud:oauthclientSecret",
            "GENESYSCLOUD_OAUTHCLIENT_SECRET",
            "<secret>",
        ),
        SettingKey(
            "access_token", "genesyscloud:accessToken", "GENESYSCLOUD_ACCESS_TOKEN", "<token>"
        ),
        SettingKey("region", "genesyscloud:region", "GENESYSCLOUD_REGION", "eu-west-1"),
        SettingKey(
            "api_base_url",
            "genesyscloud:apiBaseUrl",
            "GENESYSCLOUD_API_BASE_URL",
            "https://api.mypurecloud.com",
        ),
        SettingKey(
            "login_base_url",
            "genesyscloud:loginBaseUrl",
            "GENESYSCLOUD_LOGIN_BASE_URL",
            "https://login.mypurecloud.com",
        ),
        SettingKey(
            "allow_insecure_http",
            "genesyscloud:allowInsecureHttp",
            "GENESYSCLOUD_ALLOW_INSECURE_HTTP",
            "true",
        ),
        SettingKey(
            "max_integrations",
            "genesyscloud:maxIntegrations",
            "GENESYSCLOUD_MAX_INTEGRATIONS",
            "25",
        ),
        SettingKey(
            "audit_log_path", "genesyscloud:auditLogPath", "GENESYSCLOUD_AUDIT_LOG", "audit.jsonl"
        ),
        SettingKey(
            "request_timeout", "genesyscloud:requestTimeout", "GENESYSCLOUD_REQUEST_TIMEOUT", "30"
        ),
        SettingKey("retry_budget", "genesyscloud:retryBudget", "GENESYSCLOUD_RETRY_BUDGET", "120"),
        SettingKey(
            "activation_timeout",
            "genesyscloud:activationTimeout",
            "GENESYSCLOUD_ACTIVATION_TIMEOUT",
            "300",
        ),
        SettingKey(
            "validate_topics", "genesyscloud:validateTopics", "GENESYSCLOUD_VALIDATE_TOPICS", "true"
        ),
        SettingKey(
            "token_pool_size", "genesyscloud:tokenPoolSize", "GENESYSCLOUD_TOKEN_POOL_SIZE", "10"
        ),
        SettingKey(
            "requests_per_minute",
            "genesyscloud:requestsPerMinute",
            "GENESYSCLOUD_REQUESTS_PER_MINUTE",
            "300",
        ),
    )
}

# What is sent with the credentials, and so must be set in the same place as them (see
# _check_one_source): a base URL from a stale shell must never receive a stack's credentials.
CREDENTIAL_FIELDS = ("client_id", "client_secret", "access_token")
ENDPOINT_FIELDS = ("api_base_url", "login_base_url")
SECRET_FIELDS = frozenset({"client_secret", "access_token"})
_WHAT = {
    "client_id": "the OAuth client id",
    "client_secret": "the OAuth client secret",
    "access_token": "the access token",
    "api_base_url": "the API base URL",
    "login_base_url": "the login base URL",
}

# Secrets are left out of pickles (see Settings.__getstate__). An unpickled Settings gets its secret
# back from here when this process has resolved the same (login base, client id) before — the
# Pulumi provider host always has, in configure(). Access tokens are keyed by (API base, "").
_SECRETS: dict[tuple[str, str], SecretStr] = {}
_TOKENS: dict[str, SecretStr] = {}
_SECRETS_LOCK = threading.Lock()


class Settings(BaseModel):
    """What the client needs to reach one Genesys Cloud org; frozen, the secret kept hidden."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_id: str | None = None
    client_secret: SecretStr | None = None
    # A ready bearer token (CX as Code's GENESYSCLOUD_ACCESS_TOKEN), used as is, never renewed.
    access_token: SecretStr | None = None
    region: str = DEFAULT_REGION
    # Resolved: an override wins over the region (see _resolve_urls); never empty after validation.
    api_base_url: str = ""
    login_base_url: str = ""
    allow_insecure_http: bool = False
    # Where the credentials and base URLs came from ("Pulumi config", "the environment", or
    # "defaults"), shown by doctor and at preview.
    source: str = "defaults"
    max_integrations: int = 25
    audit_log_path: str | None = None
    request_timeout: float = 30.0
    retry_budget: float = 120.0
    activation_timeout: float = 300.0
    validate_topics: bool = True
    # Up to this many OAuth tokens per process and client, each paced at requests_per_minute
    # until a reply states the token's own limit (inin-ratelimit-allowed).
    token_pool_size: int = 10
    requests_per_minute: int = 300

    @model_validator(mode="before")
    @classmethod
    def _resolve_urls(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        region = normalize_region(str(data.get("region") or DEFAULT_REGION))
        data["region"] = region
        allow_http = data.get("allow_insecure_http") is True
        api = data.get("api_base_url") or None
        api = (
            check_base_url(str(api), "genesyscloud:apiBaseUrl", allow_http=allow_http)
            if api
            else api_base_url(region)
        )
        login = data.get("login_base_url") or None
        data["api_base_url"] = api
        data["login_base_url"] = (
            check_base_url(str(login), "genesyscloud:loginBaseUrl", allow_http=allow_http)
            if login
            else derive_login_base_url(api)
        )
        return data

    @model_validator(mode="after")
    def _check_ranges(self) -> Settings:
        for field, (check, _) in _NUMBERS.items():
            check_number(SETTING_KEYS[field], getattr(self, field), check)
        return self

    def model_post_init(self, context: Any, /) -> None:
        """Remember the secret for unpickling in this process."""
        if self.client_id and self.client_secret is not None:
            with _SECRETS_LOCK:
                _SECRETS[(self.login_base_url, self.client_id)] = self.client_secret

        if self.access_token is not None:
            with _SECRETS_LOCK:
                _TOKENS[self.api_base_url] = self.access_token

    @property
    def has_client_credentials(self) -> bool:
        """Whether both the OAuth client id and secret are set."""
        return bool(self.client_id) and bool(
            self.client_secret and self.client_secret.get_secret_value()
        )

    @property
    def has_access_token(self) -> bool:
        """Whether a ready access token is set."""
        return bool(self.access_token and self.access_token.get_secret_value())

    @property
    def has_credentials(self) -> bool:
        """Whether the client can authenticate: an access token, or a client id and secret."""
        return self.has_access_token or self.has_client_credentials

    @property
    def endpoint(self) -> str:
        """Where requests go and where that was set, for doctor and the preview log."""
        origin = (
            "no credentials or base URLs set"
            if self.source == "defaults"
            else f"credentials and base URLs from {self.source}"
        )
        return (
            f"API {self.api_base_url}, login {self.login_base_url} (region {self.region}; {origin})"
        )

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint."""
        return f"{self.login_base_url}/oauth/token"

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle without the client secret: pickles end up in Pulumi state."""
        state = dict(super().__getstate__())
        fields = dict(state["__dict__"])
        fields["client_secret"] = None
        fields["access_token"] = None
        state["__dict__"] = fields
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Unpickle; the secret comes back only if this process resolved it before."""
        super().__setstate__(state)
        if self.client_secret is None and self.client_id:
            with _SECRETS_LOCK:
                secret = _SECRETS.get((self.login_base_url, self.client_id))
            if secret is not None:
                self.__dict__["client_secret"] = secret
        if self.access_token is None:
            with _SECRETS_LOCK:
                token = _TOKENS.get(self.api_base_url)
            if token is not None:
                self.__dict__["access_token"] = token

    @classmethod
    def resolve(
        cls,
        config: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Resolve: Pulumi config (`genesyscloud:*`) first, then `GENESYSCLOUD_*`, then defaults.

        `environ` defaults to os.environ. Empty values count as unset. Bad values raise
        ConfigurationError naming the key and the fix.
        """
        env: Mapping[str, str] = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for key in SETTING_KEYS.values():
            found = _lookup(config or {}, env, key)
            if found is None:
                continue
            raw, source = found
            values[key.field] = _PARSERS[key.field](key, raw, source)
            origins[key.field] = CONFIG_SOURCE if source.startswith("Pulumi") else ENV_SOURCE
        values["source"] = _check_one_source(origins)
        return cls(**values)


CONFIG_SOURCE = "Pulumi config"
ENV_SOURCE = "the environment"


def _check_one_source(origins: Mapping[str, str]) -> str:
    """The one place the credentials and base URLs come from; refuse a mix of two places."""
    sent = [f for f in (*CREDENTIAL_FIELDS, *ENDPOINT_FIELDS) if f in origins]
    places = sorted({origins[f] for f in sent})
    if len(places) <= 1:
        return next(iter(places), "defaults")
    if not any(f in origins for f in ENDPOINT_FIELDS):
        # An id in the stack and a secret in the environment still go to the region's own https
        # endpoints: nothing to refuse.
        return " and ".join(places)
    # Name a base URL and a credential from different places (or two base URLs).
    first = next((f for f in ENDPOINT_FIELDS if f in origins), sent[0])
    other = next(
        (
            f
            for f in (*CREDENTIAL_FIELDS, *ENDPOINT_FIELDS)
            if f in origins and origins[f] != origins[first]
        ),
    )
    return _mixed_sources(SETTING_KEYS[first], origins[first], SETTING_KEYS[other], origins[other])


def _named(key: SettingKey, place: str) -> str:
    return key.config if place == CONFIG_SOURCE else key.env


def _mixed_sources(a: SettingKey, a_place: str, b: SettingKey, b_place: str) -> NoReturn:
    together = "" if b.field in ENDPOINT_FIELDS else " with the credentials"
    raise ConfigurationError(
        f"{_WHAT[a.field]} is set in {a_place} ({_named(a, a_place)}) but {_WHAT[b.field]}"
        f" in {b_place} ({_named(b, b_place)}): credentials are only sent to base URLs set in"
        " the same place, so no request was sent",
        setting=a.config,
        action=(
            f"remove {_named(a, a_place)} from {a_place} (e.g. a leftover emulator `export`),"
            f" or set both base URLs in {b_place}{together}"
        ),
    )


# Settings of the Genesys Cloud (CX as Code) Pulumi provider, which shares the `genesyscloud:`
# namespace: a stack that uses both providers holds them, and they are not misspellings of ours.
CX_AS_CODE_KEYS = frozenset(
    f"{CONFIG_NAMESPACE}:{name}"
    for name in (
        "sdkDebug",
        "sdkDebugFormat",
        "sdkDebugFilePath",
        "tokenAcquireTimeout",
        "tokenInitTimeout",
        "gateway",
        "proxy",
        "logStackTraces",
        "logStackTracesFilePath",
    )
)
# CX as Code's name for the Genesys region; this project reads `genesyscloud:region`.
CX_AS_CODE_REGION = f"{CONFIG_NAMESPACE}:awsRegion"


def unknown_keys(keys: Iterable[str]) -> list[str]:
    """One message per `genesyscloud:*` key that is not a setting, naming the closest one.

    Pulumi would silently ignore a misspelled key (`genesyscloud:oauthClientId`): the setting
    would fall back to the environment or its default. The CX as Code provider's own settings
    are accepted, except its region key without ours: that would silently use the default region.
    """
    known = {key.config for key in SETTING_KEYS.values()}
    by_lower = {name.lower(): name for name in known}
    region = SETTING_KEYS["region"].config
    present = set(keys)
    problems = []
    for key in sorted(present):
        if key == CX_AS_CODE_REGION:
            if region not in present:
                problems.append(
                    f"{key} is the Genesys Cloud (CX as Code) provider's region setting; this"
                    f" project reads {region}: set it too (`pulumi config set {region} <the same"
                    " region>`), else the default region us-east-1 would be used"
                )
            continue
        if not key.startswith(f"{CONFIG_NAMESPACE}:") or key in known or key in CX_AS_CODE_KEYS:
            continue
        closest = by_lower.get(key.lower()) or next(
            iter(difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)), None
        )
        hint = f"did you mean {closest}?" if closest else "see the README's list of settings"
        problems.append(f"{key} is not a known Genesys Cloud setting; {hint}")
    return problems


def _lookup(
    config: Mapping[str, Any], env: Mapping[str, str], key: SettingKey
) -> tuple[Any, str] | None:
    bare = key.config.split(":", 1)[1]
    for value, source in (
        (config.get(key.config), f"Pulumi config {key.config}"),
        # A program reading pulumi.Config("genesyscloud") hands over bare keys.
        (config.get(bare), f"Pulumi config {key.config}"),
        (env.get(key.env), f"environment variable {key.env}"),
    ):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return value, source
    return None


def _error(key: SettingKey, source: str, expectation: str, raw: object) -> ConfigurationError:
    shown = "<hidden>" if key.field in SECRET_FIELDS else repr(raw)
    return ConfigurationError(
        f"{source} must be {expectation}, got {shown}",
        setting=key.config,
        action=(
            f"set it to e.g. {key.example} (`pulumi config set {key.config} {key.example}` or"
            f" `export {key.env}={key.example}`), or remove it to use the default"
        ),
    )


def _text(key: SettingKey, raw: Any, source: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise _error(key, source, "a string", type(raw).__name__)
    return str(raw).strip()


def _secret(key: SettingKey, raw: Any, source: str) -> SecretStr:
    if isinstance(raw, SecretStr):
        return raw
    if not isinstance(raw, str):
        raise _error(key, source, "a string", type(raw).__name__)
    return SecretStr(raw.strip())


def _float(key: SettingKey, raw: Any, source: str) -> float:
    check, expectation = _NUMBERS[key.field]
    value: float
    if isinstance(raw, bool):
        raise _error(key, source, expectation, raw)
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            # float() also reads Arabic-Indic or full-width digits: ASCII only, as everywhere.
            if not raw.isascii():
                raise ValueError(raw)
            value = float(raw.strip())
        except ValueError:
            raise _error(key, source, expectation, raw) from None
    else:
        raise _error(key, source, expectation, raw)
    if not check(value):
        raise _error(key, source, expectation, raw)
    return value


def _int(key: SettingKey, raw: Any, source: str) -> int:
    # Pulumi hands numbers over as floats: 25.0 is 25, 25.5 is an error.
    value = _float(key, raw, source)
    if not value.is_integer():
        raise _error(key, source, _NUMBERS[key.field][1], raw)
    return int(value)


_TRUE = frozenset({"true", "1", "yes", "on", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "off", "n", "f"})


def _bool(key: SettingKey, raw: Any, source: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise _error(key, source, "true or false", raw)


def _finite(value: float) -> bool:
    return math.isfinite(value)


# field -> (range check, what a valid value is)
_NUMBERS: dict[str, tuple[Callable[[float], bool], str]] = {
    "max_integrations": (lambda v: _finite(v) and v >= 1, "a whole number of at least 1"),
    "request_timeout": (lambda v: _finite(v) and v > 0, "a number of seconds greater than 0"),
    "retry_budget": (lambda v: _finite(v) and v >= 0, "a number of seconds, 0 or more"),
    "activation_timeout": (lambda v: _finite(v) and v > 0, "a number of seconds greater than 0"),
    # CX as Code's token_pool_size takes 1-20 as well.
    "token_pool_size": (lambda v: _finite(v) and 1 <= v <= 20, "a whole number from 1 to 20"),
    "requests_per_minute": (lambda v: _finite(v) and v >= 1, "a whole number of at least 1"),
}


def check_number(key: SettingKey, value: float, check: Callable[[float], bool]) -> None:
    """Raise ConfigurationError when a numeric setting is out of range (Settings built directly)."""
    if not check(value):
        raise _error(key, key.names, _NUMBERS[key.field][1], value)


_PARSERS: dict[str, Callable[[SettingKey, Any, str], Any]] = {
    "client_id": _text,
    "client_secret": _secret,
    "access_token": _secret,
    "region": _text,
    "api_base_url": _text,
    "login_base_url": _text,
    "allow_insecure_http": _bool,
    "max_integrations": _int,
    "audit_log_path": _text,
    "request_timeout": _float,
    "retry_budget": _float,
    "activation_timeout": _float,
    "validate_topics": _bool,
    "token_pool_size": _int,
    "requests_per_minute": _int,
}
