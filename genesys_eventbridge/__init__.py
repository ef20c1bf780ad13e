"""genesys-eventbridge: Genesys Cloud -> Amazon EventBridge subscriptions as Pulumi infrastructure.

Everything the project installs lives under this one name, so it never clashes with a program's
own `provider` or `components` packages:

- `genesys_eventbridge.provider`: the `EventBridgeIntegration` dynamic resource and its API client;
- `genesys_eventbridge.components`: the `GenesysEventBridgeSubscription` component;
- `genesys_eventbridge.emulator`: a local Genesys Cloud emulator for dry runs and tests;
- `python -m genesys_eventbridge <command>`: the command line (`--help` lists the commands).

In a checkout the subpackages are links to the repository's top-level `provider/`, `components/`
and `emulator/` folders (the project's layout); a wheel holds them here as ordinary folders.
"""
