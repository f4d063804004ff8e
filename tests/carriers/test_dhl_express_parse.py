"""The dhl-express adapter, field by field: MyDHL JSON and XML-PI, told apart by content.

Each expectation row shows the raw local date/time (and offset) as DHL wrote it and the UTC instant
it must become. Also pinned: karrio's defects this adapter must not repeat (carriers.md §4.7–4.8, §7):
a MyDHL "CR Clearance processing complete" read as a refusal, local times labelled UTC.
"""

# ruff: noqa: E501  (expectation tables: one event per line reads better than wrapped tuples)
from __future__ import annotations

import re
from pathlib import Path

import pytest

from carriers import REGISTRY, parse_result_to_json
from carriers.dhl_express import SPEC, codes
from carriers.dhl_express.service_area import resolve_service_area
from tests.carriers.parse_checks import assert_rejected
from trace_verify.domain.documents import DocumentRejected, ParseResult
from trace_verify.refdata import default_gazetteer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers" / "dhl-express"
PACKAGE = Path(__file__).resolve().parents[2] / "carriers" / "dhl_express"


def _parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def _rows(result: ParseResult) -> list[tuple[str, str, str, int | None, str | None, str | None, str | None]]:
    (shipment,) = result.shipments
    return [
        (
            e.to_json()["occurred_at"],
            e.time_basis,
            e.milestone,
            e.local_offset_minutes,
            e.carrier_code,
            e.location.city,
            e.location.country,
        )
        for e in shipment.events
    ]


# raw "Date Time" at the service area (HK and Mainland China: UTC+08:00, no DST) → UTC
XMLPI_DELIVERED = [
    # raw local               UTC                     basis                milestone                     off   code  city         country
    ("2026-05-04 15:20:00", ("2026-05-04T07:20:00Z", "location_timezone", "picked_up", None, "PU", "HONG KONG", "HK")),
    ("2026-05-04 18:41:12", ("2026-05-04T10:41:12Z", "location_timezone", "in_transit", None, "PL", "HONG KONG", "HK")),
    ("2026-05-04 22:05:00", ("2026-05-04T14:05:00Z", "location_timezone", "departed_origin", None, "DF", "HONG KONG", "HK")),
    ("2026-05-05 01:12:30", ("2026-05-04T17:12:30Z", "location_timezone", "arrived_destination_country", None, "AF", "SHANGHAI", "CN")),
    ("2026-05-05 03:30:00", ("2026-05-04T19:30:00Z", "location_timezone", "customs_processing", None, "RR", "SHANGHAI", "CN")),
    ("2026-05-05 09:48:00", ("2026-05-05T01:48:00Z", "location_timezone", "import_cleared", None, "CR", "SHANGHAI", "CN")),
    ("2026-05-05 10:15:44", ("2026-05-05T02:15:44Z", "location_timezone", "in_transit", None, "PL", "SHANGHAI", "CN")),
    ("2026-05-05 11:02:00", ("2026-05-05T03:02:00Z", "location_timezone", "in_transit", None, "DF", "SHANGHAI", "CN")),
    ("2026-05-05 15:27:00", ("2026-05-05T07:27:00Z", "location_timezone", "in_transit", None, "AR", "HANGZHOU", "CN")),
    ("2026-05-06 08:45:00", ("2026-05-06T00:45:00Z", "location_timezone", "out_for_delivery", None, "WC", "HANGZHOU", "CN")),
    ("2026-05-06 13:05:00", ("2026-05-06T05:05:00Z", "location_timezone", "delivered", None, "OK", "HANGZHOU", "CN")),
]  # fmt: skip

# raw "date time GMTOffset" (requestGMTOffsetPerEvent=true) → UTC, offset kept as reported
MYDHL_DELIVERED = [
    ("2026-05-04 16:40:00 +02:00", ("2026-05-04T14:40:00Z", "carrier_offset", "picked_up", 120, "PU", "Leipzig", "DE")),
    ("2026-05-04 21:15:00 +02:00", ("2026-05-04T19:15:00Z", "carrier_offset", "in_transit", 120, "PL", "Leipzig", "DE")),
    ("2026-05-05 01:30:00 +02:00", ("2026-05-04T23:30:00Z", "carrier_offset", "departed_origin", 120, "DF", "Leipzig", "DE")),
    ("2026-05-05 19:55:00 +08:00", ("2026-05-05T11:55:00Z", "carrier_offset", "arrived_destination_country", 480, "AF", "Shanghai", "CN")),
    ("2026-05-05 21:10:00 +08:00", ("2026-05-05T13:10:00Z", "carrier_offset", "customs_processing", 480, "RR", "Shanghai", "CN")),
    ("2026-05-06 10:20:00 +08:00", ("2026-05-06T02:20:00Z", "carrier_offset", "import_cleared", 480, "CR", "Shanghai", "CN")),
    ("2026-05-06 12:00:00 +08:00", ("2026-05-06T04:00:00Z", "carrier_offset", "in_transit", 480, "DF", "Shanghai", "CN")),
    ("2026-05-06 16:45:00 +08:00", ("2026-05-06T08:45:00Z", "carrier_offset", "in_transit", 480, "AR", "Hangzhou", "CN")),
    ("2026-05-07 08:30:00 +08:00", ("2026-05-07T00:30:00Z", "carrier_offset", "out_for_delivery", 480, "WC", "Hangzhou", "CN")),
    ("2026-05-07 11:52:00 +08:00", ("2026-05-07T03:52:00Z", "carrier_offset", "delivered", 480, "OK", "Hangzhou", "CN")),
]  # fmt: skip

