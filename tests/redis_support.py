"""Redis for the tests that need it: ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/10``).

This stream's tests use Redis databases 10–15 only, flushed before and after each test. Without a
Redis answering, the tests are skipped with the reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

DEFAULT = "redis://127.0.0.1:6379/10"


def redis_url(db: int = 10) -> str:
    """The test Redis, database ``db`` (10–15), or skip/fail when none answers."""
    if not 10 <= db <= 15:
        raise ValueError("tests use Redis databases 10-15 only")
    import redis

    base = os.environ.get("TEST_REDIS_URL", DEFAULT).rsplit("/", 1)[0]
    url = f"{base}/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        reason = f"Redis not reachable at {url} ({type(exc).__name__})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required under CI=true: {reason}")
        pytest.skip(f"{reason}; set TEST_REDIS_URL to run these tests")
    return url


def flushed(url: str) -> Iterator[str]:
    """``url`` emptied before the test and after it."""
    import redis

    connection = redis.Redis.from_url(url)
    connection.flushdb()
    try:
        yield url
    finally:
        connection.flushdb()
        connection.close()
