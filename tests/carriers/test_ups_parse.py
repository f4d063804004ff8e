"""The ``ups`` adapter (UPS Track API v1).

Each story fixture is checked field by field against a hand-written table that shows, per activity, the
raw local ``date`` + ``time``, the raw ``gmtDate`` + ``gmtTime`` + ``gmtOffset`` and the UTC instant
they must become. Fixtures are validated against UPS's OpenAPI schemas. karrio's UPS defects
(carriers.md §3.4, §4.1, §7) each have a test saying what is right here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carriers.ups import SPEC
from carriers.ups.codes import classify
from carriers.ups.parse import error_code
from tests.carriers.parse_checks import assert_rejected, assert_size_and_depth_unsafe, story_events
from trace_verify.domain.documents import ParseResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "ups"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
OPENAPI = json.loads((FIXTURES / "schema" / "tracking-openapi-schemas.json").read_text())
DELIVERED_FILE = "ww-saver-losangeles-hangzhou-delivered.json"
HOLD_FILE = "ww-express-newyork-shanghai-customs-hold.json"
CU = "carrier_utc"
CPR, HELD = "customs_processing", "customs_held"


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def raw_activities(name: str) -> list[dict[str, Any]]:
    """The fixture's activities oldest first (UPS sends them newest first)."""
    doc = json.loads((FIXTURES / name).read_bytes())
    return list(reversed(doc["trackResponse"]["shipment"][0]["package"][0]["activity"]))


def us(city: str, region: str) -> dict[str, str]:
    return {"city": city, "region": region, "country": "US"}


LA, LOU, ANC, NY = (
    us("Los Angeles", "CA"),
    us("Louisville", "KY"),
    us("Anchorage", "AK"),
    us("New York", "NY"),
)
SHA, HGH = {"city": "Shanghai", "country": "CN"}, {"city": "Hangzhou", "country": "CN"}
PREPARING = (
    "UPS is preparing your package for clearance. We will notify you if additional information is needed."
)

# local date time | gmtDate gmtTime gmtOffset | UTC | basis | offset | milestone | location | code | text
DELIVERED = [
    ("20260309 164210", "20260309 23:42:10 -07:00", "2026-03-09T23:42:10Z", CU, -420, "label_created",
     {"country": "US"}, "MP", "Shipper created a label, UPS has not received the package yet."),
    ("20260310 170533", "20260311 00:05:33 -07:00", "2026-03-11T00:05:33Z", CU, -420, "picked_up", LA, "OR",
     "Origin Scan"),
    ("20260310 214700", "20260311 04:47:00 -07:00", "2026-03-11T04:47:00Z", CU, -420, "in_transit", LA, "DP",
     "Departed from Facility"),
    ("20260311 045800", "20260311 08:58:00 -04:00", "2026-03-11T08:58:00Z", CU, -240, "in_transit", LOU, "AR",
     "Arrived at Facility"),
    ("20260311 061241", "20260311 10:12:41 -04:00", "2026-03-11T10:12:41Z", CU, -240, "in_transit", LOU, "EP",
     "Export Scan"),
    ("20260311 093100", "20260311 13:31:00 -04:00", "2026-03-11T13:31:00Z", CU, -240, "in_transit", LOU, "DP",
     "Departed from Facility"),
    ("20260311 094800", "20260311 17:48:00 -08:00", "2026-03-11T17:48:00Z", CU, -480, "in_transit", ANC, "AR",
     "Arrived at Facility"),
    # The last departure scanned in the US is the border.
    ("20260311 122000", "20260311 20:20:00 -08:00", "2026-03-11T20:20:00Z", CU, -480, "departed_origin", ANC,
     "DP", "Departed from Facility"),
    # The first arrival in China after scans elsewhere.
    ("20260312 150500", "20260312 07:05:00 +08:00", "2026-03-12T07:05:00Z", CU, 480,
     "arrived_destination_country", SHA, "AR", "Arrived at Facility"),
    ("20260312 154027", "20260312 07:40:27 +08:00", "2026-03-12T07:40:27Z", CU, 480, "in_transit", SHA, "IP",
     "Import Scan"),
    ("20260312 160251", "20260312 08:02:51 +08:00", "2026-03-12T08:02:51Z", CU, 480, CPR, SHA,
     "7M", PREPARING),
    ("20260313 101609", "20260313 02:16:09 +08:00", "2026-03-13T02:16:09Z", CU, 480, "import_cleared", SHA,
     "SR", "Your package was released by the customs agency."),
    ("20260313 143000", "20260313 06:30:00 +08:00", "2026-03-13T06:30:00Z", CU, 480, "in_transit", SHA, "DP",
     "Departed from Facility"),
    ("20260313 185500", "20260313 10:55:00 +08:00", "2026-03-13T10:55:00Z", CU, 480, "in_transit", HGH, "AR",
     "Arrived at Facility"),
    ("20260314 081244", "20260314 00:12:44 +08:00", "2026-03-14T00:12:44Z", CU, 480, "out_for_delivery", HGH,
     "OT", "Out For Delivery Today"),
    ("20260314 132705", "20260314 05:27:05 +08:00", "2026-03-14T05:27:05Z", CU, 480, "delivered",
     {**HGH, "postal_code": "310000"}, "FS", "DELIVERED"),
]  # fmt: skip

