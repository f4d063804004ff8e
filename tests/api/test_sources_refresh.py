"""rules.md §8 end to end on stored orders, with the carrier simulator: a merchant's typed foreign pickup
is self-reported until DHL's own record confirms the route, and contradicted when DHL's record starts in
Shenzhen instead (the issue's story, told on the stored order's verdict)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from carriers.simulator import build_app, running
from tests.api.sources_support import (
    OSAKA_NUMBER,
    SHENZHEN_NUMBER,
    dhl_client,
    simulator_root,
    typed_osaka_events,
)
from tests.api.support import MERCHANT_A, NOW, World, build_world, call, make_app, order_body, submit_order
from tests.support import assert_valid_verdict
from trace_verify.db.session import Database


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """DHL on loopback answering the real Osaka → Hangzhou record and a Shenzhen → Hangzhou one."""
    with running(build_app(simulator_root(tmp_path_factory.mktemp("sources-sim")))) as base:
        yield base


def _typed_order(world: World, order_id: str, number: str) -> None:
    body = order_body(order_id, MERCHANT_A, "C-TYPED", number)
    body["shipments"] = [
        {
            "carrier": "dhl",
            "tracking_number": number,
            "declared_origin_country": "JP",
            "events": typed_osaka_events(number),
        }
    ]
    submit_order(world.client, "merchant", body)


def _verdict(world: World, order_id: str) -> dict[str, Any]:
    response = call(world.client, "POST", f"/api/v1/orders/{order_id}/verdict?now={NOW}", "merchant")
    assert response.status_code == 200, response.get_json()
    verdict: dict[str, Any] = response.get_json()
    assert_valid_verdict(verdict)
    return verdict


def _codes(verdict: dict[str, Any]) -> list[str]:
    return [f["code"] for f in verdict["findings"]]


def test_typed_events_are_self_reported_until_the_carrier_confirms_them(
    database: Database, simulator: str
) -> None:
    offline = build_world(database)  # no live client: only what the merchant typed
    _typed_order(offline, "ORD-TYPED", OSAKA_NUMBER)
    before = _verdict(offline, "ORD-TYPED")
    assert before["verdict"] == "met" and "PATH_SELF_REPORTED" in _codes(before)
    app = make_app(database, clients={"dhl": dhl_client(simulator)})  # the carrier's client switched on
    live = World(app, app.test_client(), database)
    after = _verdict(live, "ORD-TYPED")
    assert after["verdict"] == "met", [(f["code"], f["evidence"]) for f in after["findings"]]
    assert "PATH_SELF_REPORTED" not in _codes(after), "DHL's own record now carries the path"
    assert "SUBMITTED_EVENT_CONTRADICTED" not in _codes(after)
    sources = next(f for f in after["findings"] if f["code"] == "EVIDENCE_SOURCES")["evidence"]
    assert [s["source"] for s in sources] == ["carrier_api", "merchant"]


def test_a_typed_osaka_pickup_is_contradicted_by_a_record_starting_in_shenzhen(
    database: Database, simulator: str
) -> None:
    world = build_world(database, clients={"dhl": dhl_client(simulator)})
    _typed_order(world, "ORD-SZ", SHENZHEN_NUMBER)
    verdict = _verdict(world, "ORD-SZ")
    assert verdict["verdict"] == "not_met"
    contradicted = [f for f in verdict["findings"] if f["code"] == "SUBMITTED_EVENT_CONTRADICTED"]
    cited = [
        [
            (
                verdict["timeline"][ref["timeline"]]["location"]["city"],
                verdict["timeline"][ref["timeline"]]["milestone"],
            )
            for ref in f["evidence"]
        ]
        for f in contradicted
    ]
    assert cited == [
        [("Osaka", "picked_up"), ("SHENZHEN", "picked_up")],  # before DHL's first scan, no crossing shown
        [("Osaka", "departed_origin"), ("SHENZHEN", "in_transit")],  # DHL had it in Shenzhen then
    ]
    # The same bundle handed to POST /verify is judged as given (the caller vouches for it).
    stored = call(world.client, "GET", "/api/v1/orders/ORD-SZ", "merchant").get_json()
    assert stored["verdict"]["verdict"] == "not_met"
