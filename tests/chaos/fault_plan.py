"""Random emulator faults for chaos runs: what to inject, how often, and what was injected."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from genesys_eventbridge.emulator import GenesysEmulator

# Relative weights of the fault kinds (one is drawn per injection).
WEIGHTS: dict[str, float] = {
    "429": 2.0,
    "5xx": 3.0,
    "slow": 2.0,
    "drop_after_commit": 2.0,
    "drop": 2.0,
    "token_expiry": 0.4,
    "version_conflict": 2.0,
}
# Faults that stall a whole provider host (a Retry-After holds every call sharing the token) or
# a request past its timeout are capped per run: they cost wall time, not coverage.
CAPS: dict[str, int] = {"retry_after_1s": 6, "retry_after_over_budget": 1, "past_timeout": 2}

_METHODS: list[str | None] = [None, "GET", "POST", "PUT", "PATCH", "DELETE"]
_PATHS: list[str | None] = [None, None, "/api/v2/integrations", "/config/current"]
_WRITES = ["POST", "PUT", "PATCH", "DELETE"]


@dataclass
class FaultInjector:
    """Injects one random emulator fault at a time, within the per-run caps, and counts them."""

    emulator: GenesysEmulator
    request_timeout: float
    retry_budget: float
    injected: Counter[str] = field(default_factory=Counter)
    expensive: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _take(self, cap: str) -> bool:
        """Use one of the capped faults of kind `cap`; False once the cap is reached."""
        with self._lock:
            if self.expensive[cap] >= CAPS[cap]:
                return False
            self.expensive[cap] += 1
            return True

    def inject(self, rng: random.Random) -> str:
        """Inject one fault drawn with `rng`; return its kind."""
        kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        emu = self.emulator
        if kind == "429":
            retry_after = 0
            roll = rng.random()
            if roll < 0.05 and self._take("retry_after_over_budget"):
                # Longer than the retry budget: fails fast, and holds the host's other calls.
                retry_after = int(self.retry_budget) + 1
            elif roll < 0.35 and self._take("retry_after_1s"):
                retry_after = 1
            emu.inject_status(
                429,
                count=rng.randint(1, 3),
                retry_after=retry_after,
                method=rng.choice(_METHODS),
                path_contains=rng.choice(_PATHS),
            )
        elif kind == "5xx":
            emu.inject_status(
                rng.choice([500, 502, 503, 503, 504]),
                count=rng.randint(1, 4),
                method=rng.choice(_METHODS),
                path_contains=rng.choice([*_PATHS, "/oauth/token"]),
            )
        elif kind == "slow":
            seconds = rng.uniform(0.05, 0.4)
            if rng.random() < 0.1 and self._take("past_timeout"):
                seconds = self.request_timeout + 0.3
            emu.inject_delay(
                seconds,
                count=rng.randint(1, 3),
                method=rng.choice(_METHODS),
                path_contains=rng.choice(_PATHS),
            )
        elif kind == "drop_after_commit":
            emu.inject_drop_after_commit(
                count=1, method=rng.choice(_WRITES), path_contains="/api/v2/integrations"
            )
        elif kind == "drop":
            emu.inject_drop(
                count=rng.randint(1, 2),
                method=rng.choice(_METHODS),
                path_contains=rng.choice(_PATHS),
            )
        elif kind == "token_expiry":
            emu.expire_tokens()
        elif kind == "version_conflict":
            emu.inject_version_conflict(count=rng.randint(1, 3))
        with self._lock:
            self.injected[kind] += 1
        return kind
