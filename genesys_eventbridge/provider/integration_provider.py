"""EventBridgeIntegrationProvider: the resource logic of a Genesys EventBridge integration."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Literal

import httpx
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

from genesys_eventbridge.provider import audit, filter_schema, proxy, schema
from genesys_eventbridge.provider.errors import (
    AdoptionError,
    CapacityError,
    IntegrationError,
    RolledBackError,
)
from genesys_eventbridge.provider.genesys import (
    EVENTBRIDGE_INTEGRATION_TYPE,
    SETTING_KEYS,
    ConfigurationError,
    GenesysClient,
    GenesysError,
    Integration,
    IntegrationConfig,
    NotFoundError,
    Settings,
    TokenRequestRejectedError,
    reachability,
    unknown_keys,
)
from genesys_eventbridge.provider.genesys.errors import sanitize
from genesys_eventbridge.provider.topics import CatalogEntry, catalog_entry, catalog_problem

# What a config PUT changes. The account, region and suffix change in place only for an adopted
# integration (see schema.diff_inputs); otherwise they replace it.
_CONFIG_FIELDS = ("topics", "integration_name", "notes", *schema.REPLACE_ON_CHANGE)
# How long this process trusts its own count of the org's integrations (see _Count).
COUNT_TTL = 60.0


class _Count:
    """This process's count of the org's EventBridge integrations (per API base and client),
    with a slot reserved for every create it has in flight.

    Every create lists the integrations once, after its POST: that count, which includes its own
    integration, is what keeps the cap across provider hosts (of two racing creates, the later
    one sees both). Within a host, a create reserves a slot here before its POST, so four engine
    workers creating at once never all see room for one more, while their POSTs still go out
    together. A fresh listing is taken first only when the count is unknown, over COUNT_TTL old,
    or at the cap, and then only once no POST of this host is in flight (so it counts them all):
    a create at the cap is refused without a POST.

    The integrations a listing saw are kept too: a create looks among them for a leftover of an
    earlier failed create of the same resource (see EventBridgeIntegrationProvider._leftover),
    so finding one costs no extra call. Those this process created or took over are never
    leftovers.
    """

    _cond = threading.Condition()
    _known: dict[tuple[str, str], tuple[float, int]] = {}
    _posting: dict[tuple[str, str], int] = {}
    _seen: dict[tuple[str, str], list[Integration]] = {}
    _ours: set[str] = set()

    @classmethod
    def reserve(
        cls,
        key: tuple[str, str],
        cap: int,
        listing: Callable[[], tuple[int, list[Integration]]],
    ) -> None:
        """Take a slot for one create, or raise CapacityError when the org is at the cap."""
        with cls._cond:
            found = cls._known.get(key)
            count = None
            if found is not None and time.monotonic() - found[0] <= COUNT_TTL:
                count = found[1]
            if count is None or count >= cap:
                cls._cond.wait_for(lambda: cls._posting.get(key, 0) == 0)
                count, cls._seen[key] = listing()
            if count >= cap:
                cls._known[key] = (time.monotonic(), count)
                raise CapacityError(
                    f"the org already has {count} {EVENTBRIDGE_INTEGRATION_TYPE}"
                    f" integrations, the cap set by genesyscloud:maxIntegrations"
                    f" (GENESYSCLOUD_MAX_INTEGRATIONS) is {cap}; delete unused integrations or"
                    " raise the cap (a replacement needs one free slot while the old integration"
                    " still exists)"
                )
            cls._known[key] = (time.monotonic(), count + 1)
            cls._posting[key] = cls._posting.get(key, 0) + 1

    @classmethod
    def posted(cls, key: tuple[str, str], created: bool) -> None:
        """The POST of a reserved slot is answered; give the slot back if nothing was created."""
        with cls._cond:
            cls._posting[key] -= 1
            if not created and key in cls._known:
                at, count = cls._known[key]
                cls._known[key] = (at, count - 1)
            cls._cond.notify_all()

    @classmethod
    def counted(cls, key: tuple[str, str], count: int, seen: list[Integration]) -> None:
        """A listing after a POST: more than we knew means another host created some."""
        with cls._cond:
            found = cls._known.get(key)
            cls._known[key] = (time.monotonic(), max(count, found[1] if found else 0))
            cls._seen[key] = seen

    @classmethod
    def candidates(cls, key: tuple[str, str], name: str) -> list[Integration]:
        """Integrations seen by the last listing, named `name` or provisionally for it, that
        this process neither created nor took over."""
        with cls._cond:
            return [
                i
                for i in cls._seen.get(key, [])
                if i.id not in cls._ours
                and i.type_id in (None, EVENTBRIDGE_INTEGRATION_TYPE)
                and (i.name == name or proxy.is_provisional_of(name, i.name))
            ]

    @classmethod
    def claim(cls, integration_id: str) -> bool:
        """Mark an integration as this process's; False when it already was (another create)."""
        with cls._cond:
            if integration_id in cls._ours:
                return False
            cls._ours.add(integration_id)
            return True


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
        rule_filters = _rule_filters(news, failures)
        topics = inputs.get("topics")
        if (
            settings.validate_topics
            and settings.has_credentials
            and isinstance(topics, list)
            and not any(f.property == "topics" for f in failures)
        ):
            failures.extend(self._check_catalog(topics, rule_filters))
        if settings.has_credentials:
            inputs.update(self._known_outputs(inputs))
        return CheckResult(inputs, failures)

    def _known_outputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """org_id and event_source_name, known before create when the org can be asked.

        The Python host cannot preview an update, so the engine shows checked inputs as the
        outputs: without these, every in-place change would preview the bus as replaced.
        """
        suffix = inputs.get("event_source_suffix")
        if not isinstance(suffix, str) or schema.is_unknown(suffix):
            return {}
        try:
            org_id = self._client().org_id()
        except (GenesysError, httpx.HTTPError):
            return {}
        return {"org_id": org_id, "event_source_name": schema.event_source_name(org_id, suffix)}

    def _check_catalog(
        self, topics: Sequence[Any], rule_filters: Sequence[filter_schema.RuleFilter] = ()
    ) -> list[CheckFailure]:
        """Topics against the org's catalog, and the rules' filters against the topics' schemas:
        one catalog fetch (cached per process) serves both."""
        # Preview only warns when the catalog is out of reach: do not wait the full retry budget.
        settings = self.settings()
        quick = settings.model_copy(update={"retry_budget": min(settings.retry_budget, 15.0)})
        try:
            catalog = [
                CatalogEntry(t.id, t.eventbridge_available, t.topic_schema)
                for t in GenesysClient(quick).available_topics()
            ]
        except TokenRequestRejectedError as err:
            return [CheckFailure("", str(err))]
        except (GenesysError, httpx.HTTPError) as err:
            # Preview must not fail because the catalog is unreachable: Genesys checks on PUT.
            pulumi.log.warn(
                f"could not check topics against the Genesys topic catalog: {sanitize(str(err))}"
            )
            return []
        failures = [
            CheckFailure("topics", problem)
            for topic in topics
            if isinstance(topic, str) and not schema.is_unknown(topic)
            if (problem := catalog_problem(topic, catalog))
        ]
        for rule_filter in rule_filters:
            schemas = {
                topic: entry.schema
                for topic in rule_filter.topics
                if (entry := catalog_entry(topic, catalog)) is not None
            }
            failures += [
                CheckFailure("", problem)
                for problem in filter_schema.problems(rule_filter, schemas)
            ]
        return failures

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
        with self._audited("create", client, name, props_changed(inputs)) as record:
            org_id = client.org_id()
            record.org_id = org_id
            count_key = (settings.api_base_url, settings.client_id or "")
            try:
                _Count.reserve(count_key, settings.max_integrations, client.integration_census)
                full: CapacityError | None = None
            except CapacityError as err:
                full = err  # unless this resource's own leftover is what fills the org
            leftover = self._leftover(client, inputs, count_key)
            if leftover is not None:
                if full is None:
                    _Count.posted(count_key, created=False)  # nothing new is created
                integration, config = leftover
                record.operation, record.integration_id = "recover", integration.id
                pulumi.log.warn(
                    f"integration {integration.id} ({integration.name!r}) was left behind by an"
                    f" earlier failed create of {name!r} (its name, and an AWS account, region"
                    " and event source suffix that are this resource's or not yet set); it is"
                    " taken over and configured instead of creating another"
                )
                try:
                    integration, version = self._converge(
                        client, integration, inputs, None, config=config
                    )
                except Exception as err:
                    self._roll_back(client, integration.id, name, org_id, err)
                outs = _outputs(inputs, integration, org_id, config_version=version)
                return CreateResult(integration.id, outs)
            if full is not None:
                raise full
            created = False
            try:
                marker, posted = proxy.post_provisional(client, name)
                created = True  # or maybe, for a lost reply: keep the slot
            finally:
                _Count.posted(count_key, created)
            # The count after the POST (below) catches a create that slipped past the cap
            # meanwhile, here or in another host.
            integration = (
                posted
                if isinstance(posted, Integration)
                else proxy.reconcile_lost_post(client, name, marker, posted)
            )
            _Count.claim(integration.id)
            record.integration_id = integration.id
            try:
                # The lock covers this process only: another provider host (another stack, or
                # another `pulumi up`) may have passed the check at the same time. Count now
                # that ours exists; under contention every create over the cap rolls back. The
                # count runs while the config is PUT (neither needs the other) and is awaited
                # before enabling, which is what makes Genesys create the partner event source.
                with ThreadPoolExecutor(1, thread_name_prefix="cap-count") as side:
                    counting = side.submit(client.integration_census)

                    def check_cap() -> None:
                        now, seen = counting.result()
                        _Count.counted(count_key, now, seen)
                        if now > settings.max_integrations:
                            raise CapacityError(
                                f"{now} {EVENTBRIDGE_INTEGRATION_TYPE} integrations exist with"
                                " this one, over the cap set by genesyscloud:maxIntegrations"
                                f" ({settings.max_integrations}); another create ran at the"
                                " same time"
                            )

                    integration, version = self._converge(
                        client, integration, inputs, integration.config_version, check_cap
                    )
            except Exception as err:
                self._roll_back(client, integration.id, name, org_id, err)
            outs = _outputs(inputs, integration, org_id, config_version=version)
            return CreateResult(integration.id, outs)

    def _converge(
        self,
        client: GenesysClient,
        integration: Integration,
        inputs: Mapping[str, Any],
        version: int | None,
        before_enable: Callable[[], None] | None = None,
        *,
        config: IntegrationConfig | None = None,
    ) -> tuple[Integration, int | None]:
        """PUT the config (on `config` when just read), call `before_enable`, then bring
        intendedState to `enabled` (waiting for ACTIVE); return the integration and the config
        version written."""
        written = proxy.put_config(
            client, integration.id, inputs, version=version, current=config
        ).version
        if before_enable is not None:
            before_enable()
        want = _intended(inputs["enabled"])
        if integration.intended_state != want:
            integration = client.set_intended_state(integration.id, want)
        if inputs["enabled"]:
            integration = proxy.wait_until_active(
                client, integration.id, client.settings.activation_timeout
            )
        return integration, written

    def _leftover(
        self, client: GenesysClient, inputs: Mapping[str, Any], count_key: tuple[str, str]
    ) -> tuple[Integration, IntegrationConfig] | None:
        """An integration an earlier failed create of this resource left behind, with its config.

        A candidate is one the last listing saw named `integration_name` or provisionally for
        it (auto-names are derived, so a re-run asks for the same name); its config (one GET,
        only for a candidate) decides. It is ours when it is for the same AWS account, region
        and suffix (the same partner event source: two integrations for it would fight anyway),
        or when it still has the provisional name and no account, region or suffix at all (the
        POST went through, the config PUT never did). One for another source is never touched.
        """
        name = inputs["integration_name"]
        want = (inputs["aws_account_id"], inputs["aws_region"], inputs["event_source_suffix"])
        for candidate in _Count.candidates(count_key, name):
            try:
                config = client.get_integration_config(candidate.id)
            except NotFoundError:
                continue  # deleted since the listing
            properties = config.properties or {}
            has = tuple(
                properties.get(key)
                for key in ("awsAccountId", "awsAccountRegion", "eventSourceSuffix")
            )
            blank = not any(has) and proxy.is_provisional_of(name, candidate.name)
            if (has == want or blank) and _Count.claim(candidate.id):
                return candidate, config
        return None

    def _roll_back(
        self, client: GenesysClient, integration_id: str, name: str, org_id: str, cause: Exception
    ) -> None:
        """Delete a half-created integration and raise RolledBackError saying what happened."""
        with self._audited("rollback", client, name, ()) as record:
            record.integration_id, record.org_id = integration_id, org_id
            try:
                try:
                    client.delete_integration(integration_id)
                except NotFoundError:
                    pass
            except Exception as delete_err:
                record.outcome, record.error = "failed", str(delete_err)
                raise RolledBackError(
                    f"creating integration {name!r} failed after it was posted ({_brief(cause)}),"
                    f" and deleting the half-created integration {integration_id} failed too"
                    f" ({_brief(delete_err)}); the next `pulumi up` takes it over while the"
                    " resource keeps its name, AWS account, region and suffix; otherwise delete it"
                    " in Genesys Cloud Admin > Integrations or adopt it with"
                    f" adopt_integration_id={integration_id!r}"
                ) from cause
        raise RolledBackError(
            f"creating integration {name!r} failed ({_brief(cause)}); the half-created integration"
            f" {integration_id} was deleted, so nothing is left behind: fix the cause and run"
            " `pulumi up` again"
        ) from cause

    def _adopt(self, inputs: dict[str, Any]) -> CreateResult:
        """Bring an existing integration under management, converging it to the inputs."""
        client = self._client()
        integration_id = inputs["adopt_integration_id"]
        with self._audited("adopt", client, inputs.get("integration_name"), ()) as record:
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
            integration, version = self._converge(client, integration, inputs, None)
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
            notes=config.notes or None,  # what update writes; the POST's copy goes stale
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
        with self._audited("update", client, name, changed) as record:
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
        with self._audited("delete", client, _props.get("integration_name"), ()) as record:
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

    # -- audit -----------------------------------------------------------------------------

    @contextmanager
    def _audited(
        self, operation: str, client: GenesysClient, name: str | None, changed: Sequence[str]
    ) -> Iterator[audit.AuditRecord]:
        """Time an operation and write one audit record for it, whether it succeeds or fails."""
        settings = client.settings
        record = audit.AuditRecord(
            operation=operation,
            integration_id=None,
            integration_name=name,
            org_id=None,
            client_id=settings.client_id,
            changed_fields=list(changed),
        )
        started = time.monotonic()
        try:
            yield record
        except Exception as err:
            if record.outcome == "ok":
                record.outcome, record.error = "failed", str(err)
            raise
        finally:
            record.latency_ms = round((time.monotonic() - started) * 1000)
            record.correlation_id = client.last_correlation_id
            # Never raises: a log that cannot be written must not turn a done create into a failed
            # one (the engine would create the integration again on the next `up`).
            audit.write(record, settings.audit_log_path)


def _rule_filters(
    news: Mapping[str, Any], failures: list[CheckFailure]
) -> list[filter_schema.RuleFilter]:
    """The rules' filters to check (a validation-only input, never stored in the state)."""
    value = news.get(filter_schema.INPUT)
    if value is None or schema.is_unknown(value):
        return []
    try:
        return filter_schema.decode(value)
    except ValueError as err:
        failures.append(CheckFailure("", str(err)))
        return []


def _brief(err: BaseException, limit: int = 200) -> str:
    """A cause as a clause inside another sentence: what failed, without its own advice."""
    text = err.summary if isinstance(err, GenesysError) else str(err).rstrip(". ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def props_changed(inputs: Mapping[str, Any]) -> list[str]:
    """The inputs a create sets, for the audit record."""
    return [key for key in schema.INPUTS if inputs.get(key) is not None]


def _inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    inputs = {key: props.get(key) for key in (*schema.INPUTS, schema.RESOURCE_NAME)}
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
