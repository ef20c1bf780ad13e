"""genesys-eventbridge: Genesys Cloud -> Amazon EventBridge subscriptions as Pulumi infrastructure.

Everything the project installs lives under this one name, so it never clashes with a program's
own `provider` or `components` packages:

- `genesys_eventbridge.provider`: the `EventBridgeIntegration` dynamic resource and its API client;
- `genesys_eventbridge.components`: the `GenesysEventBridgeSubscription` component;
- `genesys_eventbridge.emulator`: a local Genesys Cloud emulator for dry runs and tests;
- `genesys_eventbridge.cli`: the command line, `python -m genesys_eventbridge <command>`
  (`--help` lists the commands);
- `genesys_eventbridge.testing`: Pulumi mocks for unit tests of programs that use the component;
- `genesys_eventbridge.samples`: sample Genesys Cloud events, as EventBridge delivers them.

Layers import downwards only: `testing` and `cli` -> `components` -> `provider`; the emulator
imports none of them, and nothing imports `testing`.
"""

from genesys_eventbridge._version import __version__

__all__ = ["__version__"]
