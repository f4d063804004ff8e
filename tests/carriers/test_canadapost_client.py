"""The Canada Post VIS live client against the simulator: what it sends, what it returns, what it raises."""

from __future__ import annotations

import base64
from typing import Final

import pytest
import requests

from carriers._fetch import CarrierAuthError, CarrierGuards, CarrierUnavailable, FetchPolicy
from carriers.canadapost import SPEC
from carriers.canadapost.client import BasicAuth, CanadaPostClient
from carriers.simulator import parse_fault
from tests.carriers.support import FIXTURES, FakeClock, Sim

CP_DIR = FIXTURES / "carriers" / "canadapost"
PIN = "LM405726189CA"
#: build_app keywords for the simulator (tests/carriers/conftest.py)
SIMULATOR_OPTIONS: Final[dict[str, object]] = {"clients": {"api-user": "api-pass"}}
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(base: str, session: requests.Session | None = None, **kwargs: object) -> CanadaPostClient:
    policy = FetchPolicy(
        carrier="canadapost", rate_per_second=20.0, burst=2, total_deadline=5, backoff_jitter=0
    )
    clock = FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return CanadaPostClient(
        base,
        "api-user",
        "api-pass",
        policy,
        session,
        guards=guards,
        clock=clock,
        **kwargs,  # type: ignore[arg-type]
    )


def test_fetch_returns_the_raw_document_byte_for_byte(sim: Sim) -> None:
    _, base = sim
    body = _client(base).fetch(PIN)
    assert body == (CP_DIR / "intl-mississauga-shanghai-delivered.xml").read_bytes()
    assert SPEC.parse(body).shipments[0].tracking_number == PIN


def test_fetch_sends_the_pin_in_the_path_with_basic_auth_and_the_v2_media_type(
    sim: Sim,
) -> None:
    app, base = sim
    seen: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    _client(base + "/", session, language="fr-CA").fetch(f" {PIN} ")
    assert app.requests == [("GET", f"/vis/track/pin/{PIN}/detail")]
    headers = seen[0].headers
    assert headers["Accept"] == "application/vnd.cpc.track-v2+xml"
    assert headers["Accept-language"] == "fr-CA"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"api-user:api-pass").decode()


def test_an_unknown_pin_returns_canada_posts_messages_document(sim: Sim) -> None:
    _, base = sim
    result = SPEC.parse(_client(base).fetch("1234567890123456"))
    assert [(e.code, e.message) for e in result.errors] == [("not_found", "004 No Pin History")]


def test_a_server_error_past_the_retries_raises(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/vis/track", times=5)
    with pytest.raises(CarrierUnavailable):
        _client(base).fetch(PIN)


@pytest.mark.parametrize("pin", ["", "12", "LM40572618/CA", "a" * 41, "ＬＭ405726189CA"])
def test_malformed_pins_are_refused_before_any_request(sim: Sim, pin: str) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch(pin)
    assert app.requests == []


def test_credentials_are_required_and_never_printed() -> None:
    with pytest.raises(ValueError):
        BasicAuth("", "x")
    assert "api-pass" not in repr(BasicAuth("api-user", "api-pass"))
    with pytest.raises(ValueError):
        CanadaPostClient("http://127.0.0.1:1", "u", "p", language="de-DE")


def test_a_wrong_password_raises(sim: Sim) -> None:
    """The simulator checks the Basic user and password, as Canada Post's gateway does."""
    _, base = sim
    policy = FetchPolicy(
        carrier="canadapost", rate_per_second=20.0, burst=2, total_deadline=5, backoff_jitter=0
    )
    clock = FakeClock()
    client = CanadaPostClient(
        base, "api-user", "wrong", policy, guards=CarrierGuards.for_policy(policy, clock), clock=clock
    )
    with pytest.raises(CarrierAuthError):
        client.fetch(PIN)
