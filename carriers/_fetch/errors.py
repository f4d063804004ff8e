"""The one exception hierarchy for failed carrier calls.

Every failure an adapter can meet while fetching is a :class:`CarrierFetchError` with a stable ``code``.
The service maps all of them to ``CARRIER_UNAVAILABLE`` evidence (``INSUFFICIENT_EVIDENCE``, never
``NOT_MET``: a carrier that did not answer said nothing about the parcel); the finer codes go to logs and
metrics. Messages name the carrier and what happened, never a credential or a response body.

A carrier's own error *document* (DHL's 404 "No shipment with given tracking number found", a UPS
warning inside HTTP 200) is not an exception: it is returned as a body for the parser to read.
"""

from __future__ import annotations

from typing import ClassVar


class CarrierFetchError(Exception):
    """Base: the carrier could not be asked, or did not answer usefully."""

    code: ClassVar[str] = "CARRIER_FETCH_FAILED"
    retryable: ClassVar[bool] = False

    def __init__(self, carrier: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{carrier}: {message}")
        self.carrier = carrier
        self.message = message
        self.status = status


class CarrierTimeout(CarrierFetchError):
    """Connect or read timeout, or the call's total deadline passed (a slow drip ends here)."""

    code: ClassVar[str] = "CARRIER_TIMEOUT"
    retryable: ClassVar[bool] = True


class CarrierUnavailable(CarrierFetchError):
    """Connection refused or reset, or a 5xx answer after the retries allowed."""

    code: ClassVar[str] = "CARRIER_UNAVAILABLE"
    retryable: ClassVar[bool] = True


class CarrierBadResponse(CarrierFetchError):
    """An answer that cannot be used: truncated body, a redirect (never followed), a broken token reply."""

    code: ClassVar[str] = "CARRIER_BAD_RESPONSE"
    retryable: ClassVar[bool] = True


class CarrierRateLimited(CarrierFetchError):
    """429 from the carrier (retries exhausted or ``Retry-After`` beyond the cap), or the local rate limit.

    ``retry_after`` carries the carrier's advice in seconds when it gave one, so a caller can re-queue.
    """

    code: ClassVar[str] = "CARRIER_RATE_LIMITED"
    retryable: ClassVar[bool] = True

    def __init__(
        self, carrier: str, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(carrier, message, status=status)
        self.retry_after = retry_after


class CarrierAuthError(CarrierFetchError):
    """Credentials refused (401 after one forced token refresh, 403, or the token endpoint said no)."""

    code: ClassVar[str] = "CARRIER_AUTH_FAILED"


class CircuitOpen(CarrierFetchError):
    """The carrier's breaker is open: failed fast, no request was sent."""

    code: ClassVar[str] = "CARRIER_CIRCUIT_OPEN"


class GuardsUnreachable(CarrierFetchError):
    """The shared breaker and rate state (Redis) did not answer: no request was sent.

    Not retried and not counted against the carrier: the carrier said nothing. Calls are refused
    rather than made unguarded, so an outage of the shared state never multiplies a carrier's rate.
    """

    code: ClassVar[str] = "CARRIER_GUARDS_UNREACHABLE"


class BodyTooLarge(CarrierFetchError):
    """The response body passed the policy's byte cap (announced or while streaming); reading stopped."""

    code: ClassVar[str] = "CARRIER_BODY_TOO_LARGE"
