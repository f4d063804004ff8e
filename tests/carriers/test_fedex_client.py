"""The FedEx Track API live client against the simulator: what it sends, what it returns, what it raises."""

from __future__ import annotations

import json

import pytest
import requests

from carriers._fetch import CarrierAuthError, CarrierGuards, CarrierRateLimited, FetchPolicy
from carriers.fedex import SPEC
from carriers.fedex.client import FEDEX_BASE_URL, FEDEX_POLICY, MAX_NUMBERS_PER_REQUEST, FedexClient
from carriers.fedex.sim_routes import SIMULATOR_ROUTES, SIMULATOR_TOKEN_ENDPOINTS
from carriers.simulator import parse_fault
from tests.carriers.support import FIXTURES, FakeClock, Sim

FEDEX_DIR = FIXTURES / "carriers" / "fedex"
NUMBER = "785412369026"
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(base: str, secret: str = "sim-secret", session: requests.Session | None = None) -> FedexClient:
    policy = FetchPolicy(carrier="fedex", total_deadline=5, backoff_jitter=0)
    clock = FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return FedexClient(base, "sim-client", secret, policy, session, guards=guards, clock=clock)


def test_fetch_returns_the_raw_document_byte_for_byte(sim: Sim) -> None:
    _, base = sim
    body = _client(base).fetch(NUMBER)
    assert body == (FEDEX_DIR / "ip-tokyo-shanghai-delivered.json").read_bytes()
    assert SPEC.parse(body).shipments[0].events[-1].milestone == "delivered"


def test_fetch_posts_fedexs_request_after_a_form_posted_token(sim: Sim) -> None:
    app, base = sim
    seen: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.trust_env = False
    session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response.request))
    _client(base + "/", session=session).fetch(f" {NUMBER} ")
    assert app.requests == [("POST", "/oauth/token"), ("POST", "/track/v1/trackingnumbers")]
    token, track = seen
    form = token.body.encode() if isinstance(token.body, str) else token.body or b""
    assert b"client_id=sim-client" in form and b"client_secret=sim-secret" in form
    assert "Authorization" not in token.headers
    assert track.headers["Authorization"].startswith("Bearer ") and track.headers["X-locale"] == "en_US"
    assert json.loads(track.body or b"{}") == {
        "includeDetailedScans": True,
        "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": NUMBER}}],
    }


def test_an_unknown_number_returns_fedexs_not_found_document(sim: Sim) -> None:
    _, base = sim
    [error] = SPEC.parse(_client(base).fetch("771234567899")).errors
    assert (error.code, error.tracking_number) == ("not_found", "771234567899")


def test_refused_credentials_raise(sim: Sim) -> None:
    _, base = sim
    with pytest.raises(CarrierAuthError):
        _client(base, secret="wrong").fetch(NUMBER)


def test_the_tracking_post_is_retried_as_a_read(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/track/v1/trackingnumbers")
    assert NUMBER.encode() in _client(base).fetch(NUMBER)
    assert [p for _, p in app.requests].count("/track/v1/trackingnumbers") == 2


def test_a_429_past_the_cap_raises(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("rate-limit=3600"), path="/track/v1/trackingnumbers")
    with pytest.raises(CarrierRateLimited):
        _client(base).fetch(NUMBER)


@pytest.mark.parametrize(
    "numbers", [[], ["1234"], ["7854 1236 9026"], ["785412369026/.."], ["1"] * 2 + ["x" * 41]]
)
def test_malformed_numbers_are_refused_before_any_request(sim: Sim, numbers: list[str]) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch_many(numbers)
    assert app.requests == []


def test_at_most_thirty_numbers_per_request() -> None:
    with pytest.raises(ValueError):
        FedexClient(FEDEX_BASE_URL, "id", "secret").fetch_many([NUMBER] * (MAX_NUMBERS_PER_REQUEST + 1))


def test_missing_credentials_are_refused() -> None:
    with pytest.raises(ValueError):
        FedexClient(FEDEX_BASE_URL, "id", "")


def test_the_simulator_route_is_fedexs() -> None:
    [route] = SIMULATOR_ROUTES
    assert (route.method, route.path, route.number_from) == (
        "POST", "/track/v1/trackingnumbers", "json:/trackingInfo/0/trackingNumberInfo/trackingNumber",
    )  # fmt: skip
    assert SPEC.parse(route.not_found_body.replace("{number}", NUMBER).encode()).errors[0].code == "not_found"
    assert SPEC.parse(route.unauthorized_body.encode()).errors[0].code == "unauthorized"
    assert [t.path for t in SIMULATOR_TOKEN_ENDPOINTS] == ["/oauth/token"]


def test_the_default_policy_follows_fedexs_documented_rate() -> None:
    assert (FEDEX_POLICY.carrier, FEDEX_POLICY.rate_per_second) == ("fedex", 140.0)
