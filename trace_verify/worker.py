"""``trace-verify worker``: runs the queued jobs from Redis (RQ); start any number, on any machines.

Each worker process builds the running system once (``startup.start``) and serves the one queue with
RQ's ``SimpleWorker``: the job runs in the worker process itself, so the system is not rebuilt per
job, and a bulk validation still verifies on every core through the verify engine's process pool.
A job is claimed in the database before it runs, so a job enqueued twice, or served by two workers,
runs once; on start a worker re-enqueues the jobs a dead worker abandoned (their lease ran out).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

from trace_verify import startup
from trace_verify.config import Settings, load_settings
from trace_verify.errors import InvalidInput
from trace_verify.services.job_runner import runner_name
from trace_verify.services.queue import JobKind, RedisQueue

log = logging.getLogger(__name__)

_system: startup.System | None = None
_system_pid = 0


def _the_system() -> startup.System:
    """This process's system, built on first use (and again in a forked child)."""
    global _system, _system_pid
    if _system is None or _system_pid != os.getpid():
        _system = startup.start(load_settings(), startup.Shell.CLI)
        _system_pid = os.getpid()
    return _system


def run_job(kind: str, key: str) -> bool:
    """Run one job (RQ calls this by name); True when this process ran it, False when another had."""
    system = _the_system()
    if kind == JobKind.VALIDATION:
        return system.services.validations.run(key, runner_name())
    raise ValueError(f"unknown job kind {kind!r}")


def requeue_abandoned(system: startup.System, queue: RedisQueue) -> int:
    """Enqueue every validation job that is queued or was abandoned; how many."""
    service = system.services.validations
    seen = 0
    for job_id in service.claimable(datetime.now(UTC)):
        queue.enqueue(JobKind.VALIDATION, job_id)
        seen += 1
    return seen


def work(settings: Settings, *, burst: bool = False) -> None:
    """Serve the queue until stopped (``burst``: until it is empty)."""
    from rq import SimpleWorker

    if not settings.redis_url:
        raise InvalidInput(
            "NO_QUEUE",
            "REDIS_URL is not set: without Redis the service runs its jobs itself (no worker needed)",
            "REDIS_URL",
        )
    system = _the_system()
    queue = RedisQueue.from_url(settings.redis_url)
    found = requeue_abandoned(system, queue)
    if found:
        log.info("re-enqueued %d waiting or abandoned validation jobs", found)
    worker = SimpleWorker([queue.queue], connection=queue.connection, name=f"trace-verify-{runner_name()}")
    worker.work(burst=burst, logging_level="WARNING")
