"""Every kind of background job, run by the embedded runner: the scheduled tracking refresh respects
each carrier's polling interval (a number is never polled twice inside it, however many runners ask),
and complaint re-check and webhook jobs do their work once. Carriers are the simulator on loopback;
the schedule runs on a fake clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carriers.aftership.push import SIGNATURE_HEADER, sign
from carriers.clients import build_clients
from carriers.simulator import SimulatorApp, build_app, parse_fault, running
from tests.api.support import (
    CONSUMER_A,
    MERCHANT_A,
    WEBHOOK_SECRETS,
    World,
    auth,
    build_world,
    call,
    order_body,
)
from tests.api.test_complaints import NUMBER as DHL_NUMBER  # the simulator has it delivered
from tests.api.test_complaints import _dhl
from tests.support import FIXTURES
from trace_verify.db.models import AuditRecord, CarrierDocument, TrackingEvent, WebhookPush
from trace_verify.db.session import Database
from trace_verify.services.clock import Clock
from trace_verify.services.job_runner import EmbeddedRunner
from trace_verify.services.queue import JobKind
from trace_verify.services.tracking_refresh import job_key
from trace_verify.startup import Services

KUAIDI100_NUMBER = "EB316209571JP"  # query-ems-osaka-shanghai-customs-hold.json: not delivered
QUERY_PATH = "/poll/query.do"
T0 = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def simulator() -> Iterator[tuple[SimulatorApp, str]]:
    app = build_app(FIXTURES)
    with running(app) as base:
        yield app, base


@pytest.fixture
def sim(simulator: tuple[SimulatorApp, str]) -> tuple[SimulatorApp, str]:
    app, base = simulator
    app.faults.clear()
    app.requests.clear()
    return app, base


def _polls(app: SimulatorApp) -> int:
    return sum(1 for _, path in app.requests if path.startswith(QUERY_PATH))


def _services(world: World) -> Services:
    services: Services = world.app.extensions["trace_verify.services"]
    return services


def _at(world: World, moment: datetime) -> EmbeddedRunner:
    """The world's runner, stepped by hand, with the jobs' clock fixed at ``moment``."""
    services = _services(world)
    services.jobs.clock = Clock(lambda: moment)
    runner = services.queue
    assert isinstance(runner, EmbeddedRunner)
    runner.autostart = False  # the test steps the runner by hand
    return runner


def _kuaidi100_world(database: Database, base: str, *shipments: dict[str, Any]) -> World:
    clients = build_clients({"kuaidi100": {"base_url": base, "customer": "sim-customer", "key": "sim-key"}})
    world = build_world(database, clients=clients, budget=5.0)
    for index, shipment in enumerate(shipments):
        body = order_body(f"ORD-POLL-{index}", MERCHANT_A, "C-POLL")
        body["shipments"] = [shipment]
        created = call(world.client, "POST", "/api/v1/orders", "platform", body)
        assert created.status_code == 201, created.get_json()
    return world


def _open_kuaidi100() -> dict[str, Any]:
    return {"carrier": "kuaidi100", "tracking_number": KUAIDI100_NUMBER, "courier_code": "ems"}


def _count(database: Database, statement: Any) -> int:
    with database.transaction() as session:
        return int(session.scalar(statement) or 0)


# -- the scheduled refresh -------------------------------------------------------------------------


def test_an_open_shipment_is_polled_once_per_carrier_interval(
    database: Database, sim: tuple[SimulatorApp, str]
) -> None:
    app, base = sim
    world = _kuaidi100_world(database, base, _open_kuaidi100())
    key = job_key("kuaidi100", KUAIDI100_NUMBER)
    runner = _at(world, T0)
    assert runner.schedule()["refresh"] == 1
    assert runner.run_pending() == 1
    assert _polls(app) == 1
    refreshed = (
        sa.select(sa.func.count()).select_from(CarrierDocument).where(CarrierDocument.origin == "refresh")
    )
    assert _count(database, refreshed) == 1

    # Kuaidi100 locks a number polled more often than every 30 minutes: nothing is due before then,
    # and a refresh job handed over anyway (a second instance, a repeat) does not poll.
    runner = _at(world, T0 + timedelta(minutes=29, seconds=59))
    assert runner.schedule()["refresh"] == 0
    runner.enqueue(JobKind.REFRESH, key)
    assert runner.run_pending() == 0
    assert _polls(app) == 1

    runner = _at(world, T0 + timedelta(minutes=30))
    assert runner.schedule()["refresh"] == 1
    assert runner.run_pending() == 1
    assert _polls(app) == 2


def test_many_runners_handed_the_same_refresh_poll_it_once(
    database: Database, sim: tuple[SimulatorApp, str]
) -> None:
    app, base = sim
    world = _kuaidi100_world(database, base, _open_kuaidi100())
    services = _services(world)
    services.jobs.clock = Clock(lambda: T0)
    key = job_key("kuaidi100", KUAIDI100_NUMBER)
    with ThreadPoolExecutor(6) as pool:
        ran = list(pool.map(lambda _: services.jobs.run(JobKind.REFRESH, key), range(6)))
    assert ran.count(True) == 1
    assert _polls(app) == 1


def test_delivered_and_unclaimed_carriers_shipments_are_not_polled(
    database: Database, sim: tuple[SimulatorApp, str]
) -> None:
    app, base = sim
    delivered = order_body("X", MERCHANT_A, None)["shipments"][0]  # direct-met: its events end delivered
    delivered.update(carrier="kuaidi100", courier_code="ems")
    no_client = {"carrier": "ups", "tracking_number": "1Z999AA10123456784"}
    world = _kuaidi100_world(database, base, delivered, no_client)
    runner = _at(world, T0)
    assert runner.schedule()["refresh"] == 0
    assert _services(world).tracking.due(T0) == []
    assert _polls(app) == 0


def test_a_failed_poll_is_retried_after_a_minute_not_a_whole_interval(
    database: Database, sim: tuple[SimulatorApp, str]
) -> None:
    app, base = sim
    world = _kuaidi100_world(database, base, _open_kuaidi100())
    app.faults.add(parse_fault("status=503"), path=QUERY_PATH, times=1000)
    runner = _at(world, T0)
    runner.schedule()
    assert runner.run_pending() == 1  # it polled; the carrier did not answer
    app.faults.clear()
    assert _at(world, T0 + timedelta(seconds=30)).schedule()["refresh"] == 0
    runner = _at(world, T0 + timedelta(minutes=1))
    assert runner.schedule()["refresh"] == 1
    assert runner.run_pending() == 1
    refreshed = (
        sa.select(sa.func.count()).select_from(CarrierDocument).where(CarrierDocument.origin == "refresh")
    )
    assert _count(database, refreshed) == 1


def _environment(database: Database, base: str) -> dict[str, str]:
    """What a worker or the command line on this machine is configured with: the database and the
    simulator as Kuaidi100."""
    return {
        "DATABASE_URL": database.url,
        "TRACE_VERIFY_CARRIER_KUAIDI100_BASE_URL": base,
        "TRACE_VERIFY_CARRIER_KUAIDI100_CUSTOMER": "sim-customer",
        "TRACE_VERIFY_CARRIER_KUAIDI100_KEY": "sim-key",
        "TRACE_VERIFY_WORKERS": "1",
    }


def test_two_processes_refreshing_at_once_poll_each_number_once(
    database: Database, sim: tuple[SimulatorApp, str]
) -> None:
    app, base = sim
    _kuaidi100_world(database, base, _open_kuaidi100())
    env = {**os.environ, **_environment(database, base)}
    env.pop("REDIS_URL", None)
    command = [str(Path(sys.executable).parent / "trace-verify"), "refresh-due", "--now", T0.isoformat()]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    polled = 0
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
        polled += json.loads(out)["polled"]
    assert polled == 1
    assert _polls(app) == 1


# -- complaint re-checks ---------------------------------------------------------------------------


def test_a_complaint_recheck_job_decides_once_however_often_it_is_run(
    database: Database, sim: tuple[SimulatorApp, str]
) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/track/shipments", times=1000)
    world = build_world(database, clients={"dhl": _dhl(base)}, budget=3.0)
    body = order_body("ORD-RECHECK", MERCHANT_A, CONSUMER_A)
    body["order"]["completed_at"] = None
    body["shipments"] = [{"carrier": "dhl", "tracking_number": DHL_NUMBER, "declared_origin_country": "JP"}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    filed = world.client.post(
        "/api/v1/orders/ORD-RECHECK/complaints",
        json={
            "type": "direct_supply",
            "credentials": [{"kind": "waybill", "carrier": "dhl", "tracking_number": DHL_NUMBER}],
        },
        headers={**auth("consumer"), "Idempotency-Key": "recheck-1"},
    ).get_json()
    app.faults.clear()
    assert filed["status"] == "manual_review" and filed["recheck_at"] is not None, filed
    later = datetime.now(UTC) + timedelta(minutes=2)
    runner = _at(world, later)
    assert runner.schedule()["complaint_recheck"] == 1
    services = _services(world)
    with ThreadPoolExecutor(4) as pool:
        ran = list(pool.map(lambda _: services.jobs.run(JobKind.COMPLAINT_RECHECK, filed["id"]), range(4)))
    assert ran.count(True) == 1
    redecided = (
        sa.select(sa.func.count()).select_from(AuditRecord).where(AuditRecord.action == "complaint.redecided")
    )
    assert _count(database, redecided) == 1
    rechecked = call(world.client, "GET", f"/api/v1/complaints/{filed['id']}", "platform").get_json()
    assert rechecked["status"] == "rejected" and rechecked["recheck_at"] is None
    assert runner.schedule()["complaint_recheck"] == 0


# -- webhooks --------------------------------------------------------------------------------------

PUSH = (FIXTURES / "carriers" / "aftership" / "webhook-v4-ems-osaka-shanghai-customs-hold.json").read_bytes()
PUSH_NUMBER = "EB582073164JP"


def test_a_push_stored_but_not_merged_is_merged_once_by_a_webhook_job(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(database)
    body = order_body("ORD-PUSH-JOB", MERCHANT_A, "C-A-001")
    body["shipments"] = [{"carrier": "aftership", "tracking_number": PUSH_NUMBER}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    webhooks = _services(world).webhooks
    merge: Callable[..., Any] = webhooks._merge

    def dies(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the process died after storing the push")

    monkeypatch.setattr(webhooks, "_merge", dies)
    with pytest.raises(RuntimeError):
        webhooks.receive(_push(), datetime.now(UTC))
    monkeypatch.setattr(webhooks, "_merge", merge)
    pushed = sa.select(sa.func.count()).select_from(TrackingEvent).where(TrackingEvent.origin == "push")
    assert _count(database, pushed) == 0
    assert _at(world, datetime.now(UTC)).schedule()["webhook"] == 0, "a push is given a minute to merge"
    runner = _at(world, datetime.now(UTC) + timedelta(minutes=2))
    assert runner.schedule()["webhook"] == 1
    services = _services(world)
    push_id = _only_push(database)
    with ThreadPoolExecutor(4) as pool:
        ran = list(pool.map(lambda _: services.jobs.run(JobKind.WEBHOOK, push_id), range(4)))
    assert ran.count(True) == 1
    added = _count(database, pushed)
    assert added > 0
    assert runner.schedule()["webhook"] == 0
    # the carrier delivers the same push again: counted, merged idempotently, nothing added twice
    answer = webhooks.receive(_push(), datetime.now(UTC))
    assert answer["duplicate"] and answer["events_added"] == 0 and answer["deliveries"] == 2
    assert _count(database, pushed) == added


def _push() -> Any:
    from trace_verify.services.webhooks import Push

    headers = {SIGNATURE_HEADER: sign(PUSH, WEBHOOK_SECRETS["aftership"])}
    return Push("aftership", headers, PUSH, "application/json")


def _only_push(database: Database) -> str:
    with database.transaction() as session:
        return str(session.scalars(sa.select(WebhookPush.id)).one())
