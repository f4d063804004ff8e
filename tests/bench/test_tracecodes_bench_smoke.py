"""`make test` runs the trace-code benchmark once at a tiny size: it must run and report, never judged."""

from __future__ import annotations

import re

import pytest

from tests.bench.support import run_smoke


@pytest.mark.slow
def test_tracecodes_benchmark_runs_and_reports_each_part() -> None:
    out = run_smoke("tracecodes.py")
    for header in (
        "(a) QR PNG",
        "(b) bulk registration",
        "(c) scan page",
    ):
        assert header in out, out
    assert re.search(r"ours \(services/qr\.py\)\s+[\d,]+ PNG/s", out)
    assert re.search(r"SQLite\s+smoke: /healthz and a genuine /t/ page answered", out)
    assert len(re.findall(r"\b(PASS|MISS)\b", out)) >= 2
