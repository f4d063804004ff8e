"""The Royal Mail Tracking API v2 live client against the simulator."""

from __future__ import annotations

from typing import Final

import pytest
import requests

from carriers._fetch import CarrierAuthError, CarrierGuards, CarrierRateLimited, FetchPolicy
from carriers.royalmail import SPEC
from carriers.royalmail.client import ClientIdSecretAuth, RoyalMailClient
from carriers.simulator import parse_fault
from tests.carriers.support import FIXTURES, FakeClock, Sim

RM_DIR = FIXTURES / "carriers" / "royalmail"
NUMBER = "LX830219468GB"
#: build_app keywords for the simulator (tests/carriers/conftest.py)
SIMULATOR_OPTIONS: Final[dict[str, object]] = {"clients": {"sim-key": "sim-secret"}}
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(
    base: str, client_id: str = "sim-key", session: requests.Session | None = None, secret: str = "sim-secret"
) -> RoyalMailClient:
    policy = FetchPolicy(
        carrier="royalmail", rate_per_second=2.0, burst=2, total_deadline=5, backoff_jitter=0
    )
    clock = FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return RoyalMailClient(base, client_id, secret, policy, session, guards=guards, clock=clock)


def test_fetch_returns_the_raw_document_byte_for_byte(sim: Sim) -> None:
    _, base = sim
    body = _client(base).fetch(NUMBER)
    assert body == (RM_DIR / "intl-london-hangzhou-delivered.json").read_bytes()


def test_fetch_sends_the_ibm_client_headers_and_the_terms_header(sim: Sim) -> None:
    app, base = sim
    seen: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    _client(base + "/", session=session).fetch(f" {NUMBER} ")
    assert app.requests == [("GET", f"/mailpieces/v2/{NUMBER}/events")]
    headers = seen[0].headers
    assert (headers["X-IBM-Client-Id"], headers["X-IBM-Client-Secret"]) == ("sim-key", "sim-secret")
    assert headers["X-Accept-RMG-Terms"] == "yes"


def test_an_unknown_number_returns_royal_mails_not_found_body(sim: Sim) -> None:
    _, base = sim
    result = SPEC.parse(_client(base).fetch("LX000000000GB"))
    assert [e.code for e in result.errors] == ["not_found"]


def test_an_unregistered_client_id_raises(sim: Sim) -> None:
    _, base = sim
    with pytest.raises(CarrierAuthError):
        _client(base, client_id="unknown-client").fetch(NUMBER)


def test_a_wrong_client_secret_raises(sim: Sim) -> None:
    """The simulator checks the id and the secret headers as a pair, as Royal Mail's gateway does."""
    _, base = sim
    with pytest.raises(CarrierAuthError):
        _client(base, secret="not-the-secret").fetch(NUMBER)


def test_a_429_past_the_cap_raises(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("rate-limit=3600"), path="/mailpieces")
    with pytest.raises(CarrierRateLimited):
        _client(base).fetch(NUMBER)


@pytest.mark.parametrize("number", ["", "LX8302", "LX830219468GB/../x", "a" * 41])
def test_malformed_numbers_are_refused_before_any_request(sim: Sim, number: str) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch(number)
    assert app.requests == []


def test_credentials_are_required_and_never_printed() -> None:
    with pytest.raises(ValueError):
        ClientIdSecretAuth("id", "")
    assert "secret-value" not in repr(ClientIdSecretAuth("id", "secret-value"))
