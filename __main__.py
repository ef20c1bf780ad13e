"""The stack program: one GenesysEventBridgeSubscription per entry of the stack's subscriptions.

Configure it in the stack file (see Pulumi.example.yaml and the README's configuration reference):
`genesys-eventbridge:subscriptions` lists the subscriptions, `genesyscloud:*` holds the Genesys
credentials and region, `aws:region` the AWS side.
"""

import pulumi

from genesys_eventbridge.components import GenesysEventBridgeSubscription
from genesys_eventbridge.components.stack_config import load_subscriptions
from genesys_eventbridge.components.subscription import OUTPUT_NAMES

subscriptions = load_subscriptions(pulumi.Config())
for entry in subscriptions:
    subscription = GenesysEventBridgeSubscription(entry.name, entry.to_args())
    pulumi.export(entry.name, {key: getattr(subscription, key) for key in OUTPUT_NAMES})
