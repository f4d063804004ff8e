"""Several machines: two server processes and two workers on one PostgreSQL and one Redis.

A key's rate limit holds across both servers, a carrier's breaker is one for both, money requests
with one Idempotency-Key sent to both at once move the money once, a bulk job submitted to one is
read from the other, no job runs twice, and the workers' schedule polls a Kuaidi100 number once inside
its 30-minute interval however often both workers look. Every process binds loopback on a free port and is
stopped by its own id; the whole test is bounded in time. PostgreSQL and Redis are required under
CI=true (``.ci/run``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from carriers.simulator import SimulatorApp, build_app, running
from tests.db.support import throwaway_postgres
from tests.redis_support import flushed, redis_url
from tests.support import BUNDLES, FIXTURES, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CLI = [sys.executable, "-m", "trace_verify.cli"]
RATE = 10  # requests per minute (and at once) for the rate-limit check
DEADLINE = 120.0  # seconds for the whole scenario's waits


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def simulator() -> Iterator[tuple[SimulatorApp, str]]:
    """The carrier simulator on loopback (it answers Kuaidi100's query)."""
    app = build_app(FIXTURES)
    with running(app) as base:
        yield app, base


@pytest.fixture
def environment(tmp_path: Path, simulator: tuple[SimulatorApp, str]) -> Iterator[dict[str, str]]:
    """One PostgreSQL database (migrated), one Redis database, one shared bulk directory."""
    database = next(throwaway_postgres_iter := iter(throwaway_postgres()))
    redis_iter = iter(flushed(redis_url(13)))
    redis = next(redis_iter)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "TRACE_VERIFY_BULK_DIR": str(tmp_path / "bulk"),
        "TRACE_VERIFY_DATA_DIR": str(tmp_path),
        "TRACE_VERIFY_RATE_PER_MINUTE": str(RATE),
        "TRACE_VERIFY_RATE_BURST": str(RATE),
        "TRACE_VERIFY_WORKERS": "1",
        "WEB_CONCURRENCY": "1",
        # a live DHL client, so that its breaker is kept (never called: nothing listens there)
        "TRACE_VERIFY_CARRIER_DHL_BASE_URL": "http://127.0.0.1:9",
        "TRACE_VERIFY_CARRIER_DHL_API_KEY": "unused",
        # Kuaidi100 is the carrier simulator; both workers try a schedule pass every second
        "TRACE_VERIFY_CARRIER_KUAIDI100_BASE_URL": simulator[1],
        "TRACE_VERIFY_CARRIER_KUAIDI100_CUSTOMER": "sim-customer",
        "TRACE_VERIFY_CARRIER_KUAIDI100_KEY": "sim-key",
        "TRACE_VERIFY_JOB_INTERVAL": "1",
    }
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    try:
        yield env
    finally:
        for iterator in (redis_iter, throwaway_postgres_iter):
            next(iterator, None)


def _key(env: dict[str, str]) -> str:
    created = subprocess.run(
        [*CLI, "keys", "create", "--role", "platform"], env=env, check=True, capture_output=True, timeout=60
    )
    return created.stdout.decode().strip()


@pytest.fixture
def cluster(environment: dict[str, str]) -> Iterator[list[str]]:
    """Two servers (their base URLs) and two workers, started here and stopped by their ids."""
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=environment,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [*CLI, "worker"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            )
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, f"{base} did not become ready"
                time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _bundle_line(order_id: str) -> bytes:
    obj = json.loads((BUNDLES / "direct-met.json").read_text("utf-8"))
    obj.pop("$now", None)
    obj["order"]["id"] = order_id
    return json.dumps(obj).encode() + b"\n"


def test_two_servers_two_workers_one_database_one_redis(
    environment: dict[str, str], cluster: list[str], simulator: tuple[SimulatorApp, str]
) -> None:
    first, second = cluster
    limited = _key(environment)

    # a key's rate limit holds across both servers: RATE answers in all, not RATE per server
    statuses = [
        requests.get(
            f"{(first, second)[n % 2]}/api/v1/orders",
            headers={"Authorization": f"Bearer {limited}"},
            timeout=10,
        ).status_code
        for n in range(RATE + 4)
    ]
    assert statuses.count(200) == RATE and statuses[RATE:] == [429] * 4, statuses

    _money_moves_once_across_servers(environment, first, second)
    _one_breaker_for_every_server(environment, first, second)
    _the_workers_poll_a_number_once_inside_its_interval(environment, first, simulator[0])

    # bulk jobs submitted to one server are read from the other; each runs once. One key per job
    # (each makes three requests, well within its rate); progress is watched in the database.
    engine = sa.create_engine(environment["DATABASE_URL"])
    jobs = []
    for n in range(4):
        headers = {"Authorization": f"Bearer {_key(environment)}"}
        body = b"".join(_bundle_line(f"ORD-MI-{n}-{i}") for i in range(20)) + b"{oops\n"
        answer = requests.post(
            f"{(first, second)[n % 2]}/api/v1/validations?now=2026-03-05T12:00:00Z",
            data=body,
            headers={**headers, "Content-Type": "application/x-ndjson"},
            timeout=30,
        )
        assert answer.status_code == 202, answer.text
        jobs.append((answer.json()["id"], (second, first)[n % 2], headers))
    try:
        deadline = time.monotonic() + DEADLINE
        while True:
            with engine.connect() as connection:
                states = connection.execute(sa.text("SELECT state FROM validation_jobs")).scalars().all()
            if all(state in ("done", "failed") for state in states):
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.3)
        with engine.connect() as connection:
            claims = connection.execute(sa.text("SELECT id, attempts, claimed_by FROM validation_jobs")).all()
    finally:
        engine.dispose()
    assert len(claims) == 4 and all(attempts == 1 for _, attempts, _ in claims), claims
    for job_id, other, headers in jobs:
        status = requests.get(f"{other}/api/v1/validations/{job_id}", headers=headers, timeout=10).json()
        assert (status["state"], status["done"], status["failed"]) == ("done", 20, 1), status
        results = requests.get(f"{other}/api/v1/validations/{job_id}/results", headers=headers, timeout=30)
        rows = [json.loads(line) for line in results.content.splitlines()]
        assert [r["line"] for r in rows] == list(range(1, 22)), rows[:2]
        assert {r.get("verdict") for r in rows[:20]} == {"met"}


