"""The stack program's project through the real CLI: Pulumi.yaml, stack config, and the full
program's preview up to the first AWS resource (the `aws` plugin cannot be built here)."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
import yaml

from genesys_eventbridge.emulator import GenesysEmulator
from tests.e2e.cli import REPO_ROOT, Workspace
from tests.e2e.conftest import WorkspaceFactory, point_at

PROJECT_FILES = ["Pulumi.yaml", "Pulumi.example.yaml", "__main__.py"]
SUBSCRIPTIONS = "genesys-eventbridge:subscriptions"


def readme_merge_command() -> str:
    """The README's command that merges Pulumi.example.yaml's config into the new stack's file."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"^(sed -n '/\^config:/,\$p' Pulumi\.example\.yaml >> Pulumi\.prod\.yaml)", readme, re.M
    )
    assert found, "the README's Run section lost its merge command"
    return found.group(1)


def root_stack(make: WorkspaceFactory) -> Workspace:
    """The repository's project as the README's Run section sets it up: `pulumi stack init prod`,
    then the example's config merged in after the encryptionsalt the CLI wrote."""
    ws = make(REPO_ROOT, files=PROJECT_FILES)
    ws.pulumi("stack", "init", "prod")
    subprocess.run(["bash", "-c", readme_merge_command()], cwd=ws.project, check=True)
    return ws


def test_cli_accepts_the_project_and_the_example_config(
    workspace_factory: WorkspaceFactory,
) -> None:
    ws = root_stack(workspace_factory)
    stack_file = ws.project / "Pulumi.prod.yaml"
    assert stack_file.read_text(encoding="utf-8").startswith("encryptionsalt: v1:")

    ws.pulumi("config", "set", "genesyscloud:oauthclientId", "cli-client-id")
    ws.pulumi("config", "set", "--secret", "genesyscloud:oauthclientSecret", "cli-secret-value")
    example = yaml.safe_load((REPO_ROOT / "Pulumi.example.yaml").read_text(encoding="utf-8"))
    expected: list[dict[str, Any]] = example["config"][SUBSCRIPTIONS]
    position = len(expected[1]["topics"])
    ws.pulumi(
        "config",
        "set",
        "--path",
        f"{SUBSCRIPTIONS}[1].topics[{position}]",
        "v2.users.{id}.presence",
    )
    ws.pulumi("config", "set", "--path", f"{SUBSCRIPTIONS}[0].enabled", "false", "--type", "bool")
    expected[1]["topics"].append("v2.users.{id}.presence")
    expected[0]["enabled"] = False

    config = ws.config_json()
    assert config["genesyscloud:oauthclientId"]["value"] == "cli-client-id"
    assert config["genesyscloud:oauthclientSecret"] == {"secret": True}  # hidden, not printed
    # The CLI reads the example's whole typed config as written, plus the two --path edits.
    assert config[SUBSCRIPTIONS]["objectValue"] == expected
    written = yaml.safe_load(stack_file.read_text(encoding="utf-8"))
    assert written["encryptionsalt"].startswith("v1:"), "the merge must keep the salt"
    assert "cli-secret-value" not in stack_file.read_text(encoding="utf-8")
    shown = ws.pulumi("config", "--show-secrets", "--json")
    assert json.loads(shown.out)["genesyscloud:oauthclientSecret"]["value"] == "cli-secret-value"


def test_cli_rejects_an_array_config_key_without_items(workspace_factory: WorkspaceFactory) -> None:
    ws = workspace_factory(REPO_ROOT, files=PROJECT_FILES)
    project = ws.project / "Pulumi.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(re.sub(r"\n\s+items:\n\s+type: object", "", text), encoding="utf-8")
    rejected = ws.pulumi("stack", "init", "prod", expect=None)
    assert rejected.code != 0
    assert "declares an array but does not specify the underlying type" in rejected.text


def only_orders(**extra: Any) -> list[dict[str, Any]]:
    """One subscription with its account and region given, an existing Lambda, no DLQ."""
    return [
        {
            "name": "orders",
            "topics": ["v2.detail.events.conversation.{id}.customer.end"],
            "awsAccountId": "123456789012",
            "awsRegion": "eu-west-1",
            "lambdaArn": "arn:aws:lambda:eu-west-1:123456789012:function:orders",
            "deadLetterQueue": False,
            **extra,
        }
    ]


@pytest.fixture
def full_stack(workspace_factory: WorkspaceFactory, emulator: GenesysEmulator) -> Workspace:
    """The repository's stack program configured for the emulator."""
    ws = root_stack(workspace_factory)
    point_at(ws, emulator)
    return ws


def errors_in(out: str) -> set[str]:
    """The distinct `error:` lines of a command's output."""
    return {line.strip() for line in out.splitlines() if re.match(r"\s+error: ", line)}


def test_full_program_preview_stops_exactly_at_the_missing_aws_plugin(
    full_stack: Workspace, emulator: GenesysEmulator
) -> None:
    full_stack.set_config({SUBSCRIPTIONS: only_orders()})
    preview = full_stack.pulumi("preview", expect=None)
    assert preview.code != 0
    # The component asks AWS which account deploys (aws:getCallerIdentity) before declaring the
    # integration, whose account depends on it: the first thing needing the aws plugin.
    assert "no resource plugin 'pulumi-resource-aws' found" in preview.out, preview
    ours = {
        e
        for e in errors_in(preview.out)
        if "pulumi-resource-aws" not in e
        and "context canceled" not in e
        and "Resource monitor has terminated" not in e
    }
    assert not ours, f"errors other than the missing aws plugin: {ours}\n{preview}"
    assert "genesys_eventbridge" not in preview.out, "no traceback through our code"
    assert emulator.integrations() == []


def test_full_program_reports_a_bad_subscription_before_anything_needs_aws(
    full_stack: Workspace, emulator: GenesysEmulator
) -> None:
    full_stack.set_config({SUBSCRIPTIONS: only_orders(eventSourceSuffix="orders/prod")})
    preview = full_stack.pulumi("preview", expect=None)
    assert preview.code != 0
    # The stack config is checked before a single resource is declared, with the entry's path,
    # and the CLI shows the message, not a crash.
    assert "subscriptions[0].eventSourceSuffix" in preview.out and "orders/prod" in preview.out
    assert "Traceback" not in preview.text, preview
    assert "pulumi-resource-aws" not in preview.out, "it must stop at our check, before AWS"
    assert emulator.integrations() == []


def test_full_program_shows_every_config_problem_once_in_one_list(
    full_stack: Workspace, emulator: GenesysEmulator
) -> None:
    [orders] = only_orders(awsAccountId=12345678901)  # unquoted in YAML: a number
    audits = {
        **orders,
        "name": "audits",
        "awsAccountId": "123456789012",
        "rules": [{"name": "r", "filterPolicy": {"detail.eventBody.queueId": [{"prefx": "a"}]}}],
    }
    full_stack.set_config({SUBSCRIPTIONS: [orders, audits]})
    preview = full_stack.pulumi("preview", expect=None)
    assert preview.code != 0
    assert "2 problems in the stack config:" in preview.out, preview
    for path in ("subscriptions[0].awsAccountId:", "subscriptions[1].rules[0].filterPolicy:"):
        assert preview.out.count(path) == 1, preview
    assert "an unhandled error occurred" not in preview.out, preview
    assert emulator.integrations() == []
