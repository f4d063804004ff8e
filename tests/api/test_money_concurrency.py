"""Money under concurrency, against the real server (``trace-verify serve``: gunicorn, 2 threaded
workers) on PostgreSQL, each request on its own HTTP connection, released together by a barrier.
Every count that matters is asserted with SQL, not with what the API says (issue 13)."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from carriers import REGISTRY
from carriers.simulator import SimulatorApp, build_app, parse_fault, running
from tests.api.server_support import Reply, request, server
from tests.api.support import CONSUMER_A, KEYS, MERCHANT_A, merchant_body, order_body
from tests.db.support import empty_tables, migrated, throwaway_postgres
from tests.support import FIXTURES
from trace_verify.db.models import Role
from trace_verify.db.session import Database
from trace_verify.services.access import Principal
from trace_verify.services.keys import KeyService
from trace_verify.services.merchants import MerchantService
from trace_verify.services.orders import OrderService

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

THREADS = 100
CERTIFICATE = {"issuer_type": "right_owner", "issuer": "Brand K.K.", "reference": "CERT-1"}
UPHELD_GGG = {"type": "genuine_goods", "filed_at": "2026-03-07T08:00:00Z", "certificate": CERTIFICATE}
COMPENSATION = Decimal("2340.00")  # 468.00 refund + 4 × 468.00 + 0.00 delivery, per order
CREATED = datetime(2026, 3, 4, tzinfo=UTC)


@pytest.fixture(scope="module")
def database() -> Iterator[Database]:
    for url in throwaway_postgres():
        db = migrated(url)
        yield db
        db.dispose()


@pytest.fixture(scope="module")
def port(database: Database) -> Iterator[int]:
    with server(database.url, {"TRACE_VERIFY_JOBS": "0"}) as found:
        yield found


def seed(database: Database, port: int, orders: int, deposit: Decimal | None) -> list[str]:
    """Merchant A with ``orders`` orders of consumer A and, when given, a deposit in CNY."""
    empty_tables(database)
    keys = KeyService(database)
    keys.create(Role.PLATFORM, CREATED, secret=KEYS["platform"], key_id="t-platform")
    keys.create(Role.STAFF, CREATED, secret=KEYS["staff"], key_id="t-staff")
    keys.create(Role.CONSUMER, CREATED, consumer_id=CONSUMER_A, secret=KEYS["consumer"], key_id="t-consumer")
    platform = KEYS["platform"]
    loader = Principal("t-platform", Role.PLATFORM)  # seeded in-process: the HTTP API is not under test here
    MerchantService(database).create(loader, merchant_body(MERCHANT_A), CREATED)
    order_service = OrderService(database, REGISTRY)
    ids = []
    for n in range(orders):
        order_id = f"ORD-C-{n:03d}"
        order_service.create(
            loader, order_body(order_id, MERCHANT_A, CONSUMER_A, number=f"48{n:08d}"), CREATED
        )
        ids.append(order_id)
    if deposit is not None:
        top_up = {"amount": f"{deposit:.2f}", "currency": "CNY", "reference": "opening"}
        reply = request(
            port,
            "POST",
            f"/api/v1/merchants/{MERCHANT_A}/deposit/top-ups",
            platform,
            top_up,
            {"Idempotency-Key": "opening-deposit"},
        )
        assert reply.status == 201, reply.body
    return ids


def together(calls: list[Callable[[], Reply]]) -> list[Reply]:
    """Run every call on its own thread (and connection), all released at once."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Reply]) -> Reply:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def file(port: int, order_id: str, key: str, body: dict[str, Any] = UPHELD_GGG) -> Callable[[], Reply]:
    path = f"/api/v1/orders/{order_id}/complaints"
    return lambda: request(port, "POST", path, KEYS["platform"], body, {"Idempotency-Key": key})


