"""A progress line for long command-line runs: rows, rate and ETA, redrawn in place on a terminal.

Only drawn when the stream is a terminal (the caller decides); a pipe or a file gets nothing, so logs
and redirected output stay clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

#: Seconds between redraws (a terminal need not be repainted for every chunk).
REDRAW_EVERY = 0.2


def count_lines(path: Path) -> int:
    """Lines in ``path`` (a last line without a newline counts), read in 1 MiB blocks."""
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


class ProgressBar:
    """``[#####-----]  42% 420,000/1,000,000 rows  12,345 rows/s  ETA 0:00:47`` on one line."""

    def __init__(
        self, stream: TextIO, total: int, width: int = 30, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.total = max(total, 0)
        self.width = width
        self.clock = clock
        self.started = clock()
        self.drawn = 0.0
        self.done = 0

    def update(self, done: int) -> None:
        """``done`` rows (lines) read so far."""
        self.done = done
        now = self.clock()
        if now - self.drawn >= REDRAW_EVERY:
            self.drawn = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def line(self, now: float) -> str:
        """The progress line at ``now``."""
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        eta = (self.total - self.done) / rate if rate > 0 and self.total > self.done else 0.0
        return (
            f"[{bar}] {share:4.0%} {self.done:,}/{self.total:,} rows  {rate:,.0f} rows/s  ETA {_clock(eta)}"
        )

    def close(self) -> None:
        """Draw the final state and end the line."""
        self.stream.write("\r" + self.line(self.clock()) + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
