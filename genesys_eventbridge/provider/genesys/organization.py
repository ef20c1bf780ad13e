"""The organization call: which org the OAuth client belongs to, its id cached per process."""

from __future__ import annotations

from genesys_eventbridge.provider.genesys.models import Organization
from genesys_eventbridge.provider.genesys.replies import reply_model
from genesys_eventbridge.provider.genesys.session import ApiSession, CacheKey

ORGANIZATION_PATH = "/api/v2/organizations/me"

_ORG_IDS: dict[CacheKey, str] = {}


def clear() -> None:
    """Forget the cached org ids."""
    _ORG_IDS.clear()


class OrganizationCalls(ApiSession):
    """GET /api/v2/organizations/me, and the org id it gives, cached."""

    def organization(self) -> Organization:
        """GET the OAuth client's org (id and name); also fills the org id cache."""
        response = self._request("GET", ORGANIZATION_PATH)
        org = reply_model(Organization, response, "GET", ORGANIZATION_PATH)
        _ORG_IDS[self._cache_key] = org.id
        return org

    def org_id(self) -> str:
        """The id of the OAuth client's org (cached per process per API base and client id)."""
        cached = _ORG_IDS.get(self._cache_key)
        return cached if cached is not None else self.organization().id
