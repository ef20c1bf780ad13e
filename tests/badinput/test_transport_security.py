"""TLS is always verified, and credentials never travel over plain http except to loopback."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from genesys_eventbridge.provider.genesys import ConfigurationError, Settings, transport

PROVIDER = Path(__file__).resolve().parents[2] / "genesys_eventbridge" / "provider"
# Ways Python code turns certificate or host name verification off.
UNVERIFIED = re.compile(
    r"verify\s*=\s*False|[\"']verify[\"']\s*:\s*False|CERT_NONE|check_hostname\s*=\s*False"
    r"|_create_unverified_context|PYTHONHTTPSVERIFY|InsecureRequestWarning|verify\s*=\s*0\b"
)


def test_no_provider_source_disables_tls_verification() -> None:
    sources = sorted(PROVIDER.rglob("*.py"))
    assert len(sources) > 10, sources  # the scan really saw the package
    hits = [
        f"{path.relative_to(PROVIDER.parent)}:{n}: {line.strip()}"
        for path in sources
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if UNVERIFIED.search(line)
    ]
    assert hits == []


def test_no_provider_source_passes_a_verify_argument_at_all() -> None:
    """httpx verifies by default; any `verify=` would be a place where that could change."""
    hits = [
        f"{path.name}: {line.strip()}"
        for path in sorted(PROVIDER.rglob("*.py"))
        for line in path.read_text().splitlines()
        if re.search(r"\bverify\s*=", line)
    ]
    assert hits == []


@pytest.fixture
def fresh_transport() -> Iterator[None]:
    transport.close_all()
    yield
    transport.close_all()


@pytest.mark.parametrize(
    "base_url", ["https://api.mypurecloud.com", "https://api.mypurecloud.ie", "http://127.0.0.1:9"]
)
def test_transport_client_verifies_certificates_and_host_names(
    fresh_transport: None, base_url: str
) -> None:
    client = transport.http_client(base_url)
    assert isinstance(client, httpx.Client)
    pool_transport = client._transport  # httpx keeps the SSL context on its connection pool
    assert isinstance(pool_transport, httpx.HTTPTransport)
    context = pool_transport._pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert client.follow_redirects is False  # a redirect must not carry the token elsewhere


# -- plain http ---------------------------------------------------------------------------------


REFUSED = {
    "plain-http-host": ("apiBaseUrl", "http://api.example.com"),
    "plain-http-private-ip": ("apiBaseUrl", "http://10.0.0.1"),
    "plain-http-public-ip": ("apiBaseUrl", "http://203.0.113.7:8080"),
    "loopback-lookalike-subdomain": ("apiBaseUrl", "http://127.0.0.1.nip.io"),
    "localhost-lookalike": ("apiBaseUrl", "http://localhost.example.com"),
    "integer-ip": ("apiBaseUrl", "http://2130706433"),
    "short-ip": ("apiBaseUrl", "http://127.1"),
    "ftp": ("apiBaseUrl", "ftp://api.example.com"),
    "javascript": ("apiBaseUrl", "javascript:alert(1)"),
    "no-scheme": ("apiBaseUrl", "api.mypurecloud.com"),
    "login-plain-http": ("loginBaseUrl", "http://login.mypurecloud.com"),
}


@pytest.mark.parametrize("key,url", list(REFUSED.values()), ids=list(REFUSED))
@pytest.mark.parametrize("source", ["config", "environment"])
def test_plain_http_to_a_remote_host_is_refused_naming_the_setting(
    key: str, url: str, source: str
) -> None:
    setting = f"genesyscloud:{key}"
    env_name = {
        "apiBaseUrl": "GENESYSCLOUD_API_BASE_URL",
        "loginBaseUrl": "GENESYSCLOUD_LOGIN_BASE_URL",
    }[key]
    with pytest.raises(ConfigurationError) as caught:
        if source == "config":
            Settings.resolve({setting: url}, environ={})
        else:
            Settings.resolve({}, environ={env_name: url})
    assert caught.value.setting == setting
    message = str(caught.value)
    assert setting in message and env_name in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1",
        "http://127.0.0.1:8787",
        "http://127.5.6.7:8787",
        "http://[::1]",
        "http://[::1]:8787",
        "http://localhost",
        "http://localhost:8787/",
        "http://LOCALHOST:8787",
    ],
)
def test_plain_http_to_loopback_is_accepted_with_the_opt_in(url: str) -> None:
    config = {"genesyscloud:apiBaseUrl": url, "genesyscloud:loginBaseUrl": url}
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(config, environ={})
    message = str(caught.value)
    assert "genesyscloud:allowInsecureHttp" in message
    assert "GENESYSCLOUD_ALLOW_INSECURE_HTTP" in message
    settings = Settings.resolve({**config, "genesyscloud:allowInsecureHttp": "true"}, environ={})
    assert settings.api_base_url == url.rstrip("/")
    assert settings.login_base_url == url.rstrip("/")


def test_https_to_any_host_is_accepted_and_the_login_url_follows_it() -> None:
    settings = Settings.resolve({"genesyscloud:apiBaseUrl": "https://api.example.com"}, environ={})
    assert settings.api_base_url == "https://api.example.com"
    assert settings.login_base_url == "https://login.example.com"


def test_region_urls_are_https() -> None:
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        settings = Settings.resolve({"genesyscloud:region": region}, environ={})
        assert settings.api_base_url.startswith("https://api.")
        assert settings.login_base_url.startswith("https://login.")


def test_credentials_in_a_base_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve({"genesyscloud:apiBaseUrl": "https://user:hunter2@api.example.com"}, {})
    assert caught.value.setting == "genesyscloud:apiBaseUrl"
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(caught.value)
