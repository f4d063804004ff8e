"""Settings of the complaints work: fault points only in tests, the job runner's knobs, and the
start-up warning for several processes on SQLite."""

from __future__ import annotations

import pytest

from trace_verify.config import Settings, load_settings
from trace_verify.web.serve import concurrency_warning


def test_fault_points_are_refused_unless_testing() -> None:
    with pytest.raises(ValueError, match="tests only"):
        load_settings({"TRACE_VERIFY_FAULTS": "after_commit"})
    armed = load_settings({"TRACE_VERIFY_FAULTS": "after_commit", "TRACE_VERIFY_TESTING": "1"})
    assert armed.faults == frozenset({"after_commit"})
    assert load_settings({}).faults == frozenset()


def test_job_runner_settings() -> None:
    settings = load_settings(
        {"TRACE_VERIFY_JOBS": "0", "TRACE_VERIFY_JOB_INTERVAL": "2", "TRACE_VERIFY_RECHECK_DELAY": "5"}
    )
    assert (settings.run_jobs, settings.job_interval_seconds, settings.recheck_delay_seconds) == (
        False,
        2.0,
        5.0,
    )


def test_several_workers_on_sqlite_are_warned_about() -> None:
    warning = concurrency_warning(Settings(workers=2), "sqlite")
    assert warning is not None and "PostgreSQL" in warning
    assert concurrency_warning(Settings(workers=1), "sqlite") is None
    assert concurrency_warning(Settings(workers=4), "postgresql") is None
