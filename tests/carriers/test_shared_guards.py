"""Carrier breakers and rate limits kept in memory or in Redis: one behaviour, and Redis shares it.

Every behavioural test runs on both stores (:class:`LocalGuards`, :class:`RedisGuards` driven by a fake
clock). The cross-process tests run real processes against one Redis and the loopback simulator: a
carrier's rate is booked once for all of them, a breaker opened by one is open in the other, and a
half-open breaker admits one probe among all. Redis tests use database 14 (``TEST_REDIS_URL``) with a
namespace of their own, deleted afterwards, so runs sharing the server do not disturb each other.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import pytest
import redis

from carriers._fetch import (
    CarrierGuards,
    CircuitOpen,
    FetchClient,
    FetchPolicy,
    GuardStore,
    GuardsUnreachable,
    LocalGuards,
)
from carriers._fetch.redis_guards import RedisGuards
from carriers.simulator import parse_fault
from tests.carriers import guard_processes as processes
from tests.carriers.support import FakeClock, Sim
from tests.redis_support import redis_url
from trace_verify.config import Settings
from trace_verify.observability import metrics_text
from trace_verify.startup import carrier_guards, carrier_ports, observe_carriers

DHL_NUMBER: Final = processes.DHL_NUMBER
KEY: Final = processes.KEY
pytestmark = pytest.mark.usefixtures("clean_sim")


def _policy(**overrides: Any) -> FetchPolicy:
    values: dict[str, Any] = {"carrier": "dhl", "total_deadline": 5.0, "backoff_jitter": 0.0}
    values.update(overrides)
    return FetchPolicy(**values)


@pytest.fixture
def namespace() -> Iterator[tuple[str, str]]:
    """The test Redis (database 14) and a namespace of this test's own, deleted afterwards."""
    url = redis_url(14)
    prefix = f"test:{uuid.uuid4().hex}"
    yield url, prefix
    connection = redis.Redis.from_url(url)
    try:
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)
    finally:
        connection.close()


@dataclass
class Store:
    """A guard store under test and the fake clock that drives it."""

    guards: GuardStore
    clock: FakeClock


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Store:
    clock = FakeClock()
    clock.t = 1000.0
    if request.param == "memory":
        return Store(LocalGuards(clock), clock)
    url, prefix = request.getfixturevalue("namespace")
    return Store(RedisGuards(redis.Redis.from_url(url), prefix, now=clock.monotonic), clock)


# -- one behaviour, two stores -----------------------------------------------------------------------


def test_the_breaker_opens_after_the_threshold_of_consecutive_failures(store: Store) -> None:
    breaker = store.guards.guards(_policy(breaker_threshold=3)).breaker
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()  # consecutive: a success starts the count again
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed"
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen, match="circuit open"):
        breaker.before_call()


def test_half_open_admits_one_probe_and_its_outcome_decides(store: Store) -> None:
    breaker = store.guards.guards(_policy(breaker_threshold=1, breaker_cooldown=30)).breaker
    breaker.record_failure()
    store.clock.t += 29.9
    assert breaker.state == "open"
    store.clock.t += 0.1
    assert breaker.state == "half_open"
    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpen, match="probe"):
        breaker.before_call()
    breaker.record_failure()  # the probe failed: open again, for a whole cool-down
    assert breaker.state == "open"
    store.clock.t += 30
    breaker.before_call()
    breaker.release()  # the probe was refused locally: the slot is free again
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()
    breaker.before_call()  # closed: every call goes


def test_the_rate_is_booked_in_order_and_a_wait_past_the_limit_is_refused(store: Store) -> None:
    bucket = store.guards.guards(_policy(rate_per_second=2.0, burst=2)).bucket
    assert bucket is not None
    assert [bucket.reserve(10), bucket.reserve(10), bucket.reserve(10)] == [0.0, 0.0, 0.5]
    assert bucket.reserve(max_wait=0.5) is None  # would need 1.0 s: nothing booked
    store.clock.t += 1.0
    assert bucket.reserve(0) == 0.0
    assert bucket.reserve(0) is None


def test_a_carrier_without_a_documented_rate_has_no_bucket(store: Store) -> None:
    assert store.guards.guards(_policy(rate_per_second=None)).bucket is None


def test_every_client_of_a_carrier_gets_the_same_guards(store: Store) -> None:
    first = store.guards.guards(_policy(breaker_threshold=1))
    assert store.guards.guards(_policy(breaker_threshold=1)) is first
    first.breaker.record_failure()
    other = store.guards.guards(_policy(carrier="ups"))
    assert store.guards.breaker_states() == {"dhl": "open", "ups": other.breaker.state}


def test_the_fetch_client_spaces_calls_at_the_carriers_rate(store: Store, sim: Sim) -> None:
    app, base = sim
    policy = _policy(rate_per_second=1.0, burst=1)
    client = FetchClient(policy, clock=store.clock, guards=store.guards.guards(policy))
    for _ in range(3):
        assert (
            client.get(f"{base}/track/shipments", params={"trackingNumber": DHL_NUMBER}, headers=KEY).status
            == 200
        )
    assert store.clock.sleeps == [1.0, 1.0]
    assert len(app.requests) == 3


# -- Redis only ----------------------------------------------------------------------------------------


