"""Every kind of background work, and the schedule that finds it: what both job runners serve.

:class:`Jobs` maps each :class:`~trace_verify.services.queue.JobKind` to its handler (``run``) and to
the query that finds the work due of that kind (``schedule``): open shipments whose number is due a
poll, complaints whose re-check is due, pushes stored but not merged, validations waiting or abandoned.
The embedded runner (``job_runner``) and ``trace-verify worker`` (RQ) run the same handlers; each
handler claims its object in the database first, so a job enqueued twice, or by two schedulers at
once, does its work once. Housekeeping that needs no queue (purging expired idempotency keys) runs with
each schedule pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from trace_verify.observability import JOBS
from trace_verify.services.clock import Clock
from trace_verify.services.queue import JobKind, JobQueue

log = logging.getLogger(__name__)

#: ``handler(key, now)``: do the job; True when this caller did it (False: another had, or nothing to do).
Handler = Callable[[str, datetime], bool]
#: ``due(now)``: the keys of the work of one kind that is due now (each pass is bounded).
Due = Callable[[datetime], Iterable[str]]
#: ``task(now)``: housekeeping run with each schedule pass; returns how many items it handled.
Task = Callable[[datetime], int]

#: Most keys of one kind a schedule pass enqueues (the rest waits for the next pass).
PASS_LIMIT: Final = 500


@dataclass
class Jobs:
    """The handlers and the schedule of every job kind, over one clock."""

    clock: Clock
    handlers: dict[JobKind, Handler] = field(default_factory=dict)
    due: dict[JobKind, Due] = field(default_factory=dict)
    housekeeping: dict[str, Task] = field(default_factory=dict)

    def run(self, kind: JobKind | str, key: str) -> bool:
        """Run one job now; True when this caller did the work. An unknown kind is a ``ValueError``."""
        try:
            job_kind = JobKind(kind)
            handler = self.handlers[job_kind]
        except (ValueError, KeyError):
            raise ValueError(f"unknown job kind {kind!r}") from None
        try:
            ran = handler(key, self.clock.now())
        except Exception:
            JOBS.labels(job_kind.value, "failed").inc()
            raise
        JOBS.labels(job_kind.value, "done" if ran else "skipped").inc()
        return ran

    def schedule(self, queue: JobQueue, now: datetime | None = None) -> dict[str, int]:
        """One pass: enqueue every job that is due, then run the housekeeping; what each step found.

        A failing step is logged and does not stop the others (it is tried again next pass).
        """
        moment = now or self.clock.now()
        found: dict[str, int] = {}
        for kind, due in self.due.items():
            found[kind.value] = _enqueue_due(queue, kind, due, moment)
        for name, task in self.housekeeping.items():
            found[name] = _housekeep(name, task, moment)
        return found


def _enqueue_due(queue: JobQueue, kind: JobKind, due: Due, now: datetime) -> int:
    count = 0
    try:
        for key in due(now):
            queue.enqueue(kind, key)
            count += 1
    except Exception:  # one failing step must not stop the schedule; it runs again next pass
        log.exception("scheduling %s jobs failed; the next pass tries again", kind.value)
    return count


def _housekeep(name: str, task: Task, now: datetime) -> int:
    try:
        return task(now)
    except Exception:  # as above
        log.exception("housekeeping %s failed; the next pass tries again", name)
        return 0
