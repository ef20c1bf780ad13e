"""Where a subscription's resources live: their parent, name stem, region and tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class Scope:
    """The placement every resource of one subscription shares."""

    parent: pulumi.Resource
    """The subscription component: the parent of every resource it declares."""
    name: str
    """The subscription's (component's) name: the prefix of every logical name."""
    region: pulumi.Input[str] | None
    """The region given in the args (None: the AWS provider's), for the `region` of resources."""
    tags: dict[str, str] | None
    retain_data: bool = False
    """Keep resources that hold data in AWS when Pulumi deletes or replaces them."""
    protect_data: bool = False
    """Refuse to delete or replace resources that hold data."""

    def holding_data(self) -> pulumi.ResourceOptions:
        """Options for a resource that holds data: the subscription's retain and protect."""
        return keeping_data(self.child(), self.retain_data, self.protect_data)

    def child(self, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        """Options for a resource parented to the subscription."""
        return pulumi.ResourceOptions(parent=self.parent, depends_on=list(depends_on) or None)


def keeping_data(
    opts: pulumi.ResourceOptions, retain: bool, protect: bool
) -> pulumi.ResourceOptions:
    """`opts` with retain_on_delete and protect set when asked (left unset otherwise, so a
    stack's existing resources see no change)."""
    return opts.merge(
        pulumi.ResourceOptions(retain_on_delete=retain or None, protect=protect or None)
    )
