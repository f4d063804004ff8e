"""Faults on demand: per request (``X-Sim-Fault`` header) or queued through the control endpoint.

Syntax, comma-separated, combinable: ``latency=0.5`` (seconds before answering), ``status=503``,
``rate-limit`` / ``rate-limit=3`` / ``rate-limit=date+3`` (429 with no, a delta-seconds, or an HTTP-date
``Retry-After``), ``truncate`` (announce the full length, send half, close), ``drip=0.2`` (send the body
one byte every 0.2 s), ``token-expired`` / ``token-invalid`` (401 whatever the credentials),
``oversize=N`` (pad the body to N bytes), ``redirect`` (302 to a loopback address that must not be followed).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

MAX_LATENCY = 30.0
MAX_DRIP_SECONDS = 60.0


class FaultSyntaxError(ValueError):
    """A fault string the simulator does not understand."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What to break in one answer. The default breaks nothing."""

    latency: float = 0.0
    status: int | None = None
    rate_limit: bool = False
    retry_after: str | None = None
    truncate: bool = False
    drip: float | None = None
    token: str | None = None
    oversize: int | None = None
    redirect: bool = False


def parse_fault(text: str) -> Fault:
    """Read a fault string (see the module docstring)."""
    fault = Fault()
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        fault = _apply(fault, name.strip().lower(), value.strip())
    return fault


def _apply(fault: Fault, name: str, value: str) -> Fault:
    try:
        if name == "latency":
            return replace(fault, latency=min(float(value), MAX_LATENCY))
        if name == "status":
            return replace(fault, status=int(value))
        if name == "rate-limit":
            return replace(fault, rate_limit=True, retry_after=value or None)
        if name == "truncate":
            return replace(fault, truncate=True)
        if name == "drip":
            return replace(fault, drip=float(value or "0.2"))
        if name in ("token-expired", "token-invalid"):
            return replace(fault, token=name)
        if name == "oversize":
            return replace(fault, oversize=int(value))
        if name == "redirect":
            return replace(fault, redirect=True)
    except ValueError:
        raise FaultSyntaxError(f"bad value for fault {name!r}: {value!r}") from None
    raise FaultSyntaxError(f"unknown fault {name!r}")


@dataclass(slots=True)
class _Queued:
    path: str
    fault: Fault
    times: int


class FaultQueue:
    """Faults waiting for the next requests whose path starts with a prefix. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[_Queued] = []

    def add(self, fault: Fault, *, path: str = "/", times: int = 1) -> None:
        with self._lock:
            self._items.append(_Queued(path, fault, times))

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for item in self._items:
                if path.startswith(item.path):
                    item.times -= 1
                    if item.times <= 0:
                        self._items.remove(item)
                    return item.fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
