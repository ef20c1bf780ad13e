"""Genesys sample events, copied from the shared samples so the suite needs nothing outside."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parent


def load_samples() -> dict[str, dict[str, Any]]:
    """Every sample event by file stem, e.g. `conversation-acd-start`."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(SAMPLES_DIR.glob("*.json"))}
