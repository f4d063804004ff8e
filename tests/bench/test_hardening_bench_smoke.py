"""`make test` runs the hardening benchmarks once, small: they must run and report, never judged on time."""

from __future__ import annotations

import re

import pytest

from tests.bench.support import run_smoke


@pytest.mark.slow
def test_slow_clients_benchmark_runs_and_reports() -> None:
    out = run_smoke("slow_clients.py")
    assert re.search(r"slow clients held .* 0 failed", out), out
    assert re.search(r"target: .*(PASS|MISS)", out), out


@pytest.mark.slow
def test_tenancy_benchmark_runs_and_reports() -> None:
    out = run_smoke("tenancy.py")
    assert re.search(r"sqlite\s+another tenant's order\s+[\d.]+ ms\s+absent id\s+[\d.]+ ms", out), out
