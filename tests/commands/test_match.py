"""`python -m genesys_eventbridge match`: which rule matches which sample event, and for a miss the
first field that did not match, with the event's value and what the rule wants."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.commands.conftest import run_cli
from tests.samples import SAMPLES_DIR

ROOT = Path(__file__).resolve().parents[2]
ACD_START = str(SAMPLES_DIR / "conversation-acd-start.json")
ACD_END = str(SAMPLES_DIR / "conversation-acd-end.json")
OAUTH_DELETE = str(SAMPLES_DIR / "oauth-client-delete-audit.json")
PRESENCE = str(SAMPLES_DIR / "user-presence-audit.json")


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def test_the_stacks_rules_against_samples_a_match_and_a_field_miss() -> None:
    result = run_cli(
        "match",
        "--config-file",
        str(ROOT / "Pulumi.example.yaml"),
        "--subscription",
        "contact-centre",
        PRESENCE,
        OAUTH_DELETE,
        environ={},
    )
    assert result.code == 1, result.err  # the OAuth-client deletion matches no rule
    out = lines(result.out)
    presence = out.index(f"{PRESENCE} (v2.audits.entitytype.{{id}}.entityid.{{id}})")
    assert "contact-centre/presence-audits match" in out[presence + 1 : presence + 4]
    assert (
        "contact-centre/presence-audits miss detail.eventBody.entityType: the event has"
        ' "OAuthClient", and the rule wants ["UserPresence"]'
    ) in out
    assert (
        "contact-centre/sales-queues miss detail-type: the event's topic is not one of the"
        ' rule\'s topics ("v2.detail.events.conversation.{id}.acd.start")'
    ) in out
    assert out[-1] == "1 of 2 event(s) matched a rule; 3 rule(s) tried"


def test_a_stack_by_name_is_read_from_its_stack_file(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.example.yaml", tmp_path / "Pulumi.prod.yaml")
    result = run_cli("match", "--stack", "prod", "--cwd", str(tmp_path), ACD_START, environ={})
    assert result.code == 0, result.err
    assert "contact-centre/sales-queues match" in lines(result.out)
    # One stack file in the project: it is the default.
    again = run_cli("match", "--cwd", str(tmp_path), ACD_START, environ={})
    assert again.out == result.out


def test_one_rule_inline_with_an_or_miss_explained() -> None:
    policy = {
        "$or": [
            {"detail.eventBody.queueId": [{"prefix": "1234"}]},
            {"detail.eventBody.direction": ["OUTBOUND"]},
        ]
    }
    result = run_cli("match", "--filter-policy", json.dumps(policy), ACD_START, environ={})
    assert result.code == 1
    assert lines(result.out)[1] == (
        "inline miss $or: no alternative matches: (1) detail.eventBody.queueId: the event has"
        ' "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", and the rule wants [{"prefix": "1234"}];'
        ' (2) detail.eventBody.direction: the event has "INBOUND", and the rule wants'
        ' ["OUTBOUND"]'
    )


def test_inline_rule_with_topics_and_a_missing_field() -> None:
    policy = {"detail.eventBody.acdOutcome": ["ANSWERED"]}
    result = run_cli(
        "match",
        "--filter-policy",
        json.dumps(policy),
        "--topic",
        "v2.detail.events.conversation.{id}.acd.start",
        "--topic",
        "v2.detail.events.conversation.{id}.acd.end",
        ACD_START,
        ACD_END,
        environ={},
    )
    out = lines(result.out)
    assert out[1] == (
        "inline miss detail.eventBody.acdOutcome: the event has no value there, and the rule"
        ' wants ["ANSWERED"]'
    )
    assert out[3] == "inline match"
    assert result.code == 1


def test_events_files_may_hold_a_list(tmp_path: Path) -> None:
    both = [json.loads(Path(ACD_START).read_text()), json.loads(Path(ACD_END).read_text())]
    (tmp_path / "both.json").write_text(json.dumps(both))
    result = run_cli("match", "--filter-policy", "{}", str(tmp_path / "both.json"), environ={})
    assert result.code == 0, result.err
    assert f"{tmp_path / 'both.json'}[1]" in result.out


def test_bad_input_is_named_with_the_fix(tmp_path: Path) -> None:
    bad = run_cli("match", "--filter-policy", '{"detail.eventBody.q": "x"}', ACD_START, environ={})
    assert bad.code == 2
    assert "detail.eventBody.q" in bad.err and "array" in bad.err
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  genesys-eventbridge:subscriptions:\n    - name: a\n      topic: [x]\n"
    )
    stack = run_cli("match", "--stack", "dev", "--cwd", str(tmp_path), ACD_START, environ={})
    assert stack.code == 2
    assert "subscriptions[0].topic" in stack.err
    missing = run_cli("match", "--stack", "nope", "--cwd", str(tmp_path), ACD_START, environ={})
    assert missing.code == 2 and "Pulumi.nope.yaml" in missing.err
    not_json = tmp_path / "event.json"
    not_json.write_text("{")
    unreadable = run_cli("match", "--filter-policy", "{}", str(not_json), environ={})
    assert unreadable.code == 2 and "is not JSON" in unreadable.err


def test_topic_without_a_filter_policy_is_a_usage_error() -> None:
    result = run_cli("match", "--topic", "v2.x", ACD_START, environ={})
    assert result.code == 2
    assert "--topic needs --filter-policy" in result.err
