"""What the cross-process guard tests run in each spawned process (tests/carriers/test_shared_guards.py).

Kept apart from the test module so that a spawned interpreter imports only the fetch machinery and
``redis``, not the service: each process starts in a fraction of the time on a loaded machine.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable
from typing import Any, Final

from carriers._fetch import CarrierRateLimited, CarrierUnavailable, CircuitOpen, FetchClient, FetchPolicy
from carriers._fetch.redis_guards import RedisGuards
from tests.carriers.support import FakeClock

DHL_NUMBER: Final = "3027158481"
KEY: Final = {"DHL-API-Key": "sim-key"}
SPAWN: Final = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing shared but Redis


def book(
    url: str, prefix: str, base: str, policy: FetchPolicy, calls: int, fixed_now: float, out: Any
) -> None:
    """``calls`` fetches, the rate booked in Redis at the instant ``fixed_now`` (so every process books
    at the same moment); puts the waits this process was given (recorded, not slept)."""
    clock = FakeClock()  # records the waits instead of sleeping them
    guards = RedisGuards.from_url(url, prefix, now=lambda: fixed_now).guards(policy)
    client = FetchClient(policy, guards=guards, clock=clock)
    for _ in range(calls):
        client.get(f"{base}/track/shipments", params={"trackingNumber": DHL_NUMBER}, headers=KEY)
    out.put(clock.sleeps)


def call(url: str, prefix: str, base: str, policy: FetchPolicy, calls: int, out: Any) -> None:
    """``calls`` guarded calls; puts each one's outcome code and the breaker state after them."""
    client = FetchClient(policy, guards=RedisGuards.from_url(url, prefix).guards(policy))
    codes = []
    for _ in range(calls):
        try:
            client.get(f"{base}/track/shipments", params={"trackingNumber": DHL_NUMBER}, headers=KEY)
            codes.append("ok")
        except (CircuitOpen, CarrierUnavailable, CarrierRateLimited) as exc:
            codes.append(exc.code)
    out.put((codes, client.guards.breaker.state))


def probe(url: str, prefix: str, policy: FetchPolicy, barrier: Any, out: Any) -> None:
    """Ask the breaker once, after the barrier; puts admitted or refused."""
    breaker = RedisGuards.from_url(url, prefix).guards(policy).breaker
    barrier.wait(60)
    try:
        breaker.before_call()
    except CircuitOpen:
        out.put("refused")
        return
    out.put("admitted")


def _answers(out: Any, processes: list[Any], deadline: float) -> list[Any]:
    """One answer per process; a process that died without answering fails the test at once."""
    answers: list[Any] = []
    while len(answers) < len(processes):
        try:
            answers.append(out.get(timeout=0.5))
        except queue.Empty:
            dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            assert not dead, f"a process died without answering (exit codes {dead})"
            assert time.monotonic() < deadline, "the processes did not answer in time"
    return answers


def run(target: Callable[..., None], runs: list[tuple[Any, ...]], barrier: Any = None) -> list[Any]:
    """A process per argument tuple; this process is the barrier's last party (when there is one).
    One answer is collected from each; every process is joined (or killed) before returning."""
    out = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, out)) for args in runs]
    for process in processes:
        process.start()
    try:
        if barrier is not None:
            barrier.wait(120)
        return _answers(out, processes, deadline=time.monotonic() + 120)
    finally:
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
                process.join(5)
