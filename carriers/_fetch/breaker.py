"""One circuit breaker per carrier: stop calling a carrier that keeps failing, probe it again later.

closed → open after ``threshold`` consecutive failed calls → half-open once ``cooldown`` has passed (one
probe call is let through; others still fail fast) → closed when the probe succeeds, open again when it
fails. :class:`Breaker` is what the fetch client needs; :class:`CircuitBreaker` keeps the state in this
process's memory (the embedded default), :class:`carriers._fetch.redis_guards.RedisBreaker` keeps it in
Redis so that every process on every machine sees one carrier's breaker.
"""

from __future__ import annotations

import threading
from typing import Literal, Protocol

from carriers._fetch.clock import SYSTEM_CLOCK, Clock
from carriers._fetch.errors import CircuitOpen

BreakerState = Literal["closed", "open", "half_open"]


class Breaker(Protocol):
    """The fetch client's view of a breaker: ask before a call, report how it ended."""

    carrier: str

    @property
    def state(self) -> BreakerState:
        """The state as the next call would see it (open turns half-open once the cool-down passed)."""
        ...

    def before_call(self) -> None:
        """Let the call through, or raise :class:`CircuitOpen` without anything being sent."""
        ...

    def record_success(self) -> None:
        """The carrier answered: close the circuit and forget past failures."""
        ...

    def record_failure(self) -> None:
        """The call failed: count it; a failed probe, or the threshold reached, opens the circuit."""
        ...

    def release(self) -> None:
        """The call ended without news of the carrier (e.g. refused locally): free the probe slot."""
        ...


class CircuitBreaker:
    """:class:`Breaker` in this process's memory, guarded by a lock (each process trips on its own).

    The clock is injectable so cool-downs can be tested without waiting.
    """

    def __init__(self, carrier: str, threshold: int, cooldown: float, clock: Clock = SYSTEM_CLOCK) -> None:
        self.carrier = carrier
        self._threshold = threshold
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state: BreakerState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            if self._state == "open" and self._cooled_down():
                return "half_open"
            return self._state

    def before_call(self) -> None:
        with self._lock:
            if self._state == "open":
                if not self._cooled_down():
                    raise CircuitOpen(self.carrier, "circuit open after repeated failures")
                self._state = "half_open"
                self._probe_in_flight = False
            if self._state == "half_open":
                if self._probe_in_flight:
                    raise CircuitOpen(self.carrier, "circuit half-open, a probe call is in flight")
                self._probe_in_flight = True

    def record_success(self) -> None:
        with self._lock:
            self._state = "closed"
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == "half_open" or self._failures >= self._threshold:
                self._state = "open"
                self._opened_at = self._clock.monotonic()
            self._probe_in_flight = False

    def release(self) -> None:
        with self._lock:
            self._probe_in_flight = False

    def _cooled_down(self) -> bool:
        return self._clock.monotonic() - self._opened_at >= self._cooldown
