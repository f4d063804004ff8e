"""Orders with their shipments, documents and customs records: created by the platform or the
merchant itself, read by staff and by the order's consumer (README, "Roles and keys").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trace_verify.contract.reader import raw_documents
from trace_verify.db.models import EvidenceSource, Merchant, Order, Origin, Role, Shipment, VerdictRecord
from trace_verify.db.repositories import add_customs, add_shipment, insert_order, load_order, merge_events
from trace_verify.db.session import Database
from trace_verify.domain.bundle import SubmittedBundle
from trace_verify.domain.documents import DocumentReader
from trace_verify.errors import Conflict, Unprocessable
from trace_verify.services.access import Principal, Resource, forbidden, not_found
from trace_verify.services.evidence import store_document
from trace_verify.services.pages import PageRequest, page
from trace_verify.services.requests import (
    read_documents_body,
    read_order,
    read_part,
    take_courier_code,
    take_courier_codes,
)
from trace_verify.services.views import customs_view, order_view, shipment_view


class OrderService:
    """Create and read orders and what belongs to them."""

    def __init__(self, db: Database, documents: DocumentReader) -> None:
        self.db = db
        self.documents = documents

    # -- helpers -------------------------------------------------------------------------------------

    def _order(self, session: Session, who: Principal, order_id: str, *, write: bool = False) -> Order:
        """The order if this key reaches it; 404 otherwise (absent and foreign look the same)."""
        who.access(Resource.ORDERS, write=write)
        order = load_order(session, order_id)
        if order is None or not who.sees(Resource.ORDERS, order.merchant_id, order.consumer_id, write=write):
            raise not_found("order")
        return order

    def _store_shipment(
        self,
        session: Session,
        order: Order,
        obj: dict[str, Any],
        bundle: SubmittedBundle,
        index: int,
        now: datetime,
        source: EvidenceSource,
    ) -> Shipment:
        shipment = add_shipment(session, order, {**obj, "documents": []}, now, source=source)
        merge_events(
            session, shipment, bundle.bundle.shipments[index].events, Origin.SUBMITTED, now, source=source
        )
        for raw in raw_documents(obj.get("documents") or (), ""):
            content = raw.data if raw.data is not None else b""
            store_document(
                session, self.documents, shipment, raw.carrier, content, Origin.SUBMITTED, now, source=source
            )
        return shipment

    @staticmethod
    def _latest(session: Session, order_id: str) -> VerdictRecord | None:
        return session.scalars(
            sa.select(VerdictRecord)
            .where(VerdictRecord.order_id == order_id)
            .order_by(VerdictRecord.id.desc())
            .limit(1)
        ).one_or_none()

    # -- orders --------------------------------------------------------------------------------------

    def create(self, who: Principal, obj: Any, now: datetime) -> dict[str, Any]:
        """Store an order; a merchant key may only create its own (another merchant id: 403)."""
        who.access(Resource.ORDERS, write=True)
        obj, courier_codes = take_courier_codes(obj)
        bundle = read_order(obj)
        order = bundle.bundle.order
        if who.role is Role.MERCHANT and order.merchant_id != who.merchant_id:
            raise forbidden("a merchant key creates orders of its own merchant only")
        with self.db.transaction() as session:
            if session.get(Merchant, order.merchant_id) is None:
                raise Unprocessable("UNKNOWN_MERCHANT", "no such merchant", "/order/merchant_id")
            if session.get(Order, order.id) is not None:
                raise Conflict("CONFLICT", "an order with this id is stored", "/order/id")
            source = submitter(who)
            stored = insert_order(
                session,
                {"order": obj["order"], "trace_codes": obj.get("trace_codes")},
                now,
                order.placed_at,
                source=source,
            )
            for index, shipment in enumerate(obj.get("shipments") or ()):
                shipment = {**shipment, "courier_code": courier_codes[index]}
                self._store_shipment(session, stored, shipment, bundle, index, now, source)
            for record in obj.get("customs") or ():
                add_customs(session, stored, record, now, source=source)
            return order_view(stored, None)

    def get(self, who: Principal, order_id: str) -> dict[str, Any]:
        """One order with its shipments, customs records and latest verdict."""
        with self.db.transaction() as session:
            order = self._order(session, who, order_id)
            return order_view(order, self._latest(session, order.id))

    def list(self, who: Principal, request: PageRequest, merchant_id: str | None = None) -> dict[str, Any]:
        """Orders by id, only the key's tenant's; ``merchant_id`` narrows further (never widens)."""
        who.access(Resource.ORDERS)
        statement = sa.select(Order.id).order_by(Order.id).limit(request.limit + 1)
        if who.role is Role.MERCHANT:
            statement = statement.where(Order.merchant_id == who.merchant_id)
        if who.role is Role.CONSUMER:
            statement = statement.where(Order.consumer_id == who.consumer_id)
        if merchant_id is not None:
            statement = statement.where(Order.merchant_id == merchant_id)
        if request.after is not None:
            statement = statement.where(Order.id > request.after)
        with self.db.transaction() as session:
            ids = list(session.scalars(statement))
            items = []
            for order_id in ids[: request.limit]:
                order = load_order(session, order_id)
                assert order is not None
                items.append(order_view(order, self._latest(session, order_id)))
            return page(items, ids, request)

    # -- shipments -----------------------------------------------------------------------------------

    def add_shipment(self, who: Principal, order_id: str, obj: Any, now: datetime) -> dict[str, Any]:
        """Append a shipment (the bundle's shipment object) to a stored order."""
        with self.db.transaction() as session:
            order = self._order(session, who, order_id, write=True)
            obj, courier_code = take_courier_code(obj, "")
            bundle = read_part(order.data, "shipments", obj)
            shipment = self._store_shipment(
                session, order, {**obj, "courier_code": courier_code}, bundle, 0, now, submitter(who)
            )
            return shipment_view(shipment)

    def shipments(self, who: Principal, order_id: str) -> dict[str, Any]:
        """The order's shipments (an order has few; not paginated beyond that)."""
        with self.db.transaction() as session:
            order = self._order(session, who, order_id)
            return {"items": [shipment_view(s) for s in order.shipments], "next": None}

    def shipment(self, who: Principal, order_id: str, index: int) -> dict[str, Any]:
        """One shipment by its index in the order."""
        with self.db.transaction() as session:
            order = self._order(session, who, order_id)
            return shipment_view(_shipment_at(order, index))

    def replace_documents(
        self, who: Principal, order_id: str, index: int, obj: Any, now: datetime
    ) -> dict[str, Any]:
        """Make ``documents`` the shipment's current documents; the replaced ones stay stored as evidence."""
        with self.db.transaction() as session:
            order = self._order(session, who, order_id, write=True)
            shipment = _shipment_at(order, index)
            documents = read_documents_body(obj, shipment.carrier, shipment.tracking_number)
            # A party replaces the documents it submitted; what the carrier said (a refresh, a
            # verified push) stays current: nobody's upload can retire the carrier's record.
            for document in shipment.documents:
                if document.superseded_at is None and document.origin is Origin.SUBMITTED:
                    document.superseded_at = now
            for raw in raw_documents(documents, ""):
                content = raw.data if raw.data is not None else b""
                store_document(
                    session,
                    self.documents,
                    shipment,
                    raw.carrier,
                    content,
                    Origin.SUBMITTED,
                    now,
                    source=submitter(who),
                )
            session.flush()
            return shipment_view(shipment)

    # -- customs -------------------------------------------------------------------------------------

    def add_customs(self, who: Principal, order_id: str, obj: Any, now: datetime) -> dict[str, Any]:
        """Append a customs declaration (the bundle's customs record) to a stored order."""
        with self.db.transaction() as session:
            order = self._order(session, who, order_id, write=True)
            read_part(order.data, "customs", obj)
            return customs_view(add_customs(session, order, obj, now, source=submitter(who)))

    def customs(self, who: Principal, order_id: str) -> dict[str, Any]:
        """The order's customs records."""
        with self.db.transaction() as session:
            order = self._order(session, who, order_id)
            return {"items": [customs_view(c) for c in order.customs], "next": None}


def submitter(who: Principal) -> EvidenceSource:
    """The source of what a key holder submits (rules.md §8): its role, never anything in the body."""
    return _SUBMITTER[who.role]


_SUBMITTER = {
    Role.PLATFORM: EvidenceSource.PLATFORM,
    Role.MERCHANT: EvidenceSource.MERCHANT,
    Role.CONSUMER: EvidenceSource.CONSUMER,
    # Staff cannot write orders today (README, roles); were they to, theirs is the platform's word.
    Role.STAFF: EvidenceSource.PLATFORM,
}


def _shipment_at(order: Order, index: int) -> Shipment:
    for shipment in order.shipments:
        if shipment.position == index:
            return shipment
    raise not_found("shipment")
