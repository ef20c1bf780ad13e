"""What Check asks the org at preview: topics and rule filters against its topic catalog."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pulumi
from pulumi.dynamic import CheckFailure

from genesys_eventbridge.provider import filter_schema, schema
from genesys_eventbridge.provider.genesys import (
    GenesysClient,
    GenesysError,
    Settings,
    TokenRequestRejectedError,
)
from genesys_eventbridge.provider.genesys.errors import sanitize
from genesys_eventbridge.provider.topics import CatalogEntry, catalog_entry, catalog_problem


def known_outputs(client: GenesysClient, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """org_id and event_source_name, known before create when the org can be asked.

    The Python host cannot preview an update, so the engine shows checked inputs as the
    outputs: without these, every in-place change would preview the bus as replaced.
    """
    suffix = inputs.get("event_source_suffix")
    if not isinstance(suffix, str) or schema.is_unknown(suffix):
        return {}
    try:
        org_id = client.org_id()
    except (GenesysError, httpx.HTTPError):
        return {}
    return {"org_id": org_id, "event_source_name": schema.event_source_name(org_id, suffix)}


def rule_filters(
    news: Mapping[str, Any], failures: list[CheckFailure]
) -> list[filter_schema.RuleFilter]:
    """The rules' filters to check (a validation-only input, never stored in the state)."""
    value = news.get(filter_schema.INPUT)
    if value is None or schema.is_unknown(value):
        return []
    try:
        return filter_schema.decode(value)
    except ValueError as err:
        failures.append(CheckFailure("", str(err)))
        return []


def check_catalog(
    settings: Settings,
    topics: Sequence[Any],
    filters: Sequence[filter_schema.RuleFilter] = (),
) -> list[CheckFailure]:
    """Topics against the org's catalog, and the rules' filters against the topics' schemas:
    one catalog fetch (cached per process) serves both."""
    # Preview only warns when the catalog is out of reach: do not wait the full retry budget.
    quick = settings.model_copy(update={"retry_budget": min(settings.retry_budget, 15.0)})
    try:
        catalog = [
            CatalogEntry(t.id, t.eventbridge_available, t.topic_schema)
            for t in GenesysClient(quick).available_topics()
        ]
    except TokenRequestRejectedError as err:
        return [CheckFailure("", str(err))]
    except (GenesysError, httpx.HTTPError) as err:
        # Preview must not fail because the catalog is unreachable: Genesys checks on PUT.
        pulumi.log.warn(
            f"could not check topics against the Genesys topic catalog: {sanitize(str(err))}"
        )
        return []
    failures = [
        CheckFailure("topics", problem)
        for topic in topics
        if isinstance(topic, str) and not schema.is_unknown(topic)
        if (problem := catalog_problem(topic, catalog))
    ]
    for rule_filter in filters:
        schemas = {
            topic: entry.schema
            for topic in rule_filter.topics
            if (entry := catalog_entry(topic, catalog)) is not None
        }
        failures += [
            CheckFailure("", problem) for problem in filter_schema.problems(rule_filter, schemas)
        ]
    return failures
