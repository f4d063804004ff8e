"""The fetch client every carrier adapter uses: one call = deadline, breaker, bulkhead, rate limit, retries.

Order of a call: the breaker (fail fast when open) → the bulkhead (bounded concurrent calls per carrier)
→ for each attempt: the rate limit, authentication headers (an OAuth token is fetched or reused), the
request (streamed, redirects never followed), the body read under the size cap and the total deadline.
Retries only for idempotent requests, on connection errors, timeouts, truncated bodies, 429 and 5xx,
with exponential backoff and jitter or the carrier's ``Retry-After`` when it is within the cap.

Statuses: 2xx and the carrier's own 4xx error documents (400, 404, 422...) are returned as a
:class:`FetchResult`; 401 (after one token refresh), 403, 3xx, 429 and 5xx become exceptions of
:mod:`carriers._fetch.errors`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from carriers._fetch.auth import Auth
from carriers._fetch.backoff import backoff_delay, parse_retry_after
from carriers._fetch.clock import SYSTEM_CLOCK, Clock
from carriers._fetch.deadline import Watchdog, mount_watched, watchdog
from carriers._fetch.errors import (
    BodyTooLarge,
    CarrierAuthError,
    CarrierBadResponse,
    CarrierFetchError,
    CarrierRateLimited,
    CarrierTimeout,
    CarrierUnavailable,
    GuardsUnreachable,
)
from carriers._fetch.guards import CarrierGuards, shared_guards
from carriers._fetch.policy import FetchPolicy

log = logging.getLogger("carriers.fetch")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CHUNK = 64 * 1024
_TRANSPORT_ERRORS = (urllib3.exceptions.HTTPError, OSError, requests.exceptions.RequestException)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What the carrier answered. ``headers`` keys are lower-case; ``elapsed`` is the whole call, seconds."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    elapsed: float
    attempts: int


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    url: str
    params: Mapping[str, str] | None
    headers: Mapping[str, str]
    json_body: Any
    form: Mapping[str, str] | None
    authenticate: bool


class FetchClient:
    """Calls one carrier's API under its :class:`FetchPolicy`.

    ``guards`` (from the start-up's :class:`GuardStore`) defaults to the process-wide breaker, rate
    limit and bulkhead of ``policy.carrier``;
    ``clock`` and ``rng`` are injectable so that retry and breaker tests run without waiting. A given
    ``session`` gets the watched adapter mounted (needed for the hard deadline); the client's own session
    ignores proxy and netrc settings from the environment (``trust_env = False``).
    """

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        auth: Auth | None = None,
        session: requests.Session | None = None,
        clock: Clock = SYSTEM_CLOCK,
        rng: random.Random | None = None,
        guards: CarrierGuards | None = None,
        user_agent: str = "trace-verify (carrier tracking)",
    ) -> None:
        self.policy = policy
        self._auth = auth
        if session is None:
            session = requests.Session()
            session.trust_env = False
        self._session = mount_watched(session, policy.max_concurrency)
        self._clock = clock
        self._rng = rng or random.Random()
        self.guards = guards or shared_guards(policy)
        self._base_headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}

    def get(
        self, url: str, *, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> FetchResult:
        """GET ``url``: idempotent, so retried."""
        return self.request("GET", url, params=params, headers=headers)

    def post(
        self,
        url: str,
        *,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = False,
    ) -> FetchResult:
        """POST ``url``; retried only when the caller vouches it is a read (FedEx tracking is a POST)."""
        return self.request(
            "POST", url, json_body=json_body, form=form, headers=headers, idempotent=idempotent
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> FetchResult:
        """One guarded call; see the module docstring for what is returned and what is raised."""
        method = method.upper()
        req = _Request(method, url, params, dict(headers or {}), json_body, form, self._auth is not None)
        retry_ok = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        breaker = self.guards.breaker
        breaker.before_call()
        started = self._clock.monotonic()
        if not self.guards.bulkhead.acquire(timeout=self.policy.total_deadline):
            breaker.release()
            raise CarrierUnavailable(self.policy.carrier, "too many concurrent calls to this carrier")
        try:
            result = self._with_retries(req, started, started + self.policy.total_deadline, retry_ok)
        except CarrierFetchError as exc:
            self._record(exc)
            raise
        except BaseException:
            breaker.release()
            raise
        finally:
            self.guards.bulkhead.release()
        breaker.record_success()
        return result

    def _record(self, exc: CarrierFetchError) -> None:
        """Tell the breaker: the carrier failing counts; our own refusals and auth problems do not."""
        breaker = self.guards.breaker
        if isinstance(exc, CarrierAuthError):
            breaker.record_success()  # the carrier answered; the fault is ours
        elif isinstance(exc, GuardsUnreachable) or (
            isinstance(exc, CarrierRateLimited) and exc.status is None
        ):
            breaker.release()  # the rate limit refused, or its state was unreachable: nothing was sent
        else:
            breaker.record_failure()

    def _with_retries(self, req: _Request, started: float, deadline: float, retry_ok: bool) -> FetchResult:
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                result, sent_auth = self._attempt(req, deadline)
            except CarrierFetchError as exc:
                error: CarrierFetchError = exc
            else:
                status = result.status
                if (
                    status == 401
                    and self._auth is not None
                    and not refreshed
                    and self._auth.unauthorized(sent_auth)
                ):
                    refreshed = True
                    attempt -= 1  # a refresh is not one of the policy's attempts
                    continue
                outcome = self._judge(result, started, attempt)
                if isinstance(outcome, FetchResult):
                    return outcome
                error, retry_after = outcome
                if retry_after is not None and retry_after > self.policy.retry_after_max:
                    log.warning(
                        "%s: Retry-After %.0f s beyond the cap, giving up", self.policy.carrier, retry_after
                    )
                    raise error
            self._pause_or_raise(error, retry_after, attempt, deadline, retry_ok, req)

    def _judge(
        self, result: FetchResult, started: float, attempt: int
    ) -> FetchResult | tuple[CarrierFetchError, float | None]:
        """A usable answer, or the error it amounts to with the carrier's ``Retry-After`` (seconds)."""
        carrier, status = self.policy.carrier, result.status
        final = FetchResult(
            result.status, result.headers, result.body, result.url, self._clock.monotonic() - started, attempt
        )
        if 200 <= status < 300 or (400 <= status < 500 and status not in (401, 403, 429)):
            return final
        if status in (401, 403):
            raise CarrierAuthError(carrier, f"credentials refused (HTTP {status})", status=status)
        if 300 <= status < 400:
            raise CarrierBadResponse(carrier, f"redirect (HTTP {status}) not followed", status=status)
        retry_after = parse_retry_after(result.headers.get("retry-after"), self._clock.now())
        error: CarrierFetchError
        if status == 429:
            error = CarrierRateLimited(
                carrier, "rate limited (HTTP 429)", status=status, retry_after=retry_after
            )
        else:
            error = CarrierUnavailable(carrier, f"carrier answered HTTP {status}", status=status)
        if status not in self.policy.retry_statuses:
            raise error
        return error, retry_after

    def _pause_or_raise(
        self,
        error: CarrierFetchError,
        retry_after: float | None,
        attempt: int,
        deadline: float,
        retry_ok: bool,
        req: _Request,
    ) -> None:
        """Sleep before the next attempt, or raise ``error`` when no retry is allowed or time is short."""
        if not (error.retryable and retry_ok and attempt < self.policy.max_attempts):
            raise error
        delay = retry_after if retry_after is not None else backoff_delay(self.policy, attempt, self._rng)
        if self._clock.monotonic() + delay >= deadline:
            raise error
        log.info(
            "%s: %s %s attempt %d failed (%s), retrying in %.2f s",
            self.policy.carrier,
            req.method,
            urlsplit(req.url).path,
            attempt,
            error.code,
            delay,
        )
        self._clock.sleep(delay)

    def _wait_for_rate_limit(self, deadline: float) -> None:
        bucket = self.guards.bucket
        if bucket is None:
            return
        wait = bucket.reserve(max_wait=deadline - self._clock.monotonic())
        if wait is None:
            raise CarrierRateLimited(self.policy.carrier, "local rate limit: no slot before the deadline")
        if wait > 0:
            self._clock.sleep(wait)

    def _attempt(self, req: _Request, deadline: float) -> tuple[FetchResult, Mapping[str, str]]:
        """Send once and read the body; transport failures become :class:`CarrierFetchError`.

        Also returns the authentication headers sent, so that a 401 can invalidate exactly that token.
        """
        self._wait_for_rate_limit(deadline)
        sent_auth: Mapping[str, str] = {}
        if req.authenticate and self._auth is not None:
            sent_auth = self._auth.headers(
                lambda url, form, hdrs: self._token_post(url, form, hdrs, deadline)
            )
        headers = {**self._base_headers, **req.headers, **sent_auth}
        result = self._exchange(req.method, req.url, req.params, headers, req.json_body, req.form, deadline)
        return result, sent_auth

    def _token_post(
        self, url: str, form: Mapping[str, str], headers: Mapping[str, str], deadline: float
    ) -> tuple[int, bytes]:
        result = self._exchange("POST", url, None, {**self._base_headers, **headers}, None, form, deadline)
        return result.status, result.body

    def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        headers: dict[str, str],
        json_body: Any,
        form: Mapping[str, str] | None,
        deadline: float,
    ) -> FetchResult:
        carrier = self.policy.carrier
        started = self._clock.monotonic()
        remaining = deadline - started
        if remaining <= 0:
            raise CarrierTimeout(carrier, "total deadline passed")
        timeout = (min(self.policy.connect_timeout, remaining), min(self.policy.read_timeout, remaining))
        with watchdog(remaining) as dog:
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    headers=headers,
                    json=json_body,
                    data=form,
                    timeout=timeout,
                    stream=True,
                    allow_redirects=False,
                )
            except requests.exceptions.Timeout:
                raise CarrierTimeout(carrier, "connect or read timeout") from None
            except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
                if dog.fired:
                    raise CarrierTimeout(
                        carrier, "total deadline passed while waiting for the answer"
                    ) from None
                raise CarrierUnavailable(carrier, "connection failed") from None
            try:
                body = self._read_body(response, deadline, dog)
            finally:
                response.close()
        received = {k.lower(): v for k, v in response.headers.items()}
        return FetchResult(response.status_code, received, body, url, self._clock.monotonic() - started, 1)

    def _read_body(self, response: requests.Response, deadline: float, dog: Watchdog) -> bytes:
        """Stream the body in chunks, checking the size cap and the deadline between reads."""
        carrier, cap = self.policy.carrier, self.policy.max_body_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise BodyTooLarge(carrier, f"announced body of {declared} bytes exceeds {cap}")
        chunks: list[bytes] = []
        size = 0
        while True:
            if dog.fired or self._clock.monotonic() >= deadline:
                raise CarrierTimeout(carrier, "total deadline passed while reading the body")
            try:
                chunk = response.raw.read1(_CHUNK, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError:
                raise CarrierTimeout(carrier, "read timeout while reading the body") from None
            except urllib3.exceptions.DecodeError:
                raise CarrierBadResponse(carrier, "body could not be decompressed") from None
            except _TRANSPORT_ERRORS:
                if dog.fired:
                    raise CarrierTimeout(carrier, "total deadline passed while reading the body") from None
                raise CarrierBadResponse(carrier, "body truncated or connection broken") from None
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge(carrier, f"body exceeds {cap} bytes")
            chunks.append(chunk)
        if dog.fired:
            raise CarrierTimeout(carrier, "total deadline passed while reading the body")
        return b"".join(chunks)
