"""The 17TRACK live client against the simulator."""

from __future__ import annotations

import json

import pytest

from carriers._fetch import CarrierAuthError, CarrierGuards, FetchPolicy
from carriers.seventeentrack import SPEC
from carriers.seventeentrack.client import SEVENTEENTRACK_POLICY, SeventeenTrackClient
from tests.carriers.support import FIXTURES, FakeClock, Sim

NUMBER = "7316592043"


def _client(base: str, token: str = "sim-key") -> SeventeenTrackClient:
    policy = FetchPolicy(carrier="17track", rate_per_second=3.0, burst=3, total_deadline=5, backoff_jitter=0)
    clock = FakeClock()
    return SeventeenTrackClient(
        base, token, policy, guards=CarrierGuards.for_policy(policy, clock), clock=clock
    )


def test_fetch_returns_the_raw_answer_byte_for_byte(sim: Sim) -> None:
    app, base = sim
    body = _client(base).fetch(NUMBER, carrier=100001)
    assert (
        body
        == (
            FIXTURES / "carriers" / "17track" / "gettrackinfo-dhl-osaka-sf-hangzhou-delivered.json"
        ).read_bytes()
    )
    assert app.requests[-1] == ("POST", "/track/v2.2/gettrackinfo")


def test_an_unregistered_number_is_17tracks_per_number_refusal(sim: Sim) -> None:
    _, base = sim
    body = _client(base).fetch("RR999999995CN")
    assert json.loads(body)["data"]["rejected"][0]["error"]["code"] == -18019902
    assert [e.code for e in SPEC.parse(body).errors] == ["not_found"]


def test_a_refused_key_raises(sim: Sim) -> None:
    _, base = sim
    with pytest.raises(CarrierAuthError):
        _client(base, token="wrong").fetch(NUMBER)


@pytest.mark.parametrize("number", ["", "1234", "12 34567", "x/../y", "1" * 51])
def test_malformed_numbers_are_refused_before_any_request(number: str) -> None:
    with pytest.raises(ValueError):
        _client("http://127.0.0.1:1").fetch(number)


def test_a_token_is_required_and_the_policy_follows_the_documented_rate() -> None:
    with pytest.raises(ValueError):
        SeventeenTrackClient("http://127.0.0.1:1", "")
    assert SEVENTEENTRACK_POLICY.rate_per_second == 3.0
