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
from carriers.spec import ByNumber
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


def _client(base: str) -> ByNumber:
    policy = FetchPolicy(carrier="dhl", rate_per_second=50.0, burst=50, total_deadline=3, backoff_jitter=0)
    return ByNumber(DhlClient(base, "sim-key", policy, guards=CarrierGuards.for_policy(policy, SYSTEM_CLOCK)))


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


# --- issue 11 §7: a failed refresh never erases evidence ------------------------------------------------


def _stored_world(database: Database, clients: dict[str, DhlClient], order_id: str, number: str) -> World:
    """An order whose seven stored DHL events verify met (direct-met), with these live clients; the
    number is one no other stored order carries and the simulator does not know."""
    world = build_world(database, clients=dict(clients), budget=3.0)
    body = order_body(order_id, MERCHANT_A, f"C-{order_id}", number)
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    return world


def test_a_failing_refresh_judges_the_stored_events_and_adds_carrier_unavailable(
    database: Database, simulator: tuple[SimulatorApp, str]
) -> None:
    app, base = simulator
    app.faults.clear()
    app.faults.add(parse_fault("status=503"), path="/track/shipments", times=20)
    try:
        world = _stored_world(database, {"dhl": _client(base)}, "ORD-KEEP-503", "4829105816")
        verdict = call(world.client, "POST", f"/api/v1/orders/ORD-KEEP-503/verdict?now={NOW}", "platform")
    finally:
        app.faults.clear()
    body = verdict.get_json()
    assert_valid_verdict(body)
    assert (body["verdict"], body["path"]) == ("met", "direct_international"), body["findings"]
    unavailable = [f for f in body["findings"] if f["code"] == "CARRIER_UNAVAILABLE"]
    assert len(unavailable) == 1 and unavailable[0]["severity"] == "warning"
    assert "stored events were judged" in unavailable[0]["message"]
    assert len(body["timeline"]) == 7


def test_a_not_found_for_a_number_we_hold_events_for_is_not_news(
    database: Database, simulator: tuple[SimulatorApp, str]
) -> None:
    """The simulator does not know 4829105820 (carriers purge old tracking): its not-found answer is
    not stored over the seven stored events, and the verdict stays met with a warning."""
    app, base = simulator
    app.faults.clear()
    world = _stored_world(database, {"dhl": _client(base)}, "ORD-KEEP-404", "4829105820")
    body = call(world.client, "POST", f"/api/v1/orders/ORD-KEEP-404/verdict?now={NOW}", "platform").get_json()
    assert_valid_verdict(body)
    assert body["verdict"] == "met"
    assert "CARRIER_UNAVAILABLE" in [f["code"] for f in body["findings"]]
    again = call(
        world.client, "POST", f"/api/v1/orders/ORD-KEEP-404/verdict?now={NOW}", "platform"
    ).get_json()
    assert again["verdict"] == "met", "a second refresh finds the evidence whole"
    with database.transaction() as session:
        refreshed = session.scalars(
            sa.select(CarrierDocument).where(CarrierDocument.origin == "refresh")
        ).all()
        assert refreshed == [], "the not-found answer is not stored as the shipment's current document"


def test_a_carrier_without_a_client_is_named_as_not_asked(database: Database) -> None:
    world = build_world(database, clients={}, budget=1.0)
    body = order_body("ORD-UNASKED", MERCHANT_A, "C-UNASKED", "4829105831")
    body["shipments"][0]["events"] = body["shipments"][0]["events"][:5]  # not delivered yet
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    verdict = call(
        world.client, "POST", f"/api/v1/orders/ORD-UNASKED/verdict?now={NOW}", "platform"
    ).get_json()
    assert_valid_verdict(verdict)
    assert verdict["verdict"] == "insufficient_evidence"
    [waiting] = [f for f in verdict["findings"] if f["code"] == "NOT_DELIVERED"]
    assert "dhl was not asked: no live client is configured" in waiting["message"]
    assert "CARRIER_UNAVAILABLE" not in [f["code"] for f in verdict["findings"]]
