"""`make test` runs each benchmark once at a small size: it must run and report, never judged on time."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support import ROOT


@pytest.mark.slow
def test_verify_benchmark_runs_and_reports_every_target() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "verify.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for header in ("machine :", "commit  :", "date    :"):
        assert header in out
    verdicts = re.findall(r"\b(PASS|MISS)\b", out)
    # (a) speed; (b) one worker: speed, memory; (c) every core: speed, memory per process; pipeline/floor
    assert len(verdicts) == 6, out
    for line in ("workers (wall)", "peak RSS per process", "pipeline / json.loads+dumps floor"):
        assert line in out
    assert re.search(r"verify\s+\d+\.\d", out)


def test_numbers_benchmark_runs_and_reports() -> None:
    """The measurement tests/domain/test_numbers.py once asserted on wall-clock time lives here."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "assess.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"assess\(\)\s+\d+\.\d+ µs/call", result.stdout), result.stdout
    assert "commit  :" in result.stdout
