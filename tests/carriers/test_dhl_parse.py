"""The ``dhl`` adapter (DHL Shipment Tracking – Unified API) and the time helpers it stands on.

Each fixture is checked field by field against a hand-written table that shows, per event, the raw
timestamp and place as DHL sent them and the UTC instant they must become. karrio's defects
(carriers.md §3.4, §4.3, §7) each have a test saying what is right here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carriers import parse_result_to_json
from carriers._time import country_zone, is_utc_stamp, parse_clock, parse_timestamp, resolve_time
from carriers.dhl import SPEC
from carriers.dhl.codes import classify_text
from tests.carriers.parse_checks import assert_rejected, assert_size_and_depth_unsafe, story_events
from trace_verify.domain.documents import ParseResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "dhl"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def events_json(result: ParseResult, shipment: int = 0) -> list[dict[str, Any]]:
    return [e.to_json() for e in result.shipments[shipment].events]


def raw_events(name: str) -> list[dict[str, Any]]:
    """The fixture's events oldest first (DHL sends them newest first)."""
    doc = json.loads((FIXTURES / name).read_bytes())
    return list(reversed(doc["shipments"][0]["events"]))


def expected(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """One table row → the contract event. Row: raw stamp, raw locality, UTC, basis, offset,
    milestone, location, carrier_code, description."""
    _raw, _locality, utc, basis, offset, milestone, location, code, description = row
    return {
        "carrier": "dhl",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": offset,
        "time_basis": basis,
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": description,
    }


OSAKA = {"city": "OSAKA", "country": "JP"}
SHANGHAI = {"city": "SHANGHAI", "country": "CN"}
HANGZHOU = {"city": "HANGZHOU", "country": "CN"}
LT = "location_timezone"

# raw timestamp (DHL, local, no offset) | raw addressLocality | UTC | basis | offset | milestone | location |
# carrier_code | description
DELIVERED = [
    ("2026-03-01T18:20:00", "OSAKA - JAPAN", "2026-03-01T09:20:00Z", LT, None, "picked_up", OSAKA, None,
     "Shipment picked up"),
    ("2026-03-01T21:47:00", "OSAKA - JAPAN", "2026-03-01T12:47:00Z", LT, None, "in_transit", OSAKA, None,
     "Processed at OSAKA - JAPAN"),
    ("2026-03-02T00:35:00", "OSAKA - JAPAN", "2026-03-01T15:35:00Z", LT, None, "departed_origin", OSAKA, None,
     "Departed Facility in OSAKA - JAPAN"),
    ("2026-03-02T02:10:00", "SHANGHAI - CHINA MAINLAND", "2026-03-01T18:10:00Z", LT, None,
     "arrived_destination_country", SHANGHAI, None, "Arrived at Sort Facility SHANGHAI - CHINA MAINLAND"),
    ("2026-03-02T02:55:00", "SHANGHAI - CHINA MAINLAND", "2026-03-01T18:55:00Z", LT, None,
     "customs_processing", SHANGHAI, None, "Customs status updated"),
    ("2026-03-02T09:48:00", "SHANGHAI - CHINA MAINLAND", "2026-03-02T01:48:00Z", LT, None, "import_cleared",
     SHANGHAI, None, "Clearance processing complete at SHANGHAI - CHINA MAINLAND"),
    ("2026-03-02T10:20:00", "SHANGHAI - CHINA MAINLAND", "2026-03-02T02:20:00Z", LT, None, "in_transit",
     SHANGHAI, None, "Processed at SHANGHAI - CHINA MAINLAND"),
    ("2026-03-02T11:02:00", "SHANGHAI - CHINA MAINLAND", "2026-03-02T03:02:00Z", LT, None, "in_transit",
     SHANGHAI, None, "Departed Facility in SHANGHAI - CHINA MAINLAND"),
    ("2026-03-02T16:36:00", "HANGZHOU - CHINA MAINLAND", "2026-03-02T08:36:00Z", LT, None, "in_transit",
     HANGZHOU, None, "Arrived at Delivery Facility in HANGZHOU - CHINA MAINLAND"),
    ("2026-03-03T08:51:00", "HANGZHOU - CHINA MAINLAND", "2026-03-03T00:51:00Z", LT, None, "out_for_delivery",
     HANGZHOU, None, "With delivery courier"),
    # A bare "HANGZHOU": the country comes from the destination "HANGZHOU - HANGZHOU - CHINA MAINLAND".
    ("2026-03-03T14:07:00", "HANGZHOU", "2026-03-03T06:07:00Z", LT, None, "delivered", HANGZHOU, None,
     "Delivered - Signed for by: WANG"),
]  # fmt: skip

CUSTOMS_HOLD = [
    ("2026-03-05T16:44:00", "OSAKA - JAPAN", "2026-03-05T07:44:00Z", LT, None, "picked_up", OSAKA, None,
     "Shipment picked up"),
    ("2026-03-06T01:18:00", "OSAKA - JAPAN", "2026-03-05T16:18:00Z", LT, None, "departed_origin", OSAKA, None,
     "Departed Facility in OSAKA - JAPAN"),
    ("2026-03-06T04:02:00", "SHANGHAI - CHINA MAINLAND", "2026-03-05T20:02:00Z", LT, None,
     "arrived_destination_country", SHANGHAI, None, "Arrived at Sort Facility SHANGHAI - CHINA MAINLAND"),
    ("2026-03-06T07:15:00", "SHANGHAI - CHINA MAINLAND", "2026-03-05T23:15:00Z", LT, None,
     "customs_processing", SHANGHAI, None, "Customs status updated"),
    # "Shipment on hold" + remark "pending completion of customs inspection" is a customs hold.
    ("2026-03-06T11:40:00", "SHANGHAI - CHINA MAINLAND", "2026-03-06T03:40:00Z", LT, None, "customs_held",
     SHANGHAI, "transit", "Shipment on hold"),
]  # fmt: skip

BONN = {"city": "Bonn", "postal_code": "53113", "country": "DE"}
LEIPZIG = {"city": "Leipzig", "country": "DE"}
SHANGHAI_CN = {"city": "SHANGHAI", "country": "CN"}
HANDOVER_TEXT = (
    "The shipment will be transported to the destination country and, from there, handed over to the "
    "delivery organization."
)
PAKET = [
    ("2026-03-04T16:02:11Z", None, "2026-03-04T16:02:11Z", "carrier_utc", None, "label_created", {},
     "pre-transit",
     "The instruction data for this shipment have been provided by the sender to DHL electronically"),
    ("2026-03-05T11:48:00+01:00", "Bonn", "2026-03-05T10:48:00Z", "carrier_offset", 60, "picked_up", BONN,
     "transit", "The shipment has been posted by the sender at the retail outlet"),
    ("2026-03-05T23:12:00+01:00", "Leipzig", "2026-03-05T22:12:00Z", "carrier_offset", 60, "in_transit",
     LEIPZIG, "transit", "The international shipment has been processed in the parcel center of origin"),
    # Nanoseconds (karrio issue #439 could not parse this form): cut to microseconds, offset applied.
    ("2026-03-06T15:27:20.331986369+01:00", "Leipzig", "2026-03-06T14:27:20.331986Z", "carrier_offset", 60,
     "in_transit", LEIPZIG, "transit", HANDOVER_TEXT),
    ("2026-03-10T22:41:00+08:00", "SHANGHAI", "2026-03-10T14:41:00Z", "carrier_offset", 480,
     "arrived_destination_country", SHANGHAI_CN, "transit",
     "The shipment has arrived in the destination country"),
    ("2026-03-11T10:25:00+08:00", "SHANGHAI", "2026-03-11T02:25:00Z", "carrier_offset", 480,
     "customs_processing", SHANGHAI_CN, "transit", "Customs clearance in progress"),
    ("2026-03-12T16:05:00+08:00", "SHANGHAI", "2026-03-12T08:05:00Z", "carrier_offset", 480, "import_cleared",
     SHANGHAI_CN, "transit", "Customs clearance completed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fixture", "number", "table"),
    [
        ("express-osaka-hangzhou-delivered.json", "4589127734", DELIVERED),
        ("express-osaka-shanghai-customs-hold.json", "3027158481", CUSTOMS_HOLD),
        ("paket-leipzig-shanghai-handover.json", "00340434518273645109", PAKET),
    ],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    raw = raw_events(fixture)
    assert [e["timestamp"] for e in raw] == [row[0] for row in table], "the table quotes DHL's raw stamps"
    assert [e.get("location", {}).get("address", {}).get("addressLocality") for e in raw] == [
        r[1] for r in table
    ]
    got = story_events(parse(fixture), "dhl", number)
    for event in got:
        event.pop("handover_to", None)  # checked on its own below
    assert got == [expected(number, row) for row in table]


@pytest.mark.parametrize(
    "fixture",
    ["express-osaka-hangzhou-delivered.json", "express-osaka-shanghai-customs-hold.json",
     "paket-leipzig-shanghai-handover.json"],
)  # fmt: skip
def test_every_event_satisfies_the_contract_schema(fixture: str) -> None:
    for event in events_json(parse(fixture)):
        jsonschema.validate(event, EVENT_SCHEMA)


def test_karrio_defect_local_time_is_not_labelled_utc() -> None:
    """karrio turns DHL's local "2026-03-01T18:20:00" in Osaka into "…18:20:00.000Z"; it is 09:20Z."""
    first = parse("express-osaka-hangzhou-delivered.json").shipments[0].events[0]
    assert first.occurred_at == datetime(2026, 3, 1, 9, 20, tzinfo=UTC)
    assert first.time_basis == "location_timezone"
    assert first.local_offset_minutes is None, "a zone we looked up is not an offset DHL reported"


def test_karrio_defect_an_offset_is_applied_not_dropped() -> None:
    """karrio turns "…16:05:00+08:00" into "…16:05:00.000Z"; it is 08:05Z with the +08:00 kept."""
    last = parse("paket-leipzig-shanghai-handover.json").shipments[0].events[-1]
    assert last.to_json()["occurred_at"] == "2026-03-12T08:05:00Z"
    assert (last.time_basis, last.local_offset_minutes) == ("carrier_offset", 480)


def test_karrio_defect_the_country_of_each_event_is_kept() -> None:
    """karrio flattens DHL's place to the addressLocality string; every event here has an ISO country."""
    events = parse("express-osaka-hangzhou-delivered.json").shipments[0].events
    assert [e.location.country for e in events] == ["JP"] * 3 + ["CN"] * 8


def test_karrio_defect_a_customs_hold_is_not_in_transit() -> None:
    """karrio reports a DHL customs hold as ``in_transit``."""
    milestones = [e.milestone for e in parse("express-osaka-shanghai-customs-hold.json").shipments[0].events]
    assert milestones[-1] == "customs_held"


def test_karrio_defect_a_problem_body_with_extra_members_is_an_error_not_a_crash() -> None:
    """karrio raises TypeError on a problem body with ``type``; it is a not-found answer."""
    result = parse("error-404-problem-extra-fields.json")
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [
        ("not_found", "3027158480", "No shipment with given tracking number found.")
    ]


def test_the_handover_event_names_the_next_legs_number() -> None:
    events = parse("paket-leipzig-shanghai-handover.json").shipments[0].events
    handovers = [(e.description, e.to_json()["handover_to"]) for e in events if e.handover_to is not None]
    assert handovers == [(HANDOVER_TEXT, {"tracking_number": "EA362719047CN"})]


def test_a_local_tracking_number_without_a_handover_event_goes_on_the_latest_event() -> None:
    doc = _doc(
        [_event("2026-03-02T09:00:00", "SEOUL - KOREA", "Processed at SEOUL", country="KR")],
        details={"references": {"number": "9261290100130736410000", "type": "local-tracking-number"}},
    )
    [event] = SPEC.parse(doc).shipments[0].events
    assert event.handover_to is not None and event.handover_to.tracking_number == "9261290100130736410000"


def test_a_handover_names_a_known_next_carrier() -> None:
    doc = _doc(
        [_event("2026-03-02T09:00:00", "CHICAGO, IL - USA", "Tendered to USPS for delivery", country="US")],
        details={"references": [{"number": "9261290100130736410000", "type": "local-tracking-number"}]},
    )
    [event] = SPEC.parse(doc).shipments[0].events
    assert event.to_json()["handover_to"] == {"tracking_number": "9261290100130736410000", "carrier": "usps"}


@pytest.mark.parametrize(
    ("fixture", "code", "number", "message"),
    [
        ("error-404-not-found.json", "not_found", "8264715546",
         "No shipment with given tracking number found."),
        ("error-401-unauthorized.json", "unauthorized", None, "Unauthorized for given resource."),
        ("error-429-rate-limited.json", "rate_limited", None,
         "Too many requests within defined time period, please try again later."),
    ],
)  # fmt: skip
def test_error_bodies_are_valid_documents(fixture: str, code: str, number: str | None, message: str) -> None:
    result = parse(fixture)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, number, message)]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"status": 500, "title": "Internal Server Error"}, "carrier_error"),
        ({"status": 503, "detail": "Service temporarily unavailable"}, "carrier_error"),
        ({"status": 403, "title": "Forbidden"}, "unauthorized"),
        ({"status": "404", "title": "No result found"}, "not_found"),
        ({"title": "Something went wrong"}, "carrier_error"),
    ],
)
def test_other_problem_bodies(body: dict[str, Any], code: str) -> None:
    [error] = SPEC.parse(json.dumps(body).encode()).errors
    assert error.code == code


