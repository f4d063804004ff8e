"""`make test` runs the hardening benchmarks once, small: they must run and report, never judged on time."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support import ROOT


def _run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    for header in ("machine :", "commit  :", "date    :"):
        assert header in result.stdout
    return result.stdout


@pytest.mark.slow
def test_slow_clients_benchmark_runs_and_reports() -> None:
    out = _run("slow_clients.py")
    assert re.search(r"slow clients held .* 0 failed", out), out
    assert re.search(r"target: .*(PASS|MISS)", out), out


@pytest.mark.slow
def test_tenancy_benchmark_runs_and_reports() -> None:
    out = _run("tenancy.py")
    assert re.search(r"sqlite\s+another tenant's order\s+[\d.]+ ms\s+absent id\s+[\d.]+ ms", out), out
