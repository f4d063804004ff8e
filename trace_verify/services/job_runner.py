"""The embedded job runner: bulk validations run inside the service when no worker queue is set up.

One daemon thread per service process waits for work (woken by :meth:`EmbeddedRunner.enqueue`, and
looking every few seconds for queued or abandoned jobs anyway), claims a job in the database and runs
it through the verify engine, which verifies on every core in a process pool. With several service
processes each has a runner; the database claim makes sure a job runs once. So ``make run`` needs
nothing else.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import UTC, datetime
from typing import Final

from trace_verify.services.queue import JobKind
from trace_verify.services.validations import ValidationService

log = logging.getLogger(__name__)

#: Seconds between looks for queued jobs when nothing woke the runner.
POLL_SECONDS: Final = 5.0


def runner_name() -> str:
    """This process's name in a job's ``claimed_by``: host, process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class EmbeddedRunner:
    """Runs queued validation jobs on a thread of this process (started on first use, per process)."""

    def __init__(self, service: ValidationService, workers: int | None = None) -> None:
        self.service = service
        self.workers = workers
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def enqueue(self, kind: JobKind, key: str) -> None:
        """Wake the runner (a validation job is already queued in the database)."""
        self.start()
        self._wake.set()

    def start(self) -> None:
        """Start the thread if this process has none (a forked server worker starts its own)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._stop.clear()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._loop, name="validation-runner", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current job (tests; a service process simply exits)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_pending(self) -> int:
        """Run every job that can be claimed now; how many this runner ran."""
        ran = 0
        while not self._stop.is_set():
            job_id = self.service.next_queued(datetime.now(UTC))
            if job_id is None:
                return ran
            try:
                if self.service.run(job_id, runner_name(), self.workers):
                    ran += 1
            except Exception:  # the job is marked failed; the runner keeps serving the others
                log.exception("validation job %s failed", job_id)
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_pending()
            except Exception:  # a database hiccup: look again later
                log.exception("validation runner could not look for jobs")
            self._wake.wait(POLL_SECONDS)
