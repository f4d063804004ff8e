"""The usps adapter, field by field: Tracking API v3 JSON and Web Tools TrackV2 XML, told apart by content.

Each expectation row shows the raw values USPS wrote and the UTC instant they must become. Pinned
karrio defects (carriers.md §4.4–4.5, §7): "Held in Customs" read as in transit, "3:12 pm" read as
03:12, GMTTimestamp dropped and local time labelled UTC.
"""

# ruff: noqa: E501  (expectation tables: one event per line reads better than wrapped tuples)
from __future__ import annotations

import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from carriers import REGISTRY
from carriers.usps import SPEC, codes
from carriers.usps.places import resolve_usps_place
from tests.carriers.parse_checks import assert_rejected
from trace_verify.domain.documents import DocumentRejected, ParseResult
from trace_verify.refdata import default_gazetteer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers" / "usps"
PACKAGE = Path(__file__).resolve().parents[2] / "carriers" / "usps"

#: Property names of ``TrackingEvent`` in USPS's Tracking OpenAPI 3.2.4 (additionalProperties: true).
OPENAPI_EVENT_FIELDS = {
    "eventType", "eventTimestamp", "GMTTimestamp", "GMTOffset", "eventCountry", "eventCity", "eventState",
    "eventZIP", "firm", "name", "authorizedAgent", "eventCode", "veriPoint", "actionCode", "reasonCode",
}  # fmt: skip


def _parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def _rows(result: ParseResult) -> list[tuple[object, ...]]:
    (shipment,) = result.shipments
    return [
        (
            e.to_json()["occurred_at"],
            e.time_basis,
            e.local_offset_minutes,
            e.milestone,
            e.carrier_code,
            e.location.city,
            e.location.country,
        )
        for e in shipment.events
    ]


# v3: raw eventTimestamp / GMTOffset / GMTTimestamp → the GMTTimestamp (a UTC field) wins, seconds included
V3_DELIVERED = [
    # raw local, offset, GMT                              UTC                     basis          off   milestone                      code  city        country
    (("2026-03-02T10:05:00", "-05:00", "2026-03-02T15:05:33Z"), ("2026-03-02T15:05:33Z", "carrier_utc", -300, "label_created", "GX", "NEW YORK", "US")),
    (("2026-03-02T15:12:00", "-05:00", "2026-03-02T20:12:07Z"), ("2026-03-02T20:12:07Z", "carrier_utc", -300, "picked_up", "03", "NEW YORK", "US")),
    (("2026-03-02T22:40:00", "-05:00", "2026-03-03T03:40:18Z"), ("2026-03-03T03:40:18Z", "carrier_utc", -300, "in_transit", "10", "QUEENS", "US")),
    (("2026-03-04T09:18:00", "-05:00", "2026-03-04T14:18:44Z"), ("2026-03-04T14:18:44Z", "carrier_utc", -300, "in_transit", None, "NEW YORK", "US")),
    (("2026-03-05T21:30:00", "-05:00", "2026-03-06T02:30:12Z"), ("2026-03-06T02:30:12Z", "carrier_utc", -300, "departed_origin", None, "NEW YORK", "US")),
    (("2026-03-07T06:40:00", "+08:00", "2026-03-06T22:40:00Z"), ("2026-03-06T22:40:00Z", "carrier_utc", 480, "arrived_destination_country", None, "GUANGZHOU", "CN")),
    (("2026-03-07T09:15:00", "+08:00", "2026-03-07T01:15:00Z"), ("2026-03-07T01:15:00Z", "carrier_utc", 480, "customs_processing", None, "GUANGZHOU", "CN")),
    (("2026-03-08T14:02:00", "+08:00", "2026-03-08T06:02:00Z"), ("2026-03-08T06:02:00Z", "carrier_utc", 480, "import_cleared", None, "GUANGZHOU", "CN")),
    (("2026-03-09T08:10:00", "+08:00", "2026-03-09T00:10:00Z"), ("2026-03-09T00:10:00Z", "carrier_utc", 480, "out_for_delivery", None, "GUANGZHOU", "CN")),
    (("2026-03-09T15:12:00", "+08:00", "2026-03-09T07:12:00Z"), ("2026-03-09T07:12:00Z", "carrier_utc", 480, "delivered", None, "GUANGZHOU", "CN")),
]  # fmt: skip

