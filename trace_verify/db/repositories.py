"""Rows ↔ domain: storing what a client submitted or a carrier sent, and reading it back as a bundle.

Writes take JSON the contract reader already validated (so stored rows always read back as a valid
bundle) and domain events; reads give the bundle JSON the verifier judges (:func:`stored_bundle`) and
the stored history of tracking numbers (:func:`tracking_history`). Nothing here commits: the caller's
transaction decides (one per request).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from trace_verify.contract.reader import raw_documents
from trace_verify.db.models import (
    CarrierDocument,
    CustomsDeclaration,
    EvidenceSource,
    Merchant,
    Order,
    Origin,
    Shipment,
    TrackingEvent,
)
from trace_verify.domain.bundle import Bundle
from trace_verify.domain.history import NumberHistory, OtherAttachment, TrackingHistory
from trace_verify.domain.model import Event, format_utc
from trace_verify.domain.numbers import normalize_number
from trace_verify.domain.sources import Source, StoredSources, is_stronger, stronger

Json = dict[str, Any]


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256, the identity of stored documents and pushes."""
    return hashlib.sha256(data).hexdigest()


def event_key(event: Event) -> str:
    """The de-duplication key of an event: carrier, number, instant, milestone and place (output rules)."""
    identity = [
        event.carrier,
        normalize_number(event.tracking_number),
        format_utc(event.occurred_at),
        event.milestone,
        event.location.to_json(),
    ]
    return sha256_hex(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode("utf-8"))


# -- orders ----------------------------------------------------------------------------------------


def load_order(
    session: Session, order_id: str, *, merchant_id: str | None = None, consumer_id: str | None = None
) -> Order | None:
    """The order with its shipments, documents, events and customs records, or None.

    ``merchant_id`` / ``consumer_id`` restrict it to one tenant in the query itself, so another
    tenant's order costs exactly what an absent one does (no timing oracle, issue 10).
    """
    statement = sa.select(Order).where(Order.id == order_id)
    if merchant_id is not None:
        statement = statement.where(Order.merchant_id == merchant_id)
    if consumer_id is not None:
        statement = statement.where(Order.consumer_id == consumer_id)
    statement = statement.options(
        selectinload(Order.shipments).selectinload(Shipment.documents),
        selectinload(Order.shipments).selectinload(Shipment.events),
        selectinload(Order.customs),
    )
    return session.scalars(statement).one_or_none()


def insert_order(
    session: Session,
    obj: Json,
    now: datetime,
    placed_at: datetime,
    *,
    source: EvidenceSource = EvidenceSource.MERCHANT,
) -> Order:
    """Store a validated order body (``order``, ``shipments``, ``customs``, ``trace_codes``).

    ``source`` is who submitted it (rules.md §8): the service derives it from the key, never the body.
    """
    data = obj["order"]
    order = Order(
        id=data["id"],
        merchant_id=data["merchant_id"],
        consumer_id=data.get("consumer_id"),
        placed_at=placed_at,
        data=data,
        trace_codes=obj.get("trace_codes") or None,
        created_at=now,
    )
    session.add(order)
    session.flush()
    for shipment in obj.get("shipments") or ():
        add_shipment(session, order, shipment, now, source=source)
    for record in obj.get("customs") or ():
        add_customs(session, order, record, now, source=source)
    return order


def add_shipment(
    session: Session,
    order: Order,
    obj: Json,
    now: datetime,
    *,
    source: EvidenceSource = EvidenceSource.MERCHANT,
) -> Shipment:
    """Append a validated shipment object (with its documents) to ``order``, stated by ``source``."""
    position = len(order.shipments)
    handover = obj.get("handover_from") or None
    shipment = Shipment(
        order_id=order.id,
        position=position,
        carrier=obj["carrier"],
        tracking_number=obj["tracking_number"],
        tracking_key=normalize_number(obj["tracking_number"]),
        declared_origin_country=obj.get("declared_origin_country"),
        courier_code=obj.get("courier_code"),
        dispatch=obj.get("dispatch"),
        handover_from_carrier=handover.get("carrier") if handover else None,
        handover_from_number=handover["tracking_number"] if handover else None,
        handover_from_id=_earlier_leg(order, handover),
        source=source,
        created_at=now,
        documents=[],
        events=[],
    )
    order.shipments.append(shipment)
    session.flush()
    for raw in raw_documents(obj.get("documents") or (), ""):
        content = raw.data if raw.data is not None else b""
        add_document(session, shipment, raw.carrier, content, Origin.SUBMITTED, now, source=source)
    return shipment


