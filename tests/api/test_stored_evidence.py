"""Stored evidence: documents kept byte for byte, replaced documents kept, every verdict kept with its
rules_version, one transaction per request."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.api.support import MERCHANT_A, NOW, World, call, direct_met
from tests.support import FIXTURES, assert_valid_verdict
from trace_verify.db.models import CarrierDocument, Order, Shipment
from trace_verify.db.repositories import sha256_hex

DHL = FIXTURES / "carriers" / "dhl"
DELIVERED = (DHL / "express-osaka-hangzhou-delivered.json").read_bytes()
NOT_FOUND = (DHL / "error-404-not-found.json").read_bytes()


def _raw_order(world: World) -> None:
    bundle = direct_met()
    order = {**bundle["order"], "id": "ORD-RAW", "merchant_id": MERCHANT_A, "consumer_id": "C-A-001"}
    shipment = {
        "carrier": "dhl",
        "tracking_number": "4589127734",
        "declared_origin_country": "JP",
        "documents": [{"carrier": "dhl", "content_base64": base64.b64encode(DELIVERED).decode()}],
    }
    body = {"order": order, "shipments": [shipment], "customs": bundle["customs"]}
    response = call(world.client, "POST", "/api/v1/orders", "platform", body)
    assert response.status_code == 201, response.get_json()


def test_documents_are_kept_byte_for_byte_with_their_digest(world: World) -> None:
    _raw_order(world)
    with world.database.transaction() as session:
        document = session.scalars(sa.select(CarrierDocument)).one()
        assert document.content == DELIVERED
        assert document.sha256 == sha256_hex(DELIVERED)
        assert document.received_at.tzinfo is not None
    shipment = call(world.client, "GET", "/api/v1/orders/ORD-RAW/shipments/0", "merchant").get_json()
    assert shipment["documents"][0]["pointer"] == "/shipments/0/documents/0"
    assert shipment["events"], "the document's events are indexed"


def test_reverification_after_a_document_is_replaced_keeps_the_old_verdict(world: World) -> None:
    _raw_order(world)
    first = call(world.client, "POST", f"/api/v1/orders/ORD-RAW/verdict?now={NOW}", "merchant")
    assert first.status_code == 200, first.get_json()
    assert_valid_verdict(first.get_json())
    replaced = call(
        world.client,
        "PUT",
        "/api/v1/orders/ORD-RAW/shipments/0/documents",
        "merchant",
        {"documents": [{"carrier": "dhl", "content_base64": base64.b64encode(NOT_FOUND).decode()}]},
    )
    assert replaced.status_code == 200, replaced.get_json()
    documents = replaced.get_json()["documents"]
    assert [d["superseded_at"] is None for d in documents] == [True, False]
    second = call(world.client, "POST", f"/api/v1/orders/ORD-RAW/verdict?now={NOW}", "merchant").get_json()
    assert_valid_verdict(second)
    assert first.get_json()["verdict"] == "met"
    assert second["verdict"] != "met"
    history = call(world.client, "GET", "/api/v1/orders/ORD-RAW/verdicts", "merchant").get_json()["items"]
    assert [h["verdict"] for h in history] == [second["verdict"], "met"]
    assert all(h["rules_version"] == first.get_json()["rules_version"] for h in history)
    assert history[1]["body"] == first.get_json()
    with world.database.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(CarrierDocument)) == 2


def test_a_failed_request_leaves_nothing_half_written(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from trace_verify.services import orders

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(orders, "add_customs", broken)
    bundle = direct_met()
    body = {
        "order": {**bundle["order"], "id": "ORD-HALF", "merchant_id": MERCHANT_A},
        "shipments": bundle["shipments"],
        "customs": bundle["customs"],
    }
    response = call(world.client, "POST", "/api/v1/orders", "platform", body)
    assert response.status_code == 500
    assert "disk full" not in response.get_data(as_text=True)
    with world.database.transaction() as session:
        assert session.get(Order, "ORD-HALF") is None
        assert (
            session.scalar(
                sa.select(sa.func.count()).select_from(Shipment).where(Shipment.order_id == "ORD-HALF")
            )
            == 0
        )


def test_timestamps_come_back_timezone_aware_utc(world: World) -> None:
    with world.database.transaction() as session:
        order = session.get(Order, "ORD-A-1")
        assert order is not None
        assert order.placed_at == datetime(2026, 3, 1, 2, 14, tzinfo=UTC)
        assert order.placed_at.utcoffset() is not None
