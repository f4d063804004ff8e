"""A carrier's request rate (DHL Unified: 1/s), as reservations: a caller learns at once how long to wait.

:class:`RateLimit` is what the fetch client needs: ``reserve(max_wait)`` books the next free slot and
returns the wait before it (callers queue behind each other, in order), or ``None`` when that wait would
pass ``max_wait`` (nothing is booked, so the call fails fast instead of waiting out its deadline).
:class:`TokenBucket` keeps the bucket in this process's memory (the embedded default);
:class:`carriers._fetch.redis_guards.RedisRateLimit` keeps it in Redis, shared by every process.

Why not the ``limits`` library here (it counts the API keys' requests, ``services/ratelimit.py``): it
answers hit-or-refuse only, so a caller would have to poll until a window frees, losing the queue order
and learning of a refusal only at its deadline; and it reads ``time.time()`` itself, so the fetch
client's injected clock could not drive it in tests. Both implementations here are the same
generic-cell-rate reservation (a token bucket that may go into debt), a few lines each.
"""

from __future__ import annotations

import threading
from typing import Protocol

from carriers._fetch.clock import SYSTEM_CLOCK, Clock


class RateLimit(Protocol):
    """Reservations at a carrier's rate."""

    def reserve(self, max_wait: float) -> float | None:
        """Seconds to wait before sending, or ``None`` (nothing reserved) when that exceeds ``max_wait``."""
        ...


class TokenBucket:
    """:class:`RateLimit` in memory: ``rate`` tokens a second, ``capacity`` saved up at most. Thread-safe."""

    def __init__(self, rate: float, capacity: int, clock: Clock = SYSTEM_CLOCK) -> None:
        self._rate = rate
        self._capacity = float(capacity)
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(capacity)
        self._updated = clock.monotonic()

    def reserve(self, max_wait: float) -> float | None:
        with self._lock:
            now = self._clock.monotonic()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate
            if wait > max_wait:
                return None
            self._tokens -= 1  # may go negative: later callers queue behind this reservation
            return wait
