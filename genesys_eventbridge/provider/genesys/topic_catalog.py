"""The org's notification topic catalog: fetched once per process, a failure remembered briefly."""

from __future__ import annotations

import threading
import time

from pydantic import ValidationError

from genesys_eventbridge.provider.genesys.errors import GenesysError
from genesys_eventbridge.provider.genesys.models import AvailableTopic
from genesys_eventbridge.provider.genesys.replies import first_error, reply_json, unexpected_reply
from genesys_eventbridge.provider.genesys.session import ApiSession, CacheKey

TOPICS_PATH = "/api/v2/notifications/availabletopics"

# A failed catalog fetch is remembered this long, so a preview of many resources during an outage
# waits for the retry budget once, not once per resource.
TOPICS_FAILURE_TTL = 60.0

_TOPICS: dict[CacheKey, tuple[AvailableTopic, ...]] = {}
_TOPICS_FAILURES: dict[CacheKey, tuple[float, Exception]] = {}
_TOPICS_LOCK = threading.Lock()


def clear() -> None:
    """Forget the cached topic catalogs and failed fetches."""
    with _TOPICS_LOCK:
        _TOPICS.clear()
        _TOPICS_FAILURES.clear()


class TopicCatalogCalls(ApiSession):
    """GET /api/v2/notifications/availabletopics, with transports and schemas, cached."""

    def available_topics(self) -> list[AvailableTopic]:
        """The org's notification topic catalog, with transports (cached per process)."""
        key = self._cache_key
        cached = _TOPICS.get(key)
        if cached is None:
            # One fetch per key even when several threads ask at once.
            with _TOPICS_LOCK:
                cached = _TOPICS.get(key)
                if cached is None:
                    failed = _TOPICS_FAILURES.get(key)
                    if failed is not None and time.monotonic() - failed[0] < TOPICS_FAILURE_TTL:
                        raise failed[1]
                    try:
                        cached = self._fetch_topics()
                    except GenesysError as err:
                        _TOPICS_FAILURES[key] = (time.monotonic(), err)
                        raise
                    _TOPICS[key] = cached
        return list(cached)

    def _fetch_topics(self) -> tuple[AvailableTopic, ...]:
        # One fetch serves the topic and the filter checks; the SDK sends a list comma-joined.
        params = {"expand": "transports,schema", "includePreview": "true"}
        response = self._request("GET", TOPICS_PATH, params=params)
        data = reply_json(response, "GET", TOPICS_PATH)
        entities = data.get("entities") if isinstance(data, dict) else data
        if not isinstance(entities, list):
            raise unexpected_reply(response, "GET", TOPICS_PATH, "no list of topics")
        try:
            return tuple(AvailableTopic.model_validate(item) for item in entities)
        except ValidationError as err:
            raise unexpected_reply(response, "GET", TOPICS_PATH, first_error(err)) from None
