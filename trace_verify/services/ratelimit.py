"""Per-key request rate limits, answered with 429 and ``Retry-After``; shared by every instance.

The counting is the ``limits`` library's (moving windows, kept in memory or in Redis): with
``REDIS_URL`` set every web instance counts a key's requests in the same Redis, so two instances
behind a load balancer give a key its rate once, not twice; without Redis the counts live in the
process (the embedded default). A key may make ``rate_per_minute`` requests in any minute, and at
most ``burst`` of them in the time the rate would take to earn them (``60 × burst / rate`` seconds),
which is what the former token bucket allowed.

In memory, ``limits``' own storage starts a new ``threading.Timer`` (10 ms) to drop expired counts
whenever the previous one has finished, i.e. on nearly every request of a busy process: each
``Thread.start()`` waits for the new thread to get the GIL, which under load was a visible share of
every API request's time (issue 15, HTTP speed). :class:`SweptMemoryStorage` drops them in the
request's own thread instead, at most once per ``SWEEP_SECONDS``; the counting is unchanged (a moving
window judges by each entry's time, not by whether it was swept yet).
"""

from __future__ import annotations

import math
import time
from typing import Any, Final

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from trace_verify.errors import Unavailable

#: The namespace of the counters (a Redis shared with other applications keeps them apart).
NAMESPACE: Final = "trace_verify:api-key"
#: How often the in-memory counts drop their expired entries (bounds memory only, never the count).
SWEEP_SECONDS: Final = 1.0


class SweptMemoryStorage(MemoryStorage):
    """``limits``' memory storage, its expired entries dropped by the callers at most once per
    ``SWEEP_SECONDS`` rather than by a new timer thread every 10 ms (see the module's note).

    ``limits`` 5.8 schedules its sweep through the private ``__schedule_expiry``; this class replaces
    that one method (tests/services/test_ratelimit.py fails if a new ``limits`` stops calling it).
    """

    def __init__(self) -> None:
        super().__init__()
        self._next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


class RateLimiter:
    """``rate_per_minute`` requests per key, bursts of up to ``burst``, counted in ``storage_uri``."""

    def __init__(self, rate_per_minute: int, burst: int, storage_uri: str = "memory://") -> None:
        if rate_per_minute < 1 or burst < 1:
            raise ValueError("rate and burst must be positive")
        storage = (
            SweptMemoryStorage()
            if storage_uri == "memory://"
            else storage_from_string(storage_uri, wrap_exceptions=True, **_client_options(storage_uri))
        )
        if not isinstance(storage, Storage):  # an asyncio storage URI (async+redis://…)
            raise ValueError(f"not a synchronous limits storage: {storage_uri.split(':', 1)[0]}")
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(self.storage)
        burst_seconds = max(1, math.ceil(60 * burst / rate_per_minute))
        self.items: tuple[RateLimitItem, ...] = (
            RateLimitItemPerSecond(burst, burst_seconds),
            RateLimitItemPerMinute(rate_per_minute),
        )

    def acquire(self, key: str) -> int | None:
        """Count one request of ``key``: None when allowed, else the seconds to wait (for Retry-After)."""
        try:
            for item in self.items:  # one round trip per limit (with Redis): the hot path of every request
                if not self.limiter.hit(item, NAMESPACE, key):
                    return self._wait(item, key)
        except StorageError:
            # Counted nowhere means limited nowhere: refuse (503) rather than serve without limits.
            raise Unavailable(
                "RATE_LIMITS_UNAVAILABLE", "the shared rate-limit store does not answer; retry shortly"
            ) from None
        return None

    def _wait(self, item: RateLimitItem, key: str) -> int:
        stats = self.limiter.get_window_stats(item, NAMESPACE, key)
        return max(1, math.ceil(stats.reset_time - time.time()))


def _client_options(uri: str) -> dict[str, Any]:
    """For Redis: one-second timeouts and one quick reconnect (redis-py's default backs off for seconds),
    so an unreachable Redis answers a request with 503 at once instead of holding it."""
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return {}
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return {
        "socket_timeout": 1.0,
        "socket_connect_timeout": 1.0,
        "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
    }


def storage_uri(redis_url: str | None) -> str:
    """Where the counts live: the configured Redis (shared by every instance), else this process."""
    return redis_url if redis_url else "memory://"
