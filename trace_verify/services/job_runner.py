"""The embedded job runner: every kind of background job runs inside the service when there is no Redis.

One runner per service process serves every :class:`~trace_verify.services.queue.JobKind` through the
same handlers as ``trace-verify worker`` (``services.jobs``), on two threads: one lane for bulk
validations (minutes long; they verify on every core through the verify engine's process pool) and
one for the short jobs (refreshes, webhook merges, complaint re-checks), so a season's upload never
holds a complaint back. With ``scheduling`` on (``serve``, ``make run``), the short lane also runs the
schedule every ``interval_seconds``: it enqueues what is due, here. Several service processes each
have a runner and each schedules; every handler claims its object in the database first, so nothing
runs twice. So ``make run`` needs nothing else.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import deque
from typing import Final

from trace_verify.services.jobs import Jobs
from trace_verify.services.queue import JobKind

log = logging.getLogger(__name__)

#: Jobs that run for minutes: they get a thread of their own.
LONG_KINDS: Final = frozenset({JobKind.VALIDATION})


def runner_name() -> str:
    """This process's name in a job's ``claimed_by``: host, process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class _Lane:
    """Jobs waiting for one thread, each (kind, key) at most once while it waits."""

    def __init__(self) -> None:
        self.waiting: deque[tuple[JobKind, str]] = deque()
        self.keys: set[tuple[JobKind, str]] = set()
        self.ready = threading.Condition()

    def put(self, job: tuple[JobKind, str]) -> None:
        with self.ready:
            if job not in self.keys:
                self.keys.add(job)
                self.waiting.append(job)
            self.ready.notify()

    def take(self, timeout: float) -> tuple[JobKind, str] | None:
        """The next job, waiting at most ``timeout`` seconds for one."""
        with self.ready:
            if not self.waiting:
                self.ready.wait(timeout)
            if not self.waiting:
                return None
            job = self.waiting.popleft()
            self.keys.discard(job)
            return job

    def wake(self) -> None:
        with self.ready:
            self.ready.notify_all()


class EmbeddedRunner:
    """Runs every job kind on threads of this process (started on first use, again in a forked child)."""

    def __init__(self, jobs: Jobs, interval_seconds: float = 30.0) -> None:
        self.jobs = jobs
        self.interval_seconds = interval_seconds
        #: Run the schedule every interval (``serve``); off, the runner only runs what it is handed.
        self.scheduling = False
        #: Start the threads on the first job handed over; off (tests stepping by hand, the command
        #: line), jobs wait for :meth:`run_pending`.
        self.autostart = True
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reset()

    def _reset(self) -> None:
        """Fresh lanes and no threads: at construction, and in a forked child (threads do not survive)."""
        self._pid = os.getpid()
        self._lanes = {True: _Lane(), False: _Lane()}
        self._threads: list[threading.Thread] = []
        self._next_pass = 0.0

    def enqueue(self, kind: JobKind, key: str) -> None:
        """Have the job run soon on this process; a repeat while it waits is a no-op."""
        if self.autostart:
            self.start()
        self._lanes[kind in LONG_KINDS].put((kind, key))

    def start(self, *, scheduling: bool = False) -> None:
        """Start this process's threads if it has none; ``scheduling`` also runs the schedule."""
        with self._lock:
            if self._pid != os.getpid():
                self._reset()
            self.scheduling = self.scheduling or scheduling
            if any(t.is_alive() for t in self._threads):
                return
            self._stop.clear()
            self._threads = [
                threading.Thread(target=self._loop, args=(long,), name=name, daemon=True)
                for long, name in ((True, "jobs-long"), (False, "jobs-short"))
            ]
            for thread in self._threads:
                thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current jobs (tests; a service process simply exits)."""
        self._stop.set()
        for lane in self._lanes.values():
            lane.wake()
        for thread in self._threads:
            thread.join(timeout)

    def run_pending(self) -> int:
        """Run every waiting job in the calling thread (tests, ``trace-verify refresh-due``); how many ran."""
        ran = 0
        for lane in self._lanes.values():
            while (job := lane.take(0)) is not None:
                ran += self._run(*job)
        return ran

    def schedule(self) -> dict[str, int]:
        """One schedule pass: what is due is enqueued here (see ``Jobs.schedule``)."""
        return self.jobs.schedule(self)

    def _loop(self, long: bool) -> None:
        lane = self._lanes[long]
        while not self._stop.is_set():
            if not long and self.scheduling and time.monotonic() >= self._next_pass:
                self._next_pass = time.monotonic() + self.interval_seconds
                self.schedule()
            wait = max(0.0, self._next_pass - time.monotonic()) if not long and self.scheduling else 5.0
            job = lane.take(min(wait, 5.0))
            if job is not None:
                self._run(*job)

    def _run(self, kind: JobKind, key: str) -> int:
        try:
            return int(self.jobs.run(kind, key))
        except Exception:  # the handler recorded its failure; the runner keeps serving the others
            log.exception("%s job %s failed", kind.value, key)
            return 0