# no GMTOffset: Leipzig in May is CEST (UTC+02:00), Shanghai UTC+08:00, from the place's zone
MYDHL_HOLD = [
    ("2026-05-04 16:40:00", ("2026-05-04T14:40:00Z", "location_timezone", "picked_up", None, "PU", "Leipzig", "DE")),
    ("2026-05-04 21:15:00", ("2026-05-04T19:15:00Z", "location_timezone", "in_transit", None, "PL", "Leipzig", "DE")),
    ("2026-05-05 01:30:00", ("2026-05-04T23:30:00Z", "location_timezone", "departed_origin", None, "DF", "Leipzig", "DE")),
    ("2026-05-05 19:55:00", ("2026-05-05T11:55:00Z", "location_timezone", "arrived_destination_country", None, "AF", "Shanghai", "CN")),
    ("2026-05-05 21:10:00", ("2026-05-05T13:10:00Z", "location_timezone", "customs_processing", None, "RR", "Shanghai", "CN")),
    ("2026-05-06 09:05:00", ("2026-05-06T01:05:00Z", "location_timezone", "customs_held", None, "CD", "Shanghai", "CN")),
]  # fmt: skip


def test_xmlpi_delivered_story_field_by_field() -> None:
    result = _parse("xmlpi-hongkong-hangzhou-delivered.xml")
    assert result.carrier == "dhl-express" and result.errors == ()
    assert result.shipments[0].tracking_number == "5821037740"
    assert _rows(result) == [row for _, row in XMLPI_DELIVERED]


def test_xmlpi_keeps_service_area_code_and_wording() -> None:
    events = _parse("xmlpi-hongkong-hangzhou-delivered.xml").shipments[0].events
    assert events[3].location.facility == "PVG"
    assert events[-1].description == "Delivered - Signed for by: ZHANG"


def test_xmlpi_customs_hold_ends_held_in_shanghai() -> None:
    rows = _rows(_parse("xmlpi-hongkong-shanghai-customs-hold.xml"))
    assert rows[-1] == (
        "2026-05-05T03:40:00Z",
        "location_timezone",
        "customs_held",
        None,
        "CD",
        "SHANGHAI",
        "CN",
    )
    assert [r[2] for r in rows[:5]] == [r[1][2] for r in XMLPI_DELIVERED[:5]]


def test_mydhl_delivered_story_field_by_field() -> None:
    result = _parse("mydhl-leipzig-hangzhou-delivered.json")
    assert result.shipments[0].tracking_number == "1948273655"
    assert _rows(result) == [row for _, row in MYDHL_DELIVERED]


def test_mydhl_without_gmt_offset_uses_the_place_zone() -> None:
    assert _rows(_parse("mydhl-leipzig-shanghai-customs-hold.json")) == [row for _, row in MYDHL_HOLD]


def test_karrio_defect_clearance_release_is_a_customs_milestone_not_a_refusal() -> None:
    """karrio maps MyDHL "CR Clearance processing complete" to in_transit with reason consignee_refused."""
    for name in ("mydhl-leipzig-hangzhou-delivered.json", "xmlpi-hongkong-hangzhou-delivered.xml"):
        events = _parse(name).shipments[0].events
        cr = [e for e in events if e.carrier_code == "CR"]
        assert [e.milestone for e in cr] == ["import_cleared"]
        assert all(e.milestone not in ("exception", "returned") for e in events)


def test_karrio_defect_local_time_is_not_labelled_utc() -> None:
    """karrio writes "2026-05-04T15:20:00.000Z" for a Hong Kong 15:20 scan; the instant is 07:20Z."""
    first = _parse("xmlpi-hongkong-hangzhou-delivered.xml").shipments[0].events[0]
    assert first.to_json()["occurred_at"] == "2026-05-04T07:20:00Z"
    assert first.time_basis != "assumed_utc"
    events = _parse("mydhl-leipzig-hangzhou-delivered.json").shipments[0].events
    assert all(e.time_basis == "carrier_offset" for e in events)


@pytest.mark.parametrize(
    ("name", "code", "number", "message"),
    [
        ("error-xmlpi-not-found.xml", "not_found", "1234567891", "103: No Shipments Found for AWBNumber 1234567891"),
        ("error-mydhl-404-not-found.json", "not_found", "1234567891", "No data found"),
        ("error-mydhl-400-bad-request.json", "carrier_error", None, "Missing mandatory parameters: shipperAccountNumber"),
    ],
)  # fmt: skip
def test_error_bodies_are_valid_documents(name: str, code: str, number: str | None, message: str) -> None:
    result = _parse(name)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, number, message)]


