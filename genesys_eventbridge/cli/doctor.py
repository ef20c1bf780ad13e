"""`python -m genesys_eventbridge doctor`: check, step by step, that the provider works for the org.

Read-only: it lists and reads, never creates, changes or deletes anything. That is why the
add/edit/delete permissions are named as needed but not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from genesys_eventbridge.cli.endpoints import (
    check_endpoint,
    stack_endpoints,
    tls_context,
)
from genesys_eventbridge.cli.environment import (
    CLIENT_ID,
    CLIENT_SECRET,
    CREDENTIALS_FIX,
    SUBSCRIPTIONS_KEY,
    SettingsSource,
    StackConfigUnavailable,
    add_source_options,
    credentials_problem,
    endpoint_settings,
    explain,
    genesys_config,
    read_stack_json,
    resolve_settings,
    secret_is_set,
    setting_problem,
    settings_source,
)
from genesys_eventbridge.cli.outcome import PASSING, Outcome, Status
from genesys_eventbridge.cli.parser import (
    CommandParser,
    command_parser,
    returns_parser_exit,
)
from genesys_eventbridge.provider.genesys import (
    EVENTBRIDGE_INTEGRATION_TYPE,
    SETTING_KEYS,
    AuthenticationError,
    ConfigurationError,
    GenesysClient,
    GenesysError,
    Integration,
    NotFoundError,
    PermissionDeniedError,
    RateLimitExhaustedError,
    ServiceUnavailableError,
    Settings,
    TokenRequestRejectedError,
    auth,
    reachability,
)
from genesys_eventbridge.provider.genesys.errors import sanitize
from genesys_eventbridge.provider.genesys.integrations import PERMISSION_ADD, PERMISSION_VIEW
from genesys_eventbridge.provider.genesys.organization import ORGANIZATION_PATH

NAME = "doctor"
SUMMARY = (
    "Check settings, credentials, token, org, permissions, topic catalog and the integration cap."
)

REGION = SETTING_KEYS["region"]
LOGIN = SETTING_KEYS["login_base_url"]
CAP_ENV = SETTING_KEYS["max_integrations"].env
CAP_CONFIG = SETTING_KEYS["max_integrations"].config
BUDGET = SETTING_KEYS["retry_budget"]
# Checking these would need a real create, change or delete: named, never exercised.
NOT_CHECKED = (
    f"needed, not checked: {PERMISSION_ADD}, :edit, :delete (checking them would create, change"
    " or delete an integration)"
)


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{round(seconds / size, 1):g} {unit}"
    return f"{seconds:g} s"


class Doctor:
    """Runs the checks in order; later checks use what earlier ones established."""

    def __init__(self, source: SettingsSource) -> None:
        self.source = source
        self.settings: Settings | None = None
        self.integrations: list[Integration] | None = None

    @property
    def _ready(self) -> Settings:
        # A check runs only after the checks it needs passed (see CHECKS), so settings exist.
        assert self.settings is not None
        return self.settings

    def _client(self) -> GenesysClient:
        return GenesysClient(self._ready)

    def check_settings(self) -> Outcome:
        """Settings resolve: region known, base URLs https (or loopback), numbers valid."""
        try:
            self.settings = resolve_settings(self.source)
        except ConfigurationError as error:
            what, fix = setting_problem(error, self.source.stack)
            return Outcome("FAIL", what, fix)
        s = self.settings
        origin = "defaults" if s.source == "defaults" else f"from {s.source}"
        return Outcome(
            "OK",
            f"region {s.region}, API base {s.api_base_url}, login base {s.login_base_url}"
            f" ({origin})",
            notes=[
                f"read from {self.source.described}; retry budget {s.retry_budget:g} s per call"
                f" ({BUDGET.config} / {BUDGET.env})"
            ],
        )

    def check_credentials(self) -> Outcome:
        """Client id and secret are set (the secret is shown only as set/missing)."""
        s = self._ready
        if s.has_access_token:
            extra = ", client credentials set too" if s.has_client_credentials else ""
            return Outcome("OK", f"access token set (used as is, never renewed){extra}")
        detail = (
            f"client id {s.client_id or 'missing'}, secret"
            f" {'set' if secret_is_set(s) else 'missing'}"
        )
        missing = credentials_problem(s)
        if missing:
            return Outcome("FAIL", f"{detail}: {missing}", CREDENTIALS_FIX)
        return Outcome("OK", detail)

    def check_token(self) -> Outcome:
        """The client-credentials grant works."""
        s = self._ready
        try:
            try:
                # Nothing listening is found out in seconds; a Genesys that answers, even with
                # 429 or 503, gets the whole retry budget.
                token = auth.access_token(reachability.for_a_quick_check(s))
            except (ServiceUnavailableError, RateLimitExhaustedError) as error:
                if reachability.nothing_answered(error):
                    return Outcome(
                        "FAIL",
                        reachability.unreachable_message(s, error),
                        f"{endpoint_settings(s)}; and check that this machine can reach that"
                        " address (network, HTTPS_PROXY, firewall)",
                    )
                token = auth.access_token(s)
        except TokenRequestRejectedError as error:
            return Outcome(
                "FAIL",
                f"{error.login_url} rejected client id {error.client_id}: {explain(error)}",
                f"check {CLIENT_ID.config} ({CLIENT_ID.env}) and {CLIENT_SECRET.config}"
                f" ({CLIENT_SECRET.env}): they must be the id and secret of an OAuth client of"
                " this org that uses the Client Credentials grant (Admin > Integrations > OAuth);"
                f" also check that {REGION.config} ({REGION.env}) {s.region} is the org's region",
            )
        except (ServiceUnavailableError, RateLimitExhaustedError) as error:
            return Outcome(
                "FAIL",
                f"could not reach {s.token_url}: {explain(error)}",
                f"{endpoint_settings(s)}; and check that this machine can reach that address"
                " (network, HTTPS_PROXY, firewall)",
            )
        except GenesysError as error:
            return Outcome("FAIL", f"{s.token_url}: {explain(error)}", error.action)
        if token.static:
            return Outcome("OK", "the access token is used as given (no token request)")
        return Outcome(
            "OK",
            f"client-credentials grant at {s.token_url} works"
            f" (token lifetime {_duration(token.lifetime)})",
        )

    def check_org(self) -> Outcome:
        """GET organizations/me answers the org's id and name."""
        try:
            org = self._client().organization()
        except GenesysError as error:
            return Outcome("FAIL", f"GET {ORGANIZATION_PATH}: {explain(error)}", self._fix(error))
        return Outcome("OK", f"{org.id} ({org.name})" if org.name else org.id)

    def _fix(self, error: GenesysError) -> str:
        # An answer from the wrong server (404, not JSON, unreachable) is a wrong endpoint.
        if isinstance(error, (AuthenticationError, PermissionDeniedError)):
            return error.action
        if isinstance(error, NotFoundError):
            return endpoint_settings(self._ready)
        return f"{error.action}; {endpoint_settings(self._ready)}"

    def check_permissions(self) -> Outcome:
        """Listing integrations works (integrations:integration:view)."""
        try:
            self.integrations = self._client().list_integrations()
        except PermissionDeniedError as error:
            permission = error.permission or PERMISSION_VIEW
            return Outcome(
                "FAIL",
                f"missing permission {permission}: listing integrations was refused"
                f" ({explain(error)})",
                f"grant {permission} to a role of the OAuth client {self._ready.client_id}"
                " (Genesys Cloud Admin > Roles / Permissions), then run doctor again",
                notes=[NOT_CHECKED],
            )
        except GenesysError as error:
            return Outcome(
                "FAIL",
                f"listing integrations failed: {explain(error)}",
                error.action,
                notes=[NOT_CHECKED],
            )
        return Outcome(
            "OK", f"{PERMISSION_VIEW} granted (listing integrations works)", notes=[NOT_CHECKED]
        )

    def check_topics(self) -> Outcome:
        """The topic catalog is reachable; count what EventBridge can carry."""
        try:
            topics = self._client().available_topics()
        except GenesysError as error:
            return Outcome("FAIL", f"the topic catalog: {explain(error)}", self._fix(error))
        carried = sum(1 for topic in topics if topic.eventbridge_available)
        detail = f"{len(topics)} topics, {carried} available to EventBridge"
        if not carried:
            return Outcome(
                "WARN",
                f"{detail}: no subscription can be created",
                "check that the Amazon EventBridge integration is available to this org"
                " (Genesys Cloud Admin > Integrations)",
            )
        return Outcome("OK", detail)

    def check_cap(self) -> Outcome:
        """Existing EventBridge integrations vs the maxIntegrations cap."""
        assert self.integrations is not None
        count, cap = len(self.integrations), self._ready.max_integrations
        detail = f"{count} {EVENTBRIDGE_INTEGRATION_TYPE} integrations, maxIntegrations {cap}"
        if count >= cap:
            where = "at" if count == cap else "over"
            return Outcome(
                "WARN",
                f"{detail}: {where} the cap, the provider will refuse to create another",
                f"delete unused EventBridge integrations, or raise {CAP_ENV} ({CAP_CONFIG} in"
                " the stack) if the org allows more",
            )
        return Outcome("OK", f"{detail} ({cap - count} more can be created)")


