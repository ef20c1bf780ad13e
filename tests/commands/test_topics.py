"""`python -m genesys_eventbridge topics` against the emulator's catalog, over HTTP."""

from __future__ import annotations

import json

from genesys_eventbridge.emulator import GenesysEmulator, catalog
from tests.commands.conftest import Result, run_cli, unreachable_environ

WEBSOCKET_ONLY = "v2.users.{id}.conversations"
EVENTBRIDGE_ONLY = "v2.audits.entitytype.{id}.entityid.{id}"


def _rows(result: Result) -> dict[str, list[str]]:
    """Table rows by topic id: [eventbridge, description] (header and count line left out)."""
    lines = result.out.splitlines()
    assert lines[0].split() == ["TOPIC", "EVENTBRIDGE", "DESCRIPTION"]
    rows = {}
    for line in lines[1:-1]:
        topic, eventbridge, description = line.split(maxsplit=2)
        rows[topic] = [eventbridge, description]
    return rows


def test_table_lists_the_whole_catalog_sorted_with_eventbridge_column(env: dict[str, str]) -> None:
    result = run_cli("topics", environ={**env, "COLUMNS": "200"})
    assert result.code == 0 and result.err == ""
    rows = _rows(result)
    ids = [t["id"] for t in catalog.TOPICS]
    assert list(rows) == sorted(ids)
    assert rows[WEBSOCKET_ONLY] == ["no", "Conversations of a user."]
    assert rows[EVENTBRIDGE_ONLY][0] == "yes"
    assert rows["v2.users.{id}.presence"] == ["yes", "A user's presence changed."]
    carried = len(catalog.eventbridge_topic_ids())
    assert result.out.splitlines()[-1] == f"{len(ids)} topics ({carried} available to EventBridge)"


def test_eventbridge_only_hides_topics_eventbridge_cannot_carry(env: dict[str, str]) -> None:
    result = run_cli("topics", "--eventbridge-only", environ=env)
    assert result.code == 0
    rows = _rows(result)
    assert WEBSOCKET_ONLY not in rows and WEBSOCKET_ONLY not in result.out
    assert set(rows) == catalog.eventbridge_topic_ids()
    assert all(eventbridge == "yes" for eventbridge, _ in rows.values())
    assert result.out.splitlines()[-1] == (
        f"{len(rows)} of {len(catalog.TOPICS)} topics ({len(rows)} available to EventBridge)"
    )


def test_match_filters_on_id_or_description_ignoring_case(env: dict[str, str]) -> None:
    by_id = _rows(run_cli("topics", "--match", "PRESENCE", environ=env))
    assert list(by_id) == ["v2.users.{id}.presence"]
    by_description = _rows(run_cli("topics", "--match", "architect", environ=env))
    assert list(by_description) == [
        "v2.analytics.flow.{id}.aggregates",
        "v2.detail.events.conversation.{id}.flow.end",
        "v2.detail.events.conversation.{id}.flow.start",
    ]
    both = _rows(run_cli("topics", "--match", "queue", "--eventbridge-only", environ=env))
    assert "v2.routing.queues.{id}.users" in both
    assert "v2.routing.queues.{id}.conversations" not in both  # websocket-only


def test_no_match_says_so(env: dict[str, str]) -> None:
    result = run_cli("topics", "--match", "no-such-topic", environ=env)
    assert result.code == 0
    total = len(catalog.TOPICS)
    assert result.out == f"No topic matches the filters ({total} topics in the catalog).\n"


def test_description_is_cut_to_fit_the_width(env: dict[str, str]) -> None:
    result = run_cli("topics", environ={**env, "COLUMNS": "80"})
    assert result.code == 0
    table = result.out.splitlines()[:-1]
    assert all(len(line) <= 80 for line in table)
    rows = _rows(result)
    # "Conversation detail event: a customer joined the conversation." does not fit.
    cut = rows["v2.detail.events.conversation.{id}.customer.start"][1]
    assert cut.endswith("...")
    assert "Conversation detail event: a customer joined the".startswith(cut[:-3])


def test_piped_output_keeps_whole_descriptions(env: dict[str, str]) -> None:
    # No COLUMNS and no terminal (a pipe, grep, a file): nothing to fit, nothing cut.
    result = run_cli("topics", environ=env)
    assert result.code == 0
    description = _rows(result)["v2.detail.events.conversation.{id}.customer.start"][1]
    assert description == "Conversation detail event: a customer joined the conversation."
    assert "..." not in result.out


def test_json_matches_the_emulator_catalog(env: dict[str, str]) -> None:
    result = run_cli("topics", "--json", environ=env)
    assert result.code == 0 and result.err == ""
    printed = json.loads(result.out)
    expected = sorted(
        (
            {
                "id": t["id"],
                "description": t["description"],
                "transports": t["transports"],
                "eventbridge": t["id"] in catalog.eventbridge_topic_ids(),
            }
            for t in catalog.TOPICS
        ),
        key=lambda t: t["id"],
    )
    assert printed == expected
    filtered = json.loads(run_cli("topics", "--json", "--eventbridge-only", environ=env).out)
    assert {t["id"] for t in filtered} == catalog.eventbridge_topic_ids()


def test_no_credentials_exit_2_with_a_fix_line() -> None:
    result = run_cli("topics", environ={"GENESYSCLOUD_OAUTHCLIENT_ID": "someone"})
    assert result.code == 2
    assert result.out == ""
    [line] = result.err.splitlines()
    assert "genesyscloud:oauthclientSecret (GENESYSCLOUD_OAUTHCLIENT_SECRET) is not set" in line
    assert "fix: set genesyscloud:oauthclientId and genesyscloud:oauthclientSecret" in line
    assert "`export GENESYSCLOUD_OAUTHCLIENT_ID=<client id>" in line


def test_bad_credentials_exit_2_naming_client_and_login_url(
    emulator: GenesysEmulator, env: dict[str, str]
) -> None:
    wrong = "not-the-secret-0123456789"
    result = run_cli("topics", environ={**env, "GENESYSCLOUD_OAUTHCLIENT_SECRET": wrong})
    assert result.code == 2
    assert result.out == ""
    [line] = result.err.splitlines()
    assert "'emulator-client'" in line
    assert f"{emulator.base_url}/oauth/token" in line
    assert "401 invalid_client" in line
    assert wrong not in line and emulator.client_secret not in line


def test_unreachable_exit_2_in_one_line() -> None:
    url, environ = unreachable_environ()
    result = run_cli("topics", environ=environ)
    assert result.code == 2
    [line] = result.err.splitlines()
    assert url in line and "Connection refused" in line
    assert "is the emulator running?" in line  # found out in seconds, with the likely cause
    assert "s3cret-value" not in line


def test_invalid_setting_exit_2_naming_the_variable(env: dict[str, str]) -> None:
    result = run_cli("topics", environ={**env, "GENESYSCLOUD_REGION": "mars-1"})
    assert result.code == 2
    [line] = result.err.splitlines()
    assert "'mars-1'" in line and "eu-west-1" in line and "ap-southeast-2" in line
    assert "fix: set genesyscloud:region (`pulumi config set" in line
    assert "or GENESYSCLOUD_REGION (`export GENESYSCLOUD_REGION=eu-west-1`)" in line
