"""Bulk validations through Redis: the service enqueues, ``trace-verify worker`` runs, once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.support import World, auth
from tests.api.test_validations import NDJSON, _bundle, _lines, _service
from tests.redis_support import flushed, redis_url
from trace_verify import worker
from trace_verify.config import load_settings
from trace_verify.db.models import JobState, ValidationJob
from trace_verify.services.queue import JobKind, RedisQueue


@pytest.fixture
def queue_url() -> Iterator[str]:
    yield from flushed(redis_url(11))


@pytest.fixture
def queued(world: World, queue_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisQueue]:
    """The world's validations enqueue on Redis; a worker started now sees the same database."""
    service = _service(world)
    queue = RedisQueue.from_url(queue_url)
    service.queue = queue
    monkeypatch.setenv("DATABASE_URL", world.database.url)
    monkeypatch.setenv("REDIS_URL", queue_url)
    monkeypatch.setenv("TRACE_VERIFY_BULK_DIR", str(service.directory))
    monkeypatch.setenv("TRACE_VERIFY_WORKERS", "1")
    monkeypatch.setattr(worker, "_system", None)
    yield queue
    if worker._system is not None:
        worker._system.database.dispose()


def _submit(world: World, body: bytes) -> str:
    response = world.client.post(
        "/api/v1/validations?now=2026-03-05T12:00:00Z",
        data=body,
        headers={**auth("merchant"), "Content-Type": NDJSON},
    )
    assert response.status_code == 202, response.get_json()
    job_id: str = response.get_json()["id"]
    return job_id


def test_a_worker_runs_the_enqueued_job_once(world: World, queued: RedisQueue) -> None:
    job_id = _submit(world, _lines(_bundle("ORD-A-Q1"), b"{oops"))
    queued.enqueue(JobKind.VALIDATION, job_id)  # a repeat while it waits is the same RQ job
    assert queued.depth() == 1
    assert queued.queue.job_ids == [f"validation-{job_id}"]

    worker.work(load_settings(), burst=True)
    assert queued.depth() == 0
    status = world.client.get(f"/api/v1/validations/{job_id}", headers=auth("merchant")).get_json()
    assert (status["state"], status["done"], status["failed"]) == ("done", 1, 1)
    rows = [
        json.loads(line)
        for line in world.client.get(
            f"/api/v1/validations/{job_id}/results", headers=auth("merchant")
        ).data.splitlines()
    ]
    assert [r.get("verdict") for r in rows] == ["met", None]
    # delivered again (another worker, a retry): the claim refuses it, nothing runs twice
    assert worker.run_job(JobKind.VALIDATION, job_id) is False
    with world.database.transaction() as session:
        job = session.get(ValidationJob, job_id)
        assert job is not None and job.attempts == 1 and job.claimed_by is not None


def test_a_starting_worker_requeues_what_a_dead_one_abandoned(world: World, queued: RedisQueue) -> None:
    job_id = _submit(world, _lines(_bundle("ORD-A-Q2")))
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert _service(world).claim(job_id, "dead-worker", an_hour_ago)  # it died mid-job an hour ago
    queued.queue.empty()  # and its RQ job is gone with it
    worker.work(load_settings(), burst=True)  # a starting worker's schedule pass finds the job
    with world.database.transaction() as session:
        job = session.get(ValidationJob, job_id)
        assert job is not None and job.state is JobState.DONE and job.attempts == 2


def test_worker_without_redis_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import run_cli

    result = run_cli("worker", "--burst")
    assert result.status == 2 and result.stderr.startswith("error: NO_QUEUE: ")