def scalar(database: Database, sql: str) -> Any:
    with database.engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def test_one_key_filed_a_hundred_times_at_once_is_one_complaint_and_one_deduction(
    database: Database, port: int
) -> None:
    [order_id] = seed(database, port, 1, Decimal("100000.00"))
    replies = together([file(port, order_id, "same-key-for-all") for _ in range(THREADS)])
    statuses = Counter(r.status for r in replies)
    assert set(statuses) <= {201, 409}, statuses
    created = [r for r in replies if r.status == 201]
    assert created and len({r.body["id"] for r in created}) == 1
    assert all(r.body["error"]["code"] == "IDEMPOTENCY_IN_FLIGHT" for r in replies if r.status == 409)
    assert scalar(database, "SELECT count(*) FROM complaints") == 1
    assert scalar(database, "SELECT count(*) FROM ledger_transactions WHERE kind = 'deduction'") == 1
    assert scalar(database, "SELECT balance FROM deposits") == Decimal("100000.00") - COMPENSATION
    retry = file(port, order_id, "same-key-for-all")()
    assert (retry.status, retry.body, retry.headers.get("Idempotent-Replayed")) == (
        201,
        created[0].body,
        "true",
    )


def test_a_hundred_keys_for_one_order_and_type_uphold_once(database: Database, port: int) -> None:
    [order_id] = seed(database, port, 1, Decimal("100000.00"))
    replies = together([file(port, order_id, f"key-{n:03d}-distinct") for n in range(THREADS)])
    statuses = Counter(r.status for r in replies)
    assert statuses == {201: 1, 409: THREADS - 1}, statuses
    [winner] = [r.body["id"] for r in replies if r.status == 201]
    assert all(
        r.body["error"]["code"] == "CONFLICT" and winner in r.body["error"]["message"]
        for r in replies
        if r.status == 409
    )
    assert scalar(database, "SELECT count(*) FROM complaints WHERE status = 'upheld'") == 1
    assert scalar(database, "SELECT count(*) FROM ledger_transactions WHERE kind = 'deduction'") == 1


def test_a_deposit_of_ten_and_a_half_compensations_and_a_hundred_upheld_complaints(
    database: Database, port: int
) -> None:
    opening = COMPENSATION * Decimal("10.5")
    orders = seed(database, port, THREADS, opening)
    replies = together([file(port, order_id, f"distinct-{order_id}") for order_id in orders])
    assert Counter(r.status for r in replies) == {201: THREADS}
    assert all(r.body["status"] == "upheld" for r in replies)
    with database.engine.connect() as conn:
        taken = conn.execute(
            sa.text(
                "SELECT t.complaint_id, coalesce(sum(e.amount), 0) FROM ledger_transactions t "
                "LEFT JOIN ledger_entries e ON e.transaction_id = t.id AND e.account = :account "
                "WHERE t.kind = 'deduction' GROUP BY t.complaint_id"
            ),
            {"account": f"deposit:{MERCHANT_A}"},
        ).all()
        shortfalls = Counter(conn.execute(sa.text("SELECT amount FROM shortfalls")).scalars())
        deposit_debits = conn.execute(
            sa.text("SELECT sum(amount) FROM ledger_entries WHERE account = :a AND direction = 'debit'"),
            {"a": f"deposit:{MERCHANT_A}"},
        ).scalar()
    assert Counter(Decimal(amount) for _, amount in taken) == {
        COMPENSATION: 10,
        COMPENSATION / 2: 1,
        Decimal(0): THREADS - 11,
    }
    assert shortfalls == {COMPENSATION / 2: 1, COMPENSATION: THREADS - 11}
    closing = scalar(database, "SELECT balance FROM deposits")
    assert closing == Decimal("0.00")
    assert deposit_debits == opening - closing  # the ledger's sum is what left the deposit
    deposit = request(port, "GET", f"/api/v1/merchants/{MERCHANT_A}/deposit", KEYS["platform"]).body
    assert deposit["balances"] == [{"currency": "CNY", "balance": "0.00", "reconciled": True}]
    oldest = deposit["open_shortfalls"][:3]
    assert oldest[0]["outstanding"] == "1170.00"
    top_up = {"amount": "3510.00", "currency": "CNY", "reference": "second"}
    settled = request(
        port,
        "POST",
        f"/api/v1/merchants/{MERCHANT_A}/deposit/top-ups",
        KEYS["platform"],
        top_up,
        {"Idempotency-Key": "second-top-up"},
    ).body
    assert [(s["complaint_id"], s["amount"]) for s in settled["settlements"]] == [
        (oldest[0]["complaint_id"], "1170.00"),
        (oldest[1]["complaint_id"], "2340.00"),
    ]
    assert settled["balance"] == "0.00"
    after = request(port, "GET", f"/api/v1/merchants/{MERCHANT_A}/deposit", KEYS["platform"]).body
    assert after["open_shortfalls"][0]["complaint_id"] == oldest[2]["complaint_id"]
    assert len(after["open_shortfalls"]) == THREADS - 11 - 1


