"""The UPS Track API live client against the simulator: what it sends, what it returns, what it raises."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from carriers._fetch import CarrierAuthError, CarrierGuards, CarrierRateLimited, FetchPolicy
from carriers.simulator import parse_fault
from carriers.ups import SPEC
from carriers.ups.client import UPS_BASE_URL, UPS_POLICY, UpsClient
from carriers.ups.sim_routes import SIMULATOR_ROUTES, SIMULATOR_TOKEN_ENDPOINTS
from tests.carriers.support import FIXTURES, FakeClock, Sim

UPS_DIR = FIXTURES / "carriers" / "ups"
NUMBER = "1Z8V92E70473188525"
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(base: str, secret: str = "sim-secret", **kwargs: object) -> UpsClient:
    policy = FetchPolicy(carrier="ups", total_deadline=5, backoff_jitter=0)
    clock = FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return UpsClient(base, "sim-client", secret, policy, guards=guards, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_fetch_returns_the_raw_document_byte_for_byte(sim: Sim) -> None:
    _, base = sim
    body = _client(base).fetch(NUMBER)
    assert body == (UPS_DIR / "ww-saver-losangeles-hangzhou-delivered.json").read_bytes()
    assert SPEC.parse(body).shipments[0].events[-1].milestone == "delivered"


def test_fetch_gets_a_token_then_calls_the_details_path(sim: Sim) -> None:
    app, base = sim
    _client(base + "/", locale="zh_CN").fetch(f" {NUMBER} ")
    assert app.requests == [
        ("POST", "/security/v1/oauth/token"),
        ("GET", f"/api/track/v1/details/{NUMBER}?locale=zh_CN&returnSignature=false&returnMilestones=false"),
    ]


def test_fetch_sends_upss_transaction_headers_and_basic_client_auth(sim: Sim) -> None:
    """Seen on the wire: Basic client auth on the token call, Bearer and transId on the track call."""
    _, base = sim
    seen: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.trust_env = False
    session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response.request))
    client = UpsClient(base, "sim-client", "sim-secret", session=session, trans_id=lambda: "tx-1")
    client.fetch(NUMBER)
    token, track = seen
    assert token.headers["Authorization"] == "Basic " + base64.b64encode(b"sim-client:sim-secret").decode()
    form = token.body.encode() if isinstance(token.body, str) else token.body or b""
    assert b"grant_type=client_credentials" in form and b"sim-secret" not in form
    assert track.headers["Authorization"].startswith("Bearer ")
    assert (track.headers["transId"], track.headers["transactionSrc"]) == ("tx-1", "trace-verify")


def test_an_unknown_number_returns_upss_tw0001_document(sim: Sim) -> None:
    _, base = sim
    body = _client(base).fetch("1Z0000000000000001")
    [error] = SPEC.parse(body).errors
    assert (error.code, error.tracking_number) == ("not_found", "1Z0000000000000001")


def test_refused_credentials_raise(sim: Sim) -> None:
    _, base = sim
    with pytest.raises(CarrierAuthError):
        _client(base, secret="wrong").fetch(NUMBER)


def test_an_expired_token_is_renewed_once(sim: Sim) -> None:
    app, base = sim
    client = _client(base)
    client.fetch(NUMBER)
    app.tokens.expire_all()
    assert NUMBER.encode() in client.fetch(NUMBER)
    assert [path for _, path in app.requests].count("/security/v1/oauth/token") == 2


@pytest.mark.parametrize(
    "number", ["", "1Z12", "1Z 8V92E704731885", "1Z8V92E7/../x", "1" * 35, "１Z8V92E70473188525"]
)
def test_malformed_numbers_are_refused_before_any_request(sim: Sim, number: str) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch(number)
    assert app.requests == []


def test_missing_credentials_are_refused() -> None:
    with pytest.raises(ValueError):
        UpsClient(UPS_BASE_URL, "", "secret")
    with pytest.raises(ValueError):
        UpsClient(UPS_BASE_URL, "id", "")


def test_a_429_past_the_cap_raises(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("rate-limit=3600"), path="/api/track/v1/details")
    with pytest.raises(CarrierRateLimited) as caught:
        _client(base).fetch(NUMBER)
    assert caught.value.retry_after == 3600


def test_transient_failures_are_retried(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/api/track/v1/details")
    assert NUMBER.encode() in _client(base).fetch(NUMBER)


def test_the_simulator_route_is_upss() -> None:
    [route] = SIMULATOR_ROUTES
    assert (route.method, route.path, route.auth, route.not_found_status) == (
        "GET", "/api/track/v1/details/<number>", "bearer", 200,
    )  # fmt: skip
    not_found = json.loads(route.not_found_body.replace("{number}", NUMBER))
    assert SPEC.parse(json.dumps(not_found).encode()).errors[0].code == "not_found"
    assert SPEC.parse(route.unauthorized_body.encode()).errors[0].code == "unauthorized"
    assert [t.path for t in SIMULATOR_TOKEN_ENDPOINTS] == ["/security/v1/oauth/token"]


def test_the_default_policy_is_for_ups() -> None:
    assert UPS_POLICY.carrier == "ups" and UPS_POLICY.rate_per_second is None
    assert UPS_POLICY.retry_after_max <= 10
