"""Verdicts: ``POST /verify`` for a bundle, and re-verification of a stored order from its evidence.

A stored order is verified from the bundle the database holds for it (``repositories.stored_bundle``),
with tracking refreshed from the carriers first; every verdict is stored with its ``rules_version`` and
a re-verification adds a new one, so an old decision stays explainable.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from trace_verify.contract.writer import verdict_to_json
from trace_verify.db.models import EvidenceSource, Merchant, Order, Origin, Role, Shipment, VerdictRecord
from trace_verify.db.repositories import (
    load_order,
    stored_bundle,
    stored_sources,
    supersede_documents,
    tracking_history,
)
from trace_verify.db.session import Database
from trace_verify.domain.bundle import Bundle, DocumentProblem
from trace_verify.domain.documents import DocumentRejected, membership
from trace_verify.observability import VERDICTS
from trace_verify.services.access import Principal, Resource, forbidden, not_found
from trace_verify.services.evidence import store_document
from trace_verify.services.news import CarrierNews, NewsWatch
from trace_verify.services.pages import PageRequest, page
from trace_verify.services.polls import Polls, held_failures
from trace_verify.services.ports import CarrierPorts
from trace_verify.services.refresh import Fetched, Wanted
from trace_verify.services.verification import VerificationService
from trace_verify.services.views import verdict_record_view


class VerdictService:
    """Verifies bundles and stored orders for a key holder."""

    def __init__(
        self,
        db: Database,
        verification: VerificationService,
        ports: CarrierPorts,
        on_carrier_news: CarrierNews | None = None,
    ) -> None:
        self.db = db
        self.verification = verification
        self.ports = ports
        #: Told of each order a refresh brought new carrier evidence for (complaints' re-check, §8.1).
        self.on_carrier_news = on_carrier_news
        #: Each number is polled at most once per its carrier's interval, whoever polls (``polls``).
        self.polls = Polls(db, ports)

    def verify(self, who: Principal, obj: Any, now: datetime) -> dict[str, Any]:
        """``POST /verify``: nothing is stored, and no order id is ever refused (issue 10).

        A merchant's bundle must name that merchant (naming another tenant is 403, whatever exists);
        its order, when not one of the merchant's own stored orders, is judged as an order that is not
        stored, whether the id is absent or another merchant's: the answer cannot tell them apart.
        """
        who.access(Resource.VERIFICATION)
        bundle = self.verification.read(obj)
        if who.role is Role.MERCHANT and bundle.order.merchant_id != who.merchant_id:
            raise forbidden("a merchant key verifies bundles of its own merchant only")
        # One query: the stored rows of the bundle's numbers, each with its order's merchant, so a
        # merchant's own order is told from another's (or an absent one) without a second round trip.
        owner = who.merchant_id if who.role is Role.MERCHANT else None
        with self.db.reads() as connection:  # one statement: no ORM session, no transaction
            history = tracking_history(connection, bundle, owner=owner)
        verdict = self.verification.verify_bundle(
            bundle, now, history, conceal_others=who.role is Role.MERCHANT
        )
        VERDICTS.labels("verify", verdict.verdict).inc()
        return verdict_to_json(verdict)

    def reverify(self, who: Principal, order_id: str, now: datetime) -> dict[str, Any]:
        """Verify a stored order again, refreshing tracking first; the new verdict is stored and returned.

        A number polled less than its carrier's minimum interval ago is not polled again: its stored
        evidence is judged (or, when that poll failed, the shipment is ``CARRIER_UNAVAILABLE``)."""
        who.access(Resource.VERIFICATION, write=True)
        with self.db.transaction() as session:
            order = load_order(session, order_id, **who.scope())
            if order is None:
                raise not_found("order")
            wanted = [
                Wanted(s.position, s.carrier, s.tracking_number, courier_of(s)) for s in order.shipments
            ]
        fetched, held = self.polls.refresh(
            dict(self.ports.clients), wanted, self.ports.refresh_budget_seconds, now
        )
        fetched += held_failures(held)
        with self.db.transaction() as session:
            order = load_order(session, order_id)
            if order is None:
                raise not_found("order")
            fetched = [_news_or_failure(self.ports, order, item) for item in fetched]
            watch = NewsWatch()
            _store_refreshed(session, self.ports, order, fetched, now, watch)
            watch.tell(self.on_carrier_news, session, now)
            merchant = session.get(Merchant, order.merchant_id)
            bundle = self.verification.read(stored_bundle(order, merchant))
            bundle = _not_asked(_with_failures(bundle, fetched), set(self.ports.clients))
            verdict = self.verification.verify_bundle(
                bundle,
                now,
                tracking_history(session, bundle),
                stored_sources(order, bundle),
                conceal_others=who.role is Role.MERCHANT,
            )
            VERDICTS.labels("reverify", verdict.verdict).inc()
            body = verdict_to_json(verdict)
            session.add(
                VerdictRecord(
                    order_id=order.id,
                    verdict=verdict.verdict,
                    path=verdict.path,
                    rules_version=verdict.rules_version,
                    checked_at=verdict.checked_at,
                    body=body,
                    created_at=now,
                )
            )
            return body

    def history(self, who: Principal, order_id: str, request: PageRequest) -> dict[str, Any]:
        """The order's stored verdicts, newest first."""
        who.access(Resource.VERIFICATION)
        with self.db.transaction() as session:
            found = session.scalar(sa.select(Order.id).where(Order.id == order_id).filter_by(**who.scope()))
            if found is None:
                raise not_found("order")
            statement = (
                sa.select(VerdictRecord)
                .where(VerdictRecord.order_id == order_id)
                .order_by(VerdictRecord.id.desc())
                .limit(request.limit + 1)
            )
            if request.after is not None:
                if not request.after.isdigit():
                    return page([], [], request)
                statement = statement.where(VerdictRecord.id < int(request.after))
            rows = list(session.scalars(statement))
            return page(
                [verdict_record_view(r) for r in rows[: request.limit]], [str(r.id) for r in rows], request
            )


