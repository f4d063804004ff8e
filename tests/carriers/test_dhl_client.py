"""The DHL Unified live client against the simulator: what it sends, what it returns, what it raises."""

from __future__ import annotations

import json

import pytest

from carriers._fetch import CarrierAuthError, CarrierGuards, CarrierRateLimited, FetchPolicy
from carriers.dhl.client import DHL_UNIFIED_POLICY, DhlClient
from carriers.simulator import parse_fault
from tests.carriers.support import FIXTURES, FakeClock, Sim

DHL_DIR = FIXTURES / "carriers" / "dhl"
NUMBER = "3027158481"
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(base: str, key: str = "sim-key", clock: FakeClock | None = None, **kwargs: object) -> DhlClient:
    policy = FetchPolicy(carrier="dhl", rate_per_second=1.0, burst=1, total_deadline=5, backoff_jitter=0)
    clock = clock or FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return DhlClient(base, key, policy, guards=guards, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_fetch_returns_the_raw_document_byte_for_byte(sim: Sim) -> None:
    _, base = sim
    body = _client(base).fetch(NUMBER)
    assert body == (DHL_DIR / "express-osaka-shanghai-customs-hold.json").read_bytes()


def test_fetch_sends_dhls_query_and_key(sim: Sim) -> None:
    app, base = sim
    _client(base + "/", service="express", language="de").fetch(f"  {NUMBER} ")
    assert app.requests == [("GET", f"/track/shipments?trackingNumber={NUMBER}&language=de&service=express")]


def test_an_unknown_number_returns_dhls_not_found_document(sim: Sim) -> None:
    _, base = sim
    doc = json.loads(_client(base).fetch("0000000001"))
    assert doc["status"] == 404 and doc["title"] == "No result found"


def test_a_refused_key_raises(sim: Sim) -> None:
    _, base = sim
    with pytest.raises(CarrierAuthError):
        _client(base, key="not-the-key").fetch(NUMBER)


@pytest.mark.parametrize("number", ["", "   ", "12 34", "abc/../x", "1" * 65, "１２３"])
def test_malformed_numbers_are_refused_before_any_request(sim: Sim, number: str) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch(number)
    assert app.requests == []


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError):
        DhlClient("http://127.0.0.1:1", "")


def test_transient_failures_are_retried_within_dhls_rate(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/track/shipments")
    clock = FakeClock()
    body = _client(base, clock=clock).fetch(NUMBER)
    assert NUMBER.encode() in body
    assert len(app.requests) == 2
    assert sum(clock.sleeps) >= 1.0  # the retry waited for DHL's 1 call/s slot


def test_a_429_past_the_cap_raises_with_dhls_advice(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("rate-limit=3600"), path="/track/shipments")
    with pytest.raises(CarrierRateLimited) as caught:
        _client(base).fetch(NUMBER)
    assert caught.value.retry_after == 3600


def test_the_default_policy_follows_dhls_documented_limits() -> None:
    assert DHL_UNIFIED_POLICY.carrier == "dhl"
    assert DHL_UNIFIED_POLICY.rate_per_second == 1.0
    assert DHL_UNIFIED_POLICY.retry_after_max <= 10
