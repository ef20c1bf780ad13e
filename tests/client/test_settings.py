"""Settings: regions, base URLs, HTTPS enforcement, precedence, value parsing, secrecy."""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path
from typing import Any

import dill
import pytest

from genesys_eventbridge.provider.genesys import (
    REGION_DOMAINS,
    USER_AGENT,
    ConfigurationError,
    GenesysClient,
    Settings,
    __version__,
)
from genesys_eventbridge.provider.genesys.regions import derive_login_base_url

SECRET = "s3cr3t-value-that-must-never-show"


def resolve(config: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Settings:
    return Settings.resolve(config or {}, environ=env or {})


EXPECTED_REGIONS = {
    "us-east-1": "mypurecloud.com",
    "us-east-2": "use2.us-gov-pure.cloud",
    "us-west-2": "usw2.pure.cloud",
    "ca-central-1": "cac1.pure.cloud",
    "sa-east-1": "sae1.pure.cloud",
    "eu-west-1": "mypurecloud.ie",
    "eu-west-2": "euw2.pure.cloud",
    "eu-central-1": "mypurecloud.de",
    "eu-central-2": "euc2.pure.cloud",
    "me-central-1": "mec1.pure.cloud",
    "ap-south-1": "aps1.pure.cloud",
    "ap-northeast-1": "mypurecloud.jp",
    "ap-northeast-2": "apne2.pure.cloud",
    "ap-northeast-3": "apne3.pure.cloud",
    "ap-southeast-2": "mypurecloud.com.au",
}


def test_all_fifteen_regions_map_to_their_api_and_login_hosts() -> None:
    assert dict(REGION_DOMAINS) == EXPECTED_REGIONS
    for region, domain in EXPECTED_REGIONS.items():
        s = resolve({"genesyscloud:region": region})
        assert (s.region, s.api_base_url, s.login_base_url) == (
            region,
            f"https://api.{domain}",
            f"https://login.{domain}",
        )


def test_region_defaults_to_us_east_1() -> None:
    s = resolve()
    assert s.region == "us-east-1"
    assert s.api_base_url == "https://api.mypurecloud.com"
    assert s.login_base_url == "https://login.mypurecloud.com"


def test_region_accepts_case_whitespace_underscores_and_domains() -> None:
    assert resolve({"genesyscloud:region": " EU-West-1 "}).region == "eu-west-1"
    assert resolve({"genesyscloud:region": "ap_southeast_2"}).region == "ap-southeast-2"
    assert resolve({"genesyscloud:region": "mypurecloud.de"}).region == "eu-central-1"


def test_unknown_region_is_an_error_listing_the_valid_names() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve(env={"GENESYSCLOUD_REGION": "mars-north-1"})
    message = str(caught.value)
    print(message)
    assert "mars-north-1" in message
    assert "genesyscloud:region" in message and "GENESYSCLOUD_REGION" in message
    for region in EXPECTED_REGIONS:
        assert region in message
    assert caught.value.setting == "genesyscloud:region"


def test_base_url_overrides_win_over_the_region() -> None:
    s = resolve(
        {
            "genesyscloud:region": "eu-west-1",
            "genesyscloud:apiBaseUrl": "https://api.example.test/",
            "genesyscloud:loginBaseUrl": "https://auth.example.test",
        }
    )
    assert s.region == "eu-west-1"
    assert s.api_base_url == "https://api.example.test"
    assert s.login_base_url == "https://auth.example.test"


@pytest.mark.parametrize(
    ("api_base", "login_base"),
    [
        ("https://api.mypurecloud.ie", "https://login.mypurecloud.ie"),
        ("https://api.example.com:8443/prefix", "https://login.example.com:8443/prefix"),
        ("https://API.Example.com", "https://login.Example.com"),
        ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("https://gateway.example.com", "https://gateway.example.com"),
        ("https://apiary.example.com", "https://apiary.example.com"),
        ("https://proxy.example.com/api.x", "https://proxy.example.com/api.x"),
    ],
)
def test_login_base_is_derived_from_the_api_base(api_base: str, login_base: str) -> None:
    assert derive_login_base_url(api_base) == login_base
    s = resolve(
        {
            "genesyscloud:apiBaseUrl": api_base,
            "genesyscloud:region": "ap-south-1",
            "genesyscloud:allowInsecureHttp": "true",
        }
    )
    assert s.login_base_url == login_base


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.5.6.7",
        "http://localhost",
        "http://[::1]:8080",
        "https://api.example.com",
    ],
)
def test_https_or_loopback_with_the_opt_in_is_accepted(url: str) -> None:
    config = {"genesyscloud:apiBaseUrl": url, "genesyscloud:allowInsecureHttp": "true"}
    assert resolve(config).api_base_url == url


