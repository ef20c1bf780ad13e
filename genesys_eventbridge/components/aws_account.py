"""The AWS account and region that receive a subscription's events."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from genesys_eventbridge.components.args import SubscriptionArgs
from genesys_eventbridge.components.limits import SubscriptionArgsError


class AccountMismatchError(SubscriptionArgsError):
    """`aws_account_id` is not the account the AWS provider deploys to."""


def receiving_account(
    parent: pulumi.Resource, args: SubscriptionArgs
) -> tuple[pulumi.Output[str], pulumi.Input[str]]:
    """The account and region receiving the events: as given, else the deploying ones.

    A given account must be the deploying one: the source appears there, the bus is made with
    the provider's credentials."""
    invoke_opts = pulumi.InvokeOutputOptions(parent=parent)
    deploying = aws.get_caller_identity_output(opts=invoke_opts).account_id
    account_id: pulumi.Output[str]
    if args.aws_account_id is not None:
        account_id = pulumi.Output.all(args.aws_account_id, deploying).apply(_same_account)
    else:
        account_id = deploying
    region: pulumi.Input[str]
    if args.aws_region is not None:
        region = args.aws_region
    else:
        # pulumi-aws 7: `region` (the older `name` is deprecated).
        region = aws.get_region_output(opts=invoke_opts).region
    return account_id, region


def _same_account(values: list[Any]) -> str:
    given, deploying = values
    # An identity without an account (a test double) cannot be compared; AWS always gives one.
    if deploying and str(given) != str(deploying):
        raise AccountMismatchError(
            f"aws_account_id is {given}, but the AWS provider deploys to account {deploying}:"
            f" Genesys would create the partner event source in {given} while the bus is"
            f" created in {deploying}. Set aws_account_id to {deploying} (or leave it unset), or"
            f" deploy with credentials for {given}.",
            field="aws_account_id",
        )
    return str(given)
