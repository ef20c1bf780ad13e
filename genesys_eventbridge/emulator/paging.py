"""The platform's paging envelope (entities, pageSize, pageNumber, total, pageCount, *Uri)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from .errors import field_error

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25


def _positive_int(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise field_error(name, f"Value [{raw}] is not valid for field {name}.") from None
    if value < 1:
        raise field_error(name, f"Value [{raw}] is not valid for field {name}; minimum is 1.")
    return value


def page_params(query: Mapping[str, str]) -> tuple[int, int]:
    """(pageSize, pageNumber) from the query; pageSize above 100 is a 400 like the platform's."""
    size = _positive_int(query, "pageSize", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise field_error(
            "pageSize",
            f"Value [{size}] is not valid for field pageSize. Allowable values are: "
            f"1 - {MAX_PAGE_SIZE}",
        )
    return size, _positive_int(query, "pageNumber", 1)


def envelope(
    items: Sequence[dict[str, Any]],
    *,
    page_size: int,
    page_number: int,
    base_path: str,
    filters: Mapping[str, str],
) -> dict[str, Any]:
    """One page of `items` in the paging envelope; URIs keep the filters."""
    total = len(items)
    page_count = math.ceil(total / page_size)
    start = (page_number - 1) * page_size

    def uri(number: int) -> str:
        return f"{base_path}?{urlencode({'pageSize': page_size, 'pageNumber': number, **filters})}"

    body: dict[str, Any] = {
        "entities": list(items[start : start + page_size]),
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "lastUri": uri(max(page_count, 1)),
        "selfUri": uri(page_number),
    }
    if page_number < page_count:
        body["nextUri"] = uri(page_number + 1)
    if 1 < page_number <= page_count + 1:
        body["previousUri"] = uri(page_number - 1)
    return body
