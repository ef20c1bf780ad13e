"""EventBridgeIntegration: the Pulumi resource declaring one Genesys EventBridge integration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import pulumi
import pulumi.runtime.config as runtime_config
from pulumi.dynamic import Resource

from genesys_eventbridge.provider import filter_schema
from genesys_eventbridge.provider.filter_schema import RuleFilter
from genesys_eventbridge.provider.genesys.settings import SECRET_FIELDS, SETTING_KEYS
from genesys_eventbridge.provider.integration_provider import EventBridgeIntegrationProvider
from genesys_eventbridge.provider.ownership import owner_of
from genesys_eventbridge.provider.schema import OUTPUTS, OWNER, RESOURCE_NAME

# The Genesys credentials among the `genesyscloud:` keys. The engine records the stack's config as
# the default provider's inputs, so one set without --secret would sit in the state in plain text.
SECRET_SETTINGS = tuple(sorted(SETTING_KEYS[field].config for field in SECRET_FIELDS))


def plain_secret_settings(secret_of: Mapping[str, bool]) -> list[str]:
    """A problem for each Genesys credential given in stack config that is not a secret.

    `secret_of`: each config key that is set -> whether it is a secret.
    """
    return [
        f"{key}: is set in plain text, and Pulumi records stack config in the state; set it as a"
        f" secret: `pulumi config set --secret {key} <value>` (or use the"
        f" {SETTING_KEYS[_field(key)].env} environment variable)"
        for key in SECRET_SETTINGS
        if key in secret_of and not secret_of[key]
    ]


def _field(config_key: str) -> str:
    return next(field for field, key in SETTING_KEYS.items() if key.config == config_key)


def check_secret_settings() -> None:
    """Raise a RunError (shown as its message alone) when a Genesys credential of this program's
    stack config is not a secret."""
    secret_keys = set(runtime_config.get_config_secret_keys_env())
    problems = plain_secret_settings(
        {
            key: runtime_config.is_config_secret(key) or key in secret_keys
            for key in SECRET_SETTINGS
            if runtime_config.get_config(key) is not None
        }
    )
    if problems:
        raise pulumi.RunError("; ".join(problems))


@dataclass(kw_only=True)
class EventBridgeIntegrationArgs:
    """The inputs of an EventBridgeIntegration; each accepts a plain value or a Pulumi Output."""

    aws_account_id: pulumi.Input[str]
    """The 12-digit AWS account that receives the partner event source (as a string)."""

    aws_region: pulumi.Input[str]
    """The AWS region of the partner event source and its bus, e.g. `us-east-1`."""

    event_source_suffix: pulumi.Input[str]
    """The last part of the event source name: 1-64 of letters, digits, `.`, `-`, `_`."""

    topics: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Topic templates to publish, e.g. `v2.detail.events.conversation.{id}.customer.start`."""

    integration_name: pulumi.Input[str] | None = None
    """The integration's name in Genesys; default `<resource name>-<7 characters>`,
    derived from the resource name, account, region and suffix."""

    enabled: pulumi.Input[bool] | None = None
    """Whether the integration is enabled (publishing); default true."""

    notes: pulumi.Input[str] | None = None
    """Free-text notes shown on the integration in Genesys Cloud Admin."""

    adopt_integration_id: pulumi.Input[str] | None = None
    """The id of an existing EventBridge integration to manage instead of creating one."""

    rule_filters: Sequence[RuleFilter] | None = None
    """The filter policies of the EventBridge rules this integration feeds. Never sent to
    Genesys: at preview, each field under `detail.eventBody` is looked up in the JSON schema of
    each topic its rule covers (from the org's topic catalog), so a misspelt field or a value of
    the wrong type fails before `up`."""


class EventBridgeIntegration(Resource, module="genesys", name="EventBridgeIntegration"):
    """A Genesys Cloud `amazon-eventbridge-source` integration, managed as a Pulumi resource."""

    integration_id: pulumi.Output[str]
    """The Genesys integration id (also the resource id)."""
    org_id: pulumi.Output[str]
    """The Genesys organization id."""
    event_source_name: pulumi.Output[str]
    """`aws.partner/genesys.com/cloud/{org_id}/{event_source_suffix}`, the bus name too."""
    reported_state: pulumi.Output[str]
    """Genesys' reportedState code: ACTIVE, ACTIVATING, INACTIVE, DEACTIVATING or ERROR."""
    config_version: pulumi.Output[int]
    """The version of the integration's config last written or read (updates PUT on it)."""
    integration_name: pulumi.Output[str]
    """The integration's name in Genesys."""
    aws_account_id: pulumi.Output[str]
    """The AWS account of the partner event source."""
    aws_region: pulumi.Output[str]
    """The AWS region of the partner event source."""
    event_source_suffix: pulumi.Output[str]
    """The event source suffix."""
    topics: pulumi.Output[list[str]]
    """The subscribed topic templates."""
    enabled: pulumi.Output[bool]
    """Whether the integration is enabled."""
    notes: pulumi.Output[str | None]
    """The integration's notes."""
    adopt_integration_id: pulumi.Output[str | None]
    """The adopted integration's id, when the resource adopted one."""

    def __init__(
        self,
        resource_name: str,
        args: EventBridgeIntegrationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the integration `resource_name` with `args`."""
        check_secret_settings()
        props: dict[str, object] = {
            field.name: getattr(args, field.name)
            for field in fields(args)
            if getattr(args, field.name) is not None
        }
        if args.rule_filters is not None:
            # A filter value may be an Output: the JSON text waits for it (and stays unknown at a
            # preview that cannot know it, when check() leaves the filters unchecked).
            props[filter_schema.INPUT] = pulumi.Output.from_input(
                filter_schema.to_json(args.rule_filters)
            ).apply(filter_schema.encode)
        props[RESOURCE_NAME] = resource_name
        # Marks what this resource creates as its own, so that only its own leftovers are ever
        # taken over (never another stack's integration with the same name and event source).
        props[OWNER] = owner_of(pulumi.get_project(), pulumi.get_stack(), resource_name)
        # Outputs the provider computes: declared as None so the SDK exposes them as attributes.
        props.update(dict.fromkeys(OUTPUTS))
        for optional in ("integration_name", "enabled", "notes", "adopt_integration_id"):
            props.setdefault(optional, None)
        super().__init__(EventBridgeIntegrationProvider(), resource_name, props, opts)
