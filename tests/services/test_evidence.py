"""Storing evidence: which events of a document join a stored shipment is the verdict's own rule."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import sqlalchemy as sa

from carriers import REGISTRY
from tests.api.support import MERCHANT_A, direct_met, merchant_body
from tests.support import FIXTURES
from trace_verify.config import Settings
from trace_verify.db.models import CarrierDocument, Role, TrackingEvent
from trace_verify.db.session import Database
from trace_verify.services.access import Principal
from trace_verify.services.ports import CarrierPorts
from trace_verify.startup import System, start

NOW = datetime(2026, 3, 5, 12, tzinfo=UTC)
PLATFORM = Principal("k-platform", Role.PLATFORM)
DELIVERED = (FIXTURES / "carriers" / "dhl" / "express-osaka-hangzhou-delivered.json").read_bytes()


def _order_with_dhl_document(system: System, order_id: str, number: str) -> None:
    system.services.merchants.create(PLATFORM, merchant_body(MERCHANT_A), NOW)
    bundle = direct_met()
    order = {**bundle["order"], "id": order_id, "merchant_id": MERCHANT_A}
    shipment = {
        "carrier": "dhl",
        "tracking_number": number,
        "declared_origin_country": "JP",
        "documents": [{"carrier": "dhl", "content_base64": base64.b64encode(DELIVERED).decode()}],
    }
    body = {"order": order, "shipments": [shipment], "customs": bundle["customs"]}
    system.services.orders.create(PLATFORM, body, NOW)


def _stored_events(database: Database) -> int:
    with database.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(TrackingEvent)) or 0


def test_the_shipments_own_document_stores_the_events_the_verdict_uses(database: Database) -> None:
    system = start(Settings(), database=database, ports=CarrierPorts(REGISTRY))
    _order_with_dhl_document(system, "ORD-OWN", "4589127734")
    verdict = system.services.verdicts.reverify(PLATFORM, "ORD-OWN", NOW)
    assert _stored_events(database) == len(verdict["timeline"]) == 11


def test_a_document_about_another_parcel_is_stored_but_adds_no_event(database: Database) -> None:
    """The one output issue 9 changed: DHL's document for 4589127734 filed under another number was
    stored with its 11 events while the verdict used none (services/evidence.py kept every event of a
    one-shipment document). Now ``domain.documents.membership`` decides for both: the document is kept
    byte for byte, no event joins the shipment, and the verdict says DOCUMENT_UNREADABLE."""
    system = start(Settings(), database=database, ports=CarrierPorts(REGISTRY))
    _order_with_dhl_document(system, "ORD-OTHER", "1234567890")
    with database.transaction() as session:
        assert session.scalars(sa.select(CarrierDocument)).one().content == DELIVERED
    assert _stored_events(database) == 0
    verdict = system.services.verdicts.reverify(PLATFORM, "ORD-OTHER", NOW)
    assert verdict["timeline"] == []
    unreadable = [f for f in verdict["findings"] if f["code"] == "DOCUMENT_UNREADABLE"]
    assert unreadable and "tracks 4589127734, not 1234567890" in unreadable[0]["message"]
