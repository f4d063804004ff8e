"""`make test` runs the bulk benchmark once at a small size: it must run and report, never judged on time."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support import ROOT


@pytest.mark.slow
def test_bulk_benchmark_runs_and_reports_every_target() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bulk.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for header in ("machine :", "commit  :", "date    :"):
        assert header in out
    assert len(re.findall(r"\b(PASS|MISS)\b", out)) == 2, out  # time, memory
    assert re.search(r"upload → results, 500 rows\s+\d+\.\d s", out)
