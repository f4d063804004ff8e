"""The Cainiao live client against the simulator."""

from __future__ import annotations

import pytest

from carriers._fetch import CarrierGuards, FetchPolicy
from carriers.cainiao import SPEC
from carriers.cainiao.client import CAINIAO_POLICY, CainiaoClient
from tests.carriers.support import FIXTURES, FakeClock, Sim

NUMBER = "LP00712345678901"


def _client(base: str) -> CainiaoClient:
    policy = FetchPolicy(carrier="cainiao", rate_per_second=1.0, burst=1, total_deadline=5, backoff_jitter=0)
    clock = FakeClock()
    return CainiaoClient(base, policy, guards=CarrierGuards.for_policy(policy, clock), clock=clock)


def test_fetch_returns_the_raw_answer_byte_for_byte(sim: Sim) -> None:
    app, base = sim
    body = _client(base).fetch(NUMBER)
    assert (
        body == (FIXTURES / "carriers" / "cainiao" / "detail-tokyo-hangzhou-yto-delivered.json").read_bytes()
    )
    assert app.requests[-1] == ("GET", f"/global/detail.json?mailNos={NUMBER}&lang=en-US")


def test_an_unknown_number_is_cainiao_s_empty_external_answer(sim: Sim) -> None:
    _, base = sim
    result = SPEC.parse(_client(base).fetch("LP00999999999999"))
    assert [(e.code, e.tracking_number) for e in result.errors] == [("not_found", "LP00999999999999")]


@pytest.mark.parametrize("number", ["", "LP1", "LP00 7123", "a/../b", "1" * 41])
def test_malformed_numbers_are_refused_before_any_request(number: str) -> None:
    with pytest.raises(ValueError):
        _client("http://127.0.0.1:1").fetch(number)


def test_the_default_policy_is_cautious() -> None:
    assert CAINIAO_POLICY.carrier == "cainiao" and CAINIAO_POLICY.rate_per_second == 1.0
