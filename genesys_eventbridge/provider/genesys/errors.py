"""The errors of the Genesys Cloud client: one hierarchy, each error one actionable sentence.

str(error) says what failed, why, and what to do, and quotes the `inin-correlation-id` of the reply
so Genesys support can find the request. Messages never carry a client secret or an access token.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from genesys_eventbridge.provider.genesys.models import ErrorBody

if TYPE_CHECKING:
    import httpx

CORRELATION_HEADER = "inin-correlation-id"
VERSION_MISMATCH_TEXT = "does not match the current version"
RETRY_BUDGET_SETTING = "genesyscloud:retryBudget / GENESYSCLOUD_RETRY_BUDGET"
_MAX_MESSAGE = 400
MAX_SANITIZED = 8192  # characters of server text kept in a message (bodies can be megabytes)

# Credentials a server might echo back, or a bug might pass in: scrubbed from every message.
_AUTH_VALUE = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_SECRET_FIELD = re.compile(
    r"(?i)(\"?(?:access_token|client_secret|refresh_token|password)\"?\s*[:=]\s*\"?)[^\"\s&,;]+"
)
_PERMISSION = re.compile(r"\[([^\]]+)\]")


# A URL's user info (`user:password@`) and its query string or fragment: never quoted.
# A scheme starts where no scheme character precedes it (not at every word boundary: inside
# `a.a.a...` each one would rescan the rest of the run, quadratic in the text's length).
_URL_IN_TEXT = re.compile(
    r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*://)(?:[^/?#\s@]*@)?([^?#\s]*)(?:[?#]\S*)?"
)
# Terminal escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character escapes, 8-bit CSI),
# then any other C0/C1 control or bidirectional override: server text must not drive the terminal
# of whoever reads the message, nor make it display as something else.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Secrets this process has used (client secrets, tokens, their Basic forms), so a server that
# echoes one back in any shape of text gets it redacted by value, not only by pattern.
_KNOWN_SECRETS: dict[str, None] = {}
_KNOWN_LOCK = threading.Lock()
_MAX_KNOWN = 256
_MIN_SECRET = 6  # shorter values would redact ordinary words


def remember_secrets(*values: str | None) -> None:
    """Redact these values from every message of this process from now on."""
    with _KNOWN_LOCK:
        for value in values:
            if value and len(value) >= _MIN_SECRET:
                _KNOWN_SECRETS.pop(value, None)
                _KNOWN_SECRETS[value] = None
        while len(_KNOWN_SECRETS) > _MAX_KNOWN:
            del _KNOWN_SECRETS[next(iter(_KNOWN_SECRETS))]


def strip_controls(text: str) -> str:
    """`text` without terminal escape sequences; other control characters become spaces."""
    return _CONTROL.sub(" ", _ESCAPE_SEQUENCE.sub("", text))


def display_url(url: str) -> str:
    """`url` as a message may quote it: no user info, query string, fragment or control."""
    return _URL_IN_TEXT.sub(r"\1\2", strip_controls(url))


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Return `text` with the given secrets and anything that looks like a credential replaced.

    Also redacts every secret remember_secrets() was given, and the user info and query string
    of any URL.
    """
    with _KNOWN_LOCK:
        known = list(_KNOWN_SECRETS)
    # Longest first: a secret inside a longer one (a token inside its Basic form) goes with it.
    for secret in sorted({s for s in (*secrets, *known) if s}, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    text = _AUTH_VALUE.sub(lambda m: f"{m.group(1)} [redacted]", text)
    text = _SECRET_FIELD.sub(lambda m: f"{m.group(1)}[redacted]", text)
    return _URL_IN_TEXT.sub(r"\1\2", text)


def sanitize(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Server-supplied `text` made safe to print or raise: no control characters, no secret,
    at most MAX_SANITIZED characters (a server's text has no bound of its own)."""
    # Controls first: an escape sequence inside a secret would otherwise hide it from redact().
    text = strip_controls(text)
    if len(text) > MAX_SANITIZED:
        # Known secrets go before the cut, which could otherwise leave a part of one behind.
        text = redact(text, secrets)[:MAX_SANITIZED] + f"… ({len(text) - MAX_SANITIZED} more)"
    return redact(text, secrets)


def _sanitized(text: str | None, secrets: Iterable[str | None]) -> str | None:
    return None if text is None else sanitize(text, secrets)


_SENTENCE_BREAK = re.compile(r"(?<=[a-z0-9)\]])\.\s+(?=[A-Z])")


def _clean(text: str) -> str:
    """One line, one clause, bounded length: a server message embedded in our sentence."""
    text = _SENTENCE_BREAK.sub("; ", " ".join(text.split())).rstrip(" .")
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1].rstrip() + "…"
    return text


def _restore(cls: type[GenesysError], state: dict[str, Any]) -> GenesysError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = (error._render(),)
    return error


class GenesysError(Exception):
    """A Genesys Cloud call failed; str() is one sentence: what failed, why, what to do."""

    default_action: ClassVar[str] = (
        "try again later, and if it persists contact Genesys Cloud support quoting the"
        " correlation id"
    )

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        code: str | None = None,
        context_id: str | None = None,
        correlation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        action: str | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        secrets = tuple(secrets)
        # Everything a server may have supplied is sanitized: message, code, context and
        # correlation ids (a header), and what a caller built from them.
        self.message = sanitize(message or "", secrets)
        self.status = status
        self.code = _sanitized(code, secrets)
        self.context_id = _sanitized(context_id, secrets)
        self.correlation_id = _sanitized(correlation_id, secrets)
        self.method = method
        self.path = _sanitized(path, secrets)
        self.action = sanitize(action if action is not None else self.default_action, secrets)
        super().__init__(self._render())

    def _headline(self) -> str:
        """What failed (the start of the sentence)."""
        if self.method and self.path:
            text = f"Genesys Cloud {self.method} {self.path} failed"
        else:
            text = "The Genesys Cloud request failed"
        if self.status is not None:
            text += f" with {self.status}"
            if self.code:
                text += f" {self.code}"
        return text

    def _reason(self) -> str:
        """Why it failed (the server's message, cleaned)."""
        return _clean(self.message)

    def _render(self) -> str:
        text = self._headline()
        reason = self._reason()
        if reason:
            text += f": {reason}"
        if self.action:
            text += f"; {_clean(self.action)}"
        if self.correlation_id:
            text += f" (correlation id {self.correlation_id})"
        return text + "."

    def __str__(self) -> str:
        return self._render()

    @property
    def summary(self) -> str:
        """What failed, briefly, to quote inside another error's sentence: method, status, code."""
        what = self._request_briefly()
        if self.status is None:
            reason = _clean(self.message)[:120]
            return f"{what} failed: {reason}" if reason else f"{what} failed"
        return f"{what} answered {self.status}" + (f" {self.code}" if self.code else "")

    def _request_briefly(self) -> str:
        # The token request fails inside any other call: "POST failed" would misname a DELETE.
        if self.path and self.path.rstrip("/").endswith("/oauth/token"):
            return "the OAuth token request"
        return self.method or "the request"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._render()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive Exception's default pickling.
        return (_restore, (type(self), dict(self.__dict__)))


class ConfigurationError(GenesysError):
    """A setting is missing or invalid; the message names the setting and how to fix it.

    Deliberately not a ValueError: pydantic would wrap a ValueError raised by a Settings validator
    into its own ValidationError and lose the sentence.
    """

    default_action: ClassVar[str] = "fix the setting and run again"

    def __init__(
        self, message: str, *, setting: str | None = None, action: str | None = None
    ) -> None:
        self.setting = setting
        super().__init__(message, action=action)

    def _headline(self) -> str:
        return "Invalid Genesys Cloud settings"


class InvalidPathParameterError(GenesysError, ValueError):
    """A path parameter (e.g. an integration id) is malformed; no request was sent."""

    default_action: ClassVar[str] = (
        "pass the id Genesys Cloud gave the integration (a UUID such as"
        " 3fa85f64-5717-4562-b3fc-2c963f66afa6); no request was sent"
    )

    def __init__(self, parameter: str, value: object, expected: str) -> None:
        self.parameter = parameter
        self.value = value
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:79] + "…"
        super().__init__(f"{parameter} {shown} is not {expected}")

    def _headline(self) -> str:
        return "Refused to call Genesys Cloud"


class AuthenticationError(GenesysError):
    """Genesys refused the credentials or the access token (401)."""

    default_action: ClassVar[str] = (
        "the access token was refused even after fetching a new one; check that the OAuth client"
        " (genesyscloud:oauthclientId / GENESYSCLOUD_OAUTHCLIENT_ID) still exists, uses the Client"
        " Credentials grant and belongs to this org and region"
    )


class TokenRequestRejectedError(AuthenticationError):
    """The OAuth token endpoint rejected the client id/secret (a 4xx); never retried."""

    def __init__(
        self,
        message: str,
        *,
        client_id: str,
        login_url: str,
        status: int | None = None,
        code: str | None = None,
        correlation_id: str | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        self.client_id = strip_controls(client_id)
        self.login_url = display_url(login_url)
        super().__init__(
            message,
            status=status,
            code=code,
            correlation_id=correlation_id,
            method="POST",
            path="/oauth/token",
            action=(
                "check genesyscloud:oauthclientId and genesyscloud:oauthclientSecret"
                " (GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET), that the OAuth"
                " client uses the Client Credentials grant, and that genesyscloud:region"
                " (GENESYSCLOUD_REGION) is the org's region"
            ),
            secrets=secrets,
        )

    def _headline(self) -> str:
        text = (
            f"The OAuth token request for client id {self.client_id!r} at {self.login_url}"
            " was rejected"
        )
        if self.status is not None:
            text += f" with {self.status}"
            if self.code:
                text += f" {self.code}"
        return text


class PermissionDeniedError(GenesysError):
    """The OAuth client lacks a permission the call needs (403)."""

    def __init__(self, message: str, *, permission: str | None = None, **kwargs: Any) -> None:
        self.permission = permission
        if permission:
            action = (
                f"grant the permission {permission} to a role of the OAuth client"
                " (Genesys Cloud Admin > Roles / Permissions) and run again"
            )
        else:
            action = (
                "grant the OAuth client's role the permission(s) the message names and run again"
            )
        kwargs.setdefault("action", action)
        super().__init__(message, **kwargs)


class NotFoundError(GenesysError):
    """The resource does not exist (404)."""

    default_action: ClassVar[str] = (
        "check the id; if the integration was deleted outside Pulumi, run `pulumi refresh`"
    )


class ConflictError(GenesysError):
    """The request conflicts with the resource's current state (409)."""

    default_action: ClassVar[str] = "read the resource again and repeat the change"


class VersionMismatchError(ConflictError):
    """A config PUT carried a stale version (409, 408, or 400 "does not match the current ...")."""

    default_action: ClassVar[str] = (
        "the configuration was changed concurrently; read the current version and PUT again"
    )


class BadRequestError(GenesysError):
    """Genesys rejected the request's content (400); `field_messages` lists what is wrong."""

    default_action: ClassVar[str] = "fix the values named and run again"

    def __init__(self, message: str, *, field_messages: Iterable[str] = (), **kwargs: Any) -> None:
        self.field_messages = [sanitize(m, kwargs.get("secrets", ())) for m in field_messages]
        super().__init__(message, **kwargs)

    def _reason(self) -> str:
        reason = _clean(self.message)
        if self.field_messages:
            fields = "; ".join(_clean(m) for m in self.field_messages)
            reason = f"{reason} [{fields}]" if reason else f"[{fields}]"
        return reason


class _ExhaustedError(GenesysError):
    """Retries ran out of budget."""

    problem: ClassVar[str] = "failed"

    def __init__(
        self,
        message: str = "",
        *,
        waited: float,
        attempts: int,
        budget: float,
        last: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.waited = waited
        self.attempts = attempts
        self.budget = budget
        self.last = _sanitized(last, kwargs.get("secrets", ()))
        super().__init__(message, **kwargs)

    def _headline(self) -> str:
        what = "The Genesys Cloud request"
        if self.method and self.path:
            what = f"Genesys Cloud {self.method} {self.path}"
        last = f" ({self.last})" if self.last else ""
        times = "attempt" if self.attempts == 1 else "attempts"
        return (
            f"{what} {self.problem}{last} after trying for {self.waited:.1f} s"
            f" ({self.attempts} {times}, retry budget {self.budget:g} s)"
        )

    @property
    def summary(self) -> str:
        """What failed, briefly: method, problem, the last answer."""
        last = f" ({self.last})" if self.last else ""
        return f"{self._request_briefly()} {self.problem}{last}"


class RateLimitExhaustedError(_ExhaustedError):
    """Still rate limited (429) when the retry budget ran out."""

    problem: ClassVar[str] = "was still rate limited"
    default_action: ClassVar[str] = (
        "run fewer operations at once (e.g. `pulumi up --parallel 2`) or raise"
        f" {RETRY_BUDGET_SETTING}, then run again"
    )


class ServiceUnavailableError(_ExhaustedError):
    """Genesys stayed unreachable or answered 502/503/504 until the retry budget ran out."""

    problem: ClassVar[str] = "kept failing"
    default_action: ClassVar[str] = (
        "check your network and https://status.mypurecloud.com, then run again, or raise"
        f" {RETRY_BUDGET_SETTING}"
    )


class AmbiguousRequestError(GenesysError):
    """A POST was sent but no reply came: it may or may not have taken effect (never repeated)."""

    default_action: ClassVar[str] = (
        "it may or may not have taken effect and was not repeated; look for its result in Genesys"
        " Cloud (e.g. list the integrations) before trying again"
    )

    def _headline(self) -> str:
        if self.status is not None:
            code = f" {self.code}" if self.code else ""
            return (
                f"Genesys Cloud {self.method} {self.path} got {self.status}{code} from a gateway"
                " after the request was sent"
            )
        return f"Genesys Cloud {self.method} {self.path} got no reply after the request was sent"


def permission_named(message: str | None) -> str | None:
    """The first permission a 403 message names in brackets ("... permission(s): [a:b:c]")."""
    if not message:
        return None
    match = _PERMISSION.search(message)
    if not match:
        return None
    first = match.group(1).split(",")[0].strip()
    return first or None


def is_version_mismatch(status: int, message: str | None, *, versioned: bool) -> bool:
    """Whether a reply means "stale config version" (the Terraform provider's rule).

    `versioned` says the call carried a version (a config PUT): there any 409 or 408 counts.
    """
    if status in (400, 408, 409) and message and VERSION_MISMATCH_TEXT in message.lower():
        return True
    return versioned and status in (408, 409)


def classify(
    status: int,
    body: ErrorBody | None,
    *,
    correlation_id: str | None,
    method: str,
    path: str,
    permission: str | None = None,
    versioned: bool = False,
    secrets: Iterable[str | None] = (),
    fallback_message: str = "",
) -> GenesysError:
    """Build the error for an unsuccessful API reply."""
    message = (body.text if body else None) or fallback_message
    common: dict[str, Any] = {
        "status": status,
        "code": body.code if body else None,
        "context_id": body.context_id if body else None,
        "correlation_id": correlation_id,
        "method": method,
        "path": path,
        "secrets": tuple(secrets),
    }
    if is_version_mismatch(status, message, versioned=versioned):
        return VersionMismatchError(message, **common)
    if status == 401:
        return AuthenticationError(message, **common)
    if status == 403:
        return PermissionDeniedError(
            message, permission=permission or permission_named(message), **common
        )
    if status == 404:
        return NotFoundError(message, **common)
    if status == 409:
        return ConflictError(message, **common)
    if status == 400:
        return BadRequestError(
            message, field_messages=body.field_messages() if body else (), **common
        )
    return GenesysError(message, **common)


def parse_error_body(response: httpx.Response) -> ErrorBody | None:
    """The reply's Genesys error body, or None when it has none (or not JSON)."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        return ErrorBody.model_validate(data)
    except ValueError:
        return None


def error_from_response(
    response: httpx.Response,
    *,
    method: str,
    path: str,
    permission: str | None = None,
    versioned: bool = False,
    secrets: Iterable[str | None] = (),
) -> GenesysError:
    """Build the error for an unsuccessful reply from its status, body and correlation id."""
    return classify(
        response.status_code,
        parse_error_body(response),
        correlation_id=response.headers.get(CORRELATION_HEADER),
        method=method,
        path=path,
        permission=permission,
        versioned=versioned,
        secrets=secrets,
        fallback_message=response.reason_phrase or "",
    )
