"""Storing carrier evidence: documents kept byte for byte, their events merged into the shipment's.

A document that cannot be read is still stored (it is evidence that failed; the verdict will say
``DOCUMENT_UNREADABLE``); only its events are missing from the shipment's event list. Which events
belong to the shipment is ``domain.documents.membership``, the rule the verdict reads documents by:
a document about another parcel is stored, but none of its events join this shipment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from trace_verify.db.models import CarrierDocument, EvidenceSource, Origin, Shipment
from trace_verify.db.repositories import add_document, merge_events
from trace_verify.domain.documents import DocumentReader, DocumentRejected, membership


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
        list(membership(result, shipment.tracking_number).events),
        event_origin,
        now,
        document.id,
        source=source,
    )
    return document