def test_xmlpi_request_error_keeps_dhls_condition() -> None:
    (error,) = _parse("error-xmlpi-request-error.xml").errors
    assert error.code == "carrier_error" and error.tracking_number is None
    assert error.message.startswith("111: Error Parsing incoming request XML Error: Datatype error")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("malformed-*")))
def test_malformed_documents_are_rejected(name: str) -> None:
    assert_rejected(lambda: _parse(name))


@pytest.mark.parametrize("data", [b"", b"   ", b"not a document", b"\xff\xfe\x00"])
def test_neither_format_is_rejected(data: bytes) -> None:
    with pytest.raises(DocumentRejected):
        SPEC.parse(data)


def test_hostile_xml_is_refused_as_unsafe() -> None:
    doc = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    assert_rejected(lambda: SPEC.parse(doc), "DOCUMENT_UNSAFE")


def test_format_is_told_apart_by_content_after_a_bom_or_whitespace() -> None:
    xml = (FIXTURES / "xmlpi-hongkong-shanghai-customs-hold.xml").read_bytes()
    json_doc = (FIXTURES / "mydhl-leipzig-shanghai-customs-hold.json").read_bytes()
    assert SPEC.parse(b"\xef\xbb\xbf" + xml).shipments[0].tracking_number == "7264190382"
    assert SPEC.parse(b"\r\n" + json_doc).shipments[0].tracking_number == "4730918264"


def test_registry_reads_both_formats_under_one_id() -> None:
    for name in ("xmlpi-hongkong-hangzhou-delivered.xml", "mydhl-leipzig-hangzhou-delivered.json"):
        out = parse_result_to_json(REGISTRY.read("dhl-express", (FIXTURES / name).read_bytes()))
        assert out["carrier"] == "dhl-express"
        assert out["shipments"][0]["events"][-1]["milestone"] == "delivered"


@pytest.mark.parametrize(
    ("code", "description", "kind"),
    [
        ("CR", "Clearance processing complete at SHANGHAI - CHINA MAINLAND", "import_cleared"),
        ("BR", "Broker release", "import_cleared"),
        ("IC", "In clearance processing", "customs_processing"),
        ("RR", "Customs status updated", "customs_processing"),
        ("CD", "Clearance delay", "customs_held"),
        ("UD", "Uncontrollable clearance delay", "customs_held"),
        ("HP", "Held for payment", "customs_held"),
        ("OH", "Shipment on hold", "in_transit"),
        ("OH", "Shipment on hold - customs inspection", "customs_held"),
        ("PL", "Processed at LEIPZIG - GERMANY", "in_transit"),
        ("PU", "Shipment picked up", "picked_up"),
        ("CC", "Awaiting collection", "available_for_pickup"),
        ("ok", "Delivered", "delivered"),
        ("RW", "", "unknown"),
        (None, "Delivered", "unknown"),
    ],
)
def test_checkpoint_codes(code: str | None, description: str, kind: str) -> None:
    assert codes.classify(code, description) == kind


@pytest.mark.parametrize(
    ("code", "description", "city", "region", "country", "zone"),
    [
        ("PVG", "SHANGHAI - CHINA MAINLAND", "SHANGHAI", None, "CN", "Asia/Shanghai"),
        ("HKG", "Hong Kong - Hong Kong ", "Hong Kong", None, "HK", "Asia/Hong_Kong"),
        ("BNE", "Brisbane-AU", "Brisbane", None, "AU", "Australia/Brisbane"),
        ("KIN", "KINGSTON-JAM", "KINGSTON", None, "JM", "America/Jamaica"),
        ("LGA", "SPRINGFIELD GARDENS,NY-USA", "SPRINGFIELD GARDENS", "NY", "US", "America/New_York"),
        ("PVG", None, None, None, "CN", "Asia/Shanghai"),
        ("XYZ", "NOWHERE - ATLANTIS", "NOWHERE - ATLANTIS", None, None, None),
    ],
)
def test_service_areas_resolve_through_the_gazetteer_and_iata_codes(
    code: str,
    description: str | None,
    city: str | None,
    region: str | None,
    country: str | None,
    zone: str | None,
) -> None:
    area = resolve_service_area(code, description, default_gazetteer())
    assert (area.location.city, area.location.region, area.location.country, area.zone) == (
        city,
        region,
        country,
        zone,
    )


def test_iata_code_never_overrides_the_country_the_description_names() -> None:
    area = resolve_service_area("PVG", "SOMEWHERE - GERMANY", default_gazetteer())
    assert area.location.country == "DE" and area.zone is None


def test_all_xml_goes_through_the_safe_parser() -> None:
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"etree\.(fromstring|parse|XML|iterparse|XMLParser)\b", text), path.name
