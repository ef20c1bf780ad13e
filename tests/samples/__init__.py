"""The sample events shipped in the package, for the suite."""

from __future__ import annotations

from genesys_eventbridge.samples import SAMPLES_DIR, load_samples

__all__ = ["SAMPLES_DIR", "load_samples"]
