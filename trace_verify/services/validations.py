"""Bulk pre-validation jobs: accept an upload, run it on every core, report progress and results.

An upload (JSON Lines or CSV, up to ``bulk_max_rows`` rows and ``bulk_max_bytes`` bytes) is streamed
to a file, never held in memory, and a job row is queued. A runner (the embedded one inside the
service, or a worker) claims the job in the database — a conditional update, so however many runners
there are a job runs once — and verifies its rows through the verify engine
(:mod:`trace_verify.services.parallel`), writing one results row per bundle in input order.

A merchant's key sees only that merchant's jobs; another tenant's job answers 404 exactly as a job
that does not exist.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Final

import sqlalchemy as sa

from trace_verify.config import Settings
from trace_verify.db.models import JobState, Role, ValidationJob
from trace_verify.db.session import Database
from trace_verify.errors import Conflict, Gone, InvalidInput, TooLarge, UnsupportedMedia
from trace_verify.services.access import Principal, Resource, not_found
from trace_verify.services.bulk_input import MEDIA_TYPES, csv_items, jsonl_items, read_csv_header
from trace_verify.services.bulk_rows import RESULT_COLUMNS, result_to_csv_row
from trace_verify.services.parallel import ParallelVerifier, Recipe
from trace_verify.services.queue import JobKind, JobQueue

#: Builds the picklable recipe of a job's worker processes: (settings, database URL, merchant id).
RecipeFactory = Callable[[Settings, str, "str | None"], Recipe]

#: Bytes read from the request per write while an upload is streamed to disk.
UPLOAD_CHUNK: Final = 1024 * 1024
#: A running job whose runner has not reported for this long was abandoned and may be claimed again.
LEASE: Final = timedelta(minutes=5)
#: How often a running job's progress is written (seconds).
PROGRESS_EVERY: Final = 0.5
#: Jobs one purge pass expires (the rest wait for the next pass, so a pass stays short).
PURGE_BATCH: Final = 500
#: The states of a job whose runner is done with it (its files may be purged after the retention).
FINISHED: Final = (JobState.DONE, JobState.FAILED)


@dataclass(frozen=True, slots=True)
class Upload:
    """An upload streamed to disk: where, its format, bytes and rows."""

    path: Path
    format: str
    size: int
    rows: int


class ValidationService:
    """Submits, runs and reports bulk validation jobs."""

    def __init__(
        self, db: Database, settings: Settings, recipe: RecipeFactory, queue: JobQueue | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.recipe = recipe
        self.queue = queue
        self.directory = settings.validations_dir()

    # -- submitting -------------------------------------------------------------------------------

    def submit(
        self, who: Principal, stream: IO[bytes], media_type: str, now: datetime, verify_at: datetime
    ) -> dict[str, Any]:
        """Stream the upload to disk, queue a job for it; the job's view (202)."""
        who.access(Resource.VERIFICATION, write=True)
        fmt = MEDIA_TYPES.get(media_type)
        if fmt is None:
            raise UnsupportedMedia(
                "UNSUPPORTED_MEDIA_TYPE",
                "send the rows as application/x-ndjson (a bundle a line) or text/csv (an event a row)",
            )
        job_id = "val_" + secrets.token_hex(12)
        upload = self._receive(stream, fmt, job_id)
        job = ValidationJob(
            id=job_id,
            merchant_id=who.merchant_id if who.role is Role.MERCHANT else None,
            key_id=who.key_id,
            format=fmt,
            state=JobState.QUEUED,
            size=upload.size,
            rows=upload.rows,
            rows_read=0,
            done=0,
            failed=0,
            verify_at=verify_at,
            created_at=now,
            attempts=0,
        )
        with self.db.transaction() as session:
            session.add(job)
        if self.queue is not None:
            self.queue.enqueue(JobKind.VALIDATION, job_id)
        return job_view(job, now, self.retention)

    def _receive(self, stream: IO[bytes], fmt: str, job_id: str) -> Upload:
        """Copy the body to ``<job>.input`` within the limits; nothing is kept when it is refused."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.input_path(job_id)
        partial = path.with_suffix(".partial")
        try:
            size, rows = self._copy(stream, partial, fmt)
            if size == 0 or rows == 0:
                raise InvalidInput("EMPTY_UPLOAD", "the upload has no rows")
            partial.rename(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return Upload(path, fmt, size, rows)

    def _copy(self, stream: IO[bytes], target: Path, fmt: str) -> tuple[int, int]:
        limit, max_rows = self.settings.bulk_max_bytes, self.settings.bulk_max_rows
        size = newlines = 0
        last = b"\n"
        first_line = b""
        decoder = codecs.getincrementaldecoder("utf-8")() if fmt == "csv" else None
        with open(target, "wb") as out:
            while chunk := stream.read(UPLOAD_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge("BODY_TOO_LARGE", f"upload larger than {limit} bytes")
                if decoder is not None:
                    _decode(decoder, chunk)
                    if len(first_line) < UPLOAD_CHUNK and b"\n" not in first_line:
                        first_line += chunk[: UPLOAD_CHUNK - len(first_line)]
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
                rows = newlines + (last != b"\n") - (fmt == "csv")
                if rows > max_rows:
                    raise TooLarge("TOO_MANY_ROWS", f"upload has more than {max_rows} rows")
                out.write(chunk)
        if decoder is not None:
            _decode(decoder, b"", final=True)
            if size:
                read_csv_header(first_line.split(b"\n", 1)[0])
        return size, max(0, newlines + (last != b"\n") - (fmt == "csv"))

    # -- reading ----------------------------------------------------------------------------------

    @property
    def retention(self) -> timedelta:
        """How long a finished job's upload and results are kept (``TRACE_VERIFY_BULK_RETENTION_DAYS``)."""
        return timedelta(days=self.settings.bulk_retention_days)

    def status(self, who: Principal, job_id: str, now: datetime) -> dict[str, Any]:
        """The job's state and progress; 404 for a job that is absent or another tenant's."""
        return job_view(self._visible(who, job_id), now, self.retention)

    def results(self, who: Principal, job_id: str, as_csv: bool) -> Iterator[bytes]:
        """The finished job's results rows (JSON Lines, or CSV with a header); 409 before it is done,
        410 once they were purged (the retention period)."""
        job = self._visible(who, job_id)
        if job.state is JobState.EXPIRED:
            raise Gone(
                "RESULTS_EXPIRED", f"the job's results were kept for {_days(self.retention)} and purged"
            )
        if job.state is not JobState.DONE:
            raise Conflict("JOB_NOT_DONE", f"the job is {job.state.value}; results come when it is done")
        path = self.results_path(job.id)
        if not path.exists():
            raise Gone("RESULTS_EXPIRED", "the job's results are no longer kept")
        return _csv_results(path) if as_csv else _file_chunks(path)

    def _visible(self, who: Principal, job_id: str) -> ValidationJob:
        who.access(Resource.VERIFICATION)
        with self.db.transaction() as session:
            job = session.get(ValidationJob, job_id)
        if job is None or not _sees(who, job):
            raise not_found("validation job")
        return job

    # -- running ----------------------------------------------------------------------------------

    def input_path(self, job_id: str) -> Path:
        """The upload of a job."""
        return self.directory / f"{job_id}.input"

    def results_path(self, job_id: str) -> Path:
        """The results of a job (JSON Lines)."""
        return self.directory / f"{job_id}.results.jsonl"

    def next_queued(self, now: datetime) -> str | None:
        """The oldest job waiting to run (or abandoned by a dead runner), if any."""
        with self.db.transaction() as session:
            found = session.scalar(
                sa.select(ValidationJob.id)
                .where(_claimable(now))
                .order_by(ValidationJob.created_at, ValidationJob.id)
                .limit(1)
            )
        return found

    def claimable(self, now: datetime, limit: int = 1000) -> list[str]:
        """Jobs waiting to run or abandoned by a dead runner, oldest first (a worker re-enqueues them)."""
        with self.db.transaction() as session:
            found = session.scalars(
                sa.select(ValidationJob.id)
                .where(_claimable(now))
                .order_by(ValidationJob.created_at, ValidationJob.id)
                .limit(limit)
            )
            return list(found)

    def claim(self, job_id: str, runner: str, now: datetime) -> bool:
        """Take the job for ``runner``: True for exactly one of any number of concurrent claimants."""
        with self.db.transaction() as session:
            result = session.execute(
                sa.update(ValidationJob)
                .where(ValidationJob.id == job_id, _claimable(now))
                .values(
                    state=JobState.RUNNING,
                    claimed_by=runner[:100],
                    started_at=now,
                    heartbeat_at=now,
                    attempts=ValidationJob.attempts + 1,
                    rows_read=0,
                    done=0,
                    failed=0,
                )
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    def run(self, job_id: str, runner: str, workers: int | None = None) -> bool:
        """Claim and run one job to the end; False when another runner has it (or it is finished)."""
        if not self.claim(job_id, runner, datetime.now(UTC)):
            return False
        try:
            self._run_claimed(job_id, runner, workers)
        except Exception as exc:
            self._finish(job_id, runner, JobState.FAILED, f"{type(exc).__name__}: {str(exc)[:300]}")
            raise
        return True

    def _run_claimed(self, job_id: str, runner: str, workers: int | None) -> None:
        with self.db.transaction() as session:
            job = session.get(ValidationJob, job_id)
            assert job is not None
            fmt, merchant_id, verify_at = job.format, job.merchant_id, job.verify_at
        items = csv_items(self.input_path(job_id)) if fmt == "csv" else jsonl_items(self.input_path(job_id))
        recipe = self.recipe(self.settings, self.db.url, merchant_id)
        engine = ParallelVerifier(recipe, workers or self.settings.job_workers)
        progress = _Progress(self, job_id, runner)
        target = self.results_path(job_id)
        partial = target.with_suffix(".partial")
        with open(partial, "wb", buffering=UPLOAD_CHUNK) as out:
            for outcome in engine.verify_numbered(items, verify_at, progress.read):
                out.write(outcome.data)
                out.write(b"\n")
                progress.answered(outcome.ok)
        os.replace(partial, target)
        progress.flush(force=True)
        self._finish(job_id, runner, JobState.DONE, None)
        self.input_path(job_id).unlink(missing_ok=True)  # done: only the results are read from now on

    def _finish(self, job_id: str, runner: str, state: JobState, error: str | None) -> None:
        now = datetime.now(UTC)
        with self.db.transaction() as session:
            session.execute(
                sa.update(ValidationJob)
                .where(ValidationJob.id == job_id, ValidationJob.claimed_by == runner[:100])
                .values(state=state, finished_at=now, heartbeat_at=now, error=error)
                .execution_options(synchronize_session=False)
            )

    def report(self, job_id: str, runner: str, rows_read: int, done: int, failed: int) -> None:
        """Write a running job's progress (and renew its lease)."""
        with self.db.transaction() as session:
            session.execute(
                sa.update(ValidationJob)
                .where(ValidationJob.id == job_id, ValidationJob.claimed_by == runner[:100])
                .values(rows_read=rows_read, done=done, failed=failed, heartbeat_at=datetime.now(UTC))
                .execution_options(synchronize_session=False)
            )

    # -- retention ------------------------------------------------------------------------------------

    def purge(self, now: datetime) -> int:
        """Expire the jobs finished more than the retention period ago: their files are deleted and
        they answer ``expired`` (results: 410). Also deletes what no job owns any more (uploads refused
        or cut off mid-way, files of expired jobs left by a crash). How many jobs it expired.

        Run by the job runner's schedule and by ``trace-verify validations purge``; harmless to run
        on several processes at once (each file is deleted once, each job expired once).
        """
        cutoff = now - self.retention
        with self.db.transaction() as session:
            ids = list(
                session.scalars(
                    sa.select(ValidationJob.id)
                    .where(ValidationJob.state.in_(FINISHED), ValidationJob.finished_at < cutoff)
                    .order_by(ValidationJob.finished_at)
                    .limit(PURGE_BATCH)
                )
            )
            if ids:
                session.execute(
                    sa.update(ValidationJob)
                    .where(ValidationJob.id.in_(ids), ValidationJob.state.in_(FINISHED))
                    .values(state=JobState.EXPIRED)
                    .execution_options(synchronize_session=False)
                )
        for job_id in ids:
            for path in self._files_of(job_id):
                path.unlink(missing_ok=True)
        self._sweep(cutoff)
        return len(ids)

    def _files_of(self, job_id: str) -> list[Path]:
        input_path, results = self.input_path(job_id), self.results_path(job_id)
        return [input_path, input_path.with_suffix(".partial"), results, results.with_suffix(".partial")]

    def _sweep(self, cutoff: datetime) -> None:
        """Delete files untouched since ``cutoff`` whose job is expired or absent (never a live job's)."""
        if not self.directory.is_dir():
            return
        stale: dict[str, list[Path]] = {}
        for path in self.directory.iterdir():
            if path.name.startswith("val_") and _modified(path) < cutoff:
                stale.setdefault(path.name.split(".", 1)[0], []).append(path)
        for batch in _batches(sorted(stale), PURGE_BATCH):
            with self.db.transaction() as session:
                live = set(
                    session.scalars(
                        sa.select(ValidationJob.id).where(
                            ValidationJob.id.in_(batch), ValidationJob.state != JobState.EXPIRED
                        )
                    )
                )
            for job_id in batch:
                if job_id not in live:
                    for path in stale[job_id]:
                        path.unlink(missing_ok=True)


class _Progress:
    """Counts a running job's rows and writes them at most every :data:`PROGRESS_EVERY` seconds."""

    def __init__(self, service: ValidationService, job_id: str, runner: str) -> None:
        self.service, self.job_id, self.runner = service, job_id, runner
        self.rows_read = self.done = self.failed = 0
        self.written = 0.0

    def read(self, last_line: int) -> None:
        self.rows_read = last_line
        self.flush()

    def answered(self, ok: bool) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.written >= PROGRESS_EVERY:
            self.written = now
            self.service.report(self.job_id, self.runner, self.rows_read, self.done, self.failed)


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        ValidationJob.state == JobState.QUEUED,
        sa.and_(ValidationJob.state == JobState.RUNNING, ValidationJob.heartbeat_at < now - LEASE),
    )