CUSTOMS_HOLD = [
    ("20260316 090211", "20260316 13:02:11 -04:00", "2026-03-16T13:02:11Z", CU, -240, "label_created",
     {"country": "US"}, "MP", "Shipper created a label, UPS has not received the package yet."),
    ("20260316 154430", "20260316 19:44:30 -04:00", "2026-03-16T19:44:30Z", CU, -240, "picked_up", NY, "PU",
     "Pickup Scan"),
    ("20260316 221800", "20260317 02:18:00 -04:00", "2026-03-17T02:18:00Z", CU, -240, "in_transit", NY, "DP",
     "Departed from Facility"),
    ("20260317 013600", "20260317 05:36:00 -04:00", "2026-03-17T05:36:00Z", CU, -240, "in_transit", LOU, "AR",
     "Arrived at Facility"),
    ("20260317 041000", "20260317 08:10:00 -04:00", "2026-03-17T08:10:00Z", CU, -240, "departed_origin", LOU,
     "DP", "Departed from Facility"),
    ("20260318 145200", "20260318 06:52:00 +08:00", "2026-03-18T06:52:00Z", CU, 480,
     "arrived_destination_country", SHA, "AR", "Arrived at Facility"),
    ("20260318 162041", "20260318 08:20:41 +08:00", "2026-03-18T08:20:41Z", CU, 480, CPR, SHA,
     "7M", PREPARING),
    ("20260319 090517", "20260319 01:05:17 +08:00", "2026-03-19T01:05:17Z", CU, 480, HELD, SHA, "1W",
     "UPS initiated contact with receiver or importer for clearance information. Once received, UPS will "
     "submit for clearance."),
    ("20260320 114733", "20260320 03:47:33 +08:00", "2026-03-20T03:47:33Z", CU, 480, HELD, SHA, "1U",
     "Your package is pending release from a Government Agency. Once they release it, your package will be "
     "on its way."),
]  # fmt: skip


