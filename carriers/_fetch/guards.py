"""The per-carrier guards shared by every client of one carrier in this process.

A breaker or a rate limit only works if all callers of a carrier share it, so clients built per request
(``DhlClient(...)`` in a view) look theirs up here by carrier id instead of creating their own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from carriers._fetch.breaker import CircuitBreaker
from carriers._fetch.clock import SYSTEM_CLOCK, Clock
from carriers._fetch.policy import FetchPolicy
from carriers._fetch.ratelimit import TokenBucket


@dataclass(frozen=True, slots=True)
class CarrierGuards:
    """Breaker, rate limit (``None`` when the carrier documents none) and bulkhead of one carrier."""

    breaker: CircuitBreaker
    bucket: TokenBucket | None
    bulkhead: threading.BoundedSemaphore

    @classmethod
    def for_policy(cls, policy: FetchPolicy, clock: Clock = SYSTEM_CLOCK) -> CarrierGuards:
        """Fresh guards (tests, or a caller that wants isolation)."""
        bucket = None
        if policy.rate_per_second is not None:
            bucket = TokenBucket(policy.rate_per_second, policy.burst, clock)
        return cls(
            breaker=CircuitBreaker(policy.carrier, policy.breaker_threshold, policy.breaker_cooldown, clock),
            bucket=bucket,
            bulkhead=threading.BoundedSemaphore(policy.max_concurrency),
        )


_SHARED: dict[str, CarrierGuards] = {}
_SHARED_LOCK = threading.Lock()


def shared_guards(policy: FetchPolicy) -> CarrierGuards:
    """The process-wide guards of ``policy.carrier``, created on first use with that policy."""
    with _SHARED_LOCK:
        guards = _SHARED.get(policy.carrier)
        if guards is None:
            guards = _SHARED[policy.carrier] = CarrierGuards.for_policy(policy)
        return guards