@pytest.mark.parametrize(
    "fixture",
    [
        "malformed-gateway-html.txt",
        "malformed-truncated.json",
        "malformed-shipments-not-array.json",
        "malformed-event-without-timestamp.json",
        "malformed-timestamp-not-iso.json",
    ],
)
def test_malformed_documents_are_rejected_without_echoing_them(fixture: str) -> None:
    assert_rejected(
        lambda: parse(fixture), hidden=("Gateway", "OSAKA", "Shipment picked up", "01/03/2026", "4589127734")
    )


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b'"shipments"',
        b"null",
        b'{"shipments": [{"id": "1", "events": [{"timestamp": 20260301}]}]}',
        b'{"shipments": [{"events": []}]}',
        b'{"shipments": [{"id": true, "events": []}]}',
        b'{"shipments": [{"id": "1", "events": [{"timestamp": "2026-03-01T18:20:00", "description": 7}]}]}',
        b'{"shipments": [{"id": "1", "events": ["Delivered"]}]}',
        b'{"status": 200, "title": "OK"}',
        b'{"unexpected": 1}',
        b'{"shipments": [], "shipments": [{"id": "1"}]}',
        b'{"status": NaN}',
        b'{"detail": "\\ud800"}',
        "{}".encode("utf-16"),
        b"",
        b'{"shipments": [{"id": "1", "events": [{"timestamp": "2026-W09-7"}]}]}',
        b'{"shipments": [{"id": "1", "events": [{"timestamp": "2026-03-01T18:20:00+15:00"}]}]}',
    ],
)
def test_wrong_shapes_and_strict_json_are_unreadable(data: bytes) -> None:
    assert_rejected(lambda: SPEC.parse(data))


