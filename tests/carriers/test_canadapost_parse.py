"""The ``canadapost`` adapter (VIS tracking XML): fixtures field by field, the XSD, karrio's defects.

Each table row shows the raw ``event-date event-time event-time-zone`` and ``event-site``/``province`` as
Canada Post sent them and the UTC instant they must become.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from carriers._xml import parse_xml
from carriers.canadapost import SPEC
from carriers.canadapost.codes import milestone_for, normalize
from trace_verify.domain.documents import DocumentRejected, ParseResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "canadapost"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
TRACK_V2 = "http://www.canadapost.ca/ws/track-v2"


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def raw_rows(name: str) -> list[tuple[str, str | None]]:
    """(date time zone, site[/province]) per occurrence, oldest first (the file lists newest first)."""
    root = parse_xml((FIXTURES / name).read_bytes())
    ns = {"t": TRACK_V2}
    rows = []
    for occ in reversed(root.findall("t:significant-events/t:occurrence", ns)):
        text = {child.tag.split("}")[1]: (child.text or "") for child in occ}
        stamp = f"{text['event-date']} {text['event-time']} {text['event-time-zone']}".strip()
        site = "/".join(p for p in (text["event-site"], text["event-province"]) if p) or None
        rows.append((stamp, site))
    return rows


MISSISSAUGA = {"city": "MISSISSAUGA", "region": "ON", "country": "CA"}
VANCOUVER = {"city": "VANCOUVER", "region": "BC", "country": "CA"}
CHINA = {"country": "CN"}
SHANGHAI = {"city": "SHANGHAI", "country": "CN"}
CO, LT = "carrier_offset", "location_timezone"

# raw stamp | raw site | UTC | basis | offset | milestone | location | code | description
DELIVERED = [
    ("2026-03-04 15:41:07 EST", "MISSISSAUGA/ON", "2026-03-04T20:41:07Z", CO, -300, "label_created",
     MISSISSAUGA, "3000", "Electronic information submitted by shipper"),
    ("2026-03-05 10:22:45 EST", "MISSISSAUGA/ON", "2026-03-05T15:22:45Z", CO, -300, "picked_up",
     {**MISSISSAUGA, "facility": "SHOPPERS DRUG MART 1027"}, "1301", "Item accepted at the Post Office"),
    ("2026-03-05 22:08:13 EST", "MISSISSAUGA/ON", "2026-03-06T03:08:13Z", CO, -300, "in_transit", MISSISSAUGA,
     "0100", "Item processed"),
    # Pacific daylight time began on 2026-03-08: PDT is -07:00.
    ("2026-03-09 04:17:30 PDT", "VANCOUVER/BC", "2026-03-09T11:17:30Z", CO, -420, "in_transit", VANCOUVER,
     "0815", "International item being prepared for export"),
    # Foreign events: no zone label, the country's zone (Beijing time).
    ("2026-03-12 06:35:00", "CHINA", "2026-03-11T22:35:00Z", LT, None, "arrived_destination_country", CHINA,
     "4311", "International item has arrived in a foreign country"),
    ("2026-03-12 09:10:00", "CHINA", "2026-03-12T01:10:00Z", LT, None, "customs_processing", CHINA,
     "4330", "Item Presented to Import Customs"),
    ("2026-03-13 14:52:00", "CHINA", "2026-03-13T06:52:00Z", LT, None, "import_cleared", CHINA,
     "4500", "International item released from Customs to Foreign Postal Administration"),
    ("2026-03-14 08:03:00", "SHANGHAI", "2026-03-14T00:03:00Z", LT, None, "in_transit", SHANGHAI,
     "4600", "Item has been received at the delivery office in the destination country"),
    ("2026-03-15 11:26:00", "SHANGHAI", "2026-03-15T03:26:00Z", LT, None, "delivered", SHANGHAI,
     "1496", "Delivered"),
]  # fmt: skip

HELD = [
    ("2026-03-06 09:12:54 EST", "MISSISSAUGA/ON", "2026-03-06T14:12:54Z", CO, -300, "label_created",
     MISSISSAUGA, "3000", "Electronic information submitted by shipper"),
    ("2026-03-06 16:48:02 EST", "MISSISSAUGA/ON", "2026-03-06T21:48:02Z", CO, -300, "picked_up",
     {**MISSISSAUGA, "facility": "MISSISSAUGA PO"}, "1301", "Item accepted at the Post Office"),
    ("2026-03-10 02:44:19 EDT", "MISSISSAUGA/ON", "2026-03-10T06:44:19Z", CO, -240, "in_transit", MISSISSAUGA,
     "0815", "International item being prepared for export"),
    ("2026-03-14 07:20:00", "CHINA", "2026-03-13T23:20:00Z", LT, None, "arrived_destination_country", CHINA,
     "4311", "International item has arrived in a foreign country"),
    ("2026-03-14 10:05:00", "CHINA", "2026-03-14T02:05:00Z", LT, None, "customs_processing", CHINA,
     "4330", "Item Presented to Import Customs"),
    ("2026-03-16 15:30:00", "CHINA", "2026-03-16T07:30:00Z", LT, None, "customs_held", CHINA,
     "0810", "Item held by Customs"),
]  # fmt: skip

SINGLE = [
    ("2026-03-18 11:02:31 EDT", "TORONTO/ON", "2026-03-18T15:02:31Z", CO, -240, "label_created",
     {"city": "TORONTO", "region": "ON", "country": "CA"}, "3000",
     "Electronic information submitted by shipper"),
]  # fmt: skip


def expected(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    _stamp, _site, utc, basis, offset, milestone, location, code, description = row
    return {
        "carrier": "canadapost",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": offset,
        "time_basis": basis,
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": description,
    }


CASES = [
    ("intl-mississauga-shanghai-delivered.xml", "LM405726189CA", DELIVERED),
    ("intl-shanghai-customs-held.xml", "LM405726334CA", HELD),
    ("domestic-single-occurrence.xml", "7023210039414604", SINGLE),
]


@pytest.mark.parametrize(("fixture", "number", "table"), CASES)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    assert raw_rows(fixture) == [row[:2] for row in table], "the table quotes Canada Post's raw values"
    result = parse(fixture)
    assert result.carrier == "canadapost" and result.errors == ()
    [shipment] = result.shipments
    assert shipment.tracking_number == number
    got = [e.to_json() for e in shipment.events]
    for event in got:
        event.pop("handover_to", None)
        jsonschema.validate(event, EVENT_SCHEMA)
    assert got == [expected(number, row) for row in table]


def _schema(name: str, namespace: str | None = None) -> etree.XMLSchema:
    """Canada Post's published XSD; the v2 service answers in the ``track-v2`` namespace."""
    text = (FIXTURES / "xsd" / name).read_bytes()
    if namespace is not None:
        text = text.replace(b"http://www.canadapost.ca/ws/track", namespace.encode())
    return etree.XMLSchema(parse_xml(text))


