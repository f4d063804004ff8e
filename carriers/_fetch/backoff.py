"""When to try again: exponential backoff with jitter, and the carrier's ``Retry-After``."""

from __future__ import annotations

import random
from datetime import datetime
from email.utils import parsedate_to_datetime

from carriers._fetch.policy import FetchPolicy


def backoff_delay(policy: FetchPolicy, retry_number: int, rng: random.Random) -> float:
    """Delay before retry ``retry_number`` (1-based): ``factor * 2**(n-1)`` capped, plus U(0, jitter).

    Jitter spreads retries of many workers hitting the same outage (AWS "Exponential Backoff and Jitter").
    """
    base: float = min(policy.backoff_max, policy.backoff_factor * 2.0 ** (retry_number - 1))
    return base + rng.uniform(0, policy.backoff_jitter)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date, RFC 9110 §10.2.3).

    ``None`` when absent or unreadable; a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())
