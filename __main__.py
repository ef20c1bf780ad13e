"""The stack program: one GenesysEventBridgeSubscription per entry of the stack's subscriptions.

Configure it in the stack file (see Pulumi.example.yaml and the README's configuration reference):
`genesys-eventbridge:subscriptions` lists the subscriptions, `genesyscloud:*` holds the Genesys
credentials and region, `aws:region` the AWS side.
"""

import pulumi

from components import GenesysEventBridgeSubscription
from components.stack_config import load_subscriptions

OUTPUTS = (
    "integration_id",
    "event_source_name",
    "event_bus_name",
    "event_bus_arn",
    "rule_arns",
    "lambda_arn",
    "role_arn",
    "dead_letter_queue_arn",
    "dead_letter_queue_url",
)

subscriptions = load_subscriptions(pulumi.Config())
for entry in subscriptions:
    subscription = GenesysEventBridgeSubscription(entry.name, entry.to_args())
    pulumi.export(entry.name, {key: getattr(subscription, key) for key in OUTPUTS})
