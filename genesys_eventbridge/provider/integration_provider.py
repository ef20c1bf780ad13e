"""EventBridgeIntegrationProvider: the resource logic of a Genesys EventBridge integration."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from genesys_eventbridge.provider import (
    audit,
    cap,
    catalog_check,
    ownership,
    proxy,
    rollback,
    schema,
)
from genesys_eventbridge.provider.cap import IntegrationCount
from genesys_eventbridge.provider.errors import (
    AdoptionError,
    CapacityError,
    IntegrationError,
)
from genesys_eventbridge.provider.genesys import (
    EVENTBRIDGE_INTEGRATION_TYPE,
    SETTING_KEYS,
    ConfigurationError,
    GenesysClient,
    Integration,
    IntegrationConfig,
    NotFoundError,
    Settings,
    reachability,
    unknown_keys,
)

# What a config PUT changes. The account, region and suffix change in place only for an adopted
# integration (see schema.diff_inputs); otherwise they replace it.
_CONFIG_FIELDS = ("topics", "integration_name", "notes", *schema.REPLACE_ON_CHANGE)


UNCHECKED_WARNING = (
    "Genesys Cloud credentials are not set, so nothing was checked against Genesys Cloud: not the"
    " topics (against the org's topic catalog), not the org (event source names), not the"
    " integration cap (genesyscloud:maxIntegrations); `pulumi up` will need them. Set"
    " genesyscloud:oauthclientId and genesyscloud:oauthclientSecret"
    " (`pulumi config set --secret genesyscloud:oauthclientSecret <secret>`; or"
    " GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET), or an access token in"
    " genesyscloud:accessToken (GENESYSCLOUD_ACCESS_TOKEN)"
)
# What this provider host process has already told the user (each message once, not per resource).
_TOLD: set[str] = set()
_TOLD_LOCK = threading.Lock()


def _tell_once(topic: str, message: str, log: Callable[[str], None]) -> None:
    with _TOLD_LOCK:
        if topic in _TOLD:
            return
        _TOLD.add(topic)
    log(message)


class EventBridgeIntegrationProvider(ResourceProvider):
    """Drives a Genesys EventBridge integration through check, diff, create, read, update, delete.

    It holds no credentials and nothing unpicklable: settings arrive through `configure()`
    (the stack's `genesyscloud:*` config) or the `GENESYSCLOUD_*` environment, in the provider
    host process, and are never pickled into the state.
    """

    def __init__(self) -> None:
        super().__init__()
        self._config: dict[str, Any] = {}
        self._unknown: list[str] = []
        self._settings: Settings | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Whatever a configured instance learnt (settings, secrets) must not reach the state file.
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._config = {}
        self._unknown = []
        self._settings = None

    # -- settings --------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Remember the stack's `genesyscloud:*` config for this provider host process."""
        self._config = {
            key.config: value
            for key in SETTING_KEYS.values()
            if (value := req.config.get(key.config)) is not None
        }
        # dynamic.Config offers no listing of its keys; its raw map is the only way to see a
        # misspelled key, which would otherwise be ignored without a word.
        raw = getattr(req.config, "_props", None)
        self._unknown = unknown_keys(raw) if isinstance(raw, Mapping) else []
        self._settings = None

    def settings(self) -> Settings:
        """The resolved settings: stack config first, then the environment."""
        if self._settings is None:
            self._settings = Settings.resolve(self._config)
        return self._settings

    def _client(self) -> GenesysClient:
        return GenesysClient(self.settings())

    # -- check and diff --------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every input (and the topics against the org's catalog), auto-name if unnamed."""
        inputs, failures = schema.check_inputs(_olds, news)
        # Settings and rule filters are no inputs of the resource: a failure naming them as its
        # property is shown by the engine as "property <name> value {<nil>} has a problem", or
        # preceded by every rule's filters. Without a property it shows the reason alone, which
        # names the setting or the rule itself.
        failures += [CheckFailure("", p) for p in self._unknown]
        try:
            settings = self.settings()
        except ConfigurationError as err:
            failures.append(CheckFailure("", str(err)))
            return CheckResult(inputs, failures)
        _tell_once("endpoint", f"Genesys Cloud endpoint: {settings.endpoint}", pulumi.log.info)
        if not settings.has_credentials:
            _tell_once("unchecked", UNCHECKED_WARNING, pulumi.log.warn)
        elif (problem := reachability.unreachable(settings)) is not None:
            # A preview that cannot reach Genesys cannot show a true diff: fail now, not after
            # the retry budget, with the one message every resource of the run shares.
            failures.append(CheckFailure("", problem))
            return CheckResult(inputs, failures)
        rule_filters = catalog_check.rule_filters(news, failures)
        topics = inputs.get("topics")
        if (
            settings.validate_topics
            and settings.has_credentials
            and isinstance(topics, list)
            and not any(f.property == "topics" for f in failures)
        ):
            failures.extend(catalog_check.check_catalog(settings, topics, rule_filters))
        if settings.has_credentials:
            inputs.update(catalog_check.known_outputs(self._client(), inputs))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        """Compare old outputs with new inputs; account, region and suffix changes replace."""
        changed, replaces = schema.diff_inputs(_olds, _news)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    # -- create ----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create (or adopt) the integration, configure it, enable it and wait until ACTIVE."""
        inputs = _inputs(props)
        if inputs.get("adopt_integration_id"):
            return self._adopt(inputs)
        client = self._client()
        settings = client.settings
        name = inputs["integration_name"]
        with audit.audited("create", client, name, props_changed(inputs)) as record:
            org_id = client.org_id()
            record.org_id = org_id
            key = (settings.api_base_url, settings.client_id or "")
            full: CapacityError | None = None
            try:
                IntegrationCount.reserve(key, settings.max_integrations, client.integration_census)
            except CapacityError as err:
                full = err  # unless this resource's own leftover is what fills the org
            try:
                leftover = ownership.find_leftover(client, key, inputs)
            except BaseException:
                if full is None:
                    IntegrationCount.posted(key, created=False)
                raise
            if leftover is not None:
                if full is None:
                    IntegrationCount.posted(key, created=False)  # nothing new is created
                record.operation, record.integration_id = "recover", leftover[0].id
                return self._recover(client, key, inputs, org_id, *leftover)
            if full is not None:
                raise full
            created = False
            try:
                marker, posted = proxy.post_provisional(client, name, inputs.get(ownership.OWNER))
                created = True  # or maybe, for a lost reply: keep the slot
            finally:
                IntegrationCount.posted(key, created)
            # The count after the POST (below) catches a create that slipped past the cap
            # meanwhile, here or in another host.
            integration = (
                posted
                if isinstance(posted, Integration)
                else proxy.reconcile_lost_post(client, name, marker, posted)
            )
            IntegrationCount.claim(integration.id)
            record.integration_id = integration.id
            try:
                # The count covers this process only: another provider host (another stack, or
                # another `pulumi up`) may have passed the check at the same time. Count now
                # that ours exists; under contention every create over the cap rolls back. The
                # count runs while the config is PUT (neither needs the other) and is awaited
                # before enabling, which is what makes Genesys create the partner event source.
                with ThreadPoolExecutor(1, thread_name_prefix="cap-count") as side:
                    counting = side.submit(client.integration_census)
                    integration, version = proxy.converge(
                        client,
                        integration,
                        inputs,
                        integration.config_version,
                        lambda: cap.check_after_post(
                            key, counting.result(), settings.max_integrations
                        ),
                    )
            except Exception as err:
                rollback.roll_back(client, key, integration, org_id, err, name=name)
            outs = _outputs(inputs, integration, org_id, config_version=version)
            return CreateResult(integration.id, outs)

    def _recover(
        self,
        client: GenesysClient,
        key: cap.CountKey,
        inputs: Mapping[str, Any],
        org_id: str,
        integration: Integration,
        config: IntegrationConfig,
    ) -> CreateResult:
        """Take over this resource's own leftover (see ownership.find_leftover) and converge it."""
        name = inputs["integration_name"]
        pulumi.log.warn(
            f"integration {integration.id} ({integration.name!r}) was left behind by an earlier"
            f" failed create of {name!r} (it is marked as this resource's and is for its event"
            " source or none yet); it is taken over and configured instead of creating another"
        )
        try:
            integration, version = proxy.converge(client, integration, inputs, None, config=config)
        except Exception as err:
            rollback.roll_back(client, key, integration, org_id, err, name=name)
        outs = _outputs(inputs, integration, org_id, config_version=version)
        return CreateResult(integration.id, outs)

    def _adopt(self, inputs: dict[str, Any]) -> CreateResult:
        """Bring an existing integration under management, converging it to the inputs."""
        client = self._client()
        integration_id = inputs["adopt_integration_id"]
        with audit.audited("adopt", client, inputs.get("integration_name"), ()) as record:
            record.integration_id = integration_id
            org_id = client.org_id()
            record.org_id = org_id
            try:
                integration = client.get_integration(integration_id)
            except NotFoundError as err:
                raise AdoptionError(
                    f"adopt_integration_id {integration_id} names no integration in org {org_id};"
                    " check the id in Genesys Cloud Admin > Integrations"
                ) from err
            type_id = integration.type_id
            if type_id != EVENTBRIDGE_INTEGRATION_TYPE:
                raise AdoptionError(
                    f"integration {integration_id} is of type {type_id!r}, not"
                    f" {EVENTBRIDGE_INTEGRATION_TYPE!r}; only EventBridge integrations can be"
                    " adopted"
                )
            inputs["integration_name"] = inputs.get("integration_name") or integration.name
            record.integration_name = inputs["integration_name"]
            integration, version = proxy.converge(client, integration, inputs, None)
            outs = _outputs(inputs, integration, org_id, config_version=version)
            return CreateResult(integration.id, outs)

    # -- read, update, delete --------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh: what Genesys holds now (two calls), so out-of-band edits show as drift."""
        client = self._client()
        try:
            integration = client.get_integration(id_)
            config = client.get_integration_config(id_)
        except NotFoundError:
            return ReadResult("", {})
        properties = config.properties or {}
        outs = dict(props)
        outs.update(
            integration_id=integration.id,
            integration_name=config.name or integration.name,
            # What update writes (the POST's copy goes stale), without the owner marker.
            notes=ownership.split_notes(config.notes)[0],
            enabled=integration.intended_state == "ENABLED",
            aws_account_id=properties.get("awsAccountId"),
            aws_region=properties.get("awsAccountRegion"),
            event_source_suffix=properties.get("eventSourceSuffix"),
            topics=list(properties.get("eventFilter") or []),
            reported_state=_state_code(integration),
            config_version=config.version,
        )
        org_id = outs.get("org_id") or client.org_id()
        outs["org_id"] = org_id
        outs["event_source_name"] = (
            schema.event_source_name(org_id, outs["event_source_suffix"])
            if outs["event_source_suffix"]
            else None
        )
        return ReadResult(integration.id, outs)

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        """PUT the config when it changed, PATCH only when `enabled` changed; full outputs back."""
        inputs = _inputs(_news)
        changed, _ = schema.diff_inputs(_olds, inputs)
        client = self._client()
        name = inputs.get("integration_name") or _olds.get("integration_name")
        inputs["integration_name"] = name
        with audit.audited("update", client, name, changed) as record:
            record.integration_id = _id
            org_id = _olds.get("org_id") or client.org_id()
            record.org_id = org_id
            config_changed = any(field in changed for field in _CONFIG_FIELDS)
            version = _olds.get("config_version")
            if config_changed:
                # The version in the state is the one this provider last wrote or read: PUT on
                # it straight away; a 409 (someone wrote since) re-reads and tries again.
                known = version if isinstance(version, (int, float)) else None
                written = proxy.put_config(
                    client, _id, inputs, version=None if known is None else int(known)
                )
                version = written.version
            reported = _olds.get("reported_state")
            if "enabled" in changed:
                reported = _state_code(client.set_intended_state(_id, _intended(inputs["enabled"])))
            if inputs["enabled"] and (config_changed or "enabled" in changed):
                # A new config can put an enabled integration into ERROR: say so now, not later.
                integration = proxy.wait_until_active(
                    client, _id, client.settings.activation_timeout
                )
                reported = _state_code(integration)
            outs = _outputs(
                inputs,
                None,
                org_id,
                integration_id=_id,
                reported_state=reported,
                config_version=version,
            )
            return UpdateResult(outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """DELETE the integration (already gone is fine) and wait until Genesys answers 404."""
        client = self._client()
        with audit.audited("delete", client, _props.get("integration_name"), ()) as record:
            record.integration_id, record.org_id = _id, _props.get("org_id")
            try:
                client.delete_integration(_id)
            except NotFoundError:
                return
            if not proxy.wait_until_gone(client, _id):
                raise IntegrationError(
                    f"integration {_id} still exists {proxy.DELETE_WAIT:g} s after Genesys accepted"
                    " its deletion; run `pulumi destroy` (or `pulumi up`) again to retry"
                )


def props_changed(inputs: Mapping[str, Any]) -> list[str]:
    """The inputs a create sets, for the audit record."""
    return [key for key in schema.INPUTS if inputs.get(key) is not None]


def _inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    inputs = {
        key: props.get(key) for key in (*schema.INPUTS, schema.RESOURCE_NAME, ownership.OWNER)
    }
    if inputs["enabled"] is None:
        inputs["enabled"] = True
    return inputs


def _intended(enabled: Any) -> Literal["ENABLED", "DISABLED"]:
    return "ENABLED" if enabled else "DISABLED"


def _state_code(integration: Integration) -> str | None:
    return integration.reported_state.code if integration.reported_state else None


def _outputs(
    inputs: Mapping[str, Any],
    integration: Integration | None,
    org_id: str,
    *,
    integration_id: str | None = None,
    reported_state: str | None = None,
    config_version: Any = None,
) -> dict[str, Any]:
    """Every input, defaults included, plus the computed outputs."""
    outs = {key: value for key, value in inputs.items() if value is not None}
    outs["enabled"] = bool(inputs.get("enabled", True))
    outs["integration_id"] = integration.id if integration else integration_id
    outs["org_id"] = org_id
    outs["event_source_name"] = schema.event_source_name(org_id, inputs["event_source_suffix"])
    outs["reported_state"] = _state_code(integration) if integration else reported_state
    # Lets the next update PUT without reading the config first.
    outs["config_version"] = config_version
    return outs
