"""The integration cap: this process's count of the org's EventBridge integrations, kept honest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from genesys_eventbridge.provider.errors import CapacityError
from genesys_eventbridge.provider.genesys import EVENTBRIDGE_INTEGRATION_TYPE, Integration

# How long this process trusts its own count of the org's integrations (see IntegrationCount).
COUNT_TTL = 60.0

CountKey = tuple[str, str]
"""Whose integrations are counted: (API base URL, OAuth client id)."""


class IntegrationCount:
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
    earlier failed create of the same resource (see ownership.find_leftover), so finding one
    costs no extra call. Those this process created or took over are never leftovers.
    """

    _cond = threading.Condition()
    _known: dict[CountKey, tuple[float, int]] = {}
    _posting: dict[CountKey, int] = {}
    _seen: dict[CountKey, list[Integration]] = {}
    _ours: set[str] = set()

    @classmethod
    def reserve(
        cls, key: CountKey, cap: int, listing: Callable[[], tuple[int, list[Integration]]]
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
                raise at_cap_error(count, cap)
            cls._known[key] = (time.monotonic(), count + 1)
            cls._posting[key] = cls._posting.get(key, 0) + 1

    @classmethod
    def posted(cls, key: CountKey, created: bool) -> None:
        """The POST of a reserved slot is answered; give the slot back if nothing was created."""
        with cls._cond:
            cls._posting[key] -= 1
            if not created and key in cls._known:
                at, count = cls._known[key]
                cls._known[key] = (at, count - 1)
            cls._cond.notify_all()

    @classmethod
    def counted(cls, key: CountKey, count: int, seen: list[Integration]) -> None:
        """A listing after a POST: more than we knew means another host created some."""
        with cls._cond:
            found = cls._known.get(key)
            cls._known[key] = (time.monotonic(), max(count, found[1] if found else 0))
            cls._seen[key] = seen

    @classmethod
    def seen(cls, key: CountKey, named: Callable[[str | None], bool]) -> list[Integration]:
        """EventBridge integrations the last listing saw whose name passes `named`, except
        those this process created or took over."""
        with cls._cond:
            return [
                i
                for i in cls._seen.get(key, [])
                if i.id not in cls._ours
                and i.type_id in (None, EVENTBRIDGE_INTEGRATION_TYPE)
                and named(i.name)
            ]

    @classmethod
    def left_behind(cls, key: CountKey, integration: Integration) -> None:
        """A create of this process failed and could not delete `integration`: it is a
        leftover now, for the next create of its resource to take over, even here before any
        listing shows it."""
        with cls._cond:
            cls._ours.discard(integration.id)
            seen = cls._seen.setdefault(key, [])
            if all(i.id != integration.id for i in seen):
                seen.append(integration)

    @classmethod
    def claim(cls, integration_id: str) -> bool:
        """Mark an integration as this process's; False when it already was (another create)."""
        with cls._cond:
            if integration_id in cls._ours:
                return False
            cls._ours.add(integration_id)
            return True


def at_cap_error(count: int, cap: int) -> CapacityError:
    """The error of a create refused before its POST: the org is at the cap."""
    return CapacityError(
        f"the org already has {count} {EVENTBRIDGE_INTEGRATION_TYPE} integrations, the cap set"
        f" by genesyscloud:maxIntegrations (GENESYSCLOUD_MAX_INTEGRATIONS) is {cap}; delete"
        " unused integrations or raise the cap (a replacement needs one free slot while the old"
        " integration still exists)"
    )


def check_after_post(key: CountKey, census: tuple[int, list[Integration]], cap: int) -> None:
    """Record the count taken after a POST; raise CapacityError when it is over the cap (a
    create in another host slipped past the check at the same time)."""
    now, seen = census
    IntegrationCount.counted(key, now, seen)
    if now > cap:
        raise CapacityError(
            f"{now} {EVENTBRIDGE_INTEGRATION_TYPE} integrations exist with this one, over the"
            f" cap set by genesyscloud:maxIntegrations ({cap}); another create ran at the same"
            " time"
        )
