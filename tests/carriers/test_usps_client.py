"""The USPS Tracking API v3 live client against the simulator: OAuth2, request shape, USPS's own answers."""

from __future__ import annotations

from typing import Final

import pytest

from carriers._fetch import CarrierAuthError, CarrierGuards, FetchPolicy
from carriers.simulator import parse_fault
from carriers.usps import SPEC
from carriers.usps.client import USPS_BASE_URL, USPS_POLICY, UspsClient
from tests.carriers.support import FIXTURES, FakeClock, Sim

DIR = FIXTURES / "carriers" / "usps"
NUMBER = "CP612038472US"
#: build_app keywords for the simulator (tests/carriers/conftest.py)
SIMULATOR_OPTIONS: Final[dict[str, object]] = {"token_ttl": 600}
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(base: str, secret: str = "sim-secret") -> UspsClient:
    policy = FetchPolicy(carrier="usps", rate_per_second=100.0, burst=5, total_deadline=5, backoff_jitter=0)
    clock = FakeClock()
    return UspsClient(
        base, "sim-client", secret, policy, guards=CarrierGuards.for_policy(policy, clock), clock=clock
    )


def test_fetch_returns_the_raw_document_byte_for_byte(sim: Sim) -> None:
    body = _client(sim[1]).fetch(NUMBER)
    assert body == (DIR / "v3-newyork-guangzhou-delivered.json").read_bytes()
    assert SPEC.parse(body).shipments[0].events[-1].milestone == "delivered"


def test_fetch_gets_a_token_then_the_detail_view(sim: Sim) -> None:
    app, base = sim
    client = _client(base)
    client.fetch(NUMBER)
    client.fetch("CP471088253US")
    assert app.requests == [
        ("POST", "/oauth2/v3/token"),
        ("GET", f"/tracking/v3/tracking/{NUMBER}?expand=DETAIL"),
        ("GET", "/tracking/v3/tracking/CP471088253US?expand=DETAIL"),
    ]


def test_an_unknown_number_returns_uspss_error_document(sim: Sim) -> None:
    (error,) = SPEC.parse(_client(sim[1]).fetch("LX999999995US")).errors
    assert error.code == "not_found"


def test_webtools_documents_in_the_folder_are_never_served_as_v3(sim: Sim) -> None:
    body = _client(sim[1]).fetch("CP612038512US")  # a Web Tools fixture's number
    assert SPEC.parse(body).errors[0].code == "not_found"


def test_a_revoked_token_is_renewed_once(sim: Sim) -> None:
    app, base = sim
    client = _client(base)
    client.fetch(NUMBER)
    app.tokens.expire_all()
    assert NUMBER.encode() in client.fetch(NUMBER)
    assert [path for _, path in app.requests].count("/oauth2/v3/token") == 2


def test_refused_client_credentials_raise(sim: Sim) -> None:
    with pytest.raises(CarrierAuthError):
        _client(sim[1], secret="wrong").fetch(NUMBER)


def test_transient_failures_are_retried(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/tracking/v3/tracking")
    assert NUMBER.encode() in _client(base).fetch(NUMBER)


@pytest.mark.parametrize("number", ["", "CP 612038472US", "../../oauth2", "1" * 41, "short"])
def test_malformed_numbers_are_refused_before_any_request(sim: Sim, number: str) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch(number)
    assert app.requests == []


def test_defaults_name_uspss_production_endpoint_and_a_modest_rate() -> None:
    assert USPS_BASE_URL == "https://apis.usps.com"
    assert USPS_POLICY.rate_per_second is not None and USPS_POLICY.rate_per_second <= 1 / 60
    with pytest.raises(ValueError):
        UspsClient(USPS_BASE_URL, "", "secret")
