"""Multi-zone countries (issue 11 §4): a town the gazetteer lacks takes its zone from its state or
region, and from the postal code's prefix where the state spans two zones; only a place with no usable
hint is ``assumed_utc``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carriers._time import region_zone
from carriers.registry import REGISTRY

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"


def test_us_towns_missing_from_the_gazetteer_take_their_states_zone() -> None:
    """Maumee OH (Eastern), Hanna City IL (Central), Canutillo TX 79835 (El Paso County: Mountain),
    Argyle TX (Central): the 09:01 CDT delivery is 14:01Z, after the 07:45 out-for-delivery scan."""
    body = (FIXTURES / "usps" / "webtools-domestic-maumee-argyle-delivered.xml").read_bytes()
    [shipment] = REGISTRY.read("usps", body).shipments
    assert [(e.location.city, e.occurred_at.isoformat(), e.time_basis) for e in shipment.events] == [
        ("MAUMEE", "2026-04-02T14:00:00+00:00", "location_timezone"),
        ("MAUMEE", "2026-04-02T19:05:00+00:00", "location_timezone"),
        ("HANNA CITY", "2026-04-04T19:15:00+00:00", "location_timezone"),
        ("CANUTILLO", "2026-04-06T05:20:00+00:00", "location_timezone"),
        ("ARGYLE", "2026-04-07T12:45:00+00:00", "location_timezone"),
        ("ARGYLE", "2026-04-07T14:01:00+00:00", "location_timezone"),
    ]


def test_a_split_state_without_a_postal_code_is_assumed_utc() -> None:
    """Texas spans two zones: without the ZIP the town's hour is not guessed."""
    body = (FIXTURES / "usps" / "webtools-domestic-maumee-argyle-delivered.xml").read_bytes()
    body = body.replace(b"<EventZIPCode>76226</EventZIPCode>", b"<EventZIPCode />")
    [shipment] = REGISTRY.read("usps", body).shipments
    argyle = [e for e in shipment.events if e.location.city == "ARGYLE"]
    assert {e.time_basis for e in argyle} == {"assumed_utc"}


def test_17track_location_text_with_a_state_gets_the_states_zone() -> None:
    """A 17TRACK event whose local time has no offset, in a US town the gazetteer lacks."""
    doc = json.loads(
        (FIXTURES / "17track" / "gettrackinfo-usps-losangeles-hangzhou-delivered.json").read_text()
    )
    first = doc["data"]["accepted"][0]["track_info"]["tracking"]["providers"][0]["events"][-1]
    first.update(time_iso=None, time_utc=None, location="MAUMEE", address={"country": "US", "state": "OH"})
    first["time_raw"] = {"date": "2026-03-01", "time": "09:00", "timezone": None}
    [shipment] = REGISTRY.read("17track", json.dumps(doc).encode()).shipments
    event = shipment.events[0]
    assert (event.occurred_at.isoformat(), event.time_basis) == (
        "2026-03-01T14:00:00+00:00",
        "location_timezone",
    )


@pytest.mark.parametrize(
    ("country", "region", "postal", "zone"),
    [
        ("US", "TX", "76226", "America/Chicago"),
        ("US", "TX", "79835", "America/Denver"),
        ("US", "Texas", "79901-1234", "America/Denver"),
        ("US", "TX", None, None),  # split state, no ZIP: no usable hint
        ("US", "OH", None, "America/New_York"),
        ("US", "FL", "32501", "America/Chicago"),  # Pensacola
        ("US", "IN", "46204", "America/Indiana/Indianapolis"),
        ("CA", "ON", "P9N 1A1", "America/Winnipeg"),  # Kenora
        ("CA", "Ontario", "M5V 2T6", "America/Toronto"),
        ("CA", "AB", None, "America/Edmonton"),
        ("AU", "NSW", "2000", "Australia/Sydney"),
        ("AU", "New South Wales", "2880", "Australia/Broken_Hill"),
        ("AU", "WA", None, "Australia/Perth"),
        ("BR", "SP", None, "America/Sao_Paulo"),
        ("BR", "AM", None, "America/Manaus"),
        ("MX", "BCN", None, "America/Tijuana"),
        ("MX", "Quintana Roo", None, "America/Cancun"),
        ("RU", "SVE", None, "Asia/Yekaterinburg"),
        ("RU", "PRI", None, "Asia/Vladivostok"),
        ("US", "ZZ", "12345", None),  # not a state
    ],
)
def test_region_zones(country: str, region: str, postal: str | None, zone: str | None) -> None:
    assert region_zone(country, region, postal) == zone


def _ups_activity_at(address: dict[str, str]) -> tuple[str, str]:
    """The UPS Los Angeles document with its oldest activity moved to ``address``, local time only."""
    doc = json.loads((FIXTURES / "ups" / "ww-saver-losangeles-hangzhou-delivered.json").read_text())
    oldest = doc["trackResponse"]["shipment"][0]["package"][0]["activity"][-1]
    for key in ("gmtDate", "gmtTime", "gmtOffset"):
        oldest.pop(key)
    oldest.update(date="20260409", time="090100", location={"address": address})
    [shipment] = REGISTRY.read("ups", json.dumps(doc).encode()).shipments
    [moved] = [e for e in shipment.events if e.location.city == address["city"]]
    return moved.occurred_at.isoformat(), moved.time_basis


def test_ups_town_missing_from_the_gazetteer_takes_its_states_zone() -> None:
    address = {"city": "ARGYLE", "stateProvince": "TX", "postalCode": "76226", "countryCode": "US"}
    assert _ups_activity_at(address) == ("2026-04-09T14:01:00+00:00", "location_timezone")
    address = {"city": "ARGYLE", "stateProvince": "TX", "countryCode": "US"}  # no ZIP in a split state
    assert _ups_activity_at(address) == ("2026-04-09T09:01:00+00:00", "assumed_utc")
    address = {"city": "LAC-SUPERIEUR", "stateProvince": "QC", "postalCode": "J0T 1J0", "countryCode": "CA"}
    assert _ups_activity_at(address) == ("2026-04-09T13:01:00+00:00", "location_timezone")