def test_deep_nesting_and_oversize_are_unsafe() -> None:
    assert_size_and_depth_unsafe(SPEC)


def test_a_utf8_bom_is_tolerated() -> None:
    data = b"\xef\xbb\xbf" + (FIXTURES / "error-404-not-found.json").read_bytes()
    assert SPEC.parse(data).errors[0].code == "not_found"


def test_unknown_codes_and_words_are_unknown_and_keep_the_code() -> None:
    doc = _doc([_event("2026-03-02T09:00:00", "OSAKA - JAPAN", "Zzz", status_code="teleported")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.milestone, event.carrier_code, event.description) == ("unknown", "teleported", "Zzz")


@pytest.mark.parametrize(
    ("status_code", "text", "milestone"),
    [
        ("pre-transit", None, "label_created"),
        ("transit", None, "in_transit"),
        ("delivered", None, "delivered"),
        ("failure", None, "exception"),
        ("unknown", None, "unknown"),
        ("delivered", "Processed at OSAKA - JAPAN", "delivered"),  # generic words, specific code
        ("failure", "Delivery attempted; recipient not home", "delivery_attempted"),  # specific words win
    ],
)
def test_status_code_table(status_code: str, text: str | None, milestone: str) -> None:
    doc = _doc([_event("2026-03-02T09:00:00", "OSAKA - JAPAN", text, status_code=status_code)])
    assert SPEC.parse(doc).shipments[0].events[0].milestone == milestone


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Shipment picked up", "picked_up"),
        ("Shipment Accepted", "picked_up"),
        ("Processed at KARACHI - PAKISTAN", "in_transit"),
        ("Departed Facility in BRUSSELS - BELGIUM", "departed"),
        ("Arrived at Sort Facility NEW YORK CITY GATEWAY - USA", "arrived"),
        ("Arrived at Delivery Facility in SHARJAH - UNITED ARAB EMIRATES", "arrived"),
        ("Customs status updated", "customs_processing"),
        ("Customs clearance status updated. Note - The Customs clearance process may start while the "
         "shipment is in transit to the destination.", "customs_processing"),
        ("Clearance processing complete at DUBAI - UNITED ARAB EMIRATES", "import_cleared"),
        ("Clearance delay", "customs_held"),
        ("Further clearance processing is required", "customs_held"),
        ("Export customs clearance completed", "export_cleared"),
        ("Shipment on hold", "on_hold"),
        ("With delivery courier", "out_for_delivery"),
        ("Delivery attempted; recipient not home", "delivery_attempted"),
        ("Delivered - Signed for by: MOHAMED. HUZEF", "delivered"),
        ("The shipment has been successfully delivered", "delivered"),
        ("The shipment has been delivered for pick-up at the retail outlet", "available_for_pickup"),
        ("The shipment has been loaded onto the delivery vehicle", "out_for_delivery"),
        ("The shipment is being returned to the sender", "returned"),
        ("Payment is received and recorded for shipment related fees", None),
    ],
)  # fmt: skip
def test_event_text_table(text: str, kind: str | None) -> None:
    assert classify_text(text) == kind


