"""Concurrent identical writes (issue 10, classes 3 and 10): a unique violation is a 409 ``CONFLICT`` or
the original answer, never a 500, and nothing is half-written; concurrent signed pushes are stored once
and counted exactly. Runs on SQLite and PostgreSQL, with real threads released together."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

from carriers.aftership.push import SIGNATURE_HEADER, sign
from tests.api.support import (
    MERCHANT_A,
    ORDER_A,
    WEBHOOK_SECRETS,
    World,
    auth,
    call,
    direct_met,
    merchant_body,
    order_body,
)
from tests.support import FIXTURES
from trace_verify.db.models import CarrierDocument, CustomsDeclaration, Merchant, Order, Shipment, WebhookPush

THREADS = 16


def _at_once(world: World, method: str, path: str, body: Any, role: str = "platform") -> Counter[int]:
    """``THREADS`` identical requests released by one barrier; the count of each status."""
    barrier = threading.Barrier(THREADS)

    def one(_: int) -> int:
        client = world.app.test_client()
        barrier.wait()
        response = client.open(path, method=method, headers=auth(role), json=body)
        assert response.is_json, response.data[:200]
        return response.status_code

    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(pool.map(one, range(THREADS)))


def _count(world: World, model: type, *where: Any) -> int:
    with world.database.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


def test_identical_merchant_registrations_store_one_and_answer_the_original(world: World) -> None:
    statuses = _at_once(world, "POST", "/api/v1/merchants", merchant_body("M-RACE"))
    assert statuses == Counter({201: THREADS})
    assert _count(world, Merchant, Merchant.id == "M-RACE") == 1


def test_different_registrations_of_one_id_are_one_201_and_409s(world: World) -> None:
    barrier = threading.Barrier(THREADS)

    def one(i: int) -> int:
        client = world.app.test_client()
        barrier.wait()
        body = {**merchant_body("M-RACE2"), "name": f"Name {i}"}
        return call(client, "POST", "/api/v1/merchants", "platform", body).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = Counter(pool.map(one, range(THREADS)))
    assert statuses == Counter({201: 1, 409: THREADS - 1})


def test_identical_orders_store_one_order_once(world: World) -> None:
    body = order_body("ORD-RACE", MERCHANT_A, "C-A-001")
    statuses = _at_once(world, "POST", "/api/v1/orders", body)
    assert statuses == Counter({201: THREADS})
    assert _count(world, Order, Order.id == "ORD-RACE") == 1
    assert _count(world, Shipment, Shipment.order_id == "ORD-RACE") == 1
    assert _count(world, CustomsDeclaration, CustomsDeclaration.order_id == "ORD-RACE") == 1


def test_identical_shipments_store_one_and_the_rest_conflict(world: World) -> None:
    shipment = {"carrier": "dhl", "tracking_number": "5566778899"}
    statuses = _at_once(world, "POST", f"/api/v1/orders/{ORDER_A}/shipments", shipment)
    assert statuses == Counter({201: 1, 409: THREADS - 1})
    assert _count(world, Shipment, Shipment.order_id == ORDER_A) == 2


def test_identical_customs_records_store_one(world: World) -> None:
    record = {"declaration_number": "220120269999000001", "supervision_mode": "9610", "port": "2201"}
    before = _count(world, CustomsDeclaration, CustomsDeclaration.order_id == ORDER_A)
    statuses = _at_once(world, "POST", f"/api/v1/orders/{ORDER_A}/customs", record)
    assert statuses == Counter({201: THREADS})
    assert _count(world, CustomsDeclaration, CustomsDeclaration.order_id == ORDER_A) == before + 1


def test_identical_document_replacements_store_the_document_once(world: World) -> None:
    document = (FIXTURES / "carriers" / "dhl" / "express-osaka-hangzhou-delivered.json").read_text("utf-8")
    body = {"documents": [{"carrier": "dhl", "content": document}]}
    statuses = _at_once(world, "PUT", f"/api/v1/orders/{ORDER_A}/shipments/0/documents", body)
    assert statuses == Counter({200: THREADS})
    assert _count(world, CarrierDocument) == 1


def test_identical_signed_pushes_are_stored_once_and_counted_exactly(world: World) -> None:
    body = order_body("ORD-PUSHED", MERCHANT_A, "C-A-001")
    body["shipments"] = [{"carrier": "aftership", "tracking_number": "EB582073164JP"}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    push = (
        FIXTURES / "carriers" / "aftership" / "webhook-v4-ems-osaka-shanghai-customs-hold.json"
    ).read_bytes()
    headers = {SIGNATURE_HEADER: sign(push, WEBHOOK_SECRETS["aftership"])}
    pushes = 20
    barrier = threading.Barrier(pushes)

    def one(_: int) -> int:
        client = world.app.test_client()
        barrier.wait()
        response = client.post(
            "/api/v1/webhooks/aftership", data=push, content_type="application/json", headers=headers
        )
        return response.status_code

    with ThreadPoolExecutor(pushes) as pool:
        statuses = Counter(pool.map(one, range(pushes)))
    assert statuses == Counter({200: pushes})
    with world.database.transaction() as session:
        rows = session.scalars(sa.select(WebhookPush)).all()
        assert [r.deliveries for r in rows] == [pushes]


def test_a_bundle_fixture_is_still_verifiable(world: World) -> None:
    """Guard: the serialised writes leave reads working (a verify right after the races)."""
    assert call(world.client, "POST", "/api/v1/verify", "platform", direct_met()).status_code == 200
