"""``trace-verify worker``: runs the queued jobs from Redis (RQ), and the schedule; start any number.

Each worker process builds the running system once (``startup.start``) and serves the one queue with
RQ's ``SimpleWorker``: the job runs in the worker process itself, so the system is not rebuilt per
job, and a bulk validation still verifies on every core through the verify engine's process pool.
Every job kind runs through the same handlers as the embedded runner (``services.jobs``); each claims
its object in the database first, so a job enqueued twice, or served by two workers, runs once.

The schedule (what is due: refreshes, re-checks, unmerged pushes, waiting or abandoned validations)
runs on a thread of every worker, but each pass only in the worker that takes the Redis key
:data:`~trace_verify.services.queue.SCHEDULER_KEY` (``SET NX EX`` for one interval): one pass per
interval across all workers, and no election to lose when a worker dies. RQ's own scheduler was not
used: ``--with-scheduler`` only moves jobs enqueued with ``enqueue_in``/``enqueue_at`` (a tick that
re-enqueues itself breaks when one link is lost and doubles when two start), and RQ 3's ``rq cron``
is another process per deployment with no election between instances.
"""

from __future__ import annotations

import logging
import os
import threading

from trace_verify import startup
from trace_verify.config import Settings, load_settings
from trace_verify.errors import InvalidInput
from trace_verify.services.job_runner import runner_name
from trace_verify.services.queue import RedisQueue

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
    """Run one job (RQ calls this by name); True when this process did the work, False when another had."""
    return _the_system().services.jobs.run(kind, key)


def schedule_once(system: startup.System, queue: RedisQueue) -> dict[str, int] | None:
    """One schedule pass onto ``queue`` if no other worker ran one this interval; what it found."""
    if not queue.lead(system.settings.job_interval_seconds, runner_name()):
        return None
    found = system.services.jobs.schedule(queue)
    if any(found.values()):
        log.info("schedule pass", extra={"found": found})
    return found


class Scheduler:
    """The schedule on a daemon thread of this worker (each pass only where it wins the Redis key)."""

    def __init__(self, system: startup.System, queue: RedisQueue) -> None:
        self.system = system
        self.queue = queue
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        interval = self.system.settings.job_interval_seconds
        while not self._stop.is_set():
            try:
                schedule_once(self.system, self.queue)
            except Exception:  # Redis or the database hiccuped: the next interval tries again
                log.exception("schedule pass failed")
            self._stop.wait(interval)


def work(settings: Settings, *, burst: bool = False) -> None:
    """Serve the queue until stopped (``burst``: one schedule pass, then until the queue is empty)."""
    from rq import SimpleWorker

    if not settings.redis_url:
        raise InvalidInput(
            "NO_QUEUE",
            "REDIS_URL is not set: without Redis the service runs its jobs itself (no worker needed)",
            "REDIS_URL",
        )
    system = _the_system()
    queue = RedisQueue.from_url(settings.redis_url)
    scheduler = Scheduler(system, queue)
    if burst:  # a one-off run: its pass is its own (the database claims keep it from doubling work)
        system.services.jobs.schedule(queue)
    else:
        scheduler.start()
    worker = SimpleWorker([queue.queue], connection=queue.connection, name=f"trace-verify-{runner_name()}")
    try:
        worker.work(burst=burst, logging_level="WARNING")
    finally:
        if not burst:
            scheduler.stop()
