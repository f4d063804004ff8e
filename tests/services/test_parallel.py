"""The multi-process verify engine: same answers as one process, in order, fed in bounded chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.support import bundle
from trace_verify.config import Settings
from trace_verify.errors import ServiceError, TooLarge
from trace_verify.services.parallel import ParallelVerifier, default_workers
from trace_verify.startup import VerifierRecipe

NOW = datetime(2026, 3, 5, 12, tzinfo=UTC)
RECIPE = VerifierRecipe(Settings())


def _population() -> list[bytes | ServiceError]:
    good = json.dumps(bundle("direct-met")).encode()
    bonded = [json.dumps(bundle("mainland-fraud")).encode()]
    unknown_field = bundle("direct-met")
    unknown_field["order"]["tip"] = "1.00"
    lines: list[bytes | ServiceError] = []
    for i in range(40):
        lines.append(good if i % 3 else bonded[0])
        if i % 7 == 0:
            lines.append(b"{oops")
        if i % 11 == 0:
            lines.append(b"   \n")
        if i % 13 == 0:
            lines.append(TooLarge("BODY_TOO_LARGE", "line longer than 10 bytes"))
        if i % 17 == 0:
            lines.append(json.dumps(unknown_field).encode())
    return lines


def test_two_processes_answer_exactly_as_one_in_input_order() -> None:
    lines = _population()
    one = list(ParallelVerifier(RECIPE, 1).verify_lines(lines, NOW))
    two = list(ParallelVerifier(RECIPE, 2, chunk_lines=3).verify_lines(lines, NOW))
    assert [(o.line, o.ok, o.data) for o in two] == [(o.line, o.ok, o.data) for o in one]
    numbers = [o.line for o in two]
    assert numbers == sorted(numbers)
    blank = [n for n, raw in enumerate(lines, start=1) if isinstance(raw, bytes) and not raw.strip()]
    assert blank and not set(blank) & set(numbers)  # blank lines counted, never answered
    failed = [json.loads(o.data) for o in two if not o.ok]
    assert {f["error"]["code"] for f in failed} == {"INVALID_JSON", "BODY_TOO_LARGE", "UNKNOWN_FIELD"}
    for f in failed:  # an oversized line is answered at its own line number
        assert isinstance(lines[f["line"] - 1], ServiceError) == (f["error"]["code"] == "BODY_TOO_LARGE")


def test_input_is_consumed_in_bounded_chunks() -> None:
    good = json.dumps(bundle("direct-met")).encode()
    read = 0

    def endless() -> Iterator[bytes]:
        nonlocal read
        while True:
            read += 1
            yield good

    engine = ParallelVerifier(RECIPE, 2, chunk_lines=4)
    outcomes = engine.verify_lines(endless(), NOW)
    first = [next(outcomes) for _ in range(5)]
    assert [o.line for o in first] == [1, 2, 3, 4, 5]
    # at most `window` chunks are in flight, plus the one being cut: memory does not follow the input
    assert read <= (engine.window + 2) * 4
    outcomes.close()  # a consumer that stops early shuts the pool down


def test_progress_reports_the_lines_read() -> None:
    good = json.dumps(bundle("direct-met")).encode()
    seen: list[int] = []
    out = list(ParallelVerifier(RECIPE, 2, chunk_lines=5).verify_lines([good] * 12, NOW, seen.append))
    assert len(out) == 12
    assert seen == [5, 10, 12]


def test_default_is_every_cpu_this_process_may_use() -> None:
    assert ParallelVerifier(RECIPE).workers == default_workers() >= 1


@pytest.mark.parametrize("workers", [1, 2])
def test_empty_input_answers_nothing(workers: int) -> None:
    assert list(ParallelVerifier(RECIPE, workers).verify_lines([], NOW)) == []


_OWNER = """
import json, sys, threading
from datetime import UTC, datetime
from tests.support import bundle
from trace_verify.config import Settings
from trace_verify.services.parallel import ParallelVerifier
from trace_verify.startup import VerifierRecipe
threading.Thread(target=lambda: None).start()  # a threaded owner (a web server): forkserver workers
line = json.dumps(bundle("direct-met")).encode()
engine = ParallelVerifier(VerifierRecipe(Settings()), 2, chunk_lines=1)
for n, _ in enumerate(engine.verify_lines(iter(lambda: line, None), datetime(2026, 3, 5, tzinfo=UTC))):
    if n == 5:
        print("running", flush=True)
"""


@pytest.mark.slow
def test_workers_leave_when_the_owner_is_killed_mid_job() -> None:
    """A service killed mid-job (SIGKILL: no clean-up runs) leaves no pool worker or forkserver behind."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    marker = f"TV_OWNER_TEST={os.getpid()}-{time.monotonic_ns()}"

    def marked() -> set[int]:
        """Processes started under this test's environment marker (they inherit it)."""
        found: set[int] = set()
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and marker.encode() + b"\0" in (entry / "environ").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
        return found

    root = Path(__file__).resolve().parents[2]
    name, value = marker.split("=")
    env = {**os.environ, name: value, "PYTHONPATH": str(root)}
    owner = subprocess.Popen([sys.executable, "-c", _OWNER], env=env, stdout=subprocess.PIPE, cwd=root)
    assert owner.stdout is not None and owner.stdout.readline() == b"running\n"
    helpers = marked() - {owner.pid}
    assert len(helpers) >= 2, helpers  # the forkserver and the two workers (and a resource tracker)
    owner.kill()
    owner.wait()
    owner.stdout.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in helpers):
        time.sleep(0.2)
    alive = [p for p in helpers if Path(f"/proc/{p}").exists()]
    assert not alive, f"left behind: {alive}"
