"""GenesysClient: the Platform API calls this project makes, typed, authenticated and retried.

A GenesysClient holds only its Settings: it is cheap to build and safe to pickle (Pulumi pickles
the dynamic provider, and a stack's state names this class here). The calls live with what they
are about (integrations, organization, topic_catalog), on the request plumbing of session.
"""

from __future__ import annotations

from genesys_eventbridge.provider.genesys import organization, topic_catalog

# The paths, permissions and limits are named here too, for the code that imports them from here;
# each is read where it is defined, so a test that changes one changes it in that module.
from genesys_eventbridge.provider.genesys.integrations import (
    INTEGRATIONS_PATH,
    MAX_PAGES,
    PAGE_SIZE,
    PERMISSION_ADD,
    PERMISSION_DELETE,
    PERMISSION_EDIT,
    PERMISSION_VIEW,
    IntegrationCalls,
    check_integration_id,
)
from genesys_eventbridge.provider.genesys.organization import ORGANIZATION_PATH, OrganizationCalls
from genesys_eventbridge.provider.genesys.session import STATIC_TOKEN_REFUSED
from genesys_eventbridge.provider.genesys.topic_catalog import (
    TOPICS_FAILURE_TTL,
    TOPICS_PATH,
    TopicCatalogCalls,
)


def clear_caches() -> None:
    """Forget the cached org ids and topic catalogs."""
    organization.clear()
    topic_catalog.clear()


class GenesysClient(IntegrationCalls, OrganizationCalls, TopicCatalogCalls):
    """Genesys Cloud Platform API client for EventBridge integrations."""

    def __repr__(self) -> str:
        return (
            f"GenesysClient(api_base_url={self.settings.api_base_url!r},"
            f" client_id={self.settings.client_id!r})"
        )


__all__ = [
    "INTEGRATIONS_PATH",
    "MAX_PAGES",
    "ORGANIZATION_PATH",
    "PAGE_SIZE",
    "PERMISSION_ADD",
    "PERMISSION_DELETE",
    "PERMISSION_EDIT",
    "PERMISSION_VIEW",
    "STATIC_TOKEN_REFUSED",
    "TOPICS_FAILURE_TTL",
    "TOPICS_PATH",
    "GenesysClient",
    "check_integration_id",
    "clear_caches",
]
