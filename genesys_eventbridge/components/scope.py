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

    def child(self, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        """Options for a resource parented to the subscription."""
        return pulumi.ResourceOptions(parent=self.parent, depends_on=list(depends_on) or None)