def _earlier_leg(order: Order, handover: Json | None) -> int | None:
    if not handover:
        return None
    key = normalize_number(handover["tracking_number"])
    carrier = handover.get("carrier")
    for other in order.shipments:
        if other.tracking_key == key and (carrier is None or other.carrier == carrier):
            return other.id
    return None


def add_customs(
    session: Session,
    order: Order,
    obj: Json,
    now: datetime,
    *,
    source: EvidenceSource = EvidenceSource.MERCHANT,
) -> CustomsDeclaration:
    """Append a validated customs record to ``order``, submitted by ``source``."""
    record = CustomsDeclaration(
        order_id=order.id,
        position=len(order.customs),
        declaration_number=obj.get("declaration_number"),
        supervision_mode=obj.get("supervision_mode"),
        data=obj,
        source=source,
        created_at=now,
    )
    order.customs.append(record)
    session.flush()
    return record


# -- documents and events ----------------------------------------------------------------------------


def current_documents(shipment: Shipment) -> list[CarrierDocument]:
    """The documents the shipment's verdict reads, in the order they were stored."""
    return [d for d in shipment.documents if d.superseded_at is None]


def add_document(
    session: Session,
    shipment: Shipment,
    carrier: str,
    content: bytes,
    origin: Origin,
    now: datetime,
    push_id: int | None = None,
    *,
    source: EvidenceSource = EvidenceSource.MERCHANT,
) -> CarrierDocument:
    """Keep ``content`` as evidence of ``shipment``; the same bytes are stored once per shipment.

    Sending bytes already stored makes that document current again rather than storing a copy; when
    they now come from a stronger source (the carrier's API answering exactly what a merchant had
    uploaded), the stronger source is kept (rules.md §8.2), never the weaker.
    """
    digest = sha256_hex(content)
    for existing in shipment.documents:
        if existing.sha256 == digest:
            existing.superseded_at = None
            if is_stronger(source.value, existing.source.value):
                existing.source = source
            return existing
    document = CarrierDocument(
        shipment_id=shipment.id,
        carrier=carrier,
        origin=origin,
        source=source,
        content=content,
        sha256=digest,
        size=len(content),
        received_at=now,
        superseded_at=None,
        push_id=push_id,
    )
    shipment.documents.append(document)
    session.flush()
    return document


def supersede_documents(shipment: Shipment, now: datetime, origins: Iterable[Origin] | None = None) -> None:
    """Mark the shipment's current documents (of ``origins``, default all) as replaced; they stay stored."""
    wanted = set(origins) if origins is not None else None
    for document in current_documents(shipment):
        if wanted is None or document.origin in wanted:
            document.superseded_at = now


def merge_events(
    session: Session,
    shipment: Shipment,
    events: Sequence[Event],
    origin: Origin,
    now: datetime,
    document_id: int | None = None,
    *,
    source: EvidenceSource = EvidenceSource.MERCHANT,
) -> int:
    """Store the events not stored yet (by :func:`event_key`); returns how many were new.

    An event already stored keeps one row; when it arrives again from a stronger source, the row
    takes that source (rules.md §8.2), so a merchant's typed copy never weakens the carrier's scan.
    """
    rows = {e.key: e for e in shipment.events}
    known = set(rows)
    added = 0
    for event in events:
        key = event_key(event)
        if key in known:
            row = rows.get(key)
            if row is not None and is_stronger(source.value, row.source.value):
                row.source = source
            continue
        known.add(key)
        shipment.events.append(
            TrackingEvent(
                shipment_id=shipment.id,
                key=key,
                origin=origin,
                source=source,
                document_id=document_id,
                occurred_at=event.occurred_at,
                milestone=event.milestone,
                data=event.to_json(),
                created_at=now,
            )
        )
        added += 1
    session.flush()
    return added


