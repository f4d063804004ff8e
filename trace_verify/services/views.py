"""Stored rows as the API shows them. Only the object's own fields: never another tenant's."""

from __future__ import annotations

from typing import Any

from trace_verify.db.models import (
    CarrierDocument,
    CustomsDeclaration,
    Merchant,
    Order,
    Shipment,
    VerdictRecord,
)
from trace_verify.db.repositories import current_documents
from trace_verify.domain.model import format_utc


def _time(value: Any) -> str | None:
    return None if value is None else format_utc(value)


def merchant_view(merchant: Merchant) -> dict[str, Any]:
    """``Merchant``."""
    return {
        "id": merchant.id,
        "name": merchant.name,
        "return_address": merchant.return_address,
        "registered_importer": merchant.registered_importer,
        "created_at": _time(merchant.created_at),
        "updated_at": _time(merchant.updated_at),
    }


def document_view(document: CarrierDocument, pointer: str | None) -> dict[str, Any]:
    """A stored carrier document's metadata (the bytes are evidence, not echoed)."""
    return {
        "id": document.id,
        "pointer": pointer,
        "carrier": document.carrier,
        "origin": document.origin.value,
        "source": document.source.value,
        "sha256": document.sha256,
        "size": document.size,
        "received_at": _time(document.received_at),
        "superseded_at": _time(document.superseded_at),
    }


def shipment_view(shipment: Shipment) -> dict[str, Any]:
    """``Shipment``: its documents (current ones with the pointer verdicts cite) and its events."""
    base = f"/shipments/{shipment.position}/documents"
    current = current_documents(shipment)
    documents = [document_view(d, f"{base}/{j}") for j, d in enumerate(current)]
    documents += [document_view(d, None) for d in shipment.documents if d.superseded_at is not None]
    handover = None
    if shipment.handover_from_number is not None:
        handover = {
            "tracking_number": shipment.handover_from_number,
            "carrier": shipment.handover_from_carrier,
        }
    earlier = next((s.position for s in shipment.order.shipments if s.id == shipment.handover_from_id), None)
    return {
        "index": shipment.position,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "declared_origin_country": shipment.declared_origin_country,
        "courier_code": shipment.courier_code,
        "dispatch": shipment.dispatch,
        "handover_from": handover,
        "handover_from_index": earlier,
        "documents": documents,
        "events": [{**e.data, "origin": e.origin.value, "source": e.source.value} for e in shipment.events],
        "source": shipment.source.value,
        "created_at": _time(shipment.created_at),
    }


def customs_view(record: CustomsDeclaration) -> dict[str, Any]:
    """``CustomsRecord``: the record as submitted, with its index (``/customs/i``)."""
    return {
        "index": record.position,
        "record": record.data,
        "source": record.source.value,
        "created_at": _time(record.created_at),
    }


def verdict_summary(record: VerdictRecord) -> dict[str, Any]:
    """A stored verdict without its body."""
    return {
        "id": record.id,
        "verdict": record.verdict,
        "path": record.path,
        "rules_version": record.rules_version,
        "checked_at": _time(record.checked_at),
    }


def verdict_record_view(record: VerdictRecord) -> dict[str, Any]:
    """A stored verdict with the verdict as it was given."""
    return {**verdict_summary(record), "body": record.body}


def order_view(order: Order, latest: VerdictRecord | None) -> dict[str, Any]:
    """``StoredOrder``: the order as submitted, its shipments and customs records, its latest verdict."""
    return {
        "id": order.id,
        "merchant_id": order.merchant_id,
        "consumer_id": order.consumer_id,
        "order": order.data,
        "trace_codes": order.trace_codes or [],
        "shipments": [shipment_view(s) for s in order.shipments],
        "customs": [customs_view(c) for c in order.customs],
        "verdict": verdict_summary(latest) if latest is not None else None,
        "created_at": _time(order.created_at),
    }