def _sees(who: Principal, job: ValidationJob) -> bool:
    if who.role is Role.MERCHANT:
        return job.merchant_id == who.merchant_id
    return who.role in (Role.PLATFORM, Role.STAFF)


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool = False) -> None:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        raise InvalidInput("INVALID_CSV", "the CSV is not UTF-8 text") from None


def job_view(job: ValidationJob, now: datetime, retention: timedelta) -> dict[str, Any]:
    """A job as the API shows it: state, counts, rate (rows/s), ETA (seconds) and, once finished,
    until when its results are kept (``expires_at``; after it the job is ``expired``)."""
    rate = eta = None
    finished = job.state in (*FINISHED, JobState.EXPIRED)
    if job.started_at is not None and job.state in (JobState.RUNNING, JobState.DONE, JobState.EXPIRED):
        end = job.finished_at if finished and job.finished_at else now
        elapsed = max((end - job.started_at).total_seconds(), 1e-3)
        rate = round(job.rows_read / elapsed, 1)
        if job.state is JobState.RUNNING and rate > 0:
            eta = round(max(job.rows - job.rows_read, 0) / rate, 1)
        elif job.state is not JobState.RUNNING:
            eta = 0.0
    expires_at = job.finished_at + retention if finished and job.finished_at else None
    return {
        "id": job.id,
        "state": job.state.value,
        "format": job.format,
        "merchant_id": job.merchant_id,
        "size": job.size,
        "rows": job.rows,
        "rows_read": job.rows_read,
        "done": job.done,
        "failed": job.failed,
        "rate": rate,
        "eta_seconds": eta,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "expires_at": _iso(expires_at),
        "error": job.error,
        "results": f"/api/v1/validations/{job.id}/results",
    }


def _days(span: timedelta) -> str:
    days = span / timedelta(days=1)
    return f"{days:g} day{'s' if days != 1 else ''}"


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:  # deleted meanwhile (another purge): nothing to do
        return datetime.max.replace(tzinfo=UTC)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(UPLOAD_CHUNK):
            yield chunk


def _csv_results(path: Path) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RESULT_COLUMNS)
    with open(path, "rb") as handle:
        for line in handle:
            writer.writerow(result_to_csv_row(json.loads(line)))
            if buffer.tell() >= UPLOAD_CHUNK:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode()
