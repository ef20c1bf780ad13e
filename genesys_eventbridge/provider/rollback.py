"""Undoing a create that failed after its POST, and telling the user what is left."""

from __future__ import annotations

from genesys_eventbridge.provider import audit
from genesys_eventbridge.provider.cap import CountKey, IntegrationCount
from genesys_eventbridge.provider.errors import RolledBackError
from genesys_eventbridge.provider.genesys import (
    GenesysClient,
    GenesysError,
    Integration,
    NotFoundError,
)


def roll_back(
    client: GenesysClient,
    count_key: CountKey,
    integration: Integration,
    org_id: str,
    cause: Exception,
    *,
    name: str,
) -> None:
    """Delete a half-created integration and raise RolledBackError saying what happened; one
    that cannot be deleted is left for the next create of its resource (even in this host)."""
    integration_id = integration.id
    with audit.audited("rollback", client, name, ()) as record:
        record.integration_id, record.org_id = integration_id, org_id
        try:
            try:
                client.delete_integration(integration_id)
            except NotFoundError:
                pass
        except Exception as delete_err:
            record.outcome, record.error = "failed", str(delete_err)
            IntegrationCount.left_behind(count_key, integration)
            # Two causes in one sentence: each is kept short so the whole stays readable.
            raise RolledBackError(
                f"creating integration {name!r} failed ({brief(cause, 90)}), and deleting it"
                f" failed too ({brief(delete_err, 90)}): the next `pulumi up` takes over what is"
                " left (it is marked as this resource's), or delete it in Genesys Cloud Admin"
                f" > Integrations, or adopt it with adopt_integration_id={integration_id!r}"
            ) from cause
    raise RolledBackError(
        f"creating integration {name!r} failed ({brief(cause)}); the half-created integration"
        f" {integration_id} was deleted, so nothing is left behind: fix the cause and run"
        " `pulumi up` again"
    ) from cause


def brief(err: BaseException, limit: int = 200) -> str:
    """A cause as a clause inside another sentence: what failed, without its own advice."""
    text = err.summary if isinstance(err, GenesysError) else str(err).rstrip(". ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
