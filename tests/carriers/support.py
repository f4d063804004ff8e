"""What the carrier client tests share: the fixtures folder, the simulator handle, a clock that never waits.

Kept in one place so each ``test_<id>_client.py`` says only what is particular to its carrier.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

from carriers.simulator import SimulatorApp

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

#: The running simulator and its base URL (the ``sim`` fixture of tests/carriers/conftest.py).
Sim: TypeAlias = tuple[SimulatorApp, str]


class FakeClock:
    """Monotonic time that moves only when slept on (each sleep recorded); ``now`` is real unless fixed.

    Why: retries and rate limits are tested without waiting, and a fixed ``now`` pins signed timestamps.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []
        self._now = now

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def now(self) -> datetime:
        return self._now if self._now is not None else datetime.now(UTC)
