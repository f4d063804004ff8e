"""Outbound calls to carrier APIs: deadline, size cap, retries, rate limit, breaker, authentication.

Use :class:`FetchClient` with a per-carrier :class:`FetchPolicy` and an :class:`Auth`
(:class:`ApiKeyAuth` for DHL, :class:`OAuth2ClientCredentials` for UPS, FedEx, USPS). Every failure is a
:class:`CarrierFetchError` subclass with a stable ``code``; the service reports them all as
``CARRIER_UNAVAILABLE``. See reliability.md §5 for the measurements behind the defaults.
"""

from __future__ import annotations

from carriers._fetch.auth import ApiKeyAuth, Auth, OAuth2ClientCredentials
from carriers._fetch.breaker import CircuitBreaker
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
)
from carriers._fetch.guards import CarrierGuards, shared_guards
from carriers._fetch.policy import FetchPolicy
from carriers._fetch.ratelimit import TokenBucket

__all__ = [
    "SYSTEM_CLOCK",
    "ApiKeyAuth",
    "Auth",
    "BodyTooLarge",
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
    "OAuth2ClientCredentials",
    "SystemClock",
    "TokenBucket",
    "shared_guards",
]