# TrackV2: raw EventDate + EventTime, no zone → the place's zone; New York changes to EDT on 8 March 2026
XML_DELIVERED = [
    (("March 5, 2026", "12:30 pm", "NEW YORK NY"), ("2026-03-05T17:30:00Z", "location_timezone", None, "label_created", "GX", "NEW YORK", "US")),
    (("March 6, 2026", "3:12 pm", "NEW YORK NY"), ("2026-03-06T20:12:00Z", "location_timezone", None, "picked_up", "03", "NEW YORK", "US")),
    (("March 6, 2026", "11:40 pm", "QUEENS NY DC"), ("2026-03-07T04:40:00Z", "location_timezone", None, "in_transit", "10", "QUEENS", "US")),
    (("March 9, 2026", "2:05 pm", "ISC NEW YORK (EDT)"), ("2026-03-09T18:05:00Z", "location_timezone", None, "in_transit", None, "NEW YORK", "US")),
    (("March 10, 2026", "9:50 pm", "ISC NEW YORK (EDT)"), ("2026-03-11T01:50:00Z", "location_timezone", None, "departed_origin", None, "NEW YORK", "US")),
    (("March 12, 2026", "6:35 am", "SHANGHAI CHINA"), ("2026-03-11T22:35:00Z", "location_timezone", None, "arrived_destination_country", None, "SHANGHAI", "CN")),
    (("March 12, 2026", "11:20 am", "SHANGHAI CHINA"), ("2026-03-12T03:20:00Z", "location_timezone", None, "customs_processing", None, "SHANGHAI", "CN")),
    (("March 13, 2026", "4:47 pm", "SHANGHAI CHINA"), ("2026-03-13T08:47:00Z", "location_timezone", None, "import_cleared", None, "SHANGHAI", "CN")),
    (("March 14, 2026", "8:05 am", "SHANGHAI CHINA"), ("2026-03-14T00:05:00Z", "location_timezone", None, "out_for_delivery", None, "SHANGHAI", "CN")),
    (("March 14, 2026", "3:12 pm", "SHANGHAI CHINA"), ("2026-03-14T07:12:00Z", "location_timezone", None, "delivered", None, "SHANGHAI", "CN")),
]  # fmt: skip


def test_v3_delivered_story_field_by_field() -> None:
    result = _parse("v3-newyork-guangzhou-delivered.json")
    assert result.carrier == "usps" and result.errors == ()
    assert result.shipments[0].tracking_number == "CP612038472US"
    assert _rows(result) == [row for _, row in V3_DELIVERED]


def test_v3_fixture_events_use_only_openapi_field_names() -> None:
    for name in ("v3-newyork-guangzhou-delivered.json", "v3-newyork-guangzhou-customs-hold.json"):
        doc = json.loads((FIXTURES / name).read_bytes())
        for event in doc["trackingEvents"]:
            assert set(event) - {"additionalProp"} <= OPENAPI_EVENT_FIELDS
            assert all(v is None or isinstance(v, str) for v in event.values())


def test_webtools_delivered_story_field_by_field() -> None:
    result = _parse("webtools-newyork-shanghai-delivered.xml")
    assert result.shipments[0].tracking_number == "CP612038512US"
    assert _rows(result) == [row for _, row in XML_DELIVERED]


def test_karrio_defect_pm_times_keep_the_afternoon() -> None:
    """karrio-usps 2023.9.2 parses "3:12 pm" with %H:%M %p and returns 03:12."""
    events = _parse("webtools-newyork-shanghai-delivered.xml").shipments[0].events
    accepted = next(e for e in events if e.carrier_code == "03")
    assert accepted.occurred_at.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "15:12"
    assert events[-1].to_json()["occurred_at"] == "2026-03-14T07:12:00Z"  # 15:12 in Shanghai


@pytest.mark.parametrize(
    "name", ["v3-newyork-guangzhou-customs-hold.json", "webtools-newyork-shanghai-customs-hold.xml"]
)
def test_karrio_defect_held_in_customs_is_a_customs_hold(name: str) -> None:
    """karrio maps "Held in Customs" (statusCategory Alert) to in_transit."""
    last = _parse(name).shipments[0].events[-1]
    assert (last.description, last.milestone, last.location.country) == (
        "Held in Customs",
        "customs_held",
        "CN",
    )


def test_karrio_defect_the_utc_field_wins_over_local_time() -> None:
    """karrio ignores GMTTimestamp/GMTOffset and labels 2026-03-02T15:12:00 as UTC."""
    event = _parse("v3-newyork-guangzhou-delivered.json").shipments[0].events[1]
    assert event.to_json()["occurred_at"] == "2026-03-02T20:12:07Z"
    assert (event.time_basis, event.local_offset_minutes) == ("carrier_utc", -300)


def test_v3_without_gmt_timestamp_uses_the_offset_then_the_place() -> None:
    doc = (FIXTURES / "v3-newyork-guangzhou-customs-hold.json").read_text()
    no_utc = re.sub(r'"GMTTimestamp": "[^"]+"', '"GMTTimestamp": null', doc)
    first = SPEC.parse(no_utc.encode()).shipments[0].events[0]
    assert (first.to_json()["occurred_at"], first.time_basis, first.local_offset_minutes) == (
        "2026-03-02T15:05:00Z",
        "carrier_offset",
        -300,
    )
    bare = re.sub(r'"GMTOffset": "[^"]+"', '"GMTOffset": null', no_utc)
    first = SPEC.parse(bare.encode()).shipments[0].events[0]
    assert (first.to_json()["occurred_at"], first.time_basis, first.local_offset_minutes) == (
        "2026-03-02T15:05:00Z",
        "location_timezone",
        None,
    )


