"""The subscription's event archive, to replay events from."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components import limits
from genesys_eventbridge.components.args import ArchiveArgs
from genesys_eventbridge.components.plan import RulePlan, SubscriptionPlan
from genesys_eventbridge.components.scope import Scope

ARCHIVE_NAME_LENGTH = 48


def declare_archive(
    scope: Scope,
    plan: SubscriptionPlan,
    archive: RulePlan,
    settings: ArchiveArgs,
    bus: aws.cloudwatch.EventBus,
    source: pulumi.Output[str],
    kms_key_arn: pulumi.Input[str] | None = None,
) -> aws.cloudwatch.EventArchive:
    """An archive of the bus's events (or those its filter policy selects), for replays."""
    return aws.cloudwatch.EventArchive(
        f"{scope.name}-archive",
        # Archive names are at most 48 characters and unique per account and region: the event
        # source suffix is (it includes the stack by default); a suffix over 48 is cut and
        # hashed, since cut alone two could meet.
        name=limits.unique_name(plan.event_source_suffix, ARCHIVE_NAME_LENGTH),
        event_source_arn=bus.arn,
        event_pattern=archive.pattern_output(source) if archive.filter_policy else None,
        retention_days=settings.retention_days,
        # AWS advises the bus's customer-managed key for its archives too.
        kms_key_identifier=kms_key_arn,
        description=f"Genesys Cloud events of subscription {scope.name}",
        region=scope.region,
        opts=scope.holding_data(),
    )
