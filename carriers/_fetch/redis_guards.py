"""Breaker and rate limit of every carrier kept in Redis: one state for every process on every machine.

With several web instances and workers, a carrier failing on one instance opens its circuit for all,
the half-open state admits one probe call across all of them, and a carrier's documented rate (DHL
Unified: 1/s) is booked in one place instead of once per process. Each decision is one Lua script, so
it is atomic in Redis without locks, and it reads Redis' own clock (``TIME``): machines' clocks need
not agree. Tests may pass ``now`` (seconds) to drive the scripts with a fake clock.

The start-up builds :class:`RedisGuards` when ``REDIS_URL`` is set (``trace_verify.startup``); ``redis``
is imported only then (the ``redis`` extra). The clients import nothing of this module.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, ClassVar, Final, cast

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from carriers._fetch.breaker import BreakerState
from carriers._fetch.errors import CircuitOpen, GuardsUnreachable
from carriers._fetch.guards import CarrierGuards
from carriers._fetch.policy import FetchPolicy

log = logging.getLogger("carriers.fetch")

#: Prefix of every key (a Redis shared with other applications keeps them apart).
NAMESPACE: Final = "trace_verify:carrier"
#: A breaker key nobody touched for this long is dropped (it reads as closed again).
BREAKER_TTL_MS: Final = 24 * 3600 * 1000
#: Seconds a Redis command may take before the call is refused (a carrier call's deadline is ~15 s).
REDIS_TIMEOUT: Final = 1.0

# ARGV[1] is the caller's time in seconds, or "" for Redis' own clock.
_NOW: Final = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""

# KEYS[1] breaker hash; ARGV: now, cooldown, probe lease, ttl ms → closed | probe | open | busy
_BEFORE_CALL: Final = (
    _NOW
    + """
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'closed' then return 'closed' end
if state == 'open' then
  local opened = tonumber(redis.call('HGET', KEYS[1], 'opened_at')) or 0
  if now - opened < tonumber(ARGV[2]) then return 'open' end
  redis.call('HSET', KEYS[1], 'state', 'half_open', 'probe_until', '0')
