"""Storing carrier evidence: documents kept byte for byte, their events merged into the shipment's.

A document that cannot be read is still stored (it is evidence that failed; the verdict will say
``DOCUMENT_UNREADABLE``); only its events are missing from the shipment's event list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from trace_verify.db.models import CarrierDocument, EvidenceSource, Origin, Shipment
from trace_verify.db.repositories import add_document, merge_events
from trace_verify.domain.documents import DocumentReader, DocumentRejected, ParseResult
from trace_verify.domain.model import Event
from trace_verify.domain.numbers import normalize_number


def events_for(result: ParseResult, tracking_number: str) -> list[Event]:
    """The events a parsed document holds for ``tracking_number`` (all of them when it holds one shipment)."""
    wanted = normalize_number(tracking_number)
    if len(result.shipments) == 1:
        return list(result.shipments[0].events)
    return [
        event
        for shipment in result.shipments
        if normalize_number(shipment.tracking_number) == wanted
        for event in shipment.events
    ]


def store_document(
    session: Session,
    reader: DocumentReader,
    shipment: Shipment,
    carrier: str,
    content: bytes,
    origin: Origin,
    now: datetime,
    *,
    source: EvidenceSource,
) -> CarrierDocument:
    """Keep ``content`` for ``shipment`` and merge the events it yields (idempotent).

    ``source`` is who vouches for the document (rules.md §8): a party's upload stays that party's
    evidence whatever carrier's format it is in; only a refresh or a verified push is the carrier's.
    """
    document = add_document(session, shipment, carrier, content, origin, now, source=source)
    try:
        result = reader.read(carrier, content)
    except DocumentRejected:
        return document
    event_origin = Origin.DOCUMENT if origin is Origin.SUBMITTED else origin
    merge_events(
        session,
        shipment,
        events_for(result, shipment.tracking_number),
        event_origin,
        now,
        document.id,
        source=source,
    )
    return document