def test_customs_by_side_export_transit_import() -> None:
    """Clearance in the origin country is export clearance; in a third country it is only transit."""
    doc = _doc(
        [
            _event("2026-03-02T09:00:00", "OSAKA - JAPAN", "Clearance processing complete at OSAKA - JAPAN"),
            _event("2026-03-02T20:00:00", "INCHEON - KOREA", "Clearance processing complete at INCHEON",
                   country="KR"),
            _event("2026-03-03T09:00:00", "SHANGHAI - CHINA MAINLAND", "Customs status updated"),
            _event("2026-03-03T12:00:00", "SHANGHAI - CHINA MAINLAND",
                   "Clearance processing complete at SHANGHAI"),
        ],
        origin="OSAKA - JAPAN",
        destination="SHANGHAI - CHINA MAINLAND",
    )  # fmt: skip
    milestones = [e.milestone for e in SPEC.parse(doc).shipments[0].events]
    assert milestones == ["export_cleared", "in_transit", "customs_processing", "import_cleared"]


def test_events_come_out_oldest_first_whatever_the_document_order() -> None:
    data = (FIXTURES / "express-osaka-hangzhou-delivered.json").read_bytes()
    doc = json.loads(data)
    doc["shipments"][0]["events"].reverse()
    assert SPEC.parse(json.dumps(doc).encode()) == SPEC.parse(data)


