"""The multi-process verify engine: one bundle a line in, one verdict a line out, on every core.

Used by ``verify --jsonl`` and by bulk validation jobs. The verifier is pure Python, so threads would
queue behind the GIL; a process pool does the work. The pool is fed in bounded chunks: at most
``window`` chunks of at most ``chunk_lines`` lines (and about ``chunk_bytes`` bytes) are in flight,
so memory stays constant however long the input is. Results come back in input order, and a bad line
still answers in its place (``{"line": n, "error": {…}}``).

Each worker process builds its own line verifier once, from a picklable :class:`Recipe` (the start-up
provides them: ``startup.VerifierRecipe``, ``startup.BulkRecipe``), so nothing unpicklable (database
engines, carrier clients) crosses a process boundary.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import Protocol

from trace_verify.contract.jsonio import dumps_bytes
from trace_verify.errors import ServiceError
from trace_verify.services.verification import JsonlOutcome

#: Modules the forkserver imports once, so each job's workers start with them loaded (~1.4 s each).
FORKSERVER_PRELOAD = ["trace_verify.startup", "trace_verify.services.bulk_rows", "carriers"]
#: Lines per task: large enough that pickling and scheduling cost little per bundle.
CHUNK_LINES = 128
#: Bytes per task (a chunk closes early when its lines add up to this).
CHUNK_BYTES = 4 * 1024 * 1024


class LineVerifier(Protocol):
    """What a worker process runs on each line (the verifier, or a bulk job's row judge)."""

    def verify_line(self, number: int, raw: bytes, now: datetime) -> JsonlOutcome | None:
        """The answer for line ``number`` (None for a line that answers nothing, e.g. blank)."""
        ...


class Recipe(Protocol):
    """A picklable description of a :class:`LineVerifier`, built once in each worker process."""

    def build(self) -> LineVerifier:
        """The line verifier this recipe describes."""
        ...


# One verifier per worker process, built by the pool's initializer.
_worker_service: LineVerifier | None = None

#: A task: the (line number, raw line or a ready answer) pairs of one chunk.
_Item = tuple[int, bytes | JsonlOutcome]


#: Seconds between a worker's looks at whether the process that owns the pool is still alive.
OWNER_CHECK_SECONDS = 1.0


def _init_worker(recipe: Recipe, owner: int) -> None:
    global _worker_service
    _worker_service = recipe.build()
    threading.Thread(target=_leave_with, args=(owner,), name="owner-watch", daemon=True).start()


def _leave_with(owner: int) -> None:
    """Exit when the pool's owner is gone (a service stopped mid-job by SIGTERM/SIGKILL).

    A pool worker holds both ends of its own call queue and (forkserver) the server's liveness pipe,
    so without this it would wait forever for work and keep the forkserver, and whatever pipes they
    inherited, alive after the service died.
    """
    while True:
        time.sleep(OWNER_CHECK_SECONDS)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # pragma: no cover - a pid reused by another user's process
            os._exit(1)


#: An outcome as it crosses the process boundary: ``(line, data, ok)``. A plain tuple pickles in about
#: a fortieth of the time of the slots dataclass (whose pickling runs Python ``__getstate__`` and
#: ``__setstate__`` per object: ~10 µs per line both ways, measured), and the parent pays that on the
#: core the workers need.
_Wire = tuple[int, bytes, bool]


def _verify_chunk(items: list[_Item], now: datetime) -> list[_Wire]:
    service = _worker_service
    assert service is not None, "worker not initialised"
    return [(o.line, o.data, o.ok) for o in _answer(service, items, now)]


def _answer(service: LineVerifier, items: list[_Item], now: datetime) -> list[JsonlOutcome]:
    """A chunk's outcomes in order: through ``verify_chunk`` when the verifier batches, else per line."""
    raw_items = [(number, raw) for number, raw in items if not isinstance(raw, JsonlOutcome)]
    batch = getattr(service, "verify_chunk", None)
    if batch is not None:
        fresh = iter(batch(raw_items, now))
    else:
        fresh = iter(service.verify_line(number, raw, now) for number, raw in raw_items)
    out: list[JsonlOutcome] = []
    for _, raw in items:
        outcome = raw if isinstance(raw, JsonlOutcome) else next(fresh)
        if outcome is not None:
            out.append(outcome)
    return out


def default_workers() -> int:
    """The CPUs this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _error_outcome(number: int, error: ServiceError) -> JsonlOutcome:
    return JsonlOutcome(number, dumps_bytes({"line": number, **error.to_json()}), False)


def _chunks(
    items: Iterable[tuple[int, bytes | ServiceError]], chunk_lines: int, chunk_bytes: int
) -> Iterator[list[_Item]]:
    """Numbered lines grouped into chunks; an error item is answered here, in its place."""
    chunk: list[_Item] = []
    size = 0
    for number, raw in items:
        if isinstance(raw, ServiceError):
            chunk.append((number, _error_outcome(number, raw)))
        else:
            chunk.append((number, raw))
            size += len(raw)
        if len(chunk) >= chunk_lines or size >= chunk_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` from a single-threaded process (fast start, modules already loaded); else
    ``forkserver``, since forking a process that runs threads (a web server) can copy held locks."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(FORKSERVER_PRELOAD)  # no effect once it runs
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - not POSIX


class ParallelVerifier:
    """Verifies lines of bundles on ``workers`` processes, in order, in bounded memory.

    With ``workers == 1`` the lines are verified in this process (no pool is started).
    """

    def __init__(
        self,
        recipe: Recipe,
        workers: int | None = None,
        *,
        chunk_lines: int = CHUNK_LINES,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.recipe = recipe
        self.workers = max(1, workers or default_workers())
        self.chunk_lines = chunk_lines
        self.chunk_bytes = chunk_bytes
        #: chunks in flight: enough to keep every worker busy while one result is written.
        self.window = 2 * self.workers

    def verify_lines(
        self,
        lines: Iterable[bytes | ServiceError],
        now: datetime,
        on_chunk: Callable[[int], None] | None = None,
    ) -> Iterator[JsonlOutcome]:
        """One outcome per non-blank line, in input order (blank lines are counted, not answered).

        ``on_chunk(lines_read)`` is called as each chunk completes, for progress reports.
        """
        return self.verify_numbered(enumerate(lines, start=1), now, on_chunk)

    def verify_numbered(
        self,
        items: Iterable[tuple[int, bytes | ServiceError]],
        now: datetime,
        on_chunk: Callable[[int], None] | None = None,
    ) -> Iterator[JsonlOutcome]:
        """As :meth:`verify_lines`, for items already numbered (CSV rows grouped into one bundle)."""
        if self.workers == 1:
            yield from self._in_process(items, now, on_chunk)
            return
        with ProcessPoolExecutor(
            self.workers,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(self.recipe, os.getpid()),
        ) as pool:
            pending: deque[tuple[int, Future[list[_Wire]]]] = deque()
            for chunk in _chunks(items, self.chunk_lines, self.chunk_bytes):
                pending.append((chunk[-1][0], pool.submit(_verify_chunk, chunk, now)))
                if len(pending) >= self.window:
                    yield from self._collect(pending.popleft(), on_chunk)
            while pending:
                yield from self._collect(pending.popleft(), on_chunk)

    @staticmethod
    def _collect(
        entry: tuple[int, Future[list[_Wire]]], on_chunk: Callable[[int], None] | None
    ) -> list[JsonlOutcome]:
        last_line, future = entry
        outcomes = [JsonlOutcome(line, data, ok) for line, data, ok in future.result()]
        if on_chunk is not None:
            on_chunk(last_line)
        return outcomes

    def _in_process(
        self,
        items: Iterable[tuple[int, bytes | ServiceError]],
        now: datetime,
        on_chunk: Callable[[int], None] | None,
    ) -> Iterator[JsonlOutcome]:
        service = self.recipe.build()
        try:
            for chunk in _chunks(items, self.chunk_lines, self.chunk_bytes):
                yield from _answer(service, chunk, now)
                if on_chunk is not None:
                    on_chunk(chunk[-1][0])
        finally:
            close = getattr(service, "close", None)
            if close is not None:  # a verifier holding a database engine lets its connections go
                close()