def _money_moves_once_across_servers(environment: dict[str, str], first: str, second: str) -> None:
    """Idempotency claims live in the database (UNIQUE(api_key_id, key)): one top-up with one key, sent
    to both servers at once three times each, credits the deposit once; a retry on either server
    replays the first answer. (Seven requests: within the fresh key's rate of ten.)"""
    headers = {"Authorization": f"Bearer {_key(environment)}"}
    merchant = {
        "id": "MER-MI",
        "name": "Merchant MI",
        "return_address": {"country": "CN", "city": "Hangzhou"},
        "registered_importer": {"name": "MI Trading Co., Ltd."},
    }
    created = requests.post(f"{first}/api/v1/merchants", json=merchant, headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    path = "/api/v1/merchants/MER-MI/deposit/top-ups"
    top_up = {"amount": "500.00", "currency": "CNY", "reference": "multi-instance"}
    keyed = {**headers, "Idempotency-Key": "one-top-up-two-servers"}
    barrier = threading.Barrier(6)

    def send(base: str) -> requests.Response:
        barrier.wait(30)
        return requests.post(f"{base}{path}", json=top_up, headers=keyed, timeout=60)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, [first, second] * 3))
    assert {a.status_code for a in answers} <= {201, 409}, [(a.status_code, a.text) for a in answers]
    firsts = [a.json() for a in answers if a.status_code == 201]
    assert firsts and all(body == firsts[0] for body in firsts)
    engine = sa.create_engine(environment["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            booked = connection.execute(
                sa.text("SELECT count(*) FROM ledger_transactions WHERE kind = 'top_up'")
            ).scalar()
            balance = connection.execute(sa.text("SELECT balance FROM deposits")).scalar()
    finally:
        engine.dispose()
    assert (booked, Decimal(balance)) == (1, Decimal("500.00"))
    retry = requests.post(f"{second}{path}", json=top_up, headers=keyed, timeout=30)
    assert (retry.status_code, retry.json(), retry.headers.get("Idempotent-Replayed")) == (
        201,
        firsts[0],
        "true",
    )


def _one_breaker_for_every_server(environment: dict[str, str], first: str, second: str) -> None:
    """DHL's breaker opened in the shared Redis (five failures, as any instance would count them) is
    what both servers report: the breaker state lives in Redis, not in either process."""
    from carriers._fetch.redis_guards import RedisGuards
    from carriers.dhl.client import DHL_UNIFIED_POLICY

    gauge = 'trace_verify_carrier_breaker_state{carrier="dhl"}'
    for base in (first, second):
        assert f"{gauge} 0.0" in requests.get(f"{base}/metrics", timeout=10).text
    breaker = RedisGuards.from_url(environment["REDIS_URL"]).guards(DHL_UNIFIED_POLICY).breaker
    for _ in range(DHL_UNIFIED_POLICY.breaker_threshold):
        breaker.record_failure()
    for base in (first, second):
        assert f"{gauge} 2.0" in requests.get(f"{base}/metrics", timeout=10).text
    breaker.record_success()
    for base in (first, second):
        assert f"{gauge} 0.0" in requests.get(f"{base}/metrics", timeout=10).text


def _the_workers_poll_a_number_once_inside_its_interval(
    environment: dict[str, str], server: str, simulator: SimulatorApp
) -> None:
    """An open Kuaidi100 shipment is stored; both workers look for due refreshes every second (one pass
    a second between them, the Redis leader key): the number is polled once, and not again for the
    next few seconds of passes (Kuaidi100 locks a number polled more often than every 30 minutes)."""
    from tests.api.support import order_body

    simulator.requests.clear()
    body = order_body("ORD-MI-POLL", "MER-MI", None)
    body["shipments"] = [{"carrier": "kuaidi100", "tracking_number": "EB316209571JP", "courier_code": "ems"}]
    headers = {"Authorization": f"Bearer {_key(environment)}"}
    created = requests.post(f"{server}/api/v1/orders", json=body, headers=headers, timeout=30)
    assert created.status_code == 201, created.text

    def polls() -> int:
        return sum(1 for _, path in simulator.requests if path.startswith("/poll/query.do"))

    deadline = time.monotonic() + 30
    while polls() == 0:
        assert time.monotonic() < deadline, "no worker refreshed the due number"
        time.sleep(0.2)
    time.sleep(4)  # several more passes by either worker
    assert polls() == 1
