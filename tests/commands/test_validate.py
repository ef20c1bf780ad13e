"""`python -m genesys_eventbridge validate`: every static check of a stack, without the engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.commands.conftest import path_with, run_cli, set_stacks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "Pulumi.example.yaml"

BAD_STACK = """\
config:
  genesyscloud:oauthClientId: abc
  genesyscloud:oauthclientSecret:
    secure: v1:AAAAAAAAAAAAAAAAAAAAAA==
  genesys-eventbridge:subscriptions:
    - name: conversation-ends
      awsAccountId: 012345678901
      topics: ["v2.detail.events.conversation.{id}.customer.end"]
      lambdaCode:
        path: ./nope
        handler: app.handler
        environment:
          TOKEN:
            secure: v1:BBBBBBBB
    - name: second
      awsAccountId: "12345"
      notes:
        secure: v1:CCCC
      topics: ["v2.detail.events.conversation.{id}.customer.start"]
      rules:
        - name: r
          filterPolcy: {detail.eventBody.queueId: [a]}
"""


def _project(tmp_path: Path, stack_text: str, stack: str = "prod") -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(stack_text)
    return path


def test_the_example_stack_passes(tmp_path: Path) -> None:
    # As after the example's `pulumi config set --secret genesys-eventbridge:partnerApiKey ...`.
    text = EXAMPLE.read_text().replace(
        "config:\n", "config:\n  genesys-eventbridge:partnerApiKey:\n    secure: v1:AAAA\n", 1
    )
    path = _project(tmp_path, text, stack="example")
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 0, result.text
    assert result.out == (
        f"{path}: 3 subscriptions, every static check passed (nothing was sent; topics are"
        " checked against the org's catalog at preview)\n"
    )


def test_the_example_stack_without_its_api_key_names_the_step() -> None:
    result = run_cli("validate", "--file", str(EXAMPLE), environ={})
    assert result.code == 1
    assert "the config key 'genesys-eventbridge:partnerApiKey' is not set" in result.out


def test_every_problem_is_listed_with_its_config_path(tmp_path: Path) -> None:
    path = _project(tmp_path, BAD_STACK)
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{path}: 6 problems",
        "  genesyscloud:oauthClientId: is not a known Genesys Cloud setting; did you mean"
        " genesyscloud:oauthclientId?",
        "  subscriptions[1].notes: is set with --secret, but only lambdaCode.environment values"
        " can stay secret (this value names or shapes resources, which Pulumi shows in plain"
        " text); set it without --secret, or move the secret into the callback's environment",
        # Pulumi's YAML reader (1.2) makes an unquoted 012345678901 a number, and so does this.
        "  subscriptions[0].awsAccountId: must be a string of 12 digits, got a number; quote it"
        ' (e.g. "012345678901") so leading zeros survive',
        "  subscriptions[0].lambdaCode.path: './nope' is not a directory; give the directory"
        f" holding the function's code, relative to the project directory ({tmp_path})",
        "  subscriptions[1].awsAccountId: must be exactly 12 digits, e.g. '123456789012'; got"
        " '12345'",
        "  subscriptions[1].rules[0].filterPolcy: is not a known field; did you mean filterPolicy?",
    ]


def test_a_misspelled_key_is_named_with_the_closest(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace(
        "genesys-eventbridge:subscriptions:", "genesys-eventbridge:subscription:"
    )
    path = _project(tmp_path, text, stack="example")
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 1
    assert result.out.splitlines()[1:] == [
        "  genesys-eventbridge:subscription: is not a key this program reads (Pulumi would ignore"
        " it); did you mean genesys-eventbridge:subscriptions?"
    ]


def test_genesys_settings_are_checked_as_preview_sees_them(tmp_path: Path) -> None:
    text = (
        "config:\n"
        "  genesyscloud:apiBaseUrl: http://127.0.0.1:8787\n"
        "  genesys-eventbridge:subscriptions:\n"
        "    - name: a\n"
        '      topics: ["v2.detail.events.conversation.{id}.customer.end"]\n'
    )
    path = _project(tmp_path, text)
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 1
    [_, problem] = result.out.splitlines()
    assert problem.startswith(
        "  genesyscloud:apiBaseUrl: genesyscloud:apiBaseUrl (GENESYSCLOUD_API_BASE_URL) uses"
        " plain http"
    )
    assert "genesyscloud:allowInsecureHttp" in problem


def test_a_stack_read_through_the_pulumi_cli(fake_pulumi: Path, tmp_path: Path) -> None:
    config = yaml.safe_load(EXAMPLE.read_text())["config"]
    subscriptions = config.pop("genesys-eventbridge:subscriptions")
    entries = {k: {"value": v, "secret": False} for k, v in config.items()}
    entries["genesys-eventbridge:partnerApiKey"] = {"value": "k3y", "secret": True}
    # Structured values: `value` is their JSON text, `objectValue` the object.
    entries["genesys-eventbridge:subscriptions"] = {
        "value": json.dumps(subscriptions),
        "objectValue": subscriptions,
        "secret": False,
    }
    subscriptions[1]["rules"][0]["filterPolicy"] = {"detail.eventBody.queueId": [{"prefx": "a"}]}
    set_stacks(fake_pulumi, {"prod": entries})
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    result = run_cli(
        "validate", "--stack", "prod", "--cwd", str(tmp_path), environ=path_with(fake_pulumi)
    )
    assert result.code == 1
    [head, problem] = result.out.splitlines()
    assert head == "stack prod: 1 problem"
    assert problem.startswith("  subscriptions[1].rules[0].filterPolicy: ")
    assert "prefx" in problem


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("validate", "--file", str(tmp_path / "Pulumi.nope.yaml"), environ={})
    assert result.code == 2
    assert result.err.startswith("error: cannot read ")


def _secret_subscriptions(fake_pulumi: Path) -> None:
    # `pulumi config --json` marks the whole key secret when any value inside is.
    subscriptions = [
        {
            "name": "cx",
            "notes": "sentinel-notes",
            "topics": ["v2.detail.events.conversation.{id}.customer.end"],
        }
    ]
    entry = {"value": json.dumps(subscriptions), "objectValue": subscriptions, "secret": True}
    set_stacks(fake_pulumi, {"prod": {"genesys-eventbridge:subscriptions": entry}})


def test_stack_reads_the_stack_file_in_the_projects_stack_config_dir(
    fake_pulumi: Path, tmp_path: Path
) -> None:
    _secret_subscriptions(fake_pulumi)
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text()) | {"stackConfigDir": "stacks"}
    (tmp_path / "Pulumi.yaml").write_text(yaml.safe_dump(project))
    (tmp_path / "stacks").mkdir()
    on_file = {
        "genesys-eventbridge:subscriptions": [
            {
                "name": "cx",
                "notes": {"secure": "v1:bm90ZXM="},
                "topics": ["v2.detail.events.conversation.{id}.customer.end"],
            }
        ]
    }
    (tmp_path / "stacks" / "Pulumi.prod.yaml").write_text(yaml.safe_dump({"config": on_file}))
    result = run_cli(
        "validate", "--stack", "prod", "--cwd", str(tmp_path), environ=path_with(fake_pulumi)
    )
    assert result.code == 1
    [head, problem] = result.out.splitlines()
    assert problem.startswith("  subscriptions[0].notes: is set with --secret, but only")
    assert "sentinel-notes" not in result.out


def test_stack_refuses_secrets_it_cannot_place(fake_pulumi: Path, tmp_path: Path) -> None:
    # A secret key, and no stack file holding it (e.g. the config comes from an ESC environment).
    _secret_subscriptions(fake_pulumi)
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    result = run_cli(
        "validate", "--stack", "prod", "--cwd", str(tmp_path), environ=path_with(fake_pulumi)
    )
    assert result.code == 1
    [head, problem] = result.out.splitlines()
    assert problem.startswith("  subscriptions: holds values set with --secret, but which ones")


def test_a_genesys_secret_in_plain_text_is_a_problem(tmp_path: Path) -> None:
    document = yaml.safe_load(EXAMPLE.read_text())
    document["config"]["genesys-eventbridge:partnerApiKey"] = {"secure": "v1:AAAA"}
    document["config"]["genesyscloud:oauthclientSecret"] = "sentinel-plain-secret"
    path = _project(tmp_path, yaml.safe_dump(document))
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 1
    assert "  genesyscloud:oauthclientSecret: is set in plain text" in result.out
    assert "sentinel-plain-secret" not in result.out


# -- a project of integrations alone (examples/integration-only) --------------------------------

INTEGRATION_ONLY = ROOT / "examples" / "integration-only"


def _integration_only(tmp_path: Path, stack_text: str) -> Path:
    shutil.copy(INTEGRATION_ONLY / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(stack_text)
    return path


def test_the_integration_only_example_passes_with_its_own_keys(tmp_path: Path) -> None:
    path = _integration_only(
        tmp_path,
        "config:\n"
        "  genesys-integration-only:awsAccountId: '012345678901'\n"
        "  genesys-integration-only:awsRegion: eu-west-1\n"
        "  genesys-integration-only:integrations:\n"
        "    - name: orders\n"
        "      topics:\n"
        "        - v2.users.{id}.presence\n",
    )
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 0, result.out
    assert result.out.startswith(f"{path}: 1 integration, every static check passed")


def test_the_integration_only_example_reports_every_bad_entry(tmp_path: Path) -> None:
    path = _integration_only(
        tmp_path,
        "config:\n"
        "  genesys-integration-only:awsRegoin: eu-west-1\n"
        "  genesys-integration-only:integrations:\n"
        "    - name: orders\n"
        "      topics:\n"
        "        - v2.users.{id}.presence\n"
        "      eventSourceSufix: orders-prod\n"
        "      awsAccountId: 012345678901\n",
    )
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 1
    assert result.out.splitlines()[1:] == [
        "  genesys-integration-only:awsRegoin: is not a key this program reads (Pulumi would"
        " ignore it); did you mean genesys-integration-only:awsRegion?",
        "  integrations[0].eventSourceSufix: is not a known field; did you mean eventSourceSuffix?",
        "  integrations[0].awsAccountId: must be a string of 12 digits, got the number"
        ' 12345678901; quote it (e.g. "012345678901"): YAML reads an unquoted 012345678901 as a'
        " number and drops the leading zero",
    ]


def test_a_flow_list_with_a_brace_is_explained_not_dumped(tmp_path: Path) -> None:
    path = _project(
        tmp_path,
        "config:\n"
        "  genesys-eventbridge:subscriptions:\n"
        "    - name: x\n"
        "      topics: [v2.users.{id}.presence]\n",
    )
    result = run_cli("validate", "--file", str(path), environ={})
    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith(f"error: {path}, line 4 column 25 is not valid YAML: ")
    assert 'quote each item, e.g. topics: ["v2.users.{id}.presence"]' in line