@pytest.mark.parametrize("fixture", [case[0] for case in CASES])
def test_tracking_fixtures_validate_against_canada_posts_xsd(fixture: str) -> None:
    schema = _schema("track.xsd", TRACK_V2)
    assert schema.validate(parse_xml((FIXTURES / fixture).read_bytes())), schema.error_log


@pytest.mark.parametrize("fixture", ["error-004-no-pin-history.xml", "error-e002-unauthorized.xml"])
def test_error_fixtures_validate_against_the_messages_xsd(fixture: str) -> None:
    schema = _schema("messages.xsd")
    assert schema.validate(parse_xml((FIXTURES / fixture).read_bytes())), schema.error_log


def test_karrio_defect_a_single_pin_body_yields_its_shipment() -> None:
    """karrio looks for ``tracking-detail`` below the root and returns nothing for a one-PIN body."""
    result = parse("domestic-single-occurrence.xml")
    assert [s.tracking_number for s in result.shipments] == ["7023210039414604"]
    assert len(result.shipments[0].events) == 1


def test_karrio_defect_zero_padded_codes_are_mapped() -> None:
    """karrio's unpadded lists miss "0174" and "0810"; here they are out for delivery and a customs hold."""
    assert normalize("0174") == "174" and milestone_for("0174") == "out_for_delivery"
    assert milestone_for("0810") == milestone_for("810") == "customs_held"
    held = parse("intl-shanghai-customs-held.xml").shipments[0].events[-1]
    assert (held.carrier_code, held.milestone) == ("0810", "customs_held")