def test_a_worker_killed_after_the_deduction_commits_answers_the_retry_from_the_stored_answer(
    database: Database,
) -> None:
    faults = {"TRACE_VERIFY_JOBS": "0", "TRACE_VERIFY_FAULTS": "after_commit"}
    with server(database.url, faults, supervised=True) as port:
        [order_id] = seed(database, port, 1, Decimal("100000.00"))
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            file(port, order_id, "dies-after-commit")()
        replay = None
        for _ in range(50):  # gunicorn replaces the dead worker; either worker answers the retry
            try:
                replay = file(port, order_id, "dies-after-commit")()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                time.sleep(0.2)
    assert replay is not None and replay.status == 201, replay
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.body["status"] == "upheld"
    assert scalar(database, "SELECT count(*) FROM complaints") == 1
    assert scalar(database, "SELECT count(*) FROM ledger_transactions WHERE kind = 'deduction'") == 1


NUMBER = "4589127734"  # the simulator answers express-osaka-hangzhou-delivered.json for it


@pytest.fixture(scope="module")
def simulator() -> Iterator[tuple[SimulatorApp, str]]:
    app = build_app(FIXTURES)
    with running(app) as base:
        yield app, base


def test_a_carrier_outage_goes_to_review_and_the_recheck_job_decides_after_recovery(
    database: Database, simulator: tuple[SimulatorApp, str]
) -> None:
    app, base = simulator
    env = {
        "TRACE_VERIFY_JOB_INTERVAL": "0.5",
        "TRACE_VERIFY_RECHECK_DELAY": "1",
        "TRACE_VERIFY_CARRIER_DHL_BASE_URL": base,
        "TRACE_VERIFY_CARRIER_DHL_API_KEY": "sim-key",
    }
    app.faults.clear()
    app.faults.add(parse_fault("status=503"), path="/track/shipments", times=100_000)
    try:
        with server(database.url, env) as port:
            seed(database, port, 0, None)
            body = order_body("ORD-OUTAGE", MERCHANT_A, CONSUMER_A)
            body["order"]["completed_at"] = None
            body["shipments"] = [
                {"carrier": "dhl", "tracking_number": NUMBER, "declared_origin_country": "JP"}
            ]
            assert request(port, "POST", "/api/v1/orders", KEYS["platform"], body).status == 201
            complaint = {
                "type": "direct_supply",
                "credentials": [{"kind": "waybill", "carrier": "dhl", "tracking_number": NUMBER}],
            }
            filed = request(
                port,
                "POST",
                "/api/v1/orders/ORD-OUTAGE/complaints",
                KEYS["consumer"],
                complaint,
                {"Idempotency-Key": "outage-filing"},
            )
            assert filed.status == 201, filed.body
            assert filed.body["status"] == "manual_review"
            assert "CARRIER_UNAVAILABLE" in [r["code"] for r in filed.body["reasons"]]
            time.sleep(1.5)  # a re-check while the carrier is still down changes nothing
            path = f"/api/v1/complaints/{filed.body['id']}"
            assert request(port, "GET", path, KEYS["staff"]).body["status"] == "manual_review"
            app.faults.clear()
            decided = None
            for _ in range(60):
                decided = request(port, "GET", path, KEYS["staff"]).body
                if decided["status"] != "manual_review":
                    break
                time.sleep(0.5)
    finally:
        app.faults.clear()
    assert decided is not None and decided["status"] == "rejected", decided
    assert decided["verdict"]["verdict"] == "met" and decided["decided_by"] == "automatic"
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE action = 'complaint.redecided'") == 1