@dataclass(frozen=True)
class Check:
    """One named check and the check whose success it needs."""

    name: str
    needs: str | None
    run: Callable[[Doctor], Outcome]


CHECKS: tuple[Check, ...] = (
    Check("settings", None, Doctor.check_settings),
    Check("credentials", "settings", Doctor.check_credentials),
    Check("token", "credentials", Doctor.check_token),
    Check("org", "token", Doctor.check_org),
    Check("permissions", "token", Doctor.check_permissions),
    Check("topic catalog", "token", Doctor.check_topics),
    Check("integration cap", "permissions", Doctor.check_cap),
)


def _parser(stdout: TextIO, stderr: TextIO) -> CommandParser:
    parser = command_parser(
        NAME,
        (
            f"{SUMMARY} Reads a stack's genesyscloud:* config with --stack, and the"
            " GENESYSCLOUD_* environment variables. Read-only: creates, changes and deletes"
            " nothing. Exit status 0 when every check passes (warnings included), 1 when one"
            " fails, 2 on a usage error or an unreadable stack."
        ),
        stdout=stdout,
        stderr=stderr,
    )
    add_source_options(parser)
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        action="append",
        default=[],
        help=(
            "also check this HTTPS target endpoint: DNS, a verified TLS handshake, the answer to"
            " HEAD (or OPTIONS); repeatable. With --stack, the stack's https targets are checked"
            " too. Preview never calls endpoints"
        ),
    )
    parser.add_argument(
        "--ca-file",
        metavar="PATH",
        help=(
            "verify endpoints' TLS with this CA bundle (default: SSL_CERT_FILE, else the"
            " system's CAs)"
        ),
    )
    parser.add_argument(
        "--endpoints-only",
        action="store_true",
        help="check only the endpoints, not the Genesys settings and credentials",
    )
    return parser