def test_equal_instants_keep_dhls_order_reversed() -> None:
    """DHL lists newest first: of two scans in the same minute, the later-listed one happened first."""
    doc = _doc(
        [
            _event("2026-03-02T09:00:00", "OSAKA - JAPAN", "Shipment picked up"),
            _event("2026-03-02T09:00:00", "OSAKA - JAPAN", "Shipment Accepted"),
            _event("2026-03-01T09:00:00", "OSAKA - JAPAN", "Shipment information received"),
        ]
    )
    descriptions = [e.description for e in SPEC.parse(doc).shipments[0].events]
    assert descriptions == ["Shipment information received", "Shipment Accepted", "Shipment picked up"]


def test_the_status_object_stands_in_when_there_are_no_events() -> None:
    doc = json.loads(_doc([]))
    doc["shipments"][0]["status"] = _event("2026-03-02T09:00:00", "OSAKA - JAPAN", "Shipment picked up")
    [event] = SPEC.parse(json.dumps(doc).encode()).shipments[0].events
    assert (event.milestone, event.to_json()["occurred_at"]) == ("picked_up", "2026-03-02T00:00:00Z")


def test_a_numeric_id_as_in_dhls_example_is_read_as_text() -> None:
    doc = json.loads(_doc([]))
    doc["shipments"][0]["id"] = 7777777770
    assert SPEC.parse(json.dumps(doc).encode()).shipments[0].tracking_number == "7777777770"


