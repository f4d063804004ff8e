"""Complaints over HTTP on both databases: filing with the automatic check, the decision and its
deduction, one open-or-upheld complaint per type, staff decisions, what each role sees, re-checks
after a carrier outage (the DHL simulator), and the audit chain they leave."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from carriers._fetch import CarrierGuards, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK
from carriers.dhl.client import DhlClient
from carriers.simulator import SimulatorApp, build_app, parse_fault, running
from tests.api.support import CONSUMER_A, MERCHANT_A, ORDER_A, World, auth, build_world, call, order_body
from tests.support import FIXTURES, assert_valid_verdict
from trace_verify.db.session import Database
from trace_verify.services import audit

CERTIFICATE = {"issuer_type": "right_owner", "issuer": "Brand K.K.", "reference": "CERT-1"}
#: Within the 90-day window of the order's completion (2026-03-06), as the platform may date it.
FILED_AT = "2026-03-07T08:00:00Z"
_keys = itertools.count()


def file(
    world: World, role: str, body: dict[str, Any], order_id: str = ORDER_A, key: str | None = None
) -> Any:
    headers = {**auth(role), "Idempotency-Key": key or f"file-{next(_keys):06d}"}
    return world.client.post(f"/api/v1/orders/{order_id}/complaints", json=body, headers=headers)


def top_up(world: World, amount: str, reference: str) -> None:
    headers = {**auth("platform"), "Idempotency-Key": f"top-up-{reference}"}
    body = {"amount": amount, "currency": "CNY", "reference": reference}
    response = world.client.post(
        f"/api/v1/merchants/{MERCHANT_A}/deposit/top-ups", json=body, headers=headers
    )
    assert response.status_code == 201, response.get_json()


def ggg(**extra: Any) -> dict[str, Any]:
    return {"type": "genuine_goods", "certificate": CERTIFICATE, **extra}


def deductions(database: Database) -> int:
    with database.transaction() as session:
        return int(
            session.scalar(sa.text("SELECT count(*) FROM ledger_transactions WHERE kind = 'deduction'"))
        )


def test_an_upheld_complaint_is_paid_once_from_the_deposit_with_a_shortfall(world: World) -> None:
    top_up(world, "1000.00", "wire-1")
    response = file(world, "platform", ggg(filed_at=FILED_AT))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "upheld" and body["decided_by"] == "automatic"
    assert body["decision"]["compensation"]["total"] == "2340.00"  # 468 refund + 4 × 468 + 0 delivery
    assert [line["kind"] for line in body["decision"]["compensation"]["lines"]] == [
        "refund",
        "compensation",
        "delivery",
    ]
    assert_valid_verdict(body["verdict"])
    assert body["verdict"]["complaint"]["decision"] == "upheld"
    entries = {(e["account"], e["direction"]): e["amount"] for e in body["deduction"]["entries"]}
    assert entries == {
        (f"deposit:{MERCHANT_A}", "debit"): "1000.00",
        (f"receivable:merchant:{MERCHANT_A}", "debit"): "1340.00",
        (f"payable:complaint:{body['id']}", "credit"): "2340.00",
    }
    deposit = call(world.client, "GET", f"/api/v1/merchants/{MERCHANT_A}/deposit", "platform").get_json()
    assert deposit["balances"] == [{"currency": "CNY", "balance": "0.00", "reconciled": True}]
    assert [s["outstanding"] for s in deposit["open_shortfalls"]] == ["1340.00"]
    second = file(world, "platform", ggg(filed_at=FILED_AT))
    assert second.status_code == 409
    assert body["id"] in second.get_json()["error"]["message"]
    assert deductions(world.database) == 1


def test_a_consumers_certificate_waits_for_staff_then_upholding_deducts(world: World) -> None:
    top_up(world, "5000.00", "wire-1")
    late = file(world, "consumer", ggg())  # filed today: more than 90 days after completion
    assert late.status_code == 201 and late.get_json()["status"] == "rejected"
    body = order_body("ORD-OPEN", MERCHANT_A, CONSUMER_A)
    body["order"]["completed_at"] = None  # not completed yet: always in time
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    filed = file(world, "consumer", ggg(), order_id="ORD-OPEN").get_json()
    assert filed["status"] == "manual_review" and filed["recheck_at"] is None
    assert [r["code"] for r in filed["reasons"]] == ["CERTIFICATE_UNVERIFIED"]
    assert filed["verdict"]["complaint"]["decision"] == "manual_review"
    assert deductions(world.database) == 0
    services = world.app.extensions["trace_verify.services"]
    with world.database.write_transaction() as session:  # new carrier evidence arrived (issue 14's hook)
        assert services.complaints.request_recheck(session, "ORD-OPEN", datetime.now(UTC)) == 1
    assert services.complaints.recheck_due(datetime.now(UTC) + timedelta(seconds=1)) == 1
    again = call(world.client, "GET", f"/api/v1/complaints/{filed['id']}", "staff").get_json()
    assert again["status"] == "manual_review" and again["recheck_at"] is None  # still the certificate
    path = f"/api/v1/complaints/{filed['id']}/decision"
    confirmed = call(
        world.client, "POST", path, "staff", {"decision": "upheld", "reason": "certificate checked"}
    )
    assert confirmed.get_json()["status"] == "upheld"
    assert confirmed.get_json()["decision"]["compensation"]["total"] == "2340.00"
    assert deductions(world.database) == 1


def test_staff_decide_a_manual_review_once(world: World) -> None:
    top_up(world, "5000.00", "wire-1")
    filed = file(world, "platform", {"type": "genuine_goods", "filed_at": FILED_AT})  # no certificate
    body = filed.get_json()
    assert body["status"] == "manual_review" and deductions(world.database) == 0
    path = f"/api/v1/complaints/{body['id']}/decision"
    decision = {"decision": "upheld", "reason": "certificate received by mail"}
    for role in ("platform", "merchant", "consumer"):
        assert call(world.client, "POST", path, role, decision).status_code == 403
    decided = call(world.client, "POST", path, "staff", decision)
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "upheld" and decided.get_json()["decided_by"] == "staff"
    assert decided.get_json()["deduction"]["kind"] == "deduction"
    again = call(world.client, "POST", path, "staff", {"decision": "rejected", "reason": "changed my mind"})
    assert again.status_code == 409
    assert deductions(world.database) == 1


def test_what_each_role_sees_and_the_filters(world: World) -> None:
    refused = file(world, "consumer", {"type": "direct_supply", "filed_at": FILED_AT})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "UNKNOWN_FIELD"
    credentials = [{"kind": "waybill", "carrier": "dhl", "tracking_number": "4829105735", "note": "my flat"}]
    filed = file(world, "consumer", {"type": "direct_supply", "credentials": credentials})
    assert filed.status_code == 201, filed.get_json()
    body = filed.get_json()
    assert body["status"] == "rejected" and body["verdict"]["verdict"] == "met"
    assert body["consumer_id"] == CONSUMER_A
    seen = call(world.client, "GET", f"/api/v1/complaints/{body['id']}", "merchant").get_json()
    assert seen["consumer_id"] is None and "note" not in seen["complaint"]["credentials"][0]
    assert CONSUMER_A not in str(seen["complaint"])
    assert call(world.client, "GET", f"/api/v1/complaints/{body['id']}", "merchant_b").status_code == 404
    assert file(world, "merchant", {"type": "direct_supply", "credentials": credentials}).status_code == 403
    assert file(world, "consumer", {"type": "direct_supply"}, order_id="ORD-B-1").status_code == 404
    listed = call(world.client, "GET", "/api/v1/complaints?status=rejected", "staff").get_json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    assert call(world.client, "GET", "/api/v1/complaints?status=upheld", "staff").get_json()["items"] == []
    assert call(world.client, "GET", "/api/v1/complaints", "merchant_b").get_json()["items"] == []
    missing = world.client.post(
        f"/api/v1/orders/{ORDER_A}/complaints", json={"type": "direct_supply"}, headers=auth("consumer")
    )
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"


def test_filings_and_money_leave_a_verifiable_audit_chain(world: World) -> None:
    top_up(world, "5000.00", "wire-1")
    assert file(world, "platform", ggg(filed_at=FILED_AT)).status_code == 201
    with world.database.transaction() as session:
        report = audit.verify_chain(session)
        actions = list(session.scalars(sa.text("SELECT action FROM audit_log ORDER BY seq")))
    assert report.ok and report.records == len(actions)
    assert [a for a in actions if not a.startswith("key.")] == [
        "deposit.top_up",
        "deposit.deduction",
        "complaint.filed",
    ]
    assert actions.count("key.created") == 5  # the world's keys: platform, staff, two merchants, consumer


# -- a carrier outage during the check, and the re-check once it recovers ---------------------------

NUMBER = "4589127734"  # the simulator answers express-osaka-hangzhou-delivered.json for it


@pytest.fixture(scope="module")
def simulator() -> Iterator[tuple[SimulatorApp, str]]:
    app = build_app(FIXTURES)
    with running(app) as base:
        yield app, base


def _dhl(base: str) -> DhlClient:
    policy = FetchPolicy(carrier="dhl", rate_per_second=50.0, burst=50, total_deadline=2, backoff_jitter=0)
    return DhlClient(base, "sim-key", policy, guards=CarrierGuards.for_policy(policy, SYSTEM_CLOCK))


def test_a_carrier_outage_sends_the_complaint_to_review_and_the_recheck_decides(
    database: Database, simulator: tuple[SimulatorApp, str]
) -> None:
    app, base = simulator
    app.faults.clear()
    app.faults.add(parse_fault("status=503"), path="/track/shipments", times=1000)
    world = build_world(database, clients={"dhl": _dhl(base)}, budget=3.0)
    body = order_body("ORD-OUTAGE", MERCHANT_A, CONSUMER_A)
    body["order"]["completed_at"] = None
    body["shipments"] = [{"carrier": "dhl", "tracking_number": NUMBER, "declared_origin_country": "JP"}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    credentials = [{"kind": "waybill", "carrier": "dhl", "tracking_number": NUMBER}]
    try:
        filed = file(world, "consumer", {"type": "direct_supply", "credentials": credentials}, "ORD-OUTAGE")
    finally:
        app.faults.clear()
    complaint = filed.get_json()
    assert filed.status_code == 201, complaint
    assert complaint["status"] == "manual_review" and complaint["recheck_at"] is not None
    assert "CARRIER_UNAVAILABLE" in [r["code"] for r in complaint["reasons"]]
    assert complaint["verdict"]["verdict"] != "not_met"
    services = world.app.extensions["trace_verify.services"]
    later = datetime.now(UTC) + timedelta(minutes=2)
    assert services.complaints.recheck_due(later) == 1
    rechecked = call(world.client, "GET", f"/api/v1/complaints/{complaint['id']}", "platform").get_json()
    assert rechecked["status"] == "rejected" and rechecked["recheck_at"] is None
    assert rechecked["verdict"]["verdict"] == "met"
    assert services.complaints.recheck_due(later) == 0
