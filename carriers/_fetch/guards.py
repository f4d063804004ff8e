"""Each carrier's guards (breaker, rate limit, bulkhead), kept by a :class:`GuardStore`.

A breaker or a rate limit only works if all callers of a carrier share it. :class:`LocalGuards` shares
them within this process (the embedded default); :class:`carriers._fetch.redis_guards.RedisGuards`
shares breaker and rate through Redis with every process on every machine. The start-up builds one
store and hands it to :func:`carriers.clients.build_clients`; ``carriers`` never reads configuration.
The bulkhead (at most ``max_concurrency`` calls in flight) is always per process: it protects this
process's threads and connection pool, not the carrier.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from carriers._fetch.breaker import Breaker, BreakerState, CircuitBreaker
from carriers._fetch.clock import SYSTEM_CLOCK, Clock
from carriers._fetch.policy import FetchPolicy
from carriers._fetch.ratelimit import RateLimit, TokenBucket


@dataclass(frozen=True, slots=True)
class CarrierGuards:
    """Breaker, rate limit (``None`` when the carrier documents none) and bulkhead of one carrier."""

    breaker: Breaker
    bucket: RateLimit | None
    bulkhead: threading.BoundedSemaphore

    @classmethod
    def for_policy(cls, policy: FetchPolicy, clock: Clock = SYSTEM_CLOCK) -> CarrierGuards:
        """Fresh in-memory guards (tests, or a caller that wants isolation)."""
        bucket = None
        if policy.rate_per_second is not None:
            bucket = TokenBucket(policy.rate_per_second, policy.burst, clock)
        return cls(
            breaker=CircuitBreaker(policy.carrier, policy.breaker_threshold, policy.breaker_cooldown, clock),
            bucket=bucket,
            bulkhead=threading.BoundedSemaphore(policy.max_concurrency),
        )


class GuardStore(Protocol):
    """Where the guards of every carrier live: the port the start-up passes to the carrier clients."""

    def guards(self, policy: FetchPolicy) -> CarrierGuards:
        """The guards of ``policy.carrier``, made on first use with that policy, the same ones after."""
        ...

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each guarded carrier's breaker state (for the breaker-state gauge)."""
        ...


class LocalGuards:
    """:class:`GuardStore` in this process's memory: every client of a carrier in the process shares one
    breaker and one bucket; another process has its own."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._guards: dict[str, CarrierGuards] = {}

    def guards(self, policy: FetchPolicy) -> CarrierGuards:
        with self._lock:
            found = self._guards.get(policy.carrier)
            if found is None:
                found = self._guards[policy.carrier] = CarrierGuards.for_policy(policy, self._clock)
            return found

    def breaker_states(self) -> dict[str, BreakerState]:
        with self._lock:
            held = dict(self._guards)
        return {carrier: guards.breaker.state for carrier, guards in sorted(held.items())}


#: The guards of clients built without a store (``DhlClient(...)`` on its own, the command line's tools).
PROCESS_GUARDS = LocalGuards()


def shared_guards(policy: FetchPolicy) -> CarrierGuards:
    """The process-wide guards of ``policy.carrier`` (:data:`PROCESS_GUARDS`)."""
    return PROCESS_GUARDS.guards(policy)
