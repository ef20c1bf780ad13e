"""`python -m genesys_eventbridge.emulator`: documented flags, stable local-only defaults (but
a new client secret at each start), and the printed settings that a client accepts as they are."""

from __future__ import annotations

import re
import signal
import socket

import pytest

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.emulator.__main__ import (
    LOCAL_CLIENT_ID,
    LOCAL_ORG_ID,
    _parser,
    banner,
    main,
)
from genesys_eventbridge.provider.genesys import GenesysClient, Settings


def test_every_flag_has_help_text_with_its_default() -> None:
    parser = _parser()
    flags = [a for a in parser._actions if a.option_strings and a.dest != "help"]
    assert {a.dest for a in flags} == {
        "port",
        "activation_delay",
        "latency",
        "rate_limit",
        "token_ttl",
        "client_id",
        "client_secret",
        "org_id",
    }
    for action in flags:
        assert action.help and len(action.help) > 20, action.dest
        assert "default" in action.help, action.dest
    assert "local-only" in (parser.description or "")


def test_the_defaults_are_stable_local_only_values() -> None:
    args = _parser().parse_args([])
    assert args.client_id == LOCAL_CLIENT_ID
    assert args.org_id == LOCAL_ORG_ID
    assert args.client_secret is None  # made up at each start (see test_emulator_hardening)


def test_the_printed_settings_work_as_they_are_in_either_form() -> None:
    with GenesysEmulator(org_id=LOCAL_ORG_ID) as emulator:
        text = banner(emulator)
        assert "export GENESYSCLOUD_ALLOW_INSECURE_HTTP=true" in text
        assert "pulumi config set genesyscloud:allowInsecureHttp true" in text
        assert "local-only" in text
        env = dict(re.findall(r"^  export (\w+)=(\S+)$", text, re.M))
        config = dict(re.findall(r"^  pulumi config set (?:--secret )?(\S+) (\S+)$", text, re.M))
        for settings in (Settings.resolve({}, env), Settings.resolve(config, {})):
            assert GenesysClient(settings).org_id() == LOCAL_ORG_ID


def test_a_busy_port_suggests_port_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # keep pytest's own handlers
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"Cannot listen on 127.0.0.1:{port}" in err
    assert "--port 0 for any free port" in err
