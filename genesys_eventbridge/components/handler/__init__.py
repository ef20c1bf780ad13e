"""The callback Lambda bundled with GenesysEventBridgeSubscription (deployed as handler.py)."""
