"""Genesys Cloud regions: region name <-> domain, and the base URLs derived from them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import urlsplit, urlunsplit

import httpx

from genesys_eventbridge.provider.genesys.errors import ConfigurationError, display_url

# urlsplit silently drops tabs and newlines (and httpx later refuses them): refuse them first.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")

DEFAULT_REGION = "us-east-1"

# The 15 Genesys Cloud regions; the API lives on `api.{domain}`, OAuth on
# `login.{domain}`.
REGION_DOMAINS: Mapping[str, str] = MappingProxyType(
    {
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
)
DOMAIN_REGIONS: Mapping[str, str] = MappingProxyType({d: r for r, d in REGION_DOMAINS.items()})

_REGION_SETTING = "genesyscloud:region (GENESYSCLOUD_REGION)"


def normalize_region(region: str) -> str:
    """Return the canonical name of `region` (a name or a domain); ConfigurationError if unknown."""
    key = region.strip().lower()
    if key in REGION_DOMAINS:
        return key
    # The SDKs spell regions with underscores (us_east_1); a domain names its region too.
    if key.replace("_", "-") in REGION_DOMAINS:
        return key.replace("_", "-")
    if key in DOMAIN_REGIONS:
        return DOMAIN_REGIONS[key]
    raise ConfigurationError(
        f"{_REGION_SETTING} is {region!r}, which is not a Genesys Cloud region"
        f" (valid names: {', '.join(REGION_DOMAINS)})",
        setting="genesyscloud:region",
        action=(
            "set it to the region of your Genesys Cloud org, e.g. "
            "`pulumi config set genesyscloud:region eu-west-1`"
        ),
    )


def domain_for_region(region: str) -> str:
    """Return the Genesys Cloud domain of `region` (e.g. mypurecloud.ie for eu-west-1)."""
    return REGION_DOMAINS[normalize_region(region)]


def region_for_domain(domain: str) -> str | None:
    """Return the region whose domain is `domain`, or None when it is not a Genesys Cloud domain."""
    return DOMAIN_REGIONS.get(domain.strip().lower())


def api_base_url(region: str) -> str:
    """Return the Platform API base URL of `region` (https://api.{domain})."""
    return f"https://api.{domain_for_region(region)}"


def login_base_url(region: str) -> str:
    """Return the OAuth base URL of `region` (https://login.{domain})."""
    return f"https://login.{domain_for_region(region)}"


def derive_login_base_url(api_base: str) -> str:
    """Swap the leading `api.` host label of `api_base` for `login.`; without one, keep it."""
    parts = urlsplit(api_base)
    host = parts.hostname or ""
    if not host.lower().startswith("api.") or len(host) <= len("api."):
        return api_base
    netloc = parts.netloc
    # Replace only the host part of the netloc, keeping a port (and the original case of the rest).
    at = netloc.rfind("@") + 1
    netloc = netloc[:at] + "login." + netloc[at + len("api.") :]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def is_loopback_host(host: str) -> bool:
    """Whether `host` is a loopback host (127.0.0.0/8, ::1 or localhost)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


INSECURE_HTTP_SETTING = "genesyscloud:allowInsecureHttp (GENESYSCLOUD_ALLOW_INSECURE_HTTP)"


def check_base_url(url: str, setting: str, *, allow_http: bool = False) -> str:
    """Validate a base URL given for `setting` and return it without a trailing slash.

    HTTPS is required. Plain http is allowed only for a loopback host (a local emulator), and
    only with `allow_http` (the explicit genesyscloud:allowInsecureHttp opt-in).
    """
    names = _setting_names(setting)
    text = url.strip()
    if _SPACE_OR_CONTROL.search(text):
        raise _url_error(
            names, setting, text, "must not contain spaces, tabs, newlines or control characters"
        )
    try:
        parts = urlsplit(text)
        port = parts.port
        httpx.URL(text)  # what will send it: anything it refuses is a setting error, not a crash
    except (ValueError, httpx.InvalidURL) as err:
        # The parser's message may quote the URL whole (user info included): not repeated.
        del err
        raise _url_error(
            names, setting, text, "must be a valid URL (check the host and the port number)"
        ) from None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise _url_error(names, setting, text, "must be an absolute https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL end up in logs and state; they belong in the OAuth settings.
        raise _url_error(names, setting, text, "must not contain a user name or password")
    if parts.query or parts.fragment:
        raise _url_error(names, setting, text, "must not have a query string or fragment")
    if parts.scheme != "https" and not is_loopback_host(host):
        raise _url_error(
            names,
            setting,
            text,
            "must use https:// (plain http is only allowed for loopback hosts such as 127.0.0.1)",
        )
    if parts.scheme != "https" and not allow_http:
        # Even on loopback: any local user can bind that port and collect the credentials.
        raise ConfigurationError(
            f"{names} uses plain http ({parts.scheme}://{host}), which sends the credentials"
            f" unencrypted; plain http needs the explicit opt-in {INSECURE_HTTP_SETTING}",
            setting=setting,
            action=(
                "for a local emulator run `pulumi config set genesyscloud:allowInsecureHttp true`"
                " or `export GENESYSCLOUD_ALLOW_INSECURE_HTTP=true`; otherwise use an https:// URL"
            ),
        )
    del port  # parsed only to reject a malformed port early
    return text.rstrip("/")


_URL_SETTINGS = {
    "genesyscloud:apiBaseUrl": "GENESYSCLOUD_API_BASE_URL",
    "genesyscloud:loginBaseUrl": "GENESYSCLOUD_LOGIN_BASE_URL",
}


def _setting_names(setting: str) -> str:
    env = _URL_SETTINGS.get(setting)
    return f"{setting} ({env})" if env else setting


def _url_error(names: str, setting: str, url: str, problem: str) -> ConfigurationError:
    # Quoted without user info, query string or control characters (they may hold credentials).
    return ConfigurationError(
        f"{names} {problem}, got {display_url(url)!r}",
        setting=setting,
        action=(
            f"set {setting} to e.g. https://api.mypurecloud.com, or unset it to use the"
            " region's URL"
        ),
    )