def test_an_unreachable_redis_refuses_the_call_without_sending_it(sim: Sim) -> None:
    app, base = sim
    dead = RedisGuards.from_url("redis://127.0.0.1:1/0", "test:unreachable")  # nothing listens there
    policy = _policy(rate_per_second=5.0, max_attempts=3)
    guards = dead.guards(policy)
    with pytest.raises(GuardsUnreachable) as caught:
        FetchClient(policy, guards=guards).get(f"{base}/track/shipments")
    assert caught.value.code == "CARRIER_GUARDS_UNREACHABLE"
    assert app.requests == []  # never sent unguarded
    guards.breaker.record_failure()  # news that cannot be recorded is dropped, not raised
    guards.breaker.record_success()
    guards.breaker.release()
    assert dead.breaker_states() == {}


def test_redis_keys_expire(namespace: tuple[str, str]) -> None:
    url, prefix = namespace
    guards = RedisGuards.from_url(url, prefix).guards(_policy(rate_per_second=1.0))
    assert guards.bucket is not None and guards.bucket.reserve(5) == 0.0
    guards.breaker.record_failure()
    connection = redis.Redis.from_url(url)
    try:
        assert 0 < connection.pttl(f"{prefix}:dhl:rate") <= 2000
        assert 0 < connection.pttl(f"{prefix}:dhl:breaker") <= 24 * 3600 * 1000
    finally:
        connection.close()


# -- across processes --------------------------------------------------------------------------------


def test_two_processes_book_one_carriers_rate_in_one_queue(namespace: tuple[str, str], sim: Sim) -> None:
    """1 call a second: four calls booked at one instant by two processes wait 0, 1, 2 and 3 s between
    them (each process alone would wait 0 and 1 s); every call is sent."""
    url, prefix = namespace
    app, base = sim
    policy = _policy(rate_per_second=1.0, burst=1)
    waits = processes.run(processes.book, [(url, prefix, base, policy, 2, 5000.0)] * 2)
    assert sorted(w for process in waits for w in process) == [1.0, 2.0, 3.0]
    assert len(app.requests) == 4


def test_two_processes_get_a_carriers_burst_once(namespace: tuple[str, str], sim: Sim) -> None:
    """On Redis' own clock: a burst of 2 at one call an hour serves 2 calls among two processes making 2
    each; the other two are refused at once (their slot is past the deadline), never sent."""
    url, prefix = namespace
    app, base = sim
    policy = _policy(rate_per_second=1 / 3600, burst=2, max_attempts=1)
    answers = processes.run(processes.call, [(url, prefix, base, policy, 2)] * 2)
    codes = sorted(code for codes, _ in answers for code in codes)
    assert codes == ["CARRIER_RATE_LIMITED", "CARRIER_RATE_LIMITED", "ok", "ok"]
    assert len(app.requests) == 2


def test_a_breaker_opened_by_one_process_is_open_in_another(namespace: tuple[str, str], sim: Sim) -> None:
    url, prefix = namespace
    app, base = sim
    app.faults.add(parse_fault("status=500"), path="/track/shipments", times=2)
    policy = _policy(max_attempts=1, breaker_threshold=2, breaker_cooldown=60)
    first = processes.run(processes.call, [(url, prefix, base, policy, 2)])
    assert first == [(["CARRIER_UNAVAILABLE", "CARRIER_UNAVAILABLE"], "open")]
    second = processes.run(processes.call, [(url, prefix, base, policy, 1)])
    assert second == [(["CARRIER_CIRCUIT_OPEN"], "open")]
    assert len(app.requests) == 2  # the second process sent nothing


def test_half_open_admits_one_probe_across_processes(namespace: tuple[str, str]) -> None:
    url, prefix = namespace
    policy = _policy(breaker_threshold=1, breaker_cooldown=0.2)
    RedisGuards.from_url(url, prefix).guards(policy).breaker.record_failure()
    time.sleep(0.25)
    barrier = processes.SPAWN.Barrier(4)
    answers = processes.run(processes.probe, [(url, prefix, policy, barrier)] * 3, barrier)
    assert sorted(answers) == ["admitted", "refused", "refused"]


# -- the start-up's port and the gauge ----------------------------------------------------------------


def test_the_start_up_keeps_guards_in_redis_only_when_configured(namespace: tuple[str, str]) -> None:
    url, _ = namespace
    assert isinstance(carrier_guards(Settings()), LocalGuards)
    shared = carrier_guards(Settings(redis_url=url))
    assert isinstance(shared, RedisGuards) and shared.namespace == "trace_verify:carrier"


def test_the_breaker_state_gauge_reads_the_ports_store(sim: Sim) -> None:
    _, base = sim
    guards = LocalGuards()
    settings = Settings(carriers={"dhl": {"base_url": base, "api_key": "sim-key"}})
    ports = carrier_ports(settings, guards)
    assert set(ports.clients) == {"dhl"} and ports.breaker_states() == {"dhl": "closed"}
    for _ in range(5):  # DHL's policy: open after 5 failures
        guards.guards(_policy()).breaker.record_failure()
    observe_carriers(ports)
    assert 'trace_verify_carrier_breaker_state{carrier="dhl"} 2.0' in metrics_text().decode()


def test_clients_built_by_the_start_up_use_its_store(sim: Sim) -> None:
    _, base = sim
    guards = LocalGuards()
    settings = Settings(carriers={"dhl": {"base_url": base, "api_key": "sim-key"}})
    client = carrier_ports(settings, guards).clients["dhl"]
    assert client.fetch(DHL_NUMBER)
    fetch: Any = client.client._fetch  # type: ignore[attr-defined]
    assert isinstance(fetch.guards, CarrierGuards) and fetch.guards is guards.guards(_policy())
