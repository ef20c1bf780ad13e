"""Helpers for tests that drive EventBridgeIntegration through a real provider host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genesys_eventbridge.emulator import GenesysEmulator
from genesys_eventbridge.provider import EventBridgeIntegrationProvider
from tests.engine.harness import ProviderHost

TOPICS = [
    "v2.detail.events.conversation.{id}.customer.start",
    "v2.detail.events.conversation.{id}.customer.end",
]
NEWS: dict[str, Any] = {
    "resource_name": "contact-centre",
    "owner": "tests/dev/contact-centre",
    "aws_account_id": "123456789012",
    "aws_region": "eu-west-1",
    "event_source_suffix": "cc-prod",
    "topics": TOPICS,
}
"""A resource's inputs as the program declares them (Check adds the rest)."""
SECRET_KEY = "genesyscloud:oauthclientSecret"


def start_host(
    emulator: GenesysEmulator, audit_log: Path | None = None, config: dict[str, Any] | None = None
) -> ProviderHost:
    """A provider host configured, as the CLI would, with stack config for `emulator`."""
    settings = {**emulator.settings_config(), **(config or {})}
    if audit_log is not None:
        settings["genesyscloud:auditLogPath"] = str(audit_log)
    return ProviderHost(
        EventBridgeIntegrationProvider(), config=settings, secret_config_keys=[SECRET_KEY]
    ).start()


def checked(
    host: ProviderHost, news: dict[str, Any], olds: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The inputs Check returns for `news`, asserting it found nothing wrong."""
    inputs, failures = host.check(olds or {}, news)
    assert failures == [], failures
    return inputs
