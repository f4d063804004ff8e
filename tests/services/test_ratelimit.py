"""Per-key rate limits: the rate and the burst, and one count for every instance sharing Redis."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.redis_support import flushed, redis_url
from trace_verify.errors import Unavailable
from trace_verify.services.ratelimit import RateLimiter, SweptMemoryStorage, storage_uri


@pytest.fixture
def shared() -> Iterator[str]:
    yield from flushed(redis_url(12))


def test_burst_then_429_with_a_wait_per_key() -> None:
    limiter = RateLimiter(60, 3)
    assert [limiter.acquire("k1") for _ in range(3)] == [None, None, None]
    wait = limiter.acquire("k1")
    assert wait is not None and 1 <= wait <= 3
    assert limiter.acquire("k2") is None  # another key has its own count


def test_the_per_minute_rate_holds_beyond_the_burst() -> None:
    limiter = RateLimiter(4, 10)  # 10 at once, but only 4 in any minute
    assert [limiter.acquire("k") for _ in range(4)] == [None] * 4
    wait = limiter.acquire("k")
    assert wait is not None and 1 <= wait <= 60


def test_instances_sharing_redis_give_a_key_its_rate_once(shared: str) -> None:
    first, second = RateLimiter(60, 3, shared), RateLimiter(60, 3, shared)
    answers = [first.acquire("key"), second.acquire("key"), first.acquire("key"), second.acquire("key")]
    assert answers[:3] == [None, None, None] and answers[3] is not None


def test_in_memory_each_process_counts_alone() -> None:
    first, second = RateLimiter(60, 1), RateLimiter(60, 1)
    assert first.acquire("key") is None and second.acquire("key") is None
    assert storage_uri(None) == "memory://" and storage_uri("redis://h:6379/3") == "redis://h:6379/3"


def test_an_unreachable_redis_is_503_at_once_not_unlimited() -> None:
    limiter = RateLimiter(60, 3, "redis://127.0.0.1:1/0")  # nothing listens there
    started = time.monotonic()
    with pytest.raises(Unavailable) as caught:
        limiter.acquire("key")
    assert caught.value.code == "RATE_LIMITS_UNAVAILABLE"
    assert time.monotonic() - started < 5  # not redis-py's default back-off of several seconds a try


def test_in_memory_counting_starts_no_thread_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """limits' own memory storage starts a Timer thread whenever its last one has finished (10 ms):
    on a busy server that was most requests, each waiting for the new thread to get the GIL."""
    limiter = RateLimiter(6000, 1000)
    started: list[Any] = []
    real = threading.Timer

    def counting(*args: Any, **kwargs: Any) -> threading.Timer:
        started.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(threading, "Timer", counting)
    for _ in range(5):
        assert limiter.acquire("k") is None
        time.sleep(0.02)  # longer than limits' 10 ms timer: unswept, each hit would start a new one
    assert started == []


def test_in_memory_expired_entries_are_still_dropped() -> None:
    storage = SweptMemoryStorage()
    assert storage.acquire_entry("old", 10, 0)  # expires at once
    storage._next_sweep = 0.0  # a sweep is due
    assert storage.acquire_entry("new", 10, 60)
    assert not storage.events.get("old") and storage.events["new"]
