"""Topic templates against a catalog: unknown topics name the closest entries."""

from __future__ import annotations

from genesys_eventbridge.provider.topics import CatalogEntry, catalog_problem

CATALOG = [
    CatalogEntry("v2.detail.events.conversation.{id}.customer.start", True),
    CatalogEntry("v2.detail.events.conversation.{id}.customer.end", True),
    CatalogEntry("v2.users.{id}.presence", True),
    CatalogEntry("v2.users.{id}.wrapups", False),
]


def test_known_topic_and_concrete_id_pass() -> None:
    assert catalog_problem("v2.users.{id}.presence", CATALOG) is None
    assert (
        catalog_problem("v2.users.3fa85f64-5717-4562-b3fc-2c963f66afa6.presence", CATALOG) is None
    )


def test_unknown_topic_names_closest_entries() -> None:
    problem = catalog_problem("v2.detail.events.conversation.{id}.customer.stat", CATALOG)
    assert problem is not None
    assert "not in this org's topic catalog" in problem
    assert "'v2.detail.events.conversation.{id}.customer.start'" in problem


def test_unknown_topic_without_neighbours_points_at_the_topics_command() -> None:
    problem = catalog_problem("v2.zzz", CATALOG)
    assert problem is not None and "python -m genesys_eventbridge topics" in problem


def test_topic_not_available_to_eventbridge_says_so() -> None:
    problem = catalog_problem("v2.users.{id}.wrapups", CATALOG)
    assert problem is not None and "not available to EventBridge" in problem
