"""How hard the project may lean on a carrier's API: timeouts, deadline, size cap, retries, rate, breaker."""

from __future__ import annotations

from dataclasses import dataclass, field

RETRY_AFTER_CEILING = 10.0
"""No policy may wait longer on a ``Retry-After`` (urllib3's default is 6 hours: reliability.md §5)."""


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Per-carrier limits. Defaults follow reliability.md §0.6 and §5.

    ``total_deadline`` bounds the whole call (all attempts, backoff sleeps, token fetches, body streaming):
    a read timeout alone is not a deadline. ``rate_per_second`` is the carrier's documented rate (``None``
    when it documents none); ``burst`` is the bucket size. The breaker opens after ``breaker_threshold``
    consecutive failed calls and lets one probe through after ``breaker_cooldown`` seconds.
    """

    carrier: str
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    total_deadline: float = 15.0
    max_body_bytes: int = 2 * 1024 * 1024
    max_attempts: int = 3
    backoff_factor: float = 0.5
    backoff_max: float = 8.0
    backoff_jitter: float = 0.5
    retry_after_max: float = RETRY_AFTER_CEILING
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 500, 502, 503, 504}))
    rate_per_second: float | None = None
    burst: int = 1
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0
    max_concurrency: int = 8

    def __post_init__(self) -> None:
        positive = {
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "total_deadline": self.total_deadline,
            "max_body_bytes": self.max_body_bytes,
            "max_attempts": self.max_attempts,
            "burst": self.burst,
            "breaker_threshold": self.breaker_threshold,
            "max_concurrency": self.max_concurrency,
        }
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"FetchPolicy.{name} must be positive")
        if not 0 <= self.retry_after_max <= RETRY_AFTER_CEILING:
            raise ValueError(f"FetchPolicy.retry_after_max must be within 0..{RETRY_AFTER_CEILING} s")
        if self.rate_per_second is not None and self.rate_per_second <= 0:
            raise ValueError("FetchPolicy.rate_per_second must be positive or None")
        if min(self.backoff_factor, self.backoff_max, self.backoff_jitter, self.breaker_cooldown) < 0:
            raise ValueError("FetchPolicy backoff and cool-down values must not be negative")
