"""Genesys Cloud error replies: the exception the routes raise and the JSON body it becomes."""

from __future__ import annotations

from typing import Any

# Default error code and message per status, as the real platform words them.
_DEFAULTS: dict[int, tuple[str, str]] = {
    400: (
        "bad.request",
        "The request could not be understood by the server due to malformed syntax.",
    ),
    401: ("bad.credentials", "Invalid login credentials."),
    403: ("missing.permissions", "You are not authorized to perform the requested action."),
    404: ("not.found", "The requested resource was not found."),
    405: ("method.not.allowed", "The requested method is not supported for this resource."),
    408: ("request.timeout", "The request timed out."),
    409: ("conflict", "The request conflicts with the current state of the resource."),
    429: ("too.many.requests", "Rate limit exceeded the maximum."),
    500: ("internal.server.error", "The server encountered an unexpected condition."),
    501: ("not.implemented", "The requested method is not implemented."),
    502: ("bad.gateway", "The server received an invalid response from an upstream server."),
    503: ("service.unavailable", "The service is currently unavailable."),
    504: (
        "gateway.timeout",
        "The server did not receive a timely response from an upstream server.",
    ),
}


def default_code(status: int) -> str:
    """The Genesys error code the platform uses for an HTTP status."""
    return _DEFAULTS.get(status, ("error", ""))[0]


class ApiError(Exception):
    """A Genesys platform error; the server turns it into the documented error body."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        message_params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        context_id: str | None = None,
    ) -> None:
        default = _DEFAULTS.get(status, ("error", f"HTTP {status}"))
        self.status = status
        self.code = code or default[0]
        self.message = message or default[1]
        self.details = details or []
        self.message_params = message_params or {}
        self.headers = headers or {}
        self.context_id = context_id
        super().__init__(f"{status} {self.code}: {self.message}")

    def body(self, correlation_id: str) -> dict[str, Any]:
        """The JSON error body, with contextId the reply's correlation id unless one was given."""
        return {
            "message": self.message,
            "code": self.code,
            "status": self.status,
            "messageWithParams": self.message,
            "messageParams": self.message_params,
            "contextId": correlation_id if self.context_id is None else self.context_id,
            "details": self.details,
            "errors": [],
        }


def field_error(field: str, message: str) -> ApiError:
    """A 400 bad.request naming the offending field in `details`."""
    return ApiError(
        400,
        message,
        code="bad.request",
        details=[{"errorCode": "invalid.value", "fieldName": field}],
    )
