"""Bulk validation retention: a finished job's upload and results are purged after the retention
period (``TRACE_VERIFY_BULK_RETENTION_DAYS``, 7 by default); the job then says ``expired`` and its
results answer 410, never a silent 404."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.support import World, auth
from tests.api.test_validations import _bundle, _lines, _results, _run, _service, _submit, _with
from trace_verify.config import load_settings
from trace_verify.db.models import JobState
from trace_verify.services.validations import ValidationService


@pytest.fixture
def service(world: World) -> ValidationService:
    """The validations service with no runner: the test runs and purges jobs itself."""
    found = _service(world)
    found.queue = None
    return found


def _status(world: World, job_id: str) -> dict[str, object]:
    answer = world.client.get(f"/api/v1/validations/{job_id}", headers=auth("merchant"))
    assert answer.status_code == 200, answer.get_json()
    found: dict[str, object] = answer.get_json()
    return found


def _age(path: os.PathLike[str], moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def test_a_done_job_keeps_its_results_for_the_retention_then_expires(
    world: World, service: ValidationService
) -> None:
    job = _submit(world, _lines(_bundle("ORD-A-KEEP"))).get_json()
    _run(service, job["id"])
    assert not service.input_path(job["id"]).exists()  # done: the upload is no longer needed
    assert service.results_path(job["id"]).exists()
    status = _status(world, job["id"])
    finished = datetime.fromisoformat(str(status["finished_at"]))
    assert datetime.fromisoformat(str(status["expires_at"])) == finished + timedelta(days=7)

    assert service.purge(finished + timedelta(days=6)) == 0  # within the retention: kept
    assert _results(world, job["id"]).status_code == 200

    assert service.purge(finished + timedelta(days=7, seconds=1)) == 1
    assert not service.results_path(job["id"]).exists()
    assert _status(world, job["id"])["state"] == "expired"
    gone = _results(world, job["id"])
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "RESULTS_EXPIRED"
    assert service.purge(finished + timedelta(days=30)) == 0  # once


def test_failed_jobs_expire_and_waiting_jobs_keep_their_upload(
    world: World, service: ValidationService
) -> None:
    waiting = _submit(world, _lines(_bundle("ORD-A-WAIT"))).get_json()
    failing = _submit(world, _lines(_bundle("ORD-A-FAIL"))).get_json()
    assert service.claim(failing["id"], "runner", datetime.now(UTC))
    service._finish(failing["id"], "runner", JobState.FAILED, "boom")
    later = datetime.now(UTC) + timedelta(days=8)
    for path in service.directory.iterdir():
        _age(path, later - timedelta(days=7, hours=1))
    assert service.purge(later) == 1
    assert _status(world, failing["id"])["state"] == "expired"
    assert not service.input_path(failing["id"]).exists()
    assert _status(world, waiting["id"])["state"] == "queued"
    assert service.input_path(waiting["id"]).exists()  # a job that has not run keeps its upload


def test_files_no_job_owns_are_swept_after_the_retention(world: World, service: ValidationService) -> None:
    service.directory.mkdir(parents=True, exist_ok=True)
    cut_off = service.directory / "val_0123456789abcdef01234567.partial"  # an upload cut off mid-way
    fresh = service.directory / "val_89abcdef0123456789abcdef.partial"  # one arriving now
    cut_off.write_bytes(b"{}\n")
    fresh.write_bytes(b"{}\n")
    now = datetime.now(UTC)
    _age(cut_off, now - timedelta(days=8))
    service.purge(now)
    assert not cut_off.exists() and fresh.exists()


def test_retention_comes_from_the_environment_and_must_be_positive(
    world: World, service: ValidationService
) -> None:
    assert load_settings({}).bulk_retention_days == 7
    assert load_settings({"TRACE_VERIFY_BULK_RETENTION_DAYS": "0.5"}).bulk_retention_days == 0.5
    for bad in ("0", "-1", "nan", "inf"):
        with pytest.raises(ValueError, match="RETENTION_DAYS"):
            load_settings({"TRACE_VERIFY_BULK_RETENTION_DAYS": bad})
    service.settings = _with(service.settings, bulk_retention_days=1)
    job = _submit(world, _lines(_bundle("ORD-A-SHORT"))).get_json()
    _run(service, job["id"])
    finished = datetime.fromisoformat(str(_status(world, job["id"])["finished_at"]))
    assert service.purge(finished + timedelta(days=1, seconds=1)) == 1
