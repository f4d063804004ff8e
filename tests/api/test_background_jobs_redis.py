"""Every job kind through Redis: ``trace-verify worker`` runs the schedule and the jobs, one schedule
pass per interval across workers, and a number is polled once inside its carrier's interval whether
two workers or two processes ask. Carriers are the simulator on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carriers.simulator import SimulatorApp
from tests.api.support import World
from tests.api.test_background_jobs import (
    KUAIDI100_NUMBER,
    _environment,
    _kuaidi100_world,
    _open_kuaidi100,
    _polls,
    simulator,  # noqa: F401 (the module's simulator fixture)
)
from tests.redis_support import flushed, redis_url
from trace_verify import worker
from trace_verify.config import load_settings
from trace_verify.db.session import Database
from trace_verify.services.queue import JobKind, RedisQueue, job_id
from trace_verify.services.tracking_refresh import job_key


@pytest.fixture
def queue_url() -> Iterator[str]:
    yield from flushed(redis_url(14))


@pytest.fixture
def sim(simulator: tuple[SimulatorApp, str]) -> tuple[SimulatorApp, str]:  # noqa: F811
    app, base = simulator
    app.faults.clear()
    app.requests.clear()
    return app, base


@pytest.fixture
def configured(
    database: Database, sim: tuple[SimulatorApp, str], queue_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    """A world with an open Kuaidi100 shipment, and a worker configured for the same database."""
    world = _kuaidi100_world(database, sim[1], _open_kuaidi100())
    for name, value in {**_environment(database, sim[1]), "REDIS_URL": queue_url}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(worker, "_system", None)
    yield world
    if worker._system is not None:
        worker._system.database.dispose()


def test_workers_refresh_a_due_number_once_inside_its_interval(
    configured: World, sim: tuple[SimulatorApp, str], queue_url: str
) -> None:
    app, _ = sim
    queue = RedisQueue.from_url(queue_url)
    worker.work(load_settings(), burst=True)  # its schedule pass enqueues the refresh; it runs it
    assert _polls(app) == 1
    assert queue.depth() == 0
    worker.work(load_settings(), burst=True)  # a second worker: nothing is due inside 30 minutes
    assert _polls(app) == 1
    key = job_key("kuaidi100", KUAIDI100_NUMBER)
    queue.enqueue(JobKind.REFRESH, key)  # handed over anyway: the claim refuses the poll
    assert queue.queue.job_ids == [job_id(JobKind.REFRESH, key)]
    worker.work(load_settings(), burst=True)
    assert _polls(app) == 1
    assert worker.run_job(JobKind.REFRESH, key) is False


def test_one_schedule_pass_per_interval_across_workers(configured: World, queue_url: str) -> None:
    first, second = RedisQueue.from_url(queue_url), RedisQueue.from_url(queue_url)
    system = worker._the_system()
    assert worker.schedule_once(system, first) is not None
    assert worker.schedule_once(system, second) is None, "the other worker holds this interval's pass"
    assert first.depth() == 1  # the refresh found due


def test_an_unsafe_key_gets_a_hashed_job_id() -> None:
    assert job_id(JobKind.REFRESH, "kuaidi100/EB316209571JP").startswith("refresh-h")
    assert job_id(JobKind.COMPLAINT_RECHECK, "cmp_0123abcd") == "complaint_recheck-cmp_0123abcd"
