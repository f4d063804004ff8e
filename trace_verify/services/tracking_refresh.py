"""The scheduled tracking refresh: open shipments are polled again once their carrier's interval is over.

The platform keeps tracking fresh for thousands of open orders without a user asking. :meth:`due` finds
the tracking numbers of open shipments (no ``delivered`` or ``returned`` event yet, created within
:data:`MAX_AGE`) whose last poll is older than their carrier's ``min_poll_interval`` (or failed more
than a minute ago, or never happened), for carriers with a live client; the schedule enqueues one
``refresh`` job per number.
:meth:`refresh` claims the number (``services.polls``: no two workers or instances poll it inside the
interval), polls it once and stores the answer as evidence on every open shipment with that number,
as a re-verification would; new carrier evidence asks for the order's complaint re-checks (§8.1).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa

from trace_verify.db.models import CarrierPoll, Shipment, TrackingEvent
from trace_verify.db.repositories import load_order
from trace_verify.db.session import Database
from trace_verify.services.conflicts import retrying
from trace_verify.services.news import CarrierNews, NewsWatch
from trace_verify.services.polls import RETRY_AFTER_FAILURE, Polls, due_clause
from trace_verify.services.ports import CarrierPorts
from trace_verify.services.refresh import Fetched, Wanted, refresh

log = logging.getLogger(__name__)

#: A shipment is no longer polled this long after it was stored: carriers purge tracking after some
#: months, and an order this old is settled or in a complaint (which polls for itself).
MAX_AGE: Final = timedelta(days=60)
#: Events after which a shipment's tracking will not change.
FINAL_MILESTONES: Final = ("delivered", "returned")
#: Most numbers one pass finds due (the rest is found by the next pass).
PASS_LIMIT: Final = 500


def job_key(carrier: str, tracking_key: str) -> str:
    """A ``refresh`` job's key: ``<carrier>/<tracking key>`` (carrier ids never hold a ``/``)."""
    return f"{carrier}/{tracking_key}"


class TrackingRefresh:
    """Finds the numbers due a poll, and polls one."""

    def __init__(self, db: Database, ports: CarrierPorts, on_carrier_news: CarrierNews | None = None) -> None:
        self.db = db
        self.ports = ports
        self.polls = Polls(db, ports)
        #: Told of each order a refresh brought new carrier evidence for (complaints' re-check, §8.1).
        self.on_carrier_news = on_carrier_news

    def due(self, now: datetime, limit: int = PASS_LIMIT) -> list[str]:
        """``refresh`` job keys of the open shipments' numbers due a poll, longest-unpolled first."""
        keys: list[str] = []
        with self.db.transaction() as session:
            for carrier in sorted(self.ports.clients):
                if len(keys) >= limit:
                    break
                statement = (
                    sa.select(Shipment.tracking_key, CarrierPoll.polled_at)
                    .outerjoin(
                        CarrierPoll,
                        sa.and_(
                            CarrierPoll.carrier == Shipment.carrier,
                            CarrierPoll.tracking_key == Shipment.tracking_key,
                        ),
                    )
                    .where(
                        Shipment.carrier == carrier,
                        _open(now),
                        sa.or_(
                            CarrierPoll.polled_at.is_(None),
                            due_clause(self.ports.poll_interval(carrier), now, RETRY_AFTER_FAILURE),
                        ),
                    )
                    .distinct()
                    .order_by(sa.nulls_first(CarrierPoll.polled_at.asc()), Shipment.tracking_key)
                    .limit(limit - len(keys))
                )
                keys += [job_key(carrier, number) for number, _ in session.execute(statement)]
        return keys

    def refresh(self, key: str, now: datetime) -> bool:
        """Poll the number of a ``refresh`` job once, if it is still open and this caller claims it; True
        when it polled (the answer, or the failure, is recorded either way)."""
        carrier, _, number = key.partition("/")
        client = self.ports.clients.get(carrier)
        if client is None or not number:
            return False
        found = self._open_shipments(carrier, number, now)
        if not found or not self.polls.claim(carrier, number, now):
            return False
        tracking_number, courier, order_ids = found
        wanted = Wanted(0, carrier, tracking_number, courier)
        fetched = refresh({carrier: client}, [wanted], self.ports.refresh_budget_seconds)
        self.polls.record((wanted, f) for f in fetched)
        content = fetched[0].content if fetched else None
        if content is not None:
            retrying(
                lambda: self._store(carrier, number, content, order_ids, now),
                "the refreshed document is being stored concurrently",
            )
        return True

    def _open_shipments(
        self, carrier: str, number: str, now: datetime
    ) -> tuple[str, str | None, list[str]] | None:
        """The number as stored, an aggregator's courier code, and the orders of its open shipments."""
        from trace_verify.services.verdicts import courier_of

        with self.db.transaction() as session:
            shipments = list(
                session.scalars(
                    sa.select(Shipment)
                    .where(Shipment.carrier == carrier, Shipment.tracking_key == number, _open(now))
                    .order_by(Shipment.id)
                )
            )
            if not shipments:
                return None
            couriers = [c for c in (courier_of(s) for s in shipments) if c]
            orders = sorted({s.order_id for s in shipments})
            return shipments[0].tracking_number, (couriers[0] if couriers else None), orders

    def _store(self, carrier: str, number: str, content: bytes, order_ids: list[str], now: datetime) -> None:
        """The answer as each order's refreshed evidence (``verdicts``' rules: a not-found for a parcel
        whose events we hold is no news and is not stored over them)."""
        from trace_verify.services.verdicts import _news_or_failure, _store_refreshed

        with self.db.transaction() as session:
            watch = NewsWatch()
            for order_id in order_ids:
                order = load_order(session, order_id)
                if order is None:
                    continue
                items = [
                    _news_or_failure(self.ports, order, Fetched(i, carrier, content))
                    for i, s in enumerate(order.shipments)
                    if s.carrier == carrier and s.tracking_key == number
                ]
                _store_refreshed(session, self.ports, order, items, now, watch)
            watch.tell(self.on_carrier_news, session, now)


def _open(now: datetime) -> sa.ColumnElement[bool]:
    """A shipment still worth polling: recent, and without a final event."""
    final = (
        sa.select(TrackingEvent.id)
        .where(TrackingEvent.shipment_id == Shipment.id, TrackingEvent.milestone.in_(FINAL_MILESTONES))
        .exists()
    )
    return sa.and_(Shipment.created_at >= now - MAX_AGE, ~final)
