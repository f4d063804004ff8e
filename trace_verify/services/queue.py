"""The one small job interface: background work is a (kind, key) pair handed to a queue.

Two queues implement it: the embedded one (threads of the service process, see ``job_runner``) and
:class:`RedisQueue` (RQ on Redis, run by ``trace-verify worker`` processes on any machine). A job
names what to do (:class:`JobKind`) and the object it is about (``key``: a validation job's id, a
carrier and tracking number, a stored push's id, a complaint's id); the handler (``services.jobs``)
looks everything else up, so a job is tiny, can be retried, and is harmless to run twice (each
handler claims its object in the database first).

RQ (3.0.0, with redis-py 8.1.0; stack.md B.3) was chosen after measuring it on this machine: about
7 ms to enqueue and 28 ms of worker overhead per job (2,000 no-op jobs, shared 2-core machine under
load), against bulk jobs that run for seconds to minutes; its unique job ids make enqueueing
idempotent, and a job is one function call, so another library would replace this one module.
"""

from __future__ import annotations

import enum
import hashlib
import re
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    import redis

#: The RQ queue every web instance enqueues on and every worker serves.
QUEUE_NAME: Final = "trace_verify"
#: The function a worker calls for every job (it builds the system once per worker process).
JOB_FUNCTION: Final = "trace_verify.worker.run_job"
#: Seconds a job may run before RQ stops it (a 1,000,000-row validation takes minutes).
JOB_TIMEOUT: Final = 6 * 3600
#: The Redis key whose holder runs the schedule (``SET NX EX``: one worker per interval, whichever).
SCHEDULER_KEY: Final = "trace_verify:scheduler"
#: What RQ accepts as a job id; other keys are hashed into one.
_SAFE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,100}")


class JobKind(enum.StrEnum):
    """What a job does, and what its key names."""

    VALIDATION = "validation"  # run a bulk validation job (key: its id)
    REFRESH = "refresh"  # poll one tracking number at its carrier (key: "<carrier>/<tracking key>")
    WEBHOOK = "webhook"  # merge a stored carrier push into the shipments (key: the push's id)
    COMPLAINT_RECHECK = "complaint_recheck"  # decide a complaint in manual review again (key: its id)


def job_id(kind: JobKind, key: str) -> str:
    """The RQ job id of (kind, key): the same for the same job, so a waiting repeat is refused."""
    if _SAFE_ID.fullmatch(key):
        return f"{kind.value}-{key}"
    return f"{kind.value}-h{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}"


class JobQueue(Protocol):
    """Where background work is handed over."""

    def enqueue(self, kind: JobKind, key: str) -> None:
        """Have the job run soon; enqueueing it again while it waits is a no-op."""
        ...


class RedisQueue:
    """RQ on Redis: jobs run in ``trace-verify worker`` processes, on any machine."""

    def __init__(self, connection: redis.Redis) -> None:
        from rq import Queue

        self.connection = connection
        self.queue = Queue(QUEUE_NAME, connection=connection)

    @classmethod
    def from_url(cls, url: str) -> RedisQueue:
        """The queue on the Redis at ``url`` (``redis://host:port/db``)."""
        import redis

        return cls(redis.Redis.from_url(url))

    def enqueue(self, kind: JobKind, key: str) -> None:
        """One RQ job per (kind, key) at a time: its id is deterministic, so a waiting repeat is refused.

        A finished or failed RQ job of the same id (kept for a while by RQ) is replaced: the handler's
        own claim decides whether the work is still to do.
        """
        from rq.exceptions import DuplicateJobError, NoSuchJobError
        from rq.job import Job, JobStatus

        rq_id = job_id(kind, key)
        for _ in range(2):
            try:
                self._enqueue(kind, key, rq_id)
                return
            except DuplicateJobError:
                try:
                    existing = Job.fetch(rq_id, connection=self.connection)
                except NoSuchJobError:
                    continue
                if existing.get_status() not in (
                    JobStatus.FINISHED,
                    JobStatus.FAILED,
                    JobStatus.STOPPED,
                    JobStatus.CANCELED,
                ):
                    return  # waiting or running already
                existing.delete()

    def _enqueue(self, kind: JobKind, key: str, rq_id: str) -> None:
        self.queue.enqueue(
            JOB_FUNCTION,
            kind.value,
            key,
            job_id=rq_id,
            unique=True,
            job_timeout=JOB_TIMEOUT,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
        )

    def lead(self, seconds: float, holder: str) -> bool:
        """True when this caller is to run the schedule now: at most one caller per ``seconds``, across
        every worker (``SET NX EX``; the key expires by itself, so a dead leader is no obstacle)."""
        return bool(self.connection.set(SCHEDULER_KEY, holder, nx=True, ex=max(1, int(seconds))))

    def depth(self) -> int:
        """Jobs waiting (for the queue-depth metric)."""
        return int(self.queue.count)

    def ping(self) -> bool:
        """True when Redis answers (for /readyz)."""
        try:
            return bool(self.connection.ping())
        except Exception:  # any connection failure means not ready
            return False


def describe(queue: Any) -> str:
    """``redis`` or ``embedded``: what runs background jobs (for /readyz and logs)."""
    return "redis" if isinstance(queue, RedisQueue) else "embedded"