@pytest.mark.parametrize(
    ("name", "code", "number", "message"),
    [
        (
            "error-v3-404-not-found.json",
            "not_found",
            None,
            "The tracking number CP000000005US was not found.",
        ),
        (
            "error-v3-429-rate-limited.json",
            "rate_limited",
            None,
            "Too many requests have been received from client in a short amount of time.",
        ),
        ("error-v3-oauth-invalid-client.json", "unauthorized", None, "Client authentication failed."),
        (
            "error-webtools-authorization.xml",
            "unauthorized",
            None,
            "Authorization failure. Perhaps username and/or password is incorrect.",
        ),
    ],
)
def test_error_bodies_are_valid_documents(name: str, code: str, number: str | None, message: str) -> None:
    result = _parse(name)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, number, message)]


def test_webtools_item_error_names_its_number() -> None:
    (error,) = _parse("error-webtools-not-found.xml").errors
    assert (error.code, error.tracking_number) == ("not_found", "CP000000005US")
    assert error.message.startswith("A status update is not yet available")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("malformed-*")))
def test_malformed_documents_are_rejected(name: str) -> None:
    assert_rejected(lambda: _parse(name))


def test_v3_summary_view_is_refused() -> None:
    body = b'{"trackingNumber": "CP612038472US", "eventSummaries": ["Delivered, March 9, 2026"]}'
    with pytest.raises(DocumentRejected, match="expand=DETAIL"):
        SPEC.parse(body)


@pytest.mark.parametrize("data", [b"", b"plain text", b"<html><body>502</body></html>", b'{"foo": 1}'])
def test_other_documents_are_rejected(data: bytes) -> None:
    with pytest.raises(DocumentRejected):
        SPEC.parse(data)


def test_registry_reads_both_formats_under_one_id() -> None:
    for name in ("v3-newyork-guangzhou-delivered.json", "webtools-newyork-shanghai-delivered.xml"):
        result = REGISTRY.read("usps", (FIXTURES / name).read_bytes())
        assert result.shipments[0].events[-1].milestone == "delivered"


@pytest.mark.parametrize(
    ("code", "text", "kind"),
    [
        ("01", "Delivered, Parcel Locker", "delivered"),
        ("1", "Arrived", "arrived"),  # unpadded "1" is not a G-4 code; the text still speaks
        ("03", "USPS in possession of item", "picked_up"),
        ("10", "Arrived at USPS Regional Origin Facility", "in_transit"),
        ("OF", "Out for Delivery", "out_for_delivery"),
        ("GX", "Shipping Label Created, USPS Awaiting Item", "label_created"),
        ("10", "Held in Customs", "customs_held"),
        (None, "Inbound Into Customs", "customs_processing"),
        (None, "Customs Clearance", "customs_processing"),
        (None, "Inbound Out of Customs", "import_cleared"),
        (None, "Pickup Available", "unknown"),
        ("ZZ", "Something new", "unknown"),
    ],
)
def test_event_codes_and_texts(code: str | None, text: str, kind: str) -> None:
    assert codes.classify(code, text) == kind


@pytest.mark.parametrize(
    ("city", "state", "country", "expected", "zone"),
    [
        (
            "ISC NEW YORK NY(USPS)",
            None,
            None,
            ("NEW YORK", "NY", "US", "ISC NEW YORK NY(USPS)"),
            "America/New_York",
        ),
        (
            "QUEENS NY DISTRIBUTION CENTER",
            None,
            None,
            ("QUEENS", "NY", "US", "QUEENS NY DISTRIBUTION CENTER"),
            "America/New_York",
        ),
        ("LOS ANGELES", "CA", "", ("LOS ANGELES", "CA", "US", None), "America/Los_Angeles"),
        ("SHANGHAI", None, "CHINA", ("SHANGHAI", None, "CN", None), "Asia/Shanghai"),
        ("SALT LAKE CITY", "UT", None, ("SALT LAKE CITY", "UT", "US", None), "America/Denver"),
        (None, None, None, (None, None, None, None), None),
    ],
)
def test_usps_places(
    city: str | None, state: str | None, country: str | None, expected: tuple[object, ...], zone: str | None
) -> None:
    place = resolve_usps_place(city, state, None, country, default_gazetteer())
    loc = place.location
    assert (loc.city, loc.region, loc.country, loc.facility) == expected
    assert place.zone == zone


def test_all_xml_goes_through_the_safe_parser() -> None:
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"etree\.(fromstring|parse|XML|iterparse|XMLParser)\b", text), path.name