def test_an_unknown_place_in_a_one_zone_country_uses_the_countrys_zone() -> None:
    """ "FUKUOKA HUB" may be unknown to the gazetteer; Japan has one zone, so the instant is certain."""
    doc = _doc([_event("2026-03-02T09:00:00", "ZZ UNKNOWN HUB - JAPAN", "Processed at ZZ UNKNOWN HUB")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.to_json()["occurred_at"], event.time_basis) == ("2026-03-02T00:00:00Z", "location_timezone")
    assert event.location.country == "JP" and event.location.facility == "ZZ UNKNOWN HUB"


def test_an_unplaceable_local_time_is_assumed_utc_and_says_so() -> None:
    doc = _doc([_event("2026-03-02T09:00:00", None, "Processed")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.to_json()["occurred_at"], event.time_basis) == ("2026-03-02T09:00:00Z", "assumed_utc")


def test_localities_with_region_and_service_area() -> None:
    doc = _doc(
        [
            _event(
                "2026-03-02T09:00:00", "CINCINNATI HUB, OH - USA", "Processed at CINCINNATI HUB", country="US"
            )
        ]
    )
    location = SPEC.parse(doc).shipments[0].events[0].location
    assert (location.region, location.country, location.facility) == ("OH", "US", "CINCINNATI HUB")
    assert location.city == "CINCINNATI"


def test_parse_output_for_the_story() -> None:
    out = parse_result_to_json(parse("express-osaka-hangzhou-delivered.json"))
    assert [e["milestone"] for e in out["shipments"][0]["events"]][-1] == "delivered"


# --- time helpers (carriers/_time.py) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-03-01T18:20:00", datetime(2026, 3, 1, 18, 20)),
        ("2026-03-01 18:20", datetime(2026, 3, 1, 18, 20)),
        ("2026-03-01", datetime(2026, 3, 1)),
        ("2026-03-01T18:20:00Z", datetime(2026, 3, 1, 18, 20, tzinfo=UTC)),
        ("2026-03-01T18:20:00.331986369+01:00", datetime.fromisoformat("2026-03-01T18:20:00.331986+01:00")),
        ("2026-03-01T18:20:00+0800", datetime.fromisoformat("2026-03-01T18:20:00+08:00")),
        ("2026-03-01T18:20:00-03", datetime.fromisoformat("2026-03-01T18:20:00-03:00")),
    ],
)
def test_parse_timestamp(text: str, value: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == value and (parsed.tzinfo is None) == (value.tzinfo is None)


@pytest.mark.parametrize(
    "text",
    ["20260301T1820", "2026-W09-7", "2026-03-01T24:00:00", "2026-02-30T10:00:00", "2026-03-01T10:00+14:30",
     "2026-03-01T10:00+05:60", "yesterday", "2026-03-01T10:00:00 PST"],
)  # fmt: skip
def test_parse_timestamp_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_z_is_a_utc_field_and_plus_zero_is_an_offset() -> None:
    assert is_utc_stamp("2026-03-01T18:20:00Z") and not is_utc_stamp("2026-03-01T18:20:00+00:00")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3:12 pm", time(15, 12)),
        ("3:12PM", time(15, 12)),
        ("03:12 P.M.", time(15, 12)),
        ("12:00 am", time(0, 0)),
        ("12:30 PM", time(12, 30)),
        ("11:59:58 p.m.", time(23, 59, 58)),
        ("3 pm", time(15, 0)),
        ("15:12", time(15, 12)),
        ("00:05:09", time(0, 5, 9)),
    ],
)
def test_parse_clock_keeps_the_afternoon(text: str, value: time) -> None:
    """karrio's ``%H:%M %p`` turns "3:12 pm" into 03:12 (carriers.md §3.4)."""
    assert parse_clock(text) == value


