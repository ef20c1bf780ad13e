"""`doctor` checks HTTPS target endpoints: DNS, verified TLS, the HTTP answer, with a verdict.

The endpoint is a loopback HTTPS server this test starts, with a certificate from a CA the test
makes (tests/loopback_https.py): untrusted by default, trusted through --ca-file or SSL_CERT_FILE.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.commands.conftest import Result, closed_port_url, path_with, run_cli, set_stacks
from tests.loopback_https import LoopbackHttps, loopback_https


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LoopbackHttps]:
    with loopback_https(tmp_path) as running:
        yield running


def doctor(*argv: str, environ: dict[str, str] | None = None) -> Result:
    return run_cli("doctor", "--endpoints-only", *argv, environ=environ or {})


def endpoint_lines(result: Result) -> list[str]:
    return [line for line in result.out.splitlines() if line[6:].startswith("endpoint ")]


def test_an_untrusted_certificate_fails_tls_verification(server: LoopbackHttps) -> None:
    result = doctor("--endpoint", f"{server.url}/hook")
    assert result.code == 1
    [line] = endpoint_lines(result)
    assert line.startswith(f"FAIL  endpoint 1       {server.url}/hook TLS: 127.0.0.1:")
    assert "does not verify (unable to get local issuer certificate)" in line
    assert "fix: if the endpoint's certificate comes from a private CA, pass its CA" in result.out
    assert server.requests == []  # nothing was sent over an unverified connection


def test_with_its_ca_the_endpoint_passes_dns_tls_and_http(server: LoopbackHttps) -> None:
    result = doctor("--endpoint", f"{server.url}/hook", "--ca-file", str(server.ca_file))
    assert result.code == 0, result.text
    [line] = endpoint_lines(result)
    assert line == f"OK    endpoint 1       {server.url}/hook reachable, HEAD answered 200"
    assert "note: DNS: 127.0.0.1 -> 127.0.0.1" in result.out
    assert "note: TLS: TLSv1.3, certificate verified, valid until" in result.out
    assert [(r.method, r.path) for r in server.requests] == [("HEAD", "/hook")]
    assert "authorization" not in server.requests[0].headers  # no credential is ever sent


def test_ssl_cert_file_trusts_the_ca_as_well(server: LoopbackHttps) -> None:
    result = doctor("--endpoint", server.url, environ={"SSL_CERT_FILE": str(server.ca_file)})
    assert result.code == 0, result.text
    assert endpoint_lines(result)[0].startswith("OK ")


@pytest.mark.parametrize(
    ("status", "verdict", "words"),
    [
        (401, "OK", "HEAD answered 401"),
        (404, "WARN", "reachable, but HEAD answered 404"),
        (503, "WARN", "the endpoint reports a server error"),
    ],
)
def test_the_http_answer_decides_the_verdict(
    server: LoopbackHttps, status: int, verdict: str, words: str
) -> None:
    server.status = status
    result = doctor("--endpoint", server.url, "--ca-file", str(server.ca_file))
    [line] = endpoint_lines(result)
    assert line.startswith(verdict) and words in line
    assert result.code == 0  # a warning is not a failure


def test_a_method_not_allowed_is_asked_again_with_options(server: LoopbackHttps) -> None:
    server.status = 405
    result = doctor("--endpoint", server.url, "--ca-file", str(server.ca_file))
    assert [r.method for r in server.requests] == ["HEAD", "OPTIONS"]
    assert "OPTIONS answered 405" in endpoint_lines(result)[0]


def test_plain_http_and_a_closed_port_fail_with_what_to_fix() -> None:
    closed = closed_port_url().replace("http://", "https://")
    result = doctor("--endpoint", "http://hooks.example.com/in", "--endpoint", closed)
    first, second = endpoint_lines(result)
    assert first.startswith("FAIL") and "is not an https URL" in first
    assert second.startswith("FAIL") and "TCP: cannot connect to 127.0.0.1:" in second
    assert result.code == 1


def test_a_name_that_does_not_resolve_fails_at_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def resolver(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "hooks.unresolvable.test":  # no DNS query leaves the machine
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    result = doctor("--endpoint", "https://hooks.unresolvable.test/in")
    [line] = endpoint_lines(result)
    assert line.startswith("FAIL") and "DNS: hooks.unresolvable.test does not resolve" in line


def test_the_stacks_https_targets_are_checked(
    server: LoopbackHttps, fake_pulumi: Path, tmp_path: Path
) -> None:
    subscriptions = [
        {
            "name": "cx",
            "topics": ["v2.detail.events.conversation.{id}.customer.end"],
            "rules": [
                {
                    "name": "forward",
                    "targets": [
                        {"kind": "sqs"},
                        {
                            "kind": "https",
                            "endpoint": f"{server.url}/genesys",
                            "auth": {"apiKey": {"header": "x-api-key", "value": "k"}},
                        },
                    ],
                }
            ],
        }
    ]
    entry = {"value": json.dumps(subscriptions), "objectValue": subscriptions, "secret": True}
    set_stacks(fake_pulumi, {"prod": {"genesys-eventbridge:subscriptions": entry}})
    environ = path_with(fake_pulumi) | {"SSL_CERT_FILE": str(server.ca_file)}
    result = doctor("--stack", "prod", "--cwd", str(tmp_path), environ=environ)
    assert result.code == 0, result.text
    [line] = endpoint_lines(result)
    assert line.startswith(f"OK    endpoint 1       {server.url}/genesys reachable")
    assert "note: from subscriptions[0].rules[0].targets[1].endpoint" in result.out
    assert "x-api-key" not in str(server.requests[0].headers)  # the key is never sent


def test_endpoints_only_without_endpoints_is_a_usage_error() -> None:
    result = doctor()
    assert result.code == 2
    assert "--endpoints-only needs --endpoint URL" in result.err
