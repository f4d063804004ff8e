"""`make test` runs the bulk benchmark once at a small size: it must run and report, never judged on time."""

from __future__ import annotations

import re

import pytest

from tests.bench.support import run_smoke


@pytest.mark.slow
def test_bulk_benchmark_runs_and_reports_every_target() -> None:
    out = run_smoke("bulk.py")
    assert len(re.findall(r"\b(PASS|MISS)\b", out)) >= 2, out  # time, memory (constant: when sampled)
    assert re.search(r"upload → results, 500 rows\s+\d+\.\d s", out)
    assert re.search(r"constant memory .* (PASS|MISS|n/a)", out)
    assert re.search(r"verify worker\s+pid \d+\s+peak\s+\d+\.\d MB", out), out  # every process, named
