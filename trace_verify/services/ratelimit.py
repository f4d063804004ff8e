"""Per-key request rate limits: a token bucket per API key, answered with 429 and ``Retry-After``.

In memory, per process: with N worker processes a key gets up to N times the rate, which bounds abuse
without a shared store; the figure is a setting (``TRACE_VERIFY_RATE_PER_MINUTE``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """``rate_per_minute`` requests per key, bursts of up to ``burst``."""

    def __init__(self, rate_per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate_per_minute < 1 or burst < 1:
            raise ValueError("rate and burst must be positive")
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> int | None:
        """Take one token for ``key``: None when allowed, else the seconds to wait (for Retry-After)."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))
