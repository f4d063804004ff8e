"""The MyDHL API live client against the simulator: request shape, Basic auth, DHL's own answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carriers._fetch import CarrierAuthError, CarrierGuards, FetchPolicy
from carriers.dhl_express import ADAPTER
from carriers.dhl_express.client import MYDHL_BASE_URL, MYDHL_POLICY, MyDhlClient, basic_credentials
from carriers.simulator import SimulatorApp, build_app, parse_fault, running

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DIR = FIXTURES / "carriers" / "dhl-express"
USER, PASSWORD = "sim-user", "sim-pass"
NUMBER = "1948273655"


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def now(self) -> datetime:
        return datetime.now(UTC)


@pytest.fixture(scope="module")
def sim() -> Iterator[tuple[SimulatorApp, str]]:
    app = build_app(FIXTURES, clients={USER: PASSWORD})
    with running(app) as base:
        yield app, base


@pytest.fixture(autouse=True)
def _clean(sim: tuple[SimulatorApp, str]) -> None:
    sim[0].faults.clear()
    sim[0].requests.clear()


def _client(base: str, password: str = PASSWORD, clock: FakeClock | None = None) -> MyDhlClient:
    policy = FetchPolicy(
        carrier="dhl-express", rate_per_second=1.0, burst=1, total_deadline=5, backoff_jitter=0
    )
    clock = clock or FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return MyDhlClient(base + "/mydhlapi", USER, password, policy, guards=guards, clock=clock)


def test_fetch_returns_the_raw_document_byte_for_byte(sim: tuple[SimulatorApp, str]) -> None:
    body = _client(sim[1]).fetch(NUMBER)
    assert body == (DIR / "mydhl-leipzig-hangzhou-delivered.json").read_bytes()
    assert ADAPTER.parse(body).shipments[0].events[-1].milestone == "delivered"


def test_fetch_asks_for_every_checkpoint_with_its_gmt_offset(sim: tuple[SimulatorApp, str]) -> None:
    app, base = sim
    _client(base).fetch(f" {NUMBER} ")
    assert app.requests == [
        (
            "GET",
            f"/mydhlapi/shipments/{NUMBER}/tracking"
            "?trackingView=all-checkpoints&levelOfDetail=shipment&requestGMTOffsetPerEvent=true",
        )
    ]


def test_an_unknown_waybill_returns_dhls_not_found_document(sim: tuple[SimulatorApp, str]) -> None:
    body = _client(sim[1]).fetch("9999999990")
    assert json.loads(body)["status"] == "404"
    (error,) = ADAPTER.parse(body).errors
    assert (error.code, error.tracking_number) == ("not_found", "9999999990")


def test_xmlpi_documents_in_the_folder_are_never_served_as_mydhl(sim: tuple[SimulatorApp, str]) -> None:
    body = _client(sim[1]).fetch("5821037740")  # an XML-PI fixture's waybill
    assert ADAPTER.parse(body).errors[0].code == "not_found"


def test_refused_credentials_raise(sim: tuple[SimulatorApp, str]) -> None:
    with pytest.raises(CarrierAuthError):
        _client(sim[1], password="wrong-pass").fetch(NUMBER)


def test_transient_failures_are_retried(sim: tuple[SimulatorApp, str]) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/mydhlapi/shipments")
    assert NUMBER.encode() in _client(base).fetch(NUMBER)
    assert len(app.requests) == 2


@pytest.mark.parametrize("number", ["", "12 34", "../x", "1" * 41, "１２３４５"])
def test_malformed_waybills_are_refused_before_any_request(
    sim: tuple[SimulatorApp, str], number: str
) -> None:
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
