"""Reading a Platform API reply: its JSON, validated into a model, or an error saying why not."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from genesys_eventbridge.provider.genesys.errors import CORRELATION_HEADER, GenesysError

_M = TypeVar("_M", bound=BaseModel)


def reply_json(response: httpx.Response, method: str, path: str) -> Any:
    """The reply's body as JSON, or GenesysError when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        raise unexpected_reply(response, method, path, "the body is not JSON") from None


def reply_model(model: type[_M], response: httpx.Response, method: str, path: str) -> _M:
    """The reply's body validated as `model`, or GenesysError naming the first field that fails."""
    data = reply_json(response, method, path)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise unexpected_reply(response, method, path, first_error(err)) from None


def unexpected_reply(response: httpx.Response, method: str, path: str, why: str) -> GenesysError:
    """The error for a reply whose body is not what this client expects (`why`: what is wrong)."""
    return GenesysError(
        f"the reply is not what this client expects ({why})",
        status=response.status_code,
        code="unexpected.response",
        correlation_id=response.headers.get(CORRELATION_HEADER),
        method=method,
        path=path,
        action=(
            "check that genesyscloud:apiBaseUrl (GENESYSCLOUD_API_BASE_URL) points at the"
            " Genesys Cloud Platform API"
        ),
    )


def first_error(err: ValidationError) -> str:
    """`location: message` of a validation error's first problem."""
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    return f"{where}: {first.get('msg', 'invalid')}"
