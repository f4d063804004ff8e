"""The MyDHL API live client against the simulator: request shape, Basic auth, DHL's own answers."""

from __future__ import annotations

import json
from typing import Final

import pytest

from carriers._fetch import CarrierAuthError, CarrierGuards, FetchPolicy
from carriers.dhl_express import SPEC
from carriers.dhl_express.client import MYDHL_BASE_URL, MYDHL_POLICY, MyDhlClient, basic_credentials
from carriers.simulator import parse_fault
from tests.carriers.support import FIXTURES, FakeClock, Sim

DIR = FIXTURES / "carriers" / "dhl-express"
USER, PASSWORD = "sim-user", "sim-pass"
NUMBER = "1948273655"
#: build_app keywords for the simulator (tests/carriers/conftest.py)
SIMULATOR_OPTIONS: Final[dict[str, object]] = {"clients": {USER: PASSWORD}}
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(base: str, password: str = PASSWORD, clock: FakeClock | None = None) -> MyDhlClient:
    policy = FetchPolicy(
        carrier="dhl-express", rate_per_second=1.0, burst=1, total_deadline=5, backoff_jitter=0
    )
    clock = clock or FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return MyDhlClient(base + "/mydhlapi", USER, password, policy, guards=guards, clock=clock)


def test_fetch_returns_the_raw_document_byte_for_byte(sim: Sim) -> None:
    body = _client(sim[1]).fetch(NUMBER)
    assert body == (DIR / "mydhl-leipzig-hangzhou-delivered.json").read_bytes()
    assert SPEC.parse(body).shipments[0].events[-1].milestone == "delivered"


def test_fetch_asks_for_every_checkpoint_with_its_gmt_offset(sim: Sim) -> None:
    app, base = sim
    _client(base).fetch(f" {NUMBER} ")
    assert app.requests == [
        (
            "GET",
            f"/mydhlapi/shipments/{NUMBER}/tracking"
            "?trackingView=all-checkpoints&levelOfDetail=shipment&requestGMTOffsetPerEvent=true",
        )
    ]


def test_an_unknown_waybill_returns_dhls_not_found_document(sim: Sim) -> None:
    body = _client(sim[1]).fetch("9999999990")
    assert json.loads(body)["status"] == "404"
    (error,) = SPEC.parse(body).errors
    assert (error.code, error.tracking_number) == ("not_found", "9999999990")


def test_xmlpi_documents_in_the_folder_are_never_served_as_mydhl(sim: Sim) -> None:
    body = _client(sim[1]).fetch("5821037740")  # an XML-PI fixture's waybill
    assert SPEC.parse(body).errors[0].code == "not_found"


def test_refused_credentials_raise(sim: Sim) -> None:
    with pytest.raises(CarrierAuthError):
        _client(sim[1], password="wrong-pass").fetch(NUMBER)


def test_transient_failures_are_retried(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/mydhlapi/shipments")
    assert NUMBER.encode() in _client(base).fetch(NUMBER)
    assert len(app.requests) == 2


@pytest.mark.parametrize("number", ["", "12 34", "../x", "1" * 41, "１２３４５"])
def test_malformed_waybills_are_refused_before_any_request(sim: Sim, number: str) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch(number)
    assert app.requests == []


def test_basic_credentials_follow_rfc_7617() -> None:
    assert basic_credentials("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    with pytest.raises(ValueError):
        basic_credentials("user", "")


def test_defaults_name_dhls_production_endpoint() -> None:
    assert MYDHL_BASE_URL == "https://express.api.dhl.com/mydhlapi"
    assert MYDHL_POLICY.carrier == "dhl-express"
