"""Background jobs behind a small interface: the in-process runner of the embedded default.

A :class:`JobRunner` runs named periodic tasks (re-checking complaints a carrier failure left in
manual review, purging expired idempotency keys). :class:`InProcessRunner` is one daemon thread per
process; a distributed runner (a Redis queue and ``trace-verify worker``, issue 15) only has to offer
the same three methods. Every task must be safe to run in several processes at once: the re-check
locks each complaint and checks that nobody decided it first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

log = logging.getLogger(__name__)

#: A periodic task: given the clock, does one round of work; returns how many items it handled.
Task = Callable[[datetime], int]


class JobRunner(Protocol):
    """Runs periodic tasks."""

    def add(self, name: str, task: Task) -> None:
        """Run ``task`` every round."""
        ...

    def start(self) -> None:
        """Start running (idempotent)."""
        ...

    def stop(self) -> None:
        """Stop after the current round."""
        ...


class InProcessRunner:
    """One daemon thread running every task each ``interval_seconds``; a failing task is logged and
    tried again next round."""

    def __init__(self, interval_seconds: float) -> None:
        self.interval_seconds = interval_seconds
        self._tasks: dict[str, Task] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def add(self, name: str, task: Task) -> None:
        self._tasks[name] = task

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="trace-verify-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=self.interval_seconds + 5)

    def run_once(self, now: datetime | None = None) -> dict[str, int]:
        """One round of every task (tests and the command line call it directly)."""
        moment = now or datetime.now(UTC)
        done = {}
        for name, task in list(self._tasks.items()):
            try:
                done[name] = task(moment)
            except Exception:
                log.exception("job %s failed; it runs again next round", name)
                done[name] = 0
        return done

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            self.run_once()
