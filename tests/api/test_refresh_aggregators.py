"""Stored orders refresh through Kuaidi100 and AfterShip too: their live clients are built from the specs
(against the carrier simulator on loopback) and fetch with the courier code stored with the shipment, read
off the aggregator's earlier events, or derived from the number's format."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from carriers.clients import build_clients
from carriers.simulator import SimulatorApp, build_app, running
from tests.api.support import MERCHANT_A, NOW, World, build_world, call, order_body
from tests.support import FIXTURES, assert_valid_verdict
from trace_verify.db.models import CarrierDocument, Shipment
from trace_verify.db.session import Database

KUAIDI100_NUMBER = "EB316209571JP"  # query-ems-osaka-shanghai-customs-hold.json (com "ems")
AFTERSHIP_NUMBER = "5820731641"  # tracking-2024-10-dhl-tokyo-sf-hangzhou-delivered.json (slug "dhl")


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    app: SimulatorApp = build_app(FIXTURES)
    with running(app) as base:
        yield base


def _world(database: Database, base: str, shipment: dict[str, str]) -> World:
    clients = build_clients(
        {
            "kuaidi100": {"base_url": base, "customer": "sim-customer", "key": "sim-key"},
            "aftership": {"base_url": base, "api_key": "sim-key"},
        }
    )
    assert set(clients) == {"kuaidi100", "aftership"}
    world = build_world(database, clients=clients, budget=5.0)
    body = order_body("ORD-AGG", MERCHANT_A, "C-AGG")
    body["shipments"] = [shipment]
    created = call(world.client, "POST", "/api/v1/orders", "platform", body)
    assert created.status_code == 201, created.get_json()
    return world


def _refreshed(database: Database) -> list[bytes]:
    with database.transaction() as session:
        query = sa.select(CarrierDocument).where(CarrierDocument.origin == "refresh")
        return [d.content for d in session.scalars(query).all()]


def _reverify(world: World) -> dict[str, object]:
    response = call(world.client, "POST", f"/api/v1/orders/ORD-AGG/verdict?now={NOW}", "platform")
    assert response.status_code == 200
    verdict: dict[str, object] = response.get_json()
    assert_valid_verdict(verdict)
    return verdict


def test_kuaidi100_refreshes_with_the_stored_company_code(database: Database, simulator: str) -> None:
    world = _world(
        database,
        simulator,
        {"carrier": "kuaidi100", "tracking_number": KUAIDI100_NUMBER, "courier_code": "ems"},
    )
    shipment = call(world.client, "GET", "/api/v1/orders/ORD-AGG/shipments/0", "platform").get_json()
    assert shipment["courier_code"] == "ems"
    verdict = _reverify(world)
    assert verdict["timeline"], "the refreshed Kuaidi100 answer is judged"
    assert _refreshed(database) == [
        (FIXTURES / "carriers/kuaidi100/query-ems-osaka-shanghai-customs-hold.json").read_bytes()
    ]


def test_aftership_derives_the_slug_from_the_number(database: Database, simulator: str) -> None:
    world = _world(database, simulator, {"carrier": "aftership", "tracking_number": AFTERSHIP_NUMBER})
    with database.transaction() as session:
        query = sa.select(Shipment.courier_code).where(Shipment.order_id == "ORD-AGG")
        assert session.scalars(query).all() == [None]
    verdict = _reverify(world)
    assert "CARRIER_UNAVAILABLE" not in [f["code"] for f in verdict["findings"]]  # type: ignore[union-attr,index]
    assert _refreshed(database) == [
        (FIXTURES / "carriers/aftership/tracking-2024-10-dhl-tokyo-sf-hangzhou-delivered.json").read_bytes()
    ]


def test_no_courier_code_and_a_number_naming_none_is_a_failed_refresh(
    database: Database, simulator: str
) -> None:
    world = _world(database, simulator, {"carrier": "kuaidi100", "tracking_number": "4312345678901"})
    verdict = _reverify(world)
    findings = verdict["findings"]
    assert isinstance(findings, list)
    unavailable = [f for f in findings if f["code"] == "CARRIER_UNAVAILABLE"]
    assert unavailable and "courier_unknown" in unavailable[0]["message"]
    assert verdict["verdict"] != "not_met"
    assert _refreshed(database) == []


def test_an_invalid_courier_code_is_refused_when_stored(database: Database, simulator: str) -> None:
    world = _world(database, simulator, {"carrier": "aftership", "tracking_number": AFTERSHIP_NUMBER})
    body = {"carrier": "kuaidi100", "tracking_number": KUAIDI100_NUMBER, "courier_code": "EMS; drop"}
    response = call(world.client, "POST", "/api/v1/orders/ORD-AGG/shipments", "platform", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"].endswith("/courier_code")