@returns_parser_exit
def run(argv: Sequence[str], *, stdout: TextIO, stderr: TextIO, environ: Mapping[str, str]) -> int:
    """Run every check, one line each; 0 when all pass, 1 when one fails, 2 on a usage error."""
    args = _parser(stdout, stderr).parse_args(list(argv))
    endpoints = [("--endpoint", url) for url in args.endpoint]
    try:
        if args.stack is None:
            source = settings_source(None, args.cwd, environ)
        else:  # one read of the stack: its Genesys settings and its https targets
            entries = read_stack_json(args.stack, args.cwd, environ)
            source = SettingsSource(environ, args.stack, genesys_config(entries))
            subscriptions = entries.get(SUBSCRIPTIONS_KEY, {})
            endpoints += stack_endpoints(
                subscriptions.get("objectValue", subscriptions.get("value"))
            )
    except StackConfigUnavailable as error:
        stderr.write(f"error: {sanitize(str(error))}\n")
        return 2
    doctor = Doctor(source)
    statuses: dict[str, Status] = {}
    for check in () if args.endpoints_only else CHECKS:
        if check.needs is not None and statuses[check.needs] not in PASSING:
            outcome = Outcome("SKIP", f"needs a passing {check.needs} check")
        else:
            outcome = check.run(doctor)
        statuses[check.name] = outcome.status
        for line in outcome.lines(check.name):
            stdout.write(line + "\n")
        stdout.flush()  # network checks take a moment: show progress as it happens
    if endpoints:
        try:
            context = tls_context(args.ca_file, environ)
        except OSError as error:
            stderr.write(f"error: --ca-file {args.ca_file}: {error.strerror or error}\n")
            return 2
    elif args.endpoints_only:
        stderr.write(
            "error: --endpoints-only needs --endpoint URL or a --stack with https targets\n"
        )
        return 2
    for where, url in endpoints:
        found = check_endpoint(url, context)
        outcome = replace(found, detail=f"{url} {found.detail}")
        if where != "--endpoint":
            outcome.notes.insert(0, f"from {where}")
        name = f"endpoint {len([n for n in statuses if n.startswith('endpoint ')]) + 1}"
        statuses[name] = outcome.status
        for line in outcome.lines(name):
            stdout.write(line + "\n")
        stdout.flush()
    failed = sum(1 for s in statuses.values() if s == "FAIL")
    skipped = sum(1 for s in statuses.values() if s == "SKIP")
    warned = sum(1 for s in statuses.values() if s == "WARN")
    if failed:
        checks = "check" if failed == 1 else "checks"
        stdout.write(f"doctor: {failed} {checks} failed, {skipped} skipped; fix the first one\n")
        return 1
    if warned:
        stdout.write(f"doctor: every check passed, {warned} with a warning\n")
    return 0
