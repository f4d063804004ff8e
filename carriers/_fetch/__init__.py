"""Outbound calls to carrier APIs: deadline, size cap, retries, rate limit, breaker, authentication.

Use :class:`FetchClient` with a per-carrier :class:`FetchPolicy`, the carrier's guards from a
:class:`GuardStore` (:class:`LocalGuards` in memory, ``carriers._fetch.redis_guards.RedisGuards`` shared
through Redis) and an :class:`Auth`
(:class:`ApiKeyAuth` for DHL, :class:`OAuth2ClientCredentials` for UPS, FedEx, USPS). Every failure is a
:class:`CarrierFetchError` subclass with a stable ``code``; the service reports them all as
``CARRIER_UNAVAILABLE``. See reliability.md §5 for the measurements behind the defaults.
"""

from __future__ import annotations

from carriers._fetch.auth import ApiKeyAuth, Auth, OAuth2ClientCredentials
from carriers._fetch.breaker import Breaker, BreakerState, CircuitBreaker
from carriers._fetch.client import FetchClient, FetchResult
from carriers._fetch.clock import SYSTEM_CLOCK, Clock, SystemClock
from carriers._fetch.errors import (
    BodyTooLarge,
    CarrierAuthError,
    CarrierBadResponse,
    CarrierFetchError,
    CarrierRateLimited,
    CarrierTimeout,
    CarrierUnavailable,
    CircuitOpen,
    GuardsUnreachable,
)
from carriers._fetch.guards import PROCESS_GUARDS, CarrierGuards, GuardStore, LocalGuards, shared_guards
from carriers._fetch.policy import FetchPolicy
from carriers._fetch.ratelimit import RateLimit, TokenBucket

__all__ = [
    "PROCESS_GUARDS",
    "SYSTEM_CLOCK",
    "ApiKeyAuth",
    "Auth",
    "BodyTooLarge",
    "Breaker",
    "BreakerState",
    "CarrierAuthError",
    "CarrierBadResponse",
    "CarrierFetchError",
    "CarrierGuards",
    "CarrierRateLimited",
    "CarrierTimeout",
    "CarrierUnavailable",
    "CircuitBreaker",
    "CircuitOpen",
    "Clock",
    "FetchClient",
    "FetchPolicy",
    "FetchResult",
    "GuardStore",
    "GuardsUnreachable",
    "LocalGuards",
    "OAuth2ClientCredentials",
    "RateLimit",
    "SystemClock",
    "TokenBucket",
    "shared_guards",
]
