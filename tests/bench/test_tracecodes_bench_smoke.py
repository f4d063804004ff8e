"""`make test` runs the trace-code benchmark once at a tiny size: it must run and report, never judged."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support import ROOT


@pytest.mark.slow
def test_tracecodes_benchmark_runs_and_reports_each_part() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "tracecodes.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for header in (
        "machine :",
        "commit  :",
        "date    :",
        "(a) QR PNG",
        "(b) bulk registration",
        "(c) scan page",
    ):
        assert header in out, out
    assert re.search(r"ours \(services/qr\.py\)\s+[\d,]+ PNG/s", out)
    assert re.search(r"SQLite\s+smoke: /healthz and a genuine /t/ page answered", out)
    assert len(re.findall(r"\b(PASS|MISS)\b", out)) >= 2