@pytest.mark.parametrize("text", ["13:00 pm", "0:30 am", "25:00", "3:75 pm", "pm", ""])
def test_parse_clock_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(text)


def test_precedence_utc_then_offset_then_carrier_zone_then_place_zone_then_assumed() -> None:
    wall = datetime(2026, 3, 1, 18, 20)
    aware = datetime.fromisoformat("2026-03-01T18:20:00+09:00")
    utc = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    both = resolve_time(aware, utc=utc, carrier_zone="Asia/Shanghai", place_zone="Asia/Tokyo")
    assert (both.occurred_at, both.time_basis, both.local_offset_minutes) == (utc, "carrier_utc", 540)
    offset = resolve_time(aware, carrier_zone="Asia/Shanghai", place_zone="Europe/Berlin")
    assert (offset.occurred_at.hour, offset.time_basis, offset.local_offset_minutes) == (
        9,
        "carrier_offset",
        540,
    )
    carrier = resolve_time(wall, carrier_zone="Asia/Shanghai", place_zone="Asia/Tokyo")
    assert (carrier.occurred_at.hour, carrier.time_basis, carrier.local_offset_minutes) == (
        10, "carrier_timezone", None)  # fmt: skip
    place = resolve_time(wall, carrier_zone="Not/AZone", place_zone="Asia/Tokyo")
    assert (place.occurred_at.hour, place.time_basis) == (9, "location_timezone")
    assumed = resolve_time(wall)
    assert (assumed.occurred_at, assumed.time_basis) == (wall.replace(tzinfo=UTC), "assumed_utc")
    with pytest.raises(ValueError):
        resolve_time()


def test_dst_gap_reads_the_wall_time_with_the_offset_before_the_jump() -> None:
    """02:30 does not exist in New York on 2026-03-08; it is read as EST (-05:00) → 07:30Z."""
    gap = resolve_time(datetime(2026, 3, 8, 2, 30), place_zone="America/New_York")
    assert gap.occurred_at == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_dst_fold_takes_the_earlier_instant() -> None:
    """01:30 happens twice in New York on 2026-11-01; the first (EDT, -04:00) is 05:30Z."""
    fold = resolve_time(datetime(2026, 11, 1, 1, 30), place_zone="America/New_York")
    assert fold.occurred_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_country_zone_only_where_the_countrys_zones_agree_or_one_legal_time_rules() -> None:
    wall = datetime(2026, 3, 1, 12, 0)
    assert country_zone("JP", wall) == "Asia/Tokyo"
    assert country_zone("DE", wall) == "Europe/Berlin"  # Berlin and Busingen agree
    assert country_zone("CN", wall) == "Asia/Shanghai"  # one legal time, though zone.tab lists Urumqi
    assert country_zone("CA", wall) is None
    assert country_zone("US", wall) is None
    assert country_zone(None, wall) is None and country_zone("XX", wall) is None


# --- document builders for the inline cases ----------------------------------------------------------


def _event(
    stamp: str,
    locality: str | None,
    text: str | None,
    *,
    status_code: str | None = None,
    country: str | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {"timestamp": stamp}
    if locality is not None:
        address: dict[str, str] = {"addressLocality": locality}
        if country is not None:
            address["countryCode"] = country
        event["location"] = {"address": address}
    if status_code is not None:
        event["statusCode"] = status_code
    if text is not None:
        event["description"] = text
    return event


def _doc(
    events: list[dict[str, Any]],
    *,
    details: dict[str, Any] | None = None,
    origin: str | None = None,
    destination: str | None = None,
) -> bytes:
    shipment: dict[str, Any] = {"id": "1234567890", "service": "express", "events": events}
    if origin:
        shipment["origin"] = {"address": {"addressLocality": origin}}
    if destination:
        shipment["destination"] = {"address": {"addressLocality": destination}}
    if details is not None:
        shipment["details"] = details
    return json.dumps({"shipments": [shipment]}).encode()