def carrier_events(shipment: Shipment) -> frozenset[str]:
    """Keys of the shipment's events the carrier itself vouches for (a refresh or a verified push)."""
    carrier = (EvidenceSource.CARRIER_API, EvidenceSource.CARRIER_PUSH)
    return frozenset(e.key for e in shipment.events if e.source in carrier)


def shipments_tracking(session: Session, carrier: str, number: str) -> list[Shipment]:
    """Stored shipments of ``carrier`` with this tracking number (normalised), with their documents."""
    if "\x00" in carrier or "\x00" in number:
        return []  # no stored row can hold a NUL (PostgreSQL would refuse the query itself)
    statement = (
        sa.select(Shipment)
        .where(Shipment.carrier == carrier, Shipment.tracking_key == normalize_number(number))
        .options(selectinload(Shipment.documents), selectinload(Shipment.events))
        .order_by(Shipment.id)
    )
    return list(session.scalars(statement))


# -- reading back ------------------------------------------------------------------------------------


def merchant_bundle_json(merchant: Merchant) -> Json:
    """The bundle's ``merchant`` object from the stored record (absent parts omitted)."""
    out: Json = {"id": merchant.id}
    if merchant.return_address is not None:
        out["return_address"] = merchant.return_address
    if merchant.registered_importer is not None:
        out["registered_importer"] = merchant.registered_importer
    return out


def shipment_bundle_json(shipment: Shipment) -> Json:
    """One shipment as the verifier reads it: submitted events and the current documents."""
    out: Json = {"carrier": shipment.carrier, "tracking_number": shipment.tracking_number}
    if shipment.declared_origin_country is not None:
        out["declared_origin_country"] = shipment.declared_origin_country
    if shipment.dispatch is not None:
        out["dispatch"] = shipment.dispatch
    if shipment.handover_from_number is not None:
        handover: Json = {"tracking_number": shipment.handover_from_number}
        if shipment.handover_from_carrier is not None:
            handover["carrier"] = shipment.handover_from_carrier
        out["handover_from"] = handover
    submitted = sorted((e for e in shipment.events if e.origin == Origin.SUBMITTED), key=lambda e: e.id)
    if submitted:
        out["events"] = [e.data for e in submitted]
    documents = current_documents(shipment)
    if documents:
        out["documents"] = [
            {"carrier": d.carrier, "content_base64": base64.b64encode(d.content).decode("ascii")}
            for d in documents
        ]
    return out


def stored_bundle(order: Order, merchant: Merchant | None) -> Json:
    """The bundle of a stored order: what the service verifies, and what verdict pointers refer to."""
    out: Json = {"order": order.data}
    if merchant is not None:
        out["merchant"] = merchant_bundle_json(merchant)
    out["shipments"] = [shipment_bundle_json(s) for s in order.shipments]
    if order.customs:
        out["customs"] = [c.data for c in order.customs]
    if order.trace_codes:
        out["trace_codes"] = order.trace_codes
    return out


def stored_sources(order: Order, bundle: Bundle) -> StoredSources:
    """Who vouches for each piece of ``order``'s stored evidence, for the verifier (rules.md §8).

    ``bundle`` is the order's stored bundle with its documents read: each of its events is matched to
    its stored row by :func:`event_key` within its shipment (an event with no row, which should not
    happen, counts as the merchant's: the conservative reading).
    """
    events: dict[Event, Source] = {}
    for shipment, judged in zip(order.shipments, bundle.shipments, strict=True):
        rows = {row.key: _source(row.source) for row in shipment.events}
        for event in judged.events:
            source = rows.get(event_key(event), "merchant")
            known = events.get(event)
            events[event] = source if known is None else stronger(known, source)
    return StoredSources(
        events=events,
        shipments=tuple(_source(s.source) for s in order.shipments),
        customs=tuple(_source(c.source) for c in order.customs),
    )


