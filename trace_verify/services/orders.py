"""Orders with their shipments, documents and customs records: created by the platform (which issues
order ids), completed by the merchant with shipments, documents and customs records, read by staff and
by the order's consumer (README, "Roles and keys").
"""

from __future__ import annotations

from collections.abc import Sequence
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
from trace_verify.domain.numbers import normalize_number
from trace_verify.errors import Unprocessable
from trace_verify.services.access import PERMISSIONS, Access, Principal, Resource, forbidden, not_found
from trace_verify.services.conflicts import as_stored, conflict, retrying
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
        order = load_order(session, order_id, **who.scope())
        if order is None:
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
        """Store an order (platform only: on a marketplace the platform issues order ids, issue 10).

        A merchant key may not create orders at all, so it can neither take an id before its owner nor
        learn from a 409 that another merchant's order holds one.
        """
        if PERMISSIONS[Resource.ORDER_CREATION][who.role] is Access.NONE:
            raise forbidden("orders are created with the platform's key: the platform issues order ids")
        obj, courier_codes = take_courier_codes(obj)
        bundle = read_order(obj)
        return retrying(
            lambda: self._insert(obj, bundle, courier_codes, now, submitter(who)),
            "an order with this id is stored",
            "/order/id",
        )

    def _insert(
        self,
        obj: dict[str, Any],
        bundle: SubmittedBundle,
        courier_codes: Sequence[str | None],
        now: datetime,
        source: EvidenceSource,
    ) -> dict[str, Any]:
        order = bundle.bundle.order
        with self.db.transaction() as session:
            if session.get(Merchant, order.merchant_id) is None:
                raise Unprocessable("UNKNOWN_MERCHANT", "no such merchant", "/order/merchant_id")
            existing = load_order(session, order.id)
            if existing is not None:
                if _same_order(existing, obj):  # the same order sent again: its original answer
                    return order_view(existing, self._latest(session, existing.id))
                raise conflict("an order with this id is stored", "/order/id")
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
        """Append a shipment (the bundle's shipment object) to a stored order.

        One carrier and number appears once per order: sending it again is 409 ``CONFLICT``.
        """
        return retrying(
            lambda: self._add_shipment(who, order_id, obj, now),
            "the order's shipments changed while this one was added",
        )

    def _add_shipment(self, who: Principal, order_id: str, obj: Any, now: datetime) -> dict[str, Any]:
        with self.db.transaction() as session:
            order = self._order(session, who, order_id, write=True)
            obj, courier_code = take_courier_code(obj, "")
            bundle = read_part(order.data, "shipments", obj)
            added = bundle.bundle.shipments[0]
            key = normalize_number(added.tracking_number)
            if any(s.carrier == added.carrier and s.tracking_key == key for s in order.shipments):
                raise conflict("the order has a shipment of this carrier and number", "/tracking_number")
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
        """Make ``documents`` the shipment's current documents; the replaced ones stay stored as evidence.

        Idempotent: the same documents sent again (or at the same moment) are stored once.
        """
        return retrying(
            lambda: self._replace_documents(who, order_id, index, obj, now),
            "the shipment's documents changed while these were stored",
        )

    def _replace_documents(
        self, who: Principal, order_id: str, index: int, obj: Any, now: datetime
    ) -> dict[str, Any]:
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
        """Append a customs declaration (the bundle's customs record) to a stored order.

        The same record sent again answers the stored one; another record under a declaration number
        the order already holds is 409 ``CONFLICT``.
        """
        return retrying(
            lambda: self._add_customs(who, order_id, obj, now),
            "the order's customs records changed while this one was added",
        )

    def _add_customs(self, who: Principal, order_id: str, obj: Any, now: datetime) -> dict[str, Any]:
        with self.db.transaction() as session:
            order = self._order(session, who, order_id, write=True)
            read_part(order.data, "customs", obj)
            wanted = as_stored(obj)
            for record in order.customs:
                if record.data == wanted:
                    return customs_view(record)
                number = obj.get("declaration_number")
                if number is not None and record.declaration_number == number:
                    raise conflict("the order has a declaration with this number", "/declaration_number")
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


def _same_order(order: Order, obj: dict[str, Any]) -> bool:
    """True when ``obj`` is the stored order sent again: the same order object, trace codes, shipments'
    carriers and numbers, and customs records (compared as stored; events and documents are not)."""
    shipments = [(s["carrier"], s["tracking_number"]) for s in obj.get("shipments") or ()]
    return (
        order.data == as_stored(obj["order"])
        and order.trace_codes == (as_stored(obj["trace_codes"]) if obj.get("trace_codes") else None)
        and [(s.carrier, s.tracking_number) for s in order.shipments] == shipments
        and [c.data for c in order.customs] == as_stored(obj.get("customs") or [])
    )
