"""Which stack-config values are secret is read from the stack file found as the Pulumi CLI finds
it (up to Pulumi.yaml, honouring stackConfigDir); when it cannot be found, a secret
`subscriptions` is refused rather than let a --secret value reach the state in plain text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.runtime import rpc

from genesys_eventbridge.components.stack_config import StackConfigError
from tests.mocking import run_stack

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "__main__.py"
KEY = "genesys-eventbridge:subscriptions"
HOOK_KEY = "genesys-eventbridge:hookKey"
HEADER = "sentinel-header-token-7d21"
HEADER_PATH = "subscriptions[0].rules[0].targets[0].headers.X-Token"


def _config(header: Any) -> dict[str, Any]:
    return {
        "aws:region": "us-east-1",
        HOOK_KEY: "sentinel-hook-key",
        KEY: [
            {
                "name": "cx",
                "topics": ["v2.detail.events.conversation.{id}.customer.end"],
                "rules": [
                    {
                        "name": "r",
                        "targets": [
                            {
                                "kind": "https",
                                "endpoint": "https://hooks.example.com/in",
                                "headers": {"X-Token": header},
                                "auth": {
                                    "apiKey": {
                                        "header": "x-api-key",
                                        "value": {"fromConfig": "hookKey"},
                                    }
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }


def _project(root: Path, **project: Any) -> None:
    document = yaml.safe_load((ROOT / "Pulumi.yaml").read_text()) | project
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(yaml.safe_dump(document))


def _stack_file(path: Path) -> None:
    # What `pulumi config set --secret --path '...headers.X-Token'` writes.
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"config": _config({"secure": "v1:aGVhZGVy"})}
    path.write_text(yaml.safe_dump(document))


def _run(config: dict[str, Any]) -> Any:
    # The engine marks the whole key secret when any value inside it was set with --secret.
    return run_stack(
        PROGRAM, config, project="genesys-eventbridge", stack="t", secret_keys=[KEY, HOOK_KEY]
    )


def _refused_header(caught: pytest.ExceptionInfo[StackConfigError]) -> None:
    [problem] = caught.value.problems
    assert problem.startswith(f"{HEADER_PATH}: is set with --secret, but only lambdaCode")
    assert HEADER not in str(caught.value)


def test_a_program_in_a_subdirectory_reads_the_stack_file_beside_pulumi_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `main: src/`: the engine runs the program in src/, the stack file stays in the project.
    _project(tmp_path, main="src/")
    _stack_file(tmp_path / "Pulumi.t.yaml")
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    with pytest.raises(StackConfigError) as caught:
        _run(_config(HEADER))
    _refused_header(caught)


def test_a_stack_config_dir_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, stackConfigDir="stacks")
    _stack_file(tmp_path / "stacks" / "Pulumi.t.yaml")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StackConfigError) as caught:
        _run(_config(HEADER))
    _refused_header(caught)


@pytest.mark.parametrize("where", ["no stack file", "stack file without the key", "no project"])
def test_secretness_that_cannot_be_known_is_refused_with_the_fix(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # E.g. config from a Pulumi ESC environment, or an Automation API inline program.
    project = tmp_path / "project"
    if where != "no project":
        _project(project)
    else:
        project.mkdir()
    if where == "stack file without the key":
        (project / "Pulumi.t.yaml").write_text(yaml.safe_dump({"environment": ["cx/prod"]}))
    monkeypatch.chdir(project)
    with pytest.raises(StackConfigError) as caught:
        _run(_config(HEADER))
    [problem] = caught.value.problems
    assert problem.startswith("subscriptions: holds values set with --secret, but which ones")
    assert "stackConfigDir" in problem and "{fromConfig: <key>}" in problem
    assert HEADER not in problem


def test_a_secret_kept_where_it_may_be_is_accepted_from_a_subdirectory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, main="src/")
    config = _config("plain-header")
    del config[KEY][0]["rules"], config[HOOK_KEY]
    config[KEY][0]["lambdaCode"] = {
        "path": str(tmp_path / "src"),
        "handler": "app.handler",
        "environment": {"TOKEN": "sentinel-env-token"},
    }
    stack_file = json.loads(json.dumps(config))
    stack_file[KEY][0]["lambdaCode"]["environment"]["TOKEN"] = {"secure": "v1:dG9rZW4="}
    (tmp_path / "Pulumi.t.yaml").write_text(yaml.safe_dump({"config": stack_file}))
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    result = run_stack(PROGRAM, config, project="genesys-eventbridge", stack="t", secret_keys=[KEY])
    [function] = result.of_type("aws:lambda/function:Function")
    environment = function.inputs["environment"]
    assert rpc.is_rpc_secret(environment)
    assert rpc.unwrap_rpc_secret(environment)["variables"] == {"TOKEN": "sentinel-env-token"}


def test_the_project_file_is_found_by_walking_up(tmp_path: Path) -> None:
    from genesys_eventbridge.components.config_source import stack_file

    _project(tmp_path / "p", stackConfigDir="cfg")
    deep = tmp_path / "p" / "src" / "pkg"
    deep.mkdir(parents=True)
    assert stack_file(deep, "prod") == (tmp_path / "p" / "cfg" / "Pulumi.prod.yaml").resolve()
    assert stack_file(deep, "acme/genesys-eventbridge/prod") == stack_file(deep, "prod")
    shutil.rmtree(tmp_path / "p")
    (tmp_path / "alone").mkdir()
    assert stack_file(tmp_path / "alone", "prod") is None
