"""`python -m genesys_eventbridge doctor` against the emulator: all well, and each failure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from genesys_eventbridge.emulator import GenesysEmulator, catalog
from genesys_eventbridge.provider.genesys import reachability
from tests.commands.conftest import Result, run_cli, unreachable_environ

REPO_ROOT = Path(__file__).resolve().parents[2]
NOT_CHECKED = "needed, not checked: integrations:integration:add, :edit, :delete"
CHECK_NAMES = [
    "settings",
    "credentials",
    "token",
    "org",
    "permissions",
    "topic catalog",
    "integration cap",
]


def _checks(result: Result) -> dict[str, str]:
    """The check lines by check name: 'STATUS detail' (follow-up and summary lines left out)."""
    found = {}
    for line in result.out.splitlines():
        if line.startswith(("OK", "WARN", "FAIL", "SKIP")):
            status, rest = line.split(maxsplit=1)
            name = next(n for n in CHECK_NAMES if rest.startswith(n + " "))
            found[name] = f"{status} {rest[len(name) :].strip()}"
    return found


def _follow_up(result: Result, name: str) -> list[str]:
    """The indented lines (note:, fix:) printed under the check `name`."""
    lines = result.out.splitlines()
    start = next(i for i, line in enumerate(lines) if line[6:].startswith(name + " "))
    follow = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        follow.append(line.strip())
    return follow


def _leaks(result: Result, emulator: GenesysEmulator, *secrets: str) -> list[str]:
    values = [emulator.client_secret, *secrets, *emulator.issued_tokens()]
    return [v for v in values if v in result.text]


def test_doctor_passes_against_the_emulator(emulator: GenesysEmulator, env: dict[str, str]) -> None:
    result = run_cli("doctor", environ=env)
    assert result.code == 0, result.out
    assert result.err == ""
    checks = _checks(result)
    assert list(checks) == CHECK_NAMES
    assert all(line.startswith("OK ") for line in checks.values()), result.out
    # The only other lines are indented notes; nothing says FAIL, WARN or fix.
    assert all(line.startswith(("OK ", " ")) for line in result.out.splitlines())
    assert "fix:" not in result.out
    base = emulator.base_url
    assert checks["settings"] == (
        f"OK region us-east-1, API base {base}, login base {base} (from the environment)"
    )
    assert _follow_up(result, "settings") == [
        "note: read from the GENESYSCLOUD_* environment; retry budget 2 s per call"
        " (genesyscloud:retryBudget / GENESYSCLOUD_RETRY_BUDGET)"
    ]
    assert checks["credentials"] == "OK client id emulator-client, secret set"
    assert f"{base}/oauth/token works" in checks["token"]
    assert checks["org"] == f"OK {emulator.org_id} (Emulated Org)"
    assert "integrations:integration:view granted" in checks["permissions"]
    assert any(NOT_CHECKED in line for line in _follow_up(result, "permissions"))
    carried = len(catalog.eventbridge_topic_ids())
    assert checks["topic catalog"] == (
        f"OK {len(catalog.TOPICS)} topics, {carried} available to EventBridge"
    )
    assert checks["integration cap"].startswith(
        "OK 0 amazon-eventbridge-source integrations, maxIntegrations 25"
    )
    assert _leaks(result, emulator) == []


def test_doctor_creates_changes_and_deletes_nothing(
    emulator: GenesysEmulator, env: dict[str, str]
) -> None:
    emulator.seed_integration("existing")
    assert run_cli("doctor", environ=env).code == 0
    writes = [r for r in emulator.requests if r.method in ("POST", "PUT", "PATCH", "DELETE")]
    assert [(r.method, r.path) for r in writes] == [("POST", "/oauth/token")]
    assert [i["name"] for i in emulator.integrations()] == ["existing"]


def test_bad_credentials_fail_naming_client_id_and_login_url(
    emulator: GenesysEmulator, env: dict[str, str]
) -> None:
    wrong = "wrong-secret-abcdef0123456789"
    result = run_cli("doctor", environ={**env, "GENESYSCLOUD_OAUTHCLIENT_SECRET": wrong})
    assert result.code == 1
    checks = _checks(result)
    assert checks["credentials"] == "OK client id emulator-client, secret set"
    token = checks["token"]
    assert token.startswith("FAIL ")
    assert f"{emulator.base_url}/oauth/token rejected client id emulator-client" in token
    assert "401 invalid_client" in token
    [fix] = _follow_up(result, "token")
    assert fix.startswith(
        "fix: check genesyscloud:oauthclientId (GENESYSCLOUD_OAUTHCLIENT_ID) and"
        " genesyscloud:oauthclientSecret (GENESYSCLOUD_OAUTHCLIENT_SECRET)"
    )
    for later in ("org", "permissions", "topic catalog", "integration cap"):
        assert checks[later].startswith("SKIP ")
    assert result.out.splitlines()[-1] == "doctor: 1 check failed, 4 skipped; fix the first one"
    assert _leaks(result, emulator, wrong) == []


def test_missing_permission_fails_naming_it(emulator: GenesysEmulator, env: dict[str, str]) -> None:
    emulator.revoke_permission("integrations:integration:view")
    result = run_cli("doctor", environ=env)
    assert result.code == 1
    checks = _checks(result)
    assert checks["org"].startswith("OK ")
    permissions = checks["permissions"]
    assert permissions.startswith("FAIL missing permission integrations:integration:view")
    assert "403 missing.permissions" in permissions
    follow = _follow_up(result, "permissions")
    assert any(NOT_CHECKED in line for line in follow)
    assert follow[-1].startswith(
        "fix: grant integrations:integration:view to a role of the OAuth client emulator-client"
    )
    # The catalog needs no permission and is still checked; the cap needs the listing.
    assert checks["topic catalog"].startswith("OK ")
    assert checks["integration cap"] == "SKIP needs a passing permissions check"


def test_unknown_region_fails_listing_valid_names(env: dict[str, str]) -> None:
    result = run_cli("doctor", environ={**env, "GENESYSCLOUD_REGION": "mars-1"})
    assert result.code == 1
    checks = _checks(result)
    settings = checks["settings"]
    assert settings.startswith("FAIL ") and "'mars-1'" in settings
    assert "valid names: us-east-1, us-east-2" in settings and "ap-southeast-2" in settings
    assert _follow_up(result, "settings") == [
        "fix: set genesyscloud:region (`pulumi config set genesyscloud:region eu-west-1`) or"
        " GENESYSCLOUD_REGION (`export GENESYSCLOUD_REGION=eu-west-1`) to a valid value, or unset"
        " it to use the default"
    ]
    assert all(checks[name].startswith("SKIP ") for name in CHECK_NAMES[1:])


def test_plain_http_to_a_remote_host_fails_settings(env: dict[str, str]) -> None:
    result = run_cli(
        "doctor", environ={**env, "GENESYSCLOUD_API_BASE_URL": "http://api.example.com"}
    )
    assert result.code == 1
    assert "must use https://" in _checks(result)["settings"]


def test_missing_credentials_fail_with_a_fix(env: dict[str, str]) -> None:
    environ = {k: v for k, v in env.items() if k != "GENESYSCLOUD_OAUTHCLIENT_SECRET"}
    result = run_cli("doctor", environ=environ)
    assert result.code == 1
    checks = _checks(result)
    assert checks["credentials"].startswith(
        "FAIL client id emulator-client, secret missing: no credentials:"
        " genesyscloud:oauthclientSecret (GENESYSCLOUD_OAUTHCLIENT_SECRET) is not set, and neither"
        " is genesyscloud:accessToken (GENESYSCLOUD_ACCESS_TOKEN)"
    )
    [fix] = _follow_up(result, "credentials")
    assert fix.startswith("fix: set genesyscloud:oauthclientId and genesyscloud:oauthclientSecret")
    assert "`export GENESYSCLOUD_OAUTHCLIENT_ID=<client id>" in fix
    assert (
        "`read -rs GENESYSCLOUD_OAUTHCLIENT_SECRET && export GENESYSCLOUD_OAUTHCLIENT_SECRET`"
        in fix
    )
    assert "[redacted]" not in fix  # the advice itself must survive the output's redaction
    assert checks["token"] == "SKIP needs a passing credentials check"


def test_unreachable_login_fails_the_token_check_in_seconds_naming_url_and_cause() -> None:
    url, environ = unreachable_environ()
    del environ["GENESYSCLOUD_RETRY_BUDGET"]  # the default two minutes: not waited for
    started = time.monotonic()
    result = run_cli("doctor", environ=environ)
    took = time.monotonic() - started
    assert result.code == 1
    assert took < 20, f"took {took:.1f} s"
    token = _checks(result)["token"]
    assert token.startswith(f"FAIL Genesys Cloud did not answer at {url}/oauth/token: ")
    assert "attempts of POST over" in token and "Connection refused" in token
    assert "is the emulator running?" in token
    assert "python -m genesys_eventbridge.emulator --port 0" in token
    assert "s3cret-value" not in result.text
    assert [line.split()[1] for line in result.out.splitlines() if line.startswith("SKIP")] == [
        "org",
        "permissions",
        "topic",
        "integration",
    ]


def test_a_genesys_that_answers_503_gets_the_whole_retry_budget_not_the_quick_one(
    emulator: GenesysEmulator, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Genesys that answers, even with errors, may recover: doctor keeps to the retry budget.
    monkeypatch.setattr(reachability, "REACH_BUDGET", 0.0)  # the quick try: one attempt
    emulator.inject_status(503, count=1000, method="POST", path_contains="/oauth/token")
    result = run_cli("doctor", environ={**env, "GENESYSCLOUD_RETRY_BUDGET": "3"})
    assert result.code == 1
    token = _checks(result)["token"]
    assert token.startswith(f"FAIL could not reach {emulator.base_url}/oauth/token"), token
    assert "503" in token and "emulator running" not in token
    assert emulator.count("POST", "/oauth/token") > 2


def test_doctor_with_nothing_listening_fails_within_20_seconds_at_the_default_budget() -> None:
    # A real process with the real backoff, as a user runs it.
    url, environ = unreachable_environ()
    del environ["GENESYSCLOUD_RETRY_BUDGET"]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "genesys_eventbridge", "doctor"],
        env={**os.environ, **environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    took = time.monotonic() - started
    print(f"doctor, nothing listening: {took:.1f} s")
    assert done.returncode == 1, done.stdout + done.stderr
    assert took < 20, f"took {took:.1f} s"
    token = next(line for line in done.stdout.splitlines() if line.startswith("FAIL"))
    assert token.split()[1] == "token"
    assert f"Genesys Cloud did not answer at {url}/oauth/token" in token
    assert "is the emulator running?" in done.stdout


def test_cap_reached_is_a_warning(emulator: GenesysEmulator, env: dict[str, str]) -> None:
    emulator.seed_integration("one")
    emulator.seed_integration("two")
    emulator.seed_integration("not eventbridge", integration_type="purecloud-data-actions")
    result = run_cli("doctor", environ={**env, "GENESYSCLOUD_MAX_INTEGRATIONS": "2"})
    assert result.code == 0
    cap = _checks(result)["integration cap"]
    assert cap.startswith("WARN 2 amazon-eventbridge-source integrations, maxIntegrations 2: at")
    [fix] = _follow_up(result, "integration cap")
    assert "GENESYSCLOUD_MAX_INTEGRATIONS" in fix
    assert result.out.splitlines()[-1] == "doctor: every check passed, 1 with a warning"