def expected(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    _local, _gmt, utc, basis, offset, milestone, location, code, description = row
    return {
        "carrier": "ups",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": offset,
        "time_basis": basis,
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": description,
    }


@pytest.mark.parametrize(
    ("fixture", "number", "table"),
    [(DELIVERED_FILE, "1Z8V92E70473188525", DELIVERED), (HOLD_FILE, "1Z8V92E70465183063", CUSTOMS_HOLD)],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    raw = raw_activities(fixture)
    assert [f"{a['date']} {a['time']}" for a in raw] == [row[0] for row in table], "the table quotes UPS"
    assert [f"{a['gmtDate']} {a['gmtTime']} {a['gmtOffset']}" for a in raw] == [row[1] for row in table]
    got = story_events(parse(fixture), "ups", number)
    assert got == [expected(number, row) for row in table]


@pytest.mark.parametrize("fixture", [DELIVERED_FILE, HOLD_FILE])
def test_every_event_satisfies_the_contract_schema(fixture: str) -> None:
    for event in parse(fixture).shipments[0].events:
        jsonschema.validate(event.to_json(), EVENT_SCHEMA)


# --- the fixtures are UPS's format ---------------------------------------------------------------------

DOCUMENTS = [DELIVERED_FILE, HOLD_FILE, "error-200-tw0001-not-found.json"]
ERROR_DOCUMENTS = [
    "error-401-unauthorized.json",
    "error-429-rate-limited.json",
    "error-400-invalid-inquiry-number.json",
]


def _schema(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}", "components": OPENAPI["components"]}


def _undeclared(value: Any, schema: dict[str, Any], at: str = "") -> list[str]:
    """JSON pointers of members the OpenAPI does not declare (it allows them; a fixture must not invent)."""
    while "$ref" in schema:
        schema = OPENAPI["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(value, dict):
        props = schema.get("properties", {})
        found = [f"{at}/{k}" for k in value if k not in props]
        return found + [
            p for k, v in value.items() if k in props for p in _undeclared(v, props[k], f"{at}/{k}")
        ]
    if isinstance(value, list) and "items" in schema:
        return [p for i, v in enumerate(value) for p in _undeclared(v, schema["items"], f"{at}/{i}")]
    return []


@pytest.mark.parametrize(("fixture", "schema"), [(f, "TrackApiResponse") for f in DOCUMENTS]
                         + [(f, "Response") for f in ERROR_DOCUMENTS])  # fmt: skip
def test_fixtures_follow_the_ups_openapi(fixture: str, schema: str) -> None:
    doc = json.loads((FIXTURES / fixture).read_bytes())
    jsonschema.validate(doc, _schema(schema))
    assert _undeclared(doc, {"$ref": f"#/components/schemas/{schema}"}) == []


def test_the_index_names_only_existing_fixtures() -> None:
    index = json.loads((FIXTURES / "index.json").read_bytes())
    assert all((FIXTURES / name).is_file() for name in index.values())


# --- karrio's defects, put right ----------------------------------------------------------------------


def test_karrio_defect_the_gmt_fields_are_used_not_local_time_labelled_utc() -> None:
    """karrio drops gmtDate/gmtTime/gmtOffset and turns Shanghai's local 15:05 into "…15:05:00.000Z"."""
    arrival = parse(DELIVERED_FILE).shipments[0].events[8]
    assert arrival.occurred_at == datetime(2026, 3, 12, 7, 5, tzinfo=UTC)
    assert (arrival.time_basis, arrival.local_offset_minutes) == ("carrier_utc", 480)


def test_karrio_defect_the_utc_field_wins_over_local_time_and_offset() -> None:
    """Where the local time, the offset and the UTC field disagree, the UTC field decides (contract)."""
    doc = _doc([_activity(date="20260312", time="150500", gmt=("20260312", "07:35:00"), offset="+08:00")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert event.occurred_at == datetime(2026, 3, 12, 7, 35, tzinfo=UTC)
    assert (event.time_basis, event.local_offset_minutes) == ("carrier_utc", 480)


def test_the_openapis_gmt_time_without_leading_zero_is_read() -> None:
    """Tracking.yaml's own example: gmtTime "74700" with gmtOffset "-05:00" is 07:47:00 UTC."""
    doc = _doc([_activity(date="20210210", time="024700", gmt=("20210210", "74700"), offset="-05:00")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert event.to_json()["occurred_at"] == "2021-02-10T07:47:00Z"
    assert event.local_offset_minutes == -300


def test_karrio_defect_out_for_delivery_and_origin_scan_are_not_in_transit() -> None:
    """karrio reads ``type`` I before ``code`` and reports OT and OR as in_transit."""
    events = {e.carrier_code: e.milestone for e in parse(DELIVERED_FILE).shipments[0].events}
    assert (events["OT"], events["OR"]) == ("out_for_delivery", "picked_up")


def test_karrio_defect_customs_exceptions_are_customs_milestones_not_on_hold() -> None:
    """karrio maps every type-X customs exception to on_hold (reason null), even the release."""
    hold = [e.milestone for e in parse(HOLD_FILE).shipments[0].events]
    assert hold[-3:] == ["customs_processing", "customs_held", "customs_held"]
    released = [e for e in parse(DELIVERED_FILE).shipments[0].events if e.carrier_code == "SR"]
    assert [e.milestone for e in released] == ["import_cleared"]


def test_karrio_defect_each_event_keeps_its_iso_country() -> None:
    """karrio flattens the address to "city, state, postal, country"; each event here has its country."""
    countries = [e.location.country for e in parse(DELIVERED_FILE).shipments[0].events]
    assert countries == ["US"] * 8 + ["CN"] * 8


# --- time without the UTC field -------------------------------------------------------------------------


def test_a_local_time_with_only_an_offset_uses_the_offset() -> None:
    doc = _doc([_activity(date="20260312", time="150500", offset="+08:00")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.to_json()["occurred_at"], event.time_basis, event.local_offset_minutes) == (
        "2026-03-12T07:05:00Z", "carrier_offset", 480,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("city", "country", "utc", "basis"),
    [
        ("Shanghai", "CN", "2026-03-12T07:05:00Z", "location_timezone"),
        ("Louisville", "US", "2026-03-12T19:05:00Z", "location_timezone"),  # EDT, -04:00
        ("Nowhere Junction", "US", "2026-03-12T15:05:00Z", "assumed_utc"),  # the US has several zones
    ],
)
def test_a_bare_local_time_is_resolved_at_the_scans_place(
    city: str, country: str, utc: str, basis: str
) -> None:
    doc = _doc([_activity(date="20260312", time="150500", city=city, country=country)])
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.to_json()["occurred_at"], event.time_basis, event.local_offset_minutes) == (
        utc,
        basis,
        None,
    )


def test_only_the_utc_field_with_an_offset_still_reports_the_offset() -> None:
    doc = _doc([_activity(gmt=("20260312", "07:05:00"), offset="+08:00")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.time_basis, event.local_offset_minutes) == ("carrier_utc", 480)


# --- errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "code", "number", "message"),
    [
        (
            "error-200-tw0001-not-found.json",
            "not_found",
            "1Z5629230309413682",
            "Tracking Information Not Found",
        ),
        ("error-401-unauthorized.json", "unauthorized", None, "Invalid Authentication Information."),
        ("error-429-rate-limited.json", "rate_limited", None, "Too Many Requests"),
        ("error-400-invalid-inquiry-number.json", "carrier_error", None, "Invalid inquiry number"),
    ],
)
def test_error_bodies_are_valid_documents(fixture: str, code: str, number: str | None, message: str) -> None:
    result = parse(fixture)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, number, message)]


@pytest.mark.parametrize(
    ("code", "message", "expected_code"),
    [
        ("250003", "Invalid Access License number", "unauthorized"),
        ("10401", "ClientId is Invalid", "unauthorized"),
        ("TW0001", "", "not_found"),
        ("151044", "No tracking information available", "not_found"),
        ("999999", "Tracking Information Not Found", "not_found"),
        ("999998", "Too many requests, slow down", "rate_limited"),
        ("9370701", "Internal server error", "carrier_error"),
    ],
)
def test_error_code_table(code: str, message: str, expected_code: str) -> None:
    assert error_code(code, message) == expected_code


def test_a_warning_next_to_package_data_is_not_an_error() -> None:
    doc = json.loads(_doc([_activity(date="20260312", time="150500", offset="+08:00")]))
    doc["trackResponse"]["shipment"][0]["warnings"] = [{"code": "TW0002", "message": "Some data missing"}]
    result = SPEC.parse(json.dumps(doc).encode())
    assert result.errors == () and len(result.shipments) == 1


@pytest.mark.parametrize(
    "fixture",
    [
        "malformed-truncated.json",
        "malformed-gateway-html.txt",
        "malformed-activity-not-array.json",
        "malformed-gmt-time-12-hour.json",
        "malformed-activity-without-time.json",
    ],
)
def test_malformed_documents_are_rejected_without_echoing_them(fixture: str) -> None:
    assert_rejected(
        lambda: parse(fixture), hidden=("Bad Gateway", "Shanghai", "1Z8V92E7", "11:47 AM", "Pending")
    )


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b"null",
        b'{"unexpected": 1}',
        b'{"trackResponse": []}',
        b'{"trackResponse": {"shipment": {}}}',
        b'{"trackResponse": {"shipment": [{"package": [{"activity": []}]}]}}',
        b'{"trackResponse": {"shipment": [{"inquiryNumber": 7}]}}',
        b'{"response": {"errors": []}}',
        b'{"response": {"errors": "nope"}}',
        b'{"trackResponse": {}, "trackResponse": {}}',
        b'{"trackResponse": {"shipment": [{"inquiryNumber": "1Z1", "package": [{"activity": ['
        b'{"date": "20260230", "time": "101010"}]}]}]}}',
        b'{"trackResponse": {"shipment": [{"inquiryNumber": "1Z1", "package": [{"activity": ['
        b'{"date": "20260301", "time": "101010", "gmtOffset": "+15:00"}]}]}]}}',
        b'{"trackResponse": {"shipment": [{"inquiryNumber": "1Z1", "package": [{"activity": ['
        b'{"date": "20260301", "time": "101010", "status": {"code": 5}}]}]}]}}',
        b"",
    ],
)
def test_wrong_shapes_and_strict_json_are_unreadable(data: bytes) -> None:
    assert_rejected(lambda: SPEC.parse(data))


def test_oversize_and_deep_nesting_are_unsafe() -> None:
    assert_size_and_depth_unsafe(SPEC)


# --- codes and route --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status_type", "code", "status_code", "kind"),
    [
        ("I", "OT", "021", "out_for_delivery"),
        ("I", "OR", "005", "picked_up"),
        ("I", "AR", "005", "arrived"),
        ("I", "DP", "005", "departed"),
        ("M", "DP", "003", "label_created"),  # DP is a manifest code for type M, not a departure
        ("I", "ZZ", "005", "in_transit"),  # unknown code: the status code decides
        ("X", "ZZ", None, "exception"),  # …else the type
        ("X", "7M", "012", "customs_processing"),
        ("X", "B4", None, "customs_held"),
        ("X", "1C", None, "customs_held"),  # import charges due
        ("X", "DA", None, "cleared"),
        ("X", "48", None, "delivery_attempted"),
        ("D", "KB", "011", "delivered"),
        ("P", None, None, "picked_up"),
        ("MV", None, "007", "unknown"),
        (None, None, "012", "customs_processing"),
        (None, None, "134", "import_cleared"),
        ("Q", "??", "999", "unknown"),
        ("I", None, "１２", "in_transit"),  # full-width digits are not a status code
    ],
)
def test_code_table(status_type: str | None, code: str | None, status_code: str | None, kind: str) -> None:
    assert classify(status_type, code, status_code) == kind


def test_a_release_at_origin_is_export_and_in_a_third_country_transit() -> None:
    doc = _doc(
        [
            _activity(date="20260310", time="090000", offset="-04:00", city="Louisville", country="US",
                      code="DA", status_type="X", description="Released By Clear Agency. Now In-Transit"),
            _activity(date="20260311", time="090000", offset="+09:00", city="Tokyo", country="JP",
                      code="DA", status_type="X", description="Released By Clear Agency. Now In-Transit"),
            _activity(date="20260312", time="090000", offset="+08:00", city="Shanghai", country="CN",
                      code="DA", status_type="X", description="Released By Clear Agency. Now In-Transit"),
        ],
        origin="US",
        destination="CN",
    )  # fmt: skip
    milestones = [e.milestone for e in SPEC.parse(doc).shipments[0].events]
    assert milestones == ["export_cleared", "in_transit", "import_cleared"]


def test_events_come_out_oldest_first_whatever_the_document_order() -> None:
    data = (FIXTURES / DELIVERED_FILE).read_bytes()
    doc = json.loads(data)
    doc["trackResponse"]["shipment"][0]["package"][0]["activity"].reverse()
    assert SPEC.parse(json.dumps(doc).encode()) == SPEC.parse(data)


def test_every_package_is_a_shipment_and_the_inquiry_number_stands_in() -> None:
    doc = json.loads(_doc([_activity(date="20260312", time="150500", offset="+08:00")]))
    package = doc["trackResponse"]["shipment"][0]["package"][0]
    second = dict(package, trackingNumber="1Z8V92E70475183062")
    del package["trackingNumber"]
    doc["trackResponse"]["shipment"][0]["package"].append(second)
    result = SPEC.parse(json.dumps(doc).encode())
    assert [s.tracking_number for s in result.shipments] == ["1Z8V92E70473188525", "1Z8V92E70475183062"]


def test_a_usps_alternate_number_is_the_handover_to_the_next_leg() -> None:
    doc = json.loads(
        _doc(
            [
                _activity(date="20260312", time="080000", offset="-05:00", city="Louisville", country="US",
                          code="AR", description="Arrived at Facility"),
                _activity(date="20260313", time="080000", offset="-05:00", city="Louisville", country="US",
                          code="ZY", description="Package transferred to post office"),
                _activity(date="20260314", time="080000", offset="-05:00", city="Louisville", country="US",
                          code="ZZ", description="Out for delivery by the post office"),
            ]
        )
    )  # fmt: skip
    doc["trackResponse"]["shipment"][0]["package"][0]["alternateTrackingNumber"] = [
        {"number": "92419900000033499522966220", "type": "USPS_PIC"}
    ]
    events = SPEC.parse(json.dumps(doc).encode()).shipments[0].events
    handed = [(e.description, e.to_json().get("handover_to")) for e in events if e.handover_to]
    assert handed == [
        (
            "Out for delivery by the post office",
            {"tracking_number": "92419900000033499522966220", "carrier": "usps"},
        )
    ]


# --- helpers --------------------------------------------------------------------------------------------


def _activity(
    *,
    date: str | None = None,
    time: str | None = None,
    gmt: tuple[str, str] | None = None,
    offset: str | None = None,
    city: str = "Shanghai",
    country: str = "CN",
    code: str = "AR",
    status_type: str = "I",
    description: str = "Arrived at Facility",
) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "location": {"address": {"city": city, "countryCode": country, "country": country}},
        "status": {"type": status_type, "description": description, "code": code, "statusCode": "005"},
    }
    if date is not None and time is not None:
        activity |= {"date": date, "time": time}
    if gmt is not None:
        activity |= {"gmtDate": gmt[0], "gmtTime": gmt[1]}
    if offset is not None:
        activity["gmtOffset"] = offset
    return activity


def _doc(
    activities: list[dict[str, Any]], origin: str | None = None, destination: str | None = None
) -> bytes:
    package: dict[str, Any] = {"trackingNumber": "1Z8V92E70473188525", "activity": list(reversed(activities))}
    if origin and destination:
        package["packageAddress"] = [
            {"type": "ORIGIN", "address": {"countryCode": origin}},
            {"type": "DESTINATION", "address": {"countryCode": destination}},
        ]
    return json.dumps(
        {"trackResponse": {"shipment": [{"inquiryNumber": "1Z8V92E70473188525", "package": [package]}]}}
    ).encode()