def _store_refreshed(
    session: Any,
    ports: CarrierPorts,
    order: Order,
    fetched: list[Fetched],
    now: datetime,
    watch: NewsWatch | None = None,
) -> None:
    """Keep each fetched document; it replaces the shipment's earlier refreshed ones (it is newer).

    ``watch`` notes which shipments the carrier said something new about (rules.md §8.1 re-checks).
    """
    for item in fetched:
        if item.content is None:
            continue
        shipment = order.shipments[item.index]
        if watch is not None:
            watch.before(shipment)
        supersede_documents(shipment, now, (Origin.REFRESH,))
        store_document(
            session,
            ports.documents,
            shipment,
            item.carrier,
            item.content,
            Origin.REFRESH,
            now,
            source=EvidenceSource.CARRIER_API,  # fetched by this service with its own credentials
        )
        if watch is not None:
            watch.after(shipment)


def _news_or_failure(ports: CarrierPorts, order: Order, item: Fetched) -> Fetched:
    """A fetched answer without a single event for a shipment whose events we hold is no news.

    Carriers purge tracking after some months: their not-found for a parcel we already hold events
    for says nothing about the parcel. It is not stored over the evidence; it is a failed refresh.
    """
    if item.content is None:
        return item
    shipment = order.shipments[item.index]
    if not shipment.events:
        return item
    try:
        result = ports.documents.read(item.carrier, item.content)
    except DocumentRejected:
        return Fetched(item.index, item.carrier, None, "its answer could not be read")
    if membership(result, shipment.tracking_number).events:
        return item
    codes = ", ".join(dict.fromkeys(e.code for e in result.errors)) or "no events"
    return Fetched(item.index, item.carrier, None, f"it answered {codes}")


def _not_asked(bundle: Bundle, live: set[str]) -> Bundle:
    """Shipments whose carrier has no live client: say so, so that NOT_DELIVERED is not a bare word."""
    shipments = []
    for shipment in bundle.shipments:
        if shipment.carrier not in live:
            problem = DocumentProblem(
                shipment.pointer,
                "not_asked",
                "NOT_ASKED",
                f"{shipment.carrier} was not asked: no live client is configured for it, so only the "
                "stored evidence was judged.",
            )
            shipment = replace(shipment, problems=(*shipment.problems, problem))
        shipments.append(shipment)
    return replace(bundle, shipments=tuple(shipments))


def _with_failures(bundle: Bundle, fetched: list[Fetched]) -> Bundle:
    """Each shipment whose refresh failed gets ``CARRIER_UNAVAILABLE`` (a warning); its stored events
    stay evidence (rules.md, Verdict: a later fetch that fails changes nothing else)."""
    failed = {f.index: f for f in fetched if f.content is None}
    if not failed:
        return bundle
    shipments = []
    for shipment in bundle.shipments:
        failure = failed.get(shipment.index)
        if failure is not None:
            kept = "; the stored events were judged" if shipment.events else ""
            problem = DocumentProblem(
                shipment.pointer,
                "refresh_failed",
                "CARRIER_UNAVAILABLE",
                f"{failure.carrier}: tracking could not be refreshed ({failure.failure}){kept}.",
            )
            shipment = replace(shipment, problems=(*shipment.problems, problem))
        shipments.append(shipment)
    return replace(bundle, shipments=tuple(shipments))


def courier_of(shipment: Shipment) -> str | None:
    """The courier code a refresh passes to an aggregator: the one stored with the shipment, else the
    ``operator`` of the aggregator's own latest stored event (Kuaidi100 reports its company code there,
    AfterShip its slug), else None (the client derives it from the number when it can)."""
    if shipment.courier_code:
        return shipment.courier_code
    own = [e for e in shipment.events if e.data.get("carrier") == shipment.carrier and e.data.get("operator")]
    latest = max(own, key=lambda e: (e.occurred_at, e.id), default=None)
    return str(latest.data["operator"]) if latest is not None else None
