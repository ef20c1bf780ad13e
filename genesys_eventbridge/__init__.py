"""genesys-eventbridge: Genesys Cloud -> Amazon EventBridge subscriptions as Pulumi infrastructure.

Everything the project installs lives under this one name, so it never clashes with a program's
own `provider` or `components` packages:

- `genesys_eventbridge.provider`: the `EventBridgeIntegration` dynamic resource and its API client;
- `genesys_eventbridge.components`: the `GenesysEventBridgeSubscription` component;
- `genesys_eventbridge.emulator`: a local Genesys Cloud emulator for dry runs and tests;
- `genesys_eventbridge.cli`: the command line, `python -m genesys_eventbridge <command>`
  (`--help` lists the commands).

Layers import downwards only: `cli` -> `components` -> `provider`; the emulator imports none of
them.
"""
