"""Re-verification refreshes tracking through the live clients (here: DHL's against the carrier simulator),
within a time budget; a carrier that fails gives CARRIER_UNAVAILABLE, never not_met."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from carriers._fetch import CarrierGuards, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK
from carriers.dhl.client import DhlClient
from carriers.simulator import SimulatorApp, build_app, parse_fault, running
from tests.api.support import MERCHANT_A, NOW, World, build_world, call, order_body
from tests.support import FIXTURES, assert_valid_verdict
from trace_verify.db.models import CarrierDocument
from trace_verify.db.session import Database

NUMBER = "3027158481"  # the simulator answers express-osaka-shanghai-customs-hold.json for it


@pytest.fixture(scope="module")
def simulator() -> Iterator[tuple[SimulatorApp, str]]:
    app = build_app(FIXTURES)
    with running(app) as base:
        yield app, base


def _client(base: str) -> DhlClient:
    policy = FetchPolicy(carrier="dhl", rate_per_second=50.0, burst=50, total_deadline=3, backoff_jitter=0)
    return DhlClient(base, "sim-key", policy, guards=CarrierGuards.for_policy(policy, SYSTEM_CLOCK))


def _world(database: Database, base: str) -> World:
    world = build_world(database, clients={"dhl": _client(base)}, budget=5.0)
    body = order_body("ORD-LIVE", MERCHANT_A, "C-LIVE")
    body["shipments"] = [{"carrier": "dhl", "tracking_number": NUMBER, "declared_origin_country": "JP"}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    return world


def test_reverification_stores_the_refreshed_document_as_evidence(
    database: Database, simulator: tuple[SimulatorApp, str]
) -> None:
    app, base = simulator
    app.faults.clear()
    world = _world(database, base)
    verdict = call(world.client, "POST", f"/api/v1/orders/ORD-LIVE/verdict?now={NOW}", "platform").get_json()
    assert_valid_verdict(verdict)
    assert verdict["timeline"], "the refreshed document's events are judged"
    assert "CARRIER_UNAVAILABLE" not in [f["code"] for f in verdict["findings"]]
    again = call(world.client, "POST", f"/api/v1/orders/ORD-LIVE/verdict?now={NOW}", "platform").get_json()
    assert again["timeline"] == verdict["timeline"]
    with database.transaction() as session:
        documents = session.scalars(
            sa.select(CarrierDocument).where(CarrierDocument.origin == "refresh")
        ).all()
        assert len(documents) == 1, "the same answer twice is stored once"
        assert (
            documents[0].content
            == (FIXTURES / "carriers/dhl/express-osaka-shanghai-customs-hold.json").read_bytes()
        )


def test_a_failing_carrier_gives_carrier_unavailable_never_not_met(
    database: Database, simulator: tuple[SimulatorApp, str]
) -> None:
    app, base = simulator
    app.faults.clear()
    app.faults.add(parse_fault("status=503"), path="/track/shipments", times=20)
    try:
        world = _world(database, base)
        response = call(world.client, "POST", f"/api/v1/orders/ORD-LIVE/verdict?now={NOW}", "platform")
    finally:
        app.faults.clear()
    verdict = response.get_json()
    assert response.status_code == 200
    assert_valid_verdict(verdict)
    assert verdict["verdict"] == "insufficient_evidence"
    finding = next(f for f in verdict["findings"] if f["code"] == "CARRIER_UNAVAILABLE")
    assert finding["evidence"] == [{"pointer": "/shipments/0"}]


def test_an_unreachable_carrier_is_bounded_by_the_budget(database: Database) -> None:
    world = build_world(database, clients={"dhl": _client("http://127.0.0.1:9")}, budget=1.0)
    body = order_body("ORD-DOWN", MERCHANT_A, "C-DOWN")
    body["shipments"] = [{"carrier": "dhl", "tracking_number": NUMBER}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    verdict = call(world.client, "POST", f"/api/v1/orders/ORD-DOWN/verdict?now={NOW}", "platform").get_json()
    assert verdict["verdict"] != "not_met"
    assert "CARRIER_UNAVAILABLE" in [f["code"] for f in verdict["findings"]]
