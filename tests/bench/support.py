"""One way to run a benchmark's smoke mode in `make test`: it must run and report, never be timed."""

from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT

HEADERS = ("machine :", "commit  :", "date    :")


def run_smoke(script: str, timeout: float = 300) -> str:
    """Run ``bench/<script> --smoke``; assert it exits 0 and prints machine, commit and date; its stdout."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--smoke"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    for header in HEADERS:
        assert header in result.stdout, result.stdout
    return result.stdout
