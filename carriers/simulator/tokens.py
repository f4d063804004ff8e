"""Bearer tokens the simulated OAuth2 endpoints issue: random, short-lived, revocable on demand."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Literal

TokenState = Literal["valid", "expired", "unknown"]


class TokenStore:
    """Issued tokens and their expiry (monotonic seconds). Thread-safe."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        self.issued = 0

    def issue(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expiry[token] = self._clock() + self.ttl
            self.issued += 1
        return token

    def check(self, token: str) -> TokenState:
        with self._lock:
            expiry = self._expiry.get(token)
        if expiry is None:
            return "unknown"
        return "valid" if self._clock() < expiry else "expired"

    def expire_all(self) -> None:
        """Make every issued token stale now, as a carrier's server-side revocation would."""
        with self._lock:
            now = self._clock()
            self._expiry = dict.fromkeys(self._expiry, now)
