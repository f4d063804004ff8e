"""The demo's three evidence-source stories (README, "Who says so"): with DHL on the simulator serving
``fixtures/demo/simulator``, the merchant's typed Osaka events are confirmed by DHL's record, left
self-reported (FedEx, no live client), or contradicted by DHL's record starting in Shenzhen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from carriers import REGISTRY
from carriers.simulator import build_app, running
from tests.api.sources_support import dhl_client
from tests.api.support import NOW, make_app
from tests.support import FIXTURES, assert_valid_verdict
from trace_verify.db.session import Database
from trace_verify.services.demo import DEMO_KEYS, load_demo

PLATFORM = next(k.secret for k in DEMO_KEYS if k.id == "demo-platform")
MERCHANT = next(k.secret for k in DEMO_KEYS if k.id == "demo-merchant-osaka")


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    with running(build_app(FIXTURES / "demo" / "simulator")) as base:
        yield base


def _verdict(client: Any, order_id: str) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/orders/{order_id}/verdict?now={NOW}", headers={"Authorization": f"Bearer {MERCHANT}"}
    )
    assert response.status_code == 200, response.get_json()
    verdict: dict[str, Any] = response.get_json()
    assert_valid_verdict(verdict)
    return verdict


def test_the_demo_shows_confirmed_self_reported_and_contradicted(database: Database, simulator: str) -> None:
    load_demo(database, REGISTRY, FIXTURES / "demo", datetime(2026, 3, 4, tzinfo=UTC))
    client = make_app(database, clients={"dhl": dhl_client(simulator)}).test_client()
    shipment = client.get(
        "/api/v1/orders/ORD-2026-000302/shipments/0", headers={"Authorization": f"Bearer {PLATFORM}"}
    ).get_json()
    assert shipment["source"] == "merchant" and {e["source"] for e in shipment["events"]} == {"merchant"}
    confirmed = _verdict(client, "ORD-2026-000301")
    assert confirmed["verdict"] == "met"
    assert "PATH_SELF_REPORTED" not in [f["code"] for f in confirmed["findings"]]
    self_reported = _verdict(client, "ORD-2026-000302")
    assert self_reported["verdict"] == "met"
    assert "PATH_SELF_REPORTED" in [f["code"] for f in self_reported["findings"]]
    contradicted = _verdict(client, "ORD-2026-000303")
    assert contradicted["verdict"] == "not_met"
    assert "SUBMITTED_EVENT_CONTRADICTED" in [f["code"] for f in contradicted["findings"]]


def test_the_demo_consumer_files_one_complaint_of_each_kind(database: Database, simulator: str) -> None:
    load_demo(database, REGISTRY, FIXTURES / "demo", datetime(2026, 3, 4, tzinfo=UTC))
    client = make_app(database, clients={"dhl": dhl_client(simulator)}).test_client()
    consumer = next(k.secret for k in DEMO_KEYS if k.id == "demo-consumer")
    outcomes = {}
    for order_id, carrier, number in (
        ("ORD-2026-000301", "dhl", "5987120344"),
        ("ORD-2026-000302", "fedex", "986578788855"),
        ("ORD-2026-000303", "dhl", "5871203940"),
    ):
        body = {
            "type": "direct_supply",
            "credentials": [{"kind": "waybill", "carrier": carrier, "tracking_number": number}],
        }
        headers = {"Authorization": f"Bearer {consumer}", "Idempotency-Key": f"demo-{order_id}"}
        response = client.post(f"/api/v1/orders/{order_id}/complaints", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        filed = response.get_json()
        outcomes[order_id] = (filed["status"], [r["code"] for r in filed["reasons"]])
    assert outcomes["ORD-2026-000301"] == ("rejected", [])  # DHL's own record confirms the route
    assert outcomes["ORD-2026-000302"][0] == "manual_review"  # only the merchant says so
    assert "PATH_SELF_REPORTED" in outcomes["ORD-2026-000302"][1]
    assert outcomes["ORD-2026-000303"][0] == "upheld"  # DHL's record starts in Shenzhen
