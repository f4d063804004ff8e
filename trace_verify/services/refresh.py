"""Refreshing tracking from carriers within one time budget for all of an order's shipments.

Calls run in parallel, outside any database transaction (reliability.md §1.1: foreign calls first,
their result stored as evidence after). A carrier that fails or does not answer in time is reported,
never guessed: the shipment gets ``CARRIER_UNAVAILABLE`` and the verdict rests on what is stored.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from trace_verify.observability import CARRIER_CALLS
from trace_verify.services.ports import TrackingClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Wanted:
    """One shipment to refresh."""

    index: int
    carrier: str
    tracking_number: str
    #: An aggregator's code for the courier (stored, or read off its earlier events); None: derive it.
    courier: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one refresh gave: the raw document, or why there is none."""

    index: int
    carrier: str
    content: bytes | None
    failure: str | None = None


def refresh(clients: dict[str, TrackingClient], wanted: list[Wanted], budget_seconds: float) -> list[Fetched]:
    """Fetch every wanted shipment whose carrier has a live client, all within ``budget_seconds``."""
    jobs = [w for w in wanted if w.carrier in clients]
    if not jobs:
        return []
    pool = ThreadPoolExecutor(max_workers=min(8, len(jobs)), thread_name_prefix="refresh")
    try:
        futures: dict[Future[bytes], Wanted] = {pool.submit(_fetch, clients[w.carrier], w): w for w in jobs}
        done, _ = wait(futures, timeout=budget_seconds)
        return [_outcome(futures[f], f if f in done else None) for f in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _fetch(client: TrackingClient, wanted: Wanted) -> bytes:
    """The client's answer; the courier code is passed only when there is one, so a client that tracks
    by number alone may implement ``fetch(tracking_number)`` only."""
    if wanted.courier is None:
        return client.fetch(wanted.tracking_number)
    return client.fetch(wanted.tracking_number, wanted.courier)


def _outcome(wanted: Wanted, future: Future[bytes] | None) -> Fetched:
    if future is None:
        CARRIER_CALLS.labels(wanted.carrier, "timeout").inc()
        return Fetched(wanted.index, wanted.carrier, None, "no answer within the time budget")
    error = future.exception()
    CARRIER_CALLS.labels(wanted.carrier, "ok" if error is None else getattr(error, "code", "error")).inc()
    if error is not None:
        log.warning(
            "refresh of %s shipment %d failed: %s", wanted.carrier, wanted.index, type(error).__name__
        )
        return Fetched(wanted.index, wanted.carrier, None, getattr(error, "code", type(error).__name__))
    return Fetched(wanted.index, wanted.carrier, future.result())