def test_karrio_defect_the_zone_label_is_applied() -> None:
    """karrio ignores ``event-time-zone``: 10:22:45 EST is 15:22:45Z, with the -05:00 kept."""
    event = parse("intl-mississauga-shanghai-delivered.xml").shipments[0].events[1]
    assert event.to_json()["occurred_at"] == "2026-03-05T15:22:45Z"
    assert event.local_offset_minutes == -300


def test_unknown_codes_are_unknown_not_guessed() -> None:
    assert milestone_for("9999") == "unknown" and milestone_for(None) == "unknown"


def test_the_release_to_the_foreign_post_names_the_next_leg() -> None:
    events = parse("intl-mississauga-shanghai-delivered.xml").shipments[0].events
    handovers = [(e.carrier_code, e.to_json()["handover_to"]) for e in events if e.handover_to]
    assert handovers == [("4500", {"tracking_number": "LM405726189CA"})]


@pytest.mark.parametrize(
    ("fixture", "code", "message"),
    [
        ("error-004-no-pin-history.xml", "not_found", "004 No Pin History"),
        ("error-e002-unauthorized.xml", "unauthorized", "E002 AAA Authentication Failure"),
    ],
)
def test_error_bodies_are_valid_documents(fixture: str, code: str, message: str) -> None:
    result = parse(fixture)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, None, message)]


@pytest.mark.parametrize(
    ("fixture", "code"),
    [
        ("malformed-truncated.xml", "DOCUMENT_UNREADABLE"),
        ("malformed-occurrence-without-date.xml", "DOCUMENT_UNREADABLE"),
        ("malformed-wrong-root.xml", "DOCUMENT_UNREADABLE"),
    ],
)
def test_malformed_documents_are_rejected(fixture: str, code: str) -> None:
    with pytest.raises(DocumentRejected) as caught:
        parse(fixture)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"shipments": []}',
        b"<messages xmlns='http://www.canadapost.ca/ws/messages'/>",
        b"<tracking-detail xmlns='http://www.canadapost.ca/ws/track-v2'><significant-events/></tracking-detail>",
        b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><tracking-detail>&e;</tracking-detail>",
    ],
)
def test_other_bytes_are_rejected(body: bytes) -> None:
    with pytest.raises(DocumentRejected):
        SPEC.parse(body)


def test_a_foreign_site_that_is_a_city_gets_its_country_and_an_unknown_zone_label_falls_back() -> None:
    body = (FIXTURES / "domestic-single-occurrence.xml").read_bytes()
    body = body.replace(b"<event-site>TORONTO</event-site>", b"<event-site>HANGZHOU</event-site>")
    body = body.replace(b"<event-province>ON</event-province>", b"<event-province></event-province>")
    body = body.replace(b"<event-time-zone>EDT</event-time-zone>", b"<event-time-zone>XYZ</event-time-zone>")
    [event] = SPEC.parse(body).shipments[0].events
    assert event.location.country == "CN"
    assert (event.time_basis, event.to_json()["occurred_at"]) == ("location_timezone", "2026-03-18T03:02:31Z")
