"""The AfterShip live client against the simulator."""

from __future__ import annotations

import pytest

from carriers._fetch import CarrierAuthError, CarrierGuards, FetchPolicy
from carriers.aftership import SPEC
from carriers.aftership.client import AFTERSHIP_POLICY, AfterShipClient
from tests.carriers.support import FIXTURES, FakeClock, Sim

NUMBER = "5820731641"


def _client(base: str, key: str = "sim-key") -> AfterShipClient:
    policy = FetchPolicy(
        carrier="aftership", rate_per_second=10.0, burst=10, total_deadline=5, backoff_jitter=0
    )
    clock = FakeClock()
    return AfterShipClient(base, key, policy, guards=CarrierGuards.for_policy(policy, clock), clock=clock)


def test_fetch_returns_the_raw_answer_byte_for_byte(sim: Sim) -> None:
    app, base = sim
    body = _client(base).fetch("dhl", NUMBER)
    path = FIXTURES / "carriers" / "aftership" / "tracking-2024-10-dhl-tokyo-sf-hangzhou-delivered.json"
    assert body == path.read_bytes()
    assert app.requests[-1] == ("GET", f"/tracking/2024-10/trackings?tracking_numbers={NUMBER}&slug=dhl")


def test_an_unknown_number_returns_aftership_s_404_document(sim: Sim) -> None:
    _, base = sim
    assert [e.code for e in SPEC.parse(_client(base).fetch("dhl", "0000000000")).errors] == ["not_found"]


def test_a_refused_key_raises(sim: Sim) -> None:
    _, base = sim
    with pytest.raises(CarrierAuthError):
        _client(base, key="wrong").fetch("dhl", NUMBER)


@pytest.mark.parametrize(
    ("slug", "number"), [("DHL", NUMBER), ("dhl", "12"), ("dhl", "a/../b"), ("", NUMBER)]
)
def test_bad_slugs_and_numbers_are_refused_before_any_request(slug: str, number: str) -> None:
    with pytest.raises(ValueError):
        _client("http://127.0.0.1:1").fetch(slug, number)


def test_a_key_is_required_and_the_policy_is_named() -> None:
    with pytest.raises(ValueError):
        AfterShipClient("http://127.0.0.1:1", "")
    assert AFTERSHIP_POLICY.carrier == "aftership"
