"""A token bucket per carrier: stay within the carrier's documented request rate (DHL Unified: 1/s)."""

from __future__ import annotations

import threading

from carriers._fetch.clock import SYSTEM_CLOCK, Clock


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` saved up. Thread-safe.

    :meth:`reserve` hands out a token now or later: it returns how long the caller must wait before
    sending, or ``None`` when that wait would exceed ``max_wait`` (nothing is reserved then).
    """

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