@pytest.mark.parametrize(
    ("key", "env", "url"),
    [
        ("genesyscloud:apiBaseUrl", "GENESYSCLOUD_API_BASE_URL", "http://api.example.com"),
        ("genesyscloud:apiBaseUrl", "GENESYSCLOUD_API_BASE_URL", "http://10.0.0.1:8080"),
        ("genesyscloud:apiBaseUrl", "GENESYSCLOUD_API_BASE_URL", "http://localhost.evil.com"),
        ("genesyscloud:loginBaseUrl", "GENESYSCLOUD_LOGIN_BASE_URL", "http://login.example.com"),
        ("genesyscloud:apiBaseUrl", "GENESYSCLOUD_API_BASE_URL", "ftp://api.example.com"),
        ("genesyscloud:apiBaseUrl", "GENESYSCLOUD_API_BASE_URL", "api.example.com"),
        ("genesyscloud:apiBaseUrl", "GENESYSCLOUD_API_BASE_URL", "https://api.example.com/?a=1"),
    ],
)
def test_non_https_non_loopback_base_url_names_the_setting(key: str, env: str, url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve({key: url})
    message = str(caught.value)
    assert key in message and env in message
    assert caught.value.setting == key
    # The same check guards the environment variable.
    with pytest.raises(ConfigurationError):
        resolve(env={env: url})


def test_credentials_in_a_base_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve({"genesyscloud:apiBaseUrl": f"https://user:{SECRET}@api.example.com"})
    assert SECRET not in str(caught.value)


def test_pulumi_config_wins_over_the_environment() -> None:
    env = {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "env-id",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": "env-secret",
        "GENESYSCLOUD_REGION": "eu-west-1",
        "GENESYSCLOUD_MAX_INTEGRATIONS": "7",
        "GENESYSCLOUD_REQUEST_TIMEOUT": "11",
        "GENESYSCLOUD_RETRY_BUDGET": "12",
        "GENESYSCLOUD_ACTIVATION_TIMEOUT": "13",
        "GENESYSCLOUD_VALIDATE_TOPICS": "false",
        "GENESYSCLOUD_AUDIT_LOG": "/tmp/env-audit.jsonl",
    }
    config = {
        "genesyscloud:oauthclientId": "cfg-id",
        "genesyscloud:oauthclientSecret": "cfg-secret",
        "genesyscloud:region": "ap-northeast-1",
        "genesyscloud:maxIntegrations": 3.0,  # Pulumi sends numbers as floats
        "genesyscloud:requestTimeout": 21,
        "genesyscloud:retryBudget": "22.5",
        "genesyscloud:activationTimeout": 23.0,
        "genesyscloud:validateTopics": True,
        "genesyscloud:auditLogPath": "/tmp/cfg-audit.jsonl",
    }
    from_env = resolve(env=env)
    assert (from_env.client_id, from_env.region, from_env.max_integrations) == (
        "env-id",
        "eu-west-1",
        7,
    )
    assert (from_env.request_timeout, from_env.retry_budget, from_env.activation_timeout) == (
        11.0,
        12.0,
        13.0,
    )
    assert from_env.validate_topics is False
    assert from_env.audit_log_path == "/tmp/env-audit.jsonl"
    assert from_env.client_secret is not None
    assert from_env.client_secret.get_secret_value() == "env-secret"

    both = resolve(config, env)
    assert (both.client_id, both.region, both.max_integrations) == ("cfg-id", "ap-northeast-1", 3)
    assert (both.request_timeout, both.retry_budget, both.activation_timeout) == (21.0, 22.5, 23.0)
    assert both.validate_topics is True
    assert both.audit_log_path == "/tmp/cfg-audit.jsonl"
    assert both.client_secret is not None
    assert both.client_secret.get_secret_value() == "cfg-secret"
    assert both.api_base_url == "https://api.mypurecloud.jp"


def test_empty_config_values_fall_back_to_the_environment() -> None:
    s = resolve(
        {"genesyscloud:region": "", "genesyscloud:oauthclientId": None},
        {
            "GENESYSCLOUD_REGION": "eu-west-2",
            "GENESYSCLOUD_OAUTHCLIENT_ID": "env-id",
        },
    )
    assert (s.region, s.client_id) == ("eu-west-2", "env-id")


def test_bare_config_keys_are_accepted() -> None:
    assert resolve({"region": "eu-central-2"}).region == "eu-central-2"


def test_environment_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENESYSCLOUD_REGION", "me-central-1")
    assert Settings.resolve().region == "me-central-1"
    assert Settings.resolve({"genesyscloud:region": "sa-east-1"}).region == "sa-east-1"


def test_defaults() -> None:
    s = resolve()
    assert s.client_id is None and s.client_secret is None and not s.has_credentials
    assert s.max_integrations == 25
    assert s.audit_log_path is None
    assert s.request_timeout == 30.0
    assert s.retry_budget == 120.0
    assert s.activation_timeout == 300.0
    assert s.validate_topics is True
    assert s.token_pool_size == 10
    assert s.requests_per_minute == 300


@pytest.mark.parametrize(
    ("key", "value", "field", "expected"),
    [
        ("genesyscloud:maxIntegrations", "40", "max_integrations", 40),
        ("genesyscloud:maxIntegrations", 40.0, "max_integrations", 40),
        ("genesyscloud:maxIntegrations", 40, "max_integrations", 40),
        ("genesyscloud:requestTimeout", "2.5", "request_timeout", 2.5),
        ("genesyscloud:requestTimeout", 3, "request_timeout", 3.0),
        ("genesyscloud:retryBudget", 0, "retry_budget", 0.0),
        ("genesyscloud:validateTopics", "False", "validate_topics", False),
        ("genesyscloud:validateTopics", "yes", "validate_topics", True),
        ("genesyscloud:validateTopics", 0.0, "validate_topics", False),
        ("genesyscloud:validateTopics", 1, "validate_topics", True),
        ("genesyscloud:tokenPoolSize", "20", "token_pool_size", 20),
        ("genesyscloud:tokenPoolSize", 1.0, "token_pool_size", 1),
        ("genesyscloud:requestsPerMinute", "600", "requests_per_minute", 600),
    ],
)
def test_values_arrive_as_strings_ints_or_floats(
    key: str, value: Any, field: str, expected: Any
) -> None:
    assert getattr(resolve({key: value}), field) == expected


@pytest.mark.parametrize(
    ("key", "env", "value"),
    [
        ("genesyscloud:maxIntegrations", "GENESYSCLOUD_MAX_INTEGRATIONS", "many"),
        ("genesyscloud:maxIntegrations", "GENESYSCLOUD_MAX_INTEGRATIONS", 2.5),
        ("genesyscloud:maxIntegrations", "GENESYSCLOUD_MAX_INTEGRATIONS", 0),
        ("genesyscloud:requestTimeout", "GENESYSCLOUD_REQUEST_TIMEOUT", "-1"),
        ("genesyscloud:requestTimeout", "GENESYSCLOUD_REQUEST_TIMEOUT", "nan"),
        ("genesyscloud:retryBudget", "GENESYSCLOUD_RETRY_BUDGET", "forever"),
        ("genesyscloud:activationTimeout", "GENESYSCLOUD_ACTIVATION_TIMEOUT", 0.0),
        ("genesyscloud:validateTopics", "GENESYSCLOUD_VALIDATE_TOPICS", "maybe"),
        ("genesyscloud:maxIntegrations", "GENESYSCLOUD_MAX_INTEGRATIONS", True),
        ("genesyscloud:tokenPoolSize", "GENESYSCLOUD_TOKEN_POOL_SIZE", "0"),
        ("genesyscloud:tokenPoolSize", "GENESYSCLOUD_TOKEN_POOL_SIZE", "21"),
        ("genesyscloud:tokenPoolSize", "GENESYSCLOUD_TOKEN_POOL_SIZE", 2.5),
        ("genesyscloud:requestsPerMinute", "GENESYSCLOUD_REQUESTS_PER_MINUTE", "0"),
        ("genesyscloud:requestsPerMinute", "GENESYSCLOUD_REQUESTS_PER_MINUTE", "lots"),
    ],
)
def test_bad_values_name_the_key_and_the_fix(key: str, env: str, value: Any) -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve({key: value})
    message = str(caught.value)
    assert key in message and f"pulumi config set {key}" in message and env in message
    assert caught.value.setting == key
    if isinstance(value, str):
        with pytest.raises(ConfigurationError) as from_env:
            resolve(env={env: value})
        assert f"environment variable {env}" in str(from_env.value)


def test_settings_built_directly_are_checked_too() -> None:
    with pytest.raises(ConfigurationError, match="genesyscloud:requestTimeout"):
        Settings(request_timeout=0)
    with pytest.raises(ConfigurationError, match="genesyscloud:region"):
        Settings(region="nowhere")
    assert Settings(region="eu-west-1").api_base_url == "https://api.mypurecloud.ie"


def test_secret_never_shows_in_repr_str_json_or_pickles() -> None:
    s = resolve({"genesyscloud:oauthclientId": "the-id", "genesyscloud:oauthclientSecret": SECRET})
    assert s.has_credentials
    client = GenesysClient(s)
    for text in (repr(s), str(s), s.model_dump_json(), repr(client), str(client)):
        assert SECRET not in text
    for blob in (
        pickle.dumps(s),
        pickle.dumps(client),
        dill.dumps(client, recurse=True),
    ):
        assert SECRET.encode() not in blob


def test_unpickled_settings_recover_the_secret_only_in_a_process_that_resolved_it() -> None:
    s = resolve(
        {"genesyscloud:oauthclientId": "pickle-id", "genesyscloud:oauthclientSecret": SECRET}
    )
    copy = pickle.loads(pickle.dumps(s))
    assert copy == s and copy.client_secret is not None
    assert copy.client_secret.get_secret_value() == SECRET
    # A client id this process never resolved comes back without a secret.
    stranger = pickle.loads(pickle.dumps(resolve({"genesyscloud:oauthclientId": "never-seen"})))
    assert stranger.client_secret is None and not stranger.has_credentials


def test_settings_are_frozen() -> None:
    s = resolve()
    with pytest.raises(ValueError):
        s.region = "eu-west-1"


def test_user_agent_names_the_project_and_its_version() -> None:
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
    assert declared is not None and __version__ == declared.group(1)
    assert USER_AGENT.startswith(
        f"genesys-eventbridge/{__version__} (+pulumi dynamic provider) httpx/"
    )
    assert f"python/{sys.version_info.major}.{sys.version_info.minor}" in USER_AGENT


def test_a_stack_shared_with_the_cx_as_code_provider_is_not_refused() -> None:
    from genesys_eventbridge.provider.genesys.settings import unknown_keys

    shared = ["genesyscloud:sdkDebug", "genesyscloud:tokenAcquireTimeout", "genesyscloud:gateway"]
    assert unknown_keys([*shared, "genesyscloud:oauthclientId"]) == []
    # Its region key alone would leave this project on the default region: refused, with the fix.
    [problem] = unknown_keys(["genesyscloud:awsRegion", "genesyscloud:oauthclientId"])
    assert "genesyscloud:region" in problem and "us-east-1" in problem
    assert unknown_keys(["genesyscloud:awsRegion", "genesyscloud:region"]) == []
    # A misspelling of one of ours is still caught.
    [typo] = unknown_keys(["genesyscloud:oauthClientId"])
    assert "did you mean genesyscloud:oauthclientId?" in typo
