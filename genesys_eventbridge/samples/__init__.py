"""Sample Genesys Cloud events, as EventBridge delivers them: for `match`, handlers and tests.

Each file holds one event in the envelope Genesys Cloud publishes: `detail-type` is the topic
template, `detail.topicName` the concrete topic, `detail.eventBody` the payload.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parent
"""The folder holding the sample events (`*.json`)."""


def load_samples() -> dict[str, dict[str, Any]]:
    """Every sample event by file stem, e.g. `conversation-acd-start`."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SAMPLES_DIR.glob("*.json"))
    }