end
local probe_until = tonumber(redis.call('HGET', KEYS[1], 'probe_until')) or 0
if probe_until > now then return 'busy' end
redis.call('HSET', KEYS[1], 'probe_until', string.format('%.6f', now + tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 'probe'
"""
)

# KEYS[1] breaker hash; ARGV: now, threshold, ttl ms. A failure while open or half-open (re)opens.
_FAILURE: Final = (
    _NOW
    + """
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state ~= 'closed' or failures >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'state', 'open', 'opened_at', string.format('%.6f', now), 'probe_until', '0')
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return state
"""
)

# KEYS[1] breaker hash; ARGV: now, cooldown → the state the next call would see
_STATE: Final = (
    _NOW
    + """
local found = redis.call('HMGET', KEYS[1], 'state', 'opened_at')
local state = found[1] or 'closed'
if state == 'open' and now - (tonumber(found[2]) or 0) >= tonumber(ARGV[2]) then return 'half_open' end
return state
"""
)

# KEYS[1] theoretical arrival time; ARGV: now, interval, burst, max wait → wait in seconds, or ''
# (the generic cell rate algorithm: the same reservations as carriers._fetch.ratelimit.TokenBucket)
_RESERVE: Final = (
    _NOW
    + """
local interval = tonumber(ARGV[2])
local tolerance = (tonumber(ARGV[3]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > tonumber(ARGV[4]) then return '' end
tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.6f', tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
return string.format('%.6f', wait)
"""
)

Now = Callable[[], float]


class _Scripts:
    """The four scripts, registered once per connection (redis-py re-sends one Redis has forgotten)."""

    def __init__(self, client: redis.Redis) -> None:
        self.before_call = client.register_script(_BEFORE_CALL)
        self.failure = client.register_script(_FAILURE)
        self.state = client.register_script(_STATE)
        self.reserve = client.register_script(_RESERVE)


def _now_arg(now: Now | None) -> str:
    return "" if now is None else repr(now())


def _text(value: Any) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


class _Keyed:
    """One carrier's state under one Redis key, changed only by the scripts; ``what`` names it in errors."""

    what: ClassVar[str]

    def __init__(
        self, client: redis.Redis, scripts: _Scripts, carrier: str, key: str, now: Now | None
    ) -> None:
        self.carrier = carrier
        self._client = client
        self._scripts = scripts
        self._key = key
        self._now = now

    def _run(self, script: Any, *args: object) -> str:
        """The script's answer as text; an unreachable Redis is :class:`GuardsUnreachable`."""
        try:
            return _text(script(keys=[self._key], args=[_now_arg(self._now), *args]))
        except redis.RedisError as exc:
            raise GuardsUnreachable(self.carrier, f"{self.what} unreachable ({type(exc).__name__})") from None


class RedisBreaker(_Keyed):
    """:class:`carriers._fetch.breaker.Breaker` whose state is one Redis hash per carrier.

    The half-open probe holds a lease (``probe_lease`` seconds): a probe whose process died frees
    the slot when the lease ends, so the circuit cannot stay half-open and shut forever.
    """

    what = "breaker state"

    def __init__(
        self, client: redis.Redis, scripts: _Scripts, policy: FetchPolicy, key: str, now: Now | None = None
    ) -> None:
        super().__init__(client, scripts, policy.carrier, key, now)
        self._threshold = policy.breaker_threshold
        self._cooldown = policy.breaker_cooldown
        # the probe may wait for the bulkhead, then run its whole deadline
        self._probe_lease = 2 * policy.total_deadline + 1

    @property
    def state(self) -> BreakerState:
        return cast(BreakerState, self._run(self._scripts.state, self._cooldown))

    def before_call(self) -> None:
        answer = self._run(self._scripts.before_call, self._cooldown, self._probe_lease, BREAKER_TTL_MS)
        if answer == "open":
            raise CircuitOpen(self.carrier, "circuit open after repeated failures")
        if answer == "busy":
            raise CircuitOpen(self.carrier, "circuit half-open, a probe call is in flight")

    def record_success(self) -> None:
        self._quietly("success", ["state", "closed", "failures", 0, "probe_until", 0])

    def record_failure(self) -> None:
        try:
            self._run(self._scripts.failure, self._threshold, BREAKER_TTL_MS)
        except GuardsUnreachable:
            log.warning("%s: a failed call could not be counted (Redis unreachable)", self.carrier)

    def release(self) -> None:
        self._quietly("release", ["probe_until", 0])

    def _quietly(self, what: str, fields: list[str | int]) -> None:
        """Set ``fields`` (name, value, …) and refresh the key's life; an unreachable Redis loses only
        this news (the breaker stays as it was)."""
        try:
            with self._client.pipeline(transaction=True) as pipe:
                pipe.hset(self._key, items=fields)
                pipe.pexpire(self._key, BREAKER_TTL_MS)
                pipe.execute()
        except redis.RedisError:
            log.warning("%s: breaker %s not recorded (Redis unreachable)", self.carrier, what)


class RedisRateLimit(_Keyed):
    """:class:`carriers._fetch.ratelimit.RateLimit` booked in Redis: one queue of slots per carrier."""

    what = "rate state"

    def __init__(
        self, client: redis.Redis, scripts: _Scripts, policy: FetchPolicy, key: str, now: Now | None = None
    ) -> None:
        if policy.rate_per_second is None:
            raise ValueError(f"{policy.carrier}: no rate to limit")
        super().__init__(client, scripts, policy.carrier, key, now)
        self._interval = 1.0 / policy.rate_per_second
        self._burst = policy.burst

    def reserve(self, max_wait: float) -> float | None:
        answer = self._run(self._scripts.reserve, repr(self._interval), self._burst, repr(max(0.0, max_wait)))
        return float(answer) if answer else None


class RedisGuards:
    """:class:`carriers._fetch.guards.GuardStore` in Redis (breaker and rate; the bulkhead stays local)."""

    def __init__(self, client: redis.Redis, namespace: str = NAMESPACE, now: Now | None = None) -> None:
        self.client = client
        self.namespace = namespace
        self._now = now
        self._scripts = _Scripts(client)
        self._lock = threading.Lock()
        self._guards: dict[str, CarrierGuards] = {}

    @classmethod
    def from_url(cls, url: str, namespace: str = NAMESPACE, now: Now | None = None) -> RedisGuards:
        """Guards in the Redis at ``url``. Short timeouts and one quick reconnect (redis-py's default
        backs off for seconds): an unreachable Redis refuses a carrier call fast, it does not hold it."""
        client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
        )
        return cls(client, namespace, now)

    def guards(self, policy: FetchPolicy) -> CarrierGuards:
        with self._lock:
            found = self._guards.get(policy.carrier)
            if found is None:
                found = self._guards[policy.carrier] = self._make(policy)
            return found

    def breaker_states(self) -> dict[str, BreakerState]:
        with self._lock:
            held = dict(self._guards)
        states: dict[str, BreakerState] = {}
        for carrier, guards in sorted(held.items()):
            try:
                states[carrier] = guards.breaker.state
            except GuardsUnreachable:
                continue  # unknown: the gauge keeps its last value, /readyz reports Redis
        return states

    def _make(self, policy: FetchPolicy) -> CarrierGuards:
        prefix = f"{self.namespace}:{policy.carrier}"
        bucket = None
        if policy.rate_per_second is not None:
            bucket = RedisRateLimit(self.client, self._scripts, policy, f"{prefix}:rate", self._now)
        return CarrierGuards(
            breaker=RedisBreaker(self.client, self._scripts, policy, f"{prefix}:breaker", self._now),
            bucket=bucket,
            bulkhead=threading.BoundedSemaphore(policy.max_concurrency),
        )
