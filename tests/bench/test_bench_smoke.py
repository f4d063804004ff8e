"""`make test` runs each benchmark once at a small size: it must run and report, never judged on time."""

from __future__ import annotations

import re

import pytest

from tests.bench.support import run_smoke


@pytest.mark.slow
def test_verify_benchmark_runs_and_reports_every_target() -> None:
    out = run_smoke("verify.py")
    verdicts = re.findall(r"\b(PASS|MISS)\b", out)
    # (a) speed; (b) one worker: speed, memory; (c) every core: speed, memory per process; pipeline/floor
    assert len(verdicts) == 6, out
    for line in ("workers (wall)", "peak RSS per process", "pipeline / json.loads+dumps floor"):
        assert line in out
    assert re.search(r"verify\s+\d+\.\d", out)


def test_numbers_benchmark_runs_and_reports() -> None:
    """The measurement tests/domain/test_numbers.py once asserted on wall-clock time lives here."""
    out = run_smoke("assess.py", timeout=120)
    assert re.search(r"assess\(\)\s+\d+\.\d+ µs/call", out), out