def _source(value: EvidenceSource) -> Source:
    """The domain's name of a stored source (the enum's values are the contract's words)."""
    return SOURCE_NAMES[value]


SOURCE_NAMES: dict[EvidenceSource, Source] = {
    EvidenceSource.CARRIER_API: "carrier_api",
    EvidenceSource.CARRIER_PUSH: "carrier_push",
    EvidenceSource.PLATFORM: "platform",
    EvidenceSource.MERCHANT: "merchant",
    EvidenceSource.CONSUMER: "consumer",
}


#: The stored rows of some tracking keys, each with its order's consumer and merchant. Built once: a
#: module-level statement with an expanding parameter is compiled once and found in the cache by
#: identity, not rebuilt and re-keyed on every request (POST /verify runs it on every call).
_HISTORY_QUERY: Final = (
    sa.select(
        Shipment.tracking_key,
        Shipment.order_id,
        Order.consumer_id,
        Shipment.created_at,
        Order.merchant_id,
    )
    .join(Order, Order.id == Shipment.order_id)
    .where(Shipment.tracking_key.in_(sa.bindparam("keys", expanding=True)))
)


def tracking_history(
    session: Session | sa.Connection, bundle: Bundle, *, stored: bool = True, owner: str | None = None
) -> TrackingHistory:
    """What the database knows of the bundle's tracking numbers: when this order stored each, who else has it.

    Other orders are described by their consumer and first storage time only (rules.md §6a), so nothing
    the verifier is given can name another order. ``stored=False`` judges the bundle as an order not
    stored at all (a merchant naming an order id that is not its own): every stored row is another
    order's, exactly as if the id were absent. ``owner`` (a merchant caller's id) does the same in the
    same query: the bundle's order id counts as stored only when that merchant owns it.
    """
    return tracking_histories(session, [bundle], stored=[stored], owner=owner)[0]


def tracking_histories(
    session: Session | sa.Connection,
    bundles: Sequence[Bundle],
    *,
    stored: Sequence[bool] | None = None,
    owner: str | None = None,
) -> list[TrackingHistory]:
    """:func:`tracking_history` of each bundle, with one query for all of them (bulk jobs' chunks).

    ``session`` may be a plain connection: a read that needs no ORM session (``POST /verify``) skips it.
    """
    stored = [True] * len(bundles) if stored is None else stored
    # A NUL is never stored, and PostgreSQL refuses it in a query.
    keys_of = [
        {k for s in bundle.shipments if "\x00" not in (k := normalize_number(s.tracking_number))}
        for bundle in bundles
    ]
    every = set().union(*keys_of)
    if not every:
        return [TrackingHistory() for _ in bundles]
    rows = session.execute(_HISTORY_QUERY, {"keys": sorted(every)}).all()
    by_key: dict[str, list[Any]] = {}
    for row in rows:
        by_key.setdefault(row[0], []).append(row[:4])
    owned = {row[1] for row in rows if row[4] == owner} if owner is not None else None
    return [
        _history(
            bundle.order.id if own and (owned is None or bundle.order.id in owned) else None,
            [row for key in sorted(keys) for row in by_key.get(key, ())],
        )
        for bundle, keys, own in zip(bundles, keys_of, stored, strict=True)
    ]


def _history(order_id_of_bundle: str | None, rows: Sequence[Any]) -> TrackingHistory:
    own: dict[str, datetime] = {}
    others: dict[str, dict[str, OtherAttachment]] = {}
    for key, order_id, consumer_id, stored_at in rows:
        if order_id == order_id_of_bundle:
            own[key] = min(own.get(key, stored_at), stored_at)
            continue
        previous = others.setdefault(key, {}).get(order_id)
        if previous is None or stored_at < previous.first_stored_at:
            others[key][order_id] = OtherAttachment(consumer_id, stored_at)
    return TrackingHistory(
        {
            key: NumberHistory(own.get(key), tuple(sorted(found.values(), key=lambda o: o.first_stored_at)))
            for key, found in others.items()
        }
        | {key: NumberHistory(at) for key, at in own.items() if key not in others}
    )
