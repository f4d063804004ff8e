"""rules.md §8 in stored complaints' decisions (issue 14), end to end with the DHL simulator: no complaint
is rejected on the merchant's word alone, the carrier's record prevails, and no consumer certificate
moves money before staff confirm it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from carriers.aftership.push import SIGNATURE_HEADER, sign
from carriers.simulator import build_app, running
from tests.api.sources_support import (
    OSAKA_NUMBER,
    SHENZHEN_NUMBER,
    dhl_client,
    simulator_root,
    typed_osaka_events,
)
from tests.api.support import (
    CONSUMER_A,
    MERCHANT_A,
    WEBHOOK_SECRETS,
    World,
    auth,
    build_world,
    call,
    make_app,
    order_body,
    submit_order,
)
from tests.support import FIXTURES
from trace_verify.db.session import Database

_keys = itertools.count()
CERTIFICATE = {"issuer_type": "right_owner", "issuer": "Brand K.K.", "reference": "CERT-1"}


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """DHL on loopback: the real Osaka → Hangzhou record, and one starting in Shenzhen."""
    with running(build_app(simulator_root(tmp_path_factory.mktemp("sources-complaints")))) as base:
        yield base


def _file(client: FlaskClient, role: str, order_id: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {**auth(role), "Idempotency-Key": key or f"src-{next(_keys):06d}"}
    return client.post(f"/api/v1/orders/{order_id}/complaints", json=body, headers=headers)


def _typed_order(world: World, order_id: str, number: str) -> None:
    body = order_body(order_id, MERCHANT_A, CONSUMER_A, number)
    body["order"]["completed_at"] = None
    body["shipments"] = [
        {
            "carrier": "dhl",
            "tracking_number": number,
            "declared_origin_country": "JP",
            "events": typed_osaka_events(number),
        }
    ]
    body.pop("customs", None)
    submit_order(world.client, "merchant", body)  # the platform issues the order (issue 10)


def _direct(number: str) -> dict[str, Any]:
    return {
        "type": "direct_supply",
        "credentials": [{"kind": "waybill", "carrier": "dhl", "tracking_number": number}],
    }


def _top_up(world: World, amount: str, reference: str) -> None:
    headers = {**auth("platform"), "Idempotency-Key": f"top-up-{reference}"}
    body = {"amount": amount, "currency": "CNY", "reference": reference}
    response = world.client.post(
        f"/api/v1/merchants/{MERCHANT_A}/deposit/top-ups", json=body, headers=headers
    )
    assert response.status_code == 201, response.get_json()


def _deductions(database: Database) -> int:
    with database.transaction() as session:
        return int(
            session.scalar(sa.text("SELECT count(*) FROM ledger_transactions WHERE kind = 'deduction'"))
        )


def _codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]


def test_a_typed_foreign_pickup_goes_to_review_and_the_carriers_record_then_rejects(
    database: Database, simulator: str
) -> None:
    world = build_world(database)  # DHL has no live client yet: only the merchant's word
    _typed_order(world, "ORD-SELF-1", OSAKA_NUMBER)
    filed = _file(world.client, "consumer", "ORD-SELF-1", _direct(OSAKA_NUMBER))
    complaint = filed.get_json()
    assert filed.status_code == 201, complaint
    assert complaint["status"] == "manual_review", complaint["reasons"]
    assert "PATH_SELF_REPORTED" in _codes(complaint["reasons"])
    assert complaint["verdict"]["verdict"] == "met"  # the verdict stands; only the decision waits
    cited = next(r for r in complaint["reasons"] if r["code"] == "PATH_SELF_REPORTED")["evidence"]
    assert cited and all("timeline" in ref for ref in cited)
    # DHL's live client is switched on; a re-verification fetches DHL's own record of the route.
    app = make_app(database, clients={"dhl": dhl_client(simulator)})
    live = World(app, app.test_client(), database)
    assert call(live.client, "POST", "/api/v1/orders/ORD-SELF-1/verdict", "platform").status_code == 200
    pending = call(live.client, "GET", f"/api/v1/complaints/{complaint['id']}", "staff").get_json()
    assert pending["recheck_at"] is not None, "new carrier evidence asks for a re-check"
    services = app.extensions["trace_verify.services"]
    assert services.complaints.recheck_due(datetime.now(UTC) + timedelta(minutes=1)) == 1
    rechecked = call(live.client, "GET", f"/api/v1/complaints/{complaint['id']}", "staff").get_json()
    assert rechecked["status"] == "rejected", rechecked["reasons"]
    assert rechecked["verdict"]["verdict"] == "met"
    assert "PATH_SELF_REPORTED" not in _codes(rechecked["verdict"]["findings"])
    assert _deductions(database) == 0


def test_staff_deciding_first_stops_the_recheck(database: Database, simulator: str) -> None:
    world = build_world(database)
    _typed_order(world, "ORD-SELF-2", OSAKA_NUMBER)
    complaint = _file(world.client, "consumer", "ORD-SELF-2", _direct(OSAKA_NUMBER)).get_json()
    assert complaint["status"] == "manual_review"
    decision = {"decision": "rejected", "reason": "the merchant sent the export papers"}
    path = f"/api/v1/complaints/{complaint['id']}/decision"
    assert call(world.client, "POST", path, "staff", decision).status_code == 200
    app = make_app(database, clients={"dhl": dhl_client(simulator)})
    assert call(app.test_client(), "POST", "/api/v1/orders/ORD-SELF-2/verdict", "platform").status_code == 200
    after = call(app.test_client(), "GET", f"/api/v1/complaints/{complaint['id']}", "staff").get_json()
    assert after["status"] == "rejected" and after["decided_by"] == "staff" and after["recheck_at"] is None


def test_a_typed_osaka_pickup_contradicted_by_a_shenzhen_record_is_upheld_and_paid_once(
    database: Database, simulator: str
) -> None:
    world = build_world(database, clients={"dhl": dhl_client(simulator)})
    _top_up(world, "5000.00", "wire-sz")
    _typed_order(world, "ORD-SZ-C", SHENZHEN_NUMBER)
    key = "file-sz-once"
    first = _file(world.client, "consumer", "ORD-SZ-C", _direct(SHENZHEN_NUMBER), key)
    complaint = first.get_json()
    assert first.status_code == 201, complaint
    assert complaint["status"] == "upheld", complaint["reasons"]
    assert complaint["verdict"]["verdict"] == "not_met"
    assert "SUBMITTED_EVENT_CONTRADICTED" in _codes(complaint["verdict"]["findings"])
    assert complaint["decision"]["compensation"]["total"] == "936.00"
    replay = _file(world.client, "consumer", "ORD-SZ-C", _direct(SHENZHEN_NUMBER), key)
    assert replay.get_json() == complaint
    again = _file(world.client, "consumer", "ORD-SZ-C", _direct(SHENZHEN_NUMBER))
    assert again.status_code == 409
    assert _deductions(database) == 1


@pytest.mark.parametrize(
    ("filer", "staff", "status", "paid"),
    [
        ("consumer", None, "manual_review", 0),
        ("consumer", "upheld", "upheld", 1),
        ("consumer", "rejected", "rejected", 0),
        ("platform", None, "upheld", 1),
    ],
)
def test_a_consumers_certificate_moves_money_only_once_staff_confirm_it(
    world: World, filer: str, staff: str | None, status: str, paid: int
) -> None:
    _top_up(world, "5000.00", "wire-ggg")
    order = order_body("ORD-GGG", MERCHANT_A, CONSUMER_A, "4829105746")
    order["order"]["completed_at"] = None  # not completed yet: always within the 90-day window
    assert call(world.client, "POST", "/api/v1/orders", "platform", order).status_code == 201
    body: dict[str, Any] = {"type": "genuine_goods", "certificate": CERTIFICATE}
    filed = _file(world.client, filer, "ORD-GGG", body).get_json()
    if filer == "consumer":
        assert filed["status"] == "manual_review"
        assert "CERTIFICATE_UNVERIFIED" in _codes(filed["reasons"])
        assert filed["deduction"] is None
    if staff is not None:
        decided = call(
            world.client,
            "POST",
            f"/api/v1/complaints/{filed['id']}/decision",
            "staff",
            {"decision": staff, "reason": "certificate checked with the right owner"},
        )
        assert decided.status_code == 200, decided.get_json()
    final = call(world.client, "GET", f"/api/v1/complaints/{filed['id']}", "platform").get_json()
    assert final["status"] == status
    assert _deductions(world.database) == paid
    if paid:
        assert final["decision"]["compensation"]["total"] == "2340.00"


PUSH = (FIXTURES / "carriers/aftership/webhook-v4-ems-osaka-shanghai-customs-hold.json").read_bytes()
PUSH_NUMBER = "EB582073164JP"


def _push(world: World) -> None:
    response = world.client.post(
        "/api/v1/webhooks/aftership",
        data=PUSH,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(PUSH, WEBHOOK_SECRETS["aftership"])},
    )
    assert response.status_code == 200, response.get_json()


def test_a_carrier_push_asks_for_a_recheck_and_a_delivery_only_typed_stays_self_reported(
    world: World,
) -> None:
    def typed(at: str, milestone: str, city: str, country: str) -> dict[str, Any]:
        return {
            "carrier": "aftership",
            "tracking_number": PUSH_NUMBER,
            "occurred_at": at,
            "milestone": milestone,
            "location": {"city": city, "country": country},
            "description": f"{milestone} (typed by the merchant)",
        }

    body = order_body("ORD-PUSH-C", MERCHANT_A, CONSUMER_A, PUSH_NUMBER)
    body["order"]["completed_at"] = None
    body.pop("customs", None)
    body["shipments"] = [
        {
            "carrier": "aftership",
            "tracking_number": PUSH_NUMBER,
            "events": [
                typed("2026-04-13T02:20:00Z", "picked_up", "Osaka", "JP"),
                typed("2026-04-14T00:05:00Z", "departed_origin", "Osaka", "JP"),
                typed("2026-04-14T21:40:00Z", "arrived_destination_country", "Shanghai", "CN"),
                typed("2026-04-18T06:00:00Z", "delivered", "Hangzhou", "CN"),
            ],
        }
    ]
    submit_order(world.client, "merchant", body)
    credentials = [{"kind": "waybill", "carrier": "aftership", "tracking_number": PUSH_NUMBER}]
    filed = _file(
        world.client, "consumer", "ORD-PUSH-C", {"type": "direct_supply", "credentials": credentials}
    )
    complaint = filed.get_json()
    assert complaint["status"] == "manual_review" and complaint["recheck_at"] is None, complaint
    _push(world)
    pending = call(world.client, "GET", f"/api/v1/complaints/{complaint['id']}", "staff").get_json()
    assert pending["recheck_at"] is not None, "the carrier's push is new evidence"
    services = world.app.extensions["trace_verify.services"]
    assert services.complaints.recheck_due(datetime.now(UTC) + timedelta(minutes=1)) == 1
    after = call(world.client, "GET", f"/api/v1/complaints/{complaint['id']}", "staff").get_json()
    # The carrier confirms the route up to Shanghai's customs; the delivery is still the merchant's word.
    assert after["status"] == "manual_review" and after["recheck_at"] is None
    assert "PATH_SELF_REPORTED" in _codes(after["reasons"])
    _push(world)  # the same body again says nothing new
    again = call(world.client, "GET", f"/api/v1/complaints/{complaint['id']}", "staff").get_json()
    assert again["recheck_at"] is None


@pytest.mark.parametrize("own_events", [False, True])
def test_a_consumers_waybill_moves_money_on_the_carriers_answer_not_on_its_own_copy(
    database: Database, simulator: str, own_events: bool
) -> None:
    world = build_world(database, clients={"dhl": dhl_client(simulator)})
    # The order's own shipment: FedEx (no live client), as the platform submitted it: met.
    body = order_body("ORD-WAYBILL", MERCHANT_A, CONSUMER_A, "986578788855")
    body["order"]["completed_at"] = None
    shipment = body["shipments"][0]
    shipment["carrier"] = "fedex"
    for event in shipment["events"]:
        event["carrier"] = "fedex"
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    # The consumer's waybill is another parcel: DHL's record has it from Shenzhen to Hangzhou.
    credential: dict[str, Any] = {"kind": "waybill", "carrier": "dhl", "tracking_number": SHENZHEN_NUMBER}
    if own_events:
        credential["events"] = [
            {
                "carrier": "dhl",
                "tracking_number": SHENZHEN_NUMBER,
                "occurred_at": "2026-03-03T06:07:00Z",
                "milestone": "delivered",
                "location": {"city": "Hangzhou", "country": "CN"},
                "description": "delivered (the consumer's screenshot)",
            }
        ]
    complaint = {"type": "direct_supply", "credentials": [credential]}
    filed = _file(world.client, "consumer", "ORD-WAYBILL", complaint).get_json()
    assert "CONSUMER_WAYBILL_UNLINKED" in _codes(filed["verdict"]["findings"]), filed["verdict"]["findings"]
    assert filed["status"] == ("manual_review" if own_events else "upheld")
