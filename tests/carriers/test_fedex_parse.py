"""The ``fedex`` adapter (FedEx Track API v1).

Each story fixture is checked field by field against a hand-written table that shows, per scan, the raw
``date`` (local time with its offset) and the UTC instant it must become. Fixtures are validated against
FedEx's OpenAPI schemas. karrio's FedEx defects (carriers.md §3.4, §4.2, §7) each have a test here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carriers.fedex import SPEC
from carriers.fedex.codes import classify, clearance_side, error_code
from tests.carriers.parse_checks import assert_rejected, assert_size_and_depth_unsafe, story_events
from trace_verify.domain.documents import ParseResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "fedex"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
OPENAPI = json.loads((FIXTURES / "schema" / "track-openapi-schemas.json").read_text())
DELIVERED_FILE = "ip-tokyo-shanghai-delivered.json"
DELAY_FILE = "ip-osaka-shanghai-clearance-delay.json"
CO = "carrier_offset"


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def raw_scans(name: str) -> list[dict[str, Any]]:
    """The fixture's scan events oldest first (FedEx sends them newest first)."""
    doc = json.loads((FIXTURES / name).read_bytes())
    return list(reversed(doc["output"]["completeTrackResults"][0]["trackResults"][0]["scanEvents"]))


def place(city: str | None, postal: str, country: str) -> dict[str, str]:
    return ({"city": city} if city else {}) | {"postal_code": postal, "country": country}


TYO, NRT = place("TOKYO", "1350061", "JP"), place("NARITA-SHI", "2860106", "JP")
CAN, SHA = place("GUANGZHOU", "510470", "CN"), place("SHANGHAI", "200120", "CN")
OSA, KIX = place("OSAKA-SHI", "5590034", "JP"), place("IZUMISANO-SHI", "5490001", "JP")
AVAILABLE = "In transit - Package available for clearance"
JP1, JP2 = place(None, "1350061", "JP"), place(None, "5590034", "JP")
CPR = "customs_processing"

# raw date (local, with offset) | UTC | basis | offset | milestone | location | eventType | description
DELIVERED = [
    ("2026-03-02T10:14:00+09:00", "2026-03-02T01:14:00Z", CO, 540, "label_created", JP1,
     "OC", "Shipment information sent to FedEx"),
    ("2026-03-02T16:38:00+09:00", "2026-03-02T07:38:00Z", CO, 540, "picked_up", TYO, "PU", "Picked up"),
    ("2026-03-02T19:52:00+09:00", "2026-03-02T10:52:00Z", CO, 540, "in_transit", NRT, "AR",
     "Arrived at FedEx location"),
    # CC in the origin country: FedEx's export release (karrio: no status).
    ("2026-03-02T21:05:00+09:00", "2026-03-02T12:05:00Z", CO, 540, "export_cleared", NRT, "CC",
     "International shipment release - Export"),
    ("2026-03-02T23:41:00+09:00", "2026-03-02T14:41:00Z", CO, 540, "departed_origin", NRT, "DP",
     "Departed FedEx location"),
    ("2026-03-03T02:58:00+08:00", "2026-03-02T18:58:00Z", CO, 480, "arrived_destination_country", CAN, "AR",
     "Arrived at FedEx hub"),
    ("2026-03-03T04:10:00+08:00", "2026-03-02T20:10:00Z", CO, 480, CPR, CAN, "IT", AVAILABLE),
    # CC in the destination country: the import release.
    ("2026-03-03T09:26:00+08:00", "2026-03-03T01:26:00Z", CO, 480, "import_cleared", CAN, "CC",
     "International shipment release - Import"),
    ("2026-03-03T13:40:00+08:00", "2026-03-03T05:40:00Z", CO, 480, "in_transit", CAN, "DP",
     "Departed FedEx hub"),
    ("2026-03-03T21:15:00+08:00", "2026-03-03T13:15:00Z", CO, 480, "in_transit", SHA, "AR",
     "At local FedEx facility"),
    ("2026-03-04T08:32:00+08:00", "2026-03-04T00:32:00Z", CO, 480, "out_for_delivery", SHA, "OD",
     "On FedEx vehicle for delivery"),
    ("2026-03-04T14:07:00+08:00", "2026-03-04T06:07:00Z", CO, 480, "delivered", SHA, "DL", "Delivered"),
]  # fmt: skip

CLEARANCE_DELAY = [
    ("2026-03-05T11:20:00+09:00", "2026-03-05T02:20:00Z", CO, 540, "label_created", JP2,
     "OC", "Shipment information sent to FedEx"),
    ("2026-03-05T15:47:00+09:00", "2026-03-05T06:47:00Z", CO, 540, "picked_up", OSA, "PU", "Picked up"),
    ("2026-03-05T19:02:00+09:00", "2026-03-05T10:02:00Z", CO, 540, "in_transit", OSA, "DP",
     "Left FedEx origin facility"),
    ("2026-03-05T21:30:00+09:00", "2026-03-05T12:30:00Z", CO, 540, "export_cleared", KIX, "CC",
     "International shipment release - Export"),
    ("2026-03-05T23:55:00+09:00", "2026-03-05T14:55:00Z", CO, 540, "departed_origin", KIX, "DP",
     "Departed FedEx location"),
    ("2026-03-06T02:20:00+08:00", "2026-03-05T18:20:00Z", CO, 480, "arrived_destination_country", SHA, "AR",
     "Arrived at FedEx location"),
    ("2026-03-06T03:05:00+08:00", "2026-03-05T19:05:00Z", CO, 480, CPR, SHA, "IT", AVAILABLE),
    ("2026-03-06T10:48:00+08:00", "2026-03-06T02:48:00Z", CO, 480, "customs_held", SHA, "CD",
     "Clearance delay - Import - Goods are subject to regulatory review."),
]  # fmt: skip


def expected(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    _raw, utc, basis, offset, milestone, location, code, description = row
    return {
        "carrier": "fedex",
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
    [(DELIVERED_FILE, "785412369026", DELIVERED), (DELAY_FILE, "794523109020", CLEARANCE_DELAY)],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    assert [e["date"] for e in raw_scans(fixture)] == [row[0] for row in table], "the table quotes FedEx"
    got = story_events(parse(fixture), "fedex", number)
    assert got == [expected(number, row) for row in table]


@pytest.mark.parametrize("fixture", [DELIVERED_FILE, DELAY_FILE])
def test_every_event_satisfies_the_contract_schema(fixture: str) -> None:
    for event in parse(fixture).shipments[0].events:
        jsonschema.validate(event.to_json(), EVENT_SCHEMA)


# --- the fixtures are FedEx's format ------------------------------------------------------------------

#: Members real responses carry that track.json does not declare (public capture, fixtures/SOURCES.md;
#: karrio's jstruct warns about ``possessionStatus`` too, carriers.md §7).
REAL_EXTRAS = {"contact", "possessionStatus"}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema or "allOf" in schema:
        schema = schema["allOf"][0] if "allOf" in schema else schema
        if "$ref" in schema:
            schema = OPENAPI["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _undeclared(value: Any, schema: dict[str, Any], at: str = "") -> list[str]:
    """JSON pointers of members track.json does not declare (it allows them; a fixture must not invent)."""
    schema = _resolve(schema)
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        found = [f"{at}/{k}" for k in value if k not in props and k not in REAL_EXTRAS]
        return found + [
            p for k, v in value.items() if k in props for p in _undeclared(v, props[k], f"{at}/{k}")
        ]
    if isinstance(value, list) and "items" in schema:
        return [p for i, v in enumerate(value) for p in _undeclared(v, schema["items"], f"{at}/{i}")]
    return []


@pytest.mark.parametrize(
    ("fixture", "schema"),
    [
        (DELIVERED_FILE, "TrkcResponseVO_TrackingNumber"),
        (DELAY_FILE, "TrkcResponseVO_TrackingNumber"),
        ("error-200-trackingnumber-notfound.json", "TrkcResponseVO_TrackingNumber"),
        ("error-401-unauthorized.json", "ErrorResponseVO"),
        ("error-403-forbidden.json", "ErrorResponseVO"),
        ("error-400-trackingnumber-empty.json", "ErrorResponseVO"),
    ],
)
def test_fixtures_follow_the_fedex_openapi(fixture: str, schema: str) -> None:
    doc = json.loads((FIXTURES / fixture).read_bytes())
    jsonschema.validate(doc, {"$ref": f"#/components/schemas/{schema}", "components": OPENAPI["components"]})
    assert _undeclared(doc, {"$ref": f"#/components/schemas/{schema}"}) == []


def test_the_index_names_only_existing_fixtures() -> None:
    index = json.loads((FIXTURES / "index.json").read_bytes())
    assert all((FIXTURES / name).is_file() for name in index.values())


# --- karrio's defects, put right ----------------------------------------------------------------------


def test_karrio_defect_the_offset_is_applied_not_dropped() -> None:
    """karrio turns "2026-03-02T16:38:00+09:00" into "…16:38:00.000Z"; it is 07:38Z with +09:00 kept."""
    pickup = parse(DELIVERED_FILE).shipments[0].events[1]
    assert pickup.to_json()["occurred_at"] == "2026-03-02T07:38:00Z"
    assert (pickup.time_basis, pickup.local_offset_minutes) == ("carrier_offset", 540)


def test_karrio_defect_cleared_customs_is_export_or_import_cleared_by_country() -> None:
    """karrio has no "cleared" status: CC → null. Here the country decides: JP export, CN import."""
    cleared = [
        (e.location.country, e.milestone)
        for e in parse(DELIVERED_FILE).shipments[0].events
        if e.carrier_code == "CC"
    ]
    assert cleared == [("JP", "export_cleared"), ("CN", "import_cleared")]


def test_the_country_decides_even_against_the_words() -> None:
    """A release FedEx words "Import" but scans in the origin country is the export release there."""
    doc = _doc(
        [
            _scan(
                "2026-03-02T21:05:00+09:00",
                "CC",
                "International shipment release - Import",
                "NARITA-SHI",
                "JP",
            )
        ]
    )
    [event] = SPEC.parse(doc).shipments[0].events
    assert event.milestone == "export_cleared"


def test_without_a_country_the_words_decide() -> None:
    doc = _doc(
        [_scan("2026-03-02T21:05:00+09:00", "CC", "International shipment release - Export", None, "")]
    )
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.location.country, event.milestone) == (None, "export_cleared")


def test_karrio_defect_a_clearance_delay_is_a_customs_hold_not_on_hold() -> None:
    milestones = [e.milestone for e in parse(DELAY_FILE).shipments[0].events]
    assert milestones[-2:] == ["customs_processing", "customs_held"]


def test_karrio_defect_each_event_keeps_its_iso_country() -> None:
    countries = [e.location.country for e in parse(DELIVERED_FILE).shipments[0].events]
    assert countries == ["JP"] * 5 + ["CN"] * 7


def test_a_country_name_alone_gives_the_country() -> None:
    doc = _doc([_scan("2026-03-03T02:58:00+08:00", "AR", "Arrived at FedEx hub", "GUANGZHOU", "", "China")])
    [event] = SPEC.parse(doc).shipments[0].events
    assert event.location.country == "CN"


@pytest.mark.parametrize(
    ("stamp", "city", "country", "utc", "basis", "offset"),
    [
        ("2026-03-03T02:58:00Z", "GUANGZHOU", "CN", "2026-03-03T02:58:00Z", "carrier_utc", None),
        ("2026-03-03T02:58:00", "GUANGZHOU", "CN", "2026-03-02T18:58:00Z", "location_timezone", None),
        ("2026-03-03T02:58:00", "MEMPHIS", "US", "2026-03-03T08:58:00Z", "location_timezone", None),
        ("2026-03-03T02:58:00", "NOWHERE JUNCTION", "US", "2026-03-03T02:58:00Z", "assumed_utc", None),
    ],
)
def test_dates_without_an_offset(
    stamp: str, city: str, country: str, utc: str, basis: str, offset: int | None
) -> None:
    doc = _doc([_scan(stamp, "AR", "Arrived at FedEx hub", city, country)])
    [event] = SPEC.parse(doc).shipments[0].events
    assert (event.to_json()["occurred_at"], event.time_basis, event.local_offset_minutes) == (
        utc,
        basis,
        offset,
    )


# --- errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "code", "number", "message"),
    [
        ("error-200-trackingnumber-notfound.json", "not_found", "771234567890",
         "Tracking number cannot be found. Please correct the tracking number and try again."),
        ("error-401-unauthorized.json", "unauthorized", None,
         "Access token expired. Please modify your request and try again."),
        ("error-403-forbidden.json", "unauthorized", None,
         "We could not authorize your credentials. Please check your permissions and try again."),
        ("error-400-trackingnumber-empty.json", "carrier_error", None, "Please provide tracking number."),
    ],
)  # fmt: skip
def test_error_bodies_are_valid_documents(fixture: str, code: str, number: str | None, message: str) -> None:
    result = parse(fixture)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, number, message)]


@pytest.mark.parametrize(
    ("code", "message", "expected_code"),
    [
        ("TRACKING.TRACKINGNUMBER.NOTFOUND", "", "not_found"),
        ("TRACKING.DATA.NOTFOUND", "Tracking data unavailable", "not_found"),
        ("NOT.FOUND.ERROR", "The resource you requested is no longer available.", "carrier_error"),
        ("NOT.AUTHORIZED.ERROR", "", "unauthorized"),
        ("FORBIDDEN.ERROR", "", "unauthorized"),
        (
            "SOME.ERROR",
            "Too many requests - Daily transaction quota exceeded. Retry after 12:00AM GMT",
            "rate_limited",
        ),
        ("INTERNAL.SERVER.ERROR", "We encountered an unexpected error", "carrier_error"),
    ],
)
def test_error_code_table(code: str, message: str, expected_code: str) -> None:
    assert error_code(code, message) == expected_code


def test_only_alerts_mean_no_data() -> None:
    alert = {"code": "TRACKING.DATA.NOTFOUND", "alertType": "WARNING", "message": "Tracking data unavailable"}
    doc = {"transactionId": "t", "output": {"alerts": [alert]}}
    [error] = SPEC.parse(json.dumps(doc).encode()).errors
    assert (error.code, error.message) == ("not_found", "Tracking data unavailable")


def test_of_duplicate_results_the_one_with_the_latest_scan_is_read() -> None:
    """FedEx reuses numbers; karrio PR #587 picks the result with the latest scan, and so does this."""
    old = _result([_scan("2024-04-25T08:55:00-07:00", "OD", "On FedEx vehicle for delivery", "CLOVIS", "US")])
    new = _result([_scan("2026-03-02T16:38:00+09:00", "PU", "Picked up", "TOKYO", "JP")])
    doc = {
        "output": {"completeTrackResults": [{"trackingNumber": "785412369026", "trackResults": [new, old]}]}
    }
    [shipment] = SPEC.parse(json.dumps(doc).encode()).shipments
    assert [e.description for e in shipment.events] == ["Picked up"]


def test_a_found_number_and_an_unknown_one_in_one_document() -> None:
    doc = json.loads((FIXTURES / DELIVERED_FILE).read_bytes())
    missing = json.loads((FIXTURES / "error-200-trackingnumber-notfound.json").read_bytes())
    doc["output"]["completeTrackResults"] += missing["output"]["completeTrackResults"]
    result = SPEC.parse(json.dumps(doc).encode())
    assert [s.tracking_number for s in result.shipments] == ["785412369026"]
    assert [(e.code, e.tracking_number) for e in result.errors] == [("not_found", "771234567890")]


def test_a_scan_without_a_date_is_left_out_with_a_warning() -> None:
    """Issue 11 §5 (changed from a refusal): the seven dated scans are read, the timeless one is a
    parse warning naming its pointer; only a result with no dated scan at all is refused."""
    result = parse("malformed-scan-without-date.json")
    [shipment] = result.shipments
    assert len(shipment.events) == 7
    assert [(w.pointer, w.message) for w in result.warnings] == [
        (
            "/output/completeTrackResults/0/trackResults/0/scanEvents/0/date",
            "scan event has no date; it was left out",
        )
    ]
    doc = json.loads((FIXTURES / "malformed-scan-without-date.json").read_text())
    for scan in doc["output"]["completeTrackResults"][0]["trackResults"][0]["scanEvents"]:
        scan.pop("date", None)
    assert_rejected(lambda: SPEC.parse(json.dumps(doc).encode()))


@pytest.mark.parametrize(
    "fixture",
    [
        "malformed-truncated.json",
        "malformed-gateway-html.txt",
        "malformed-scanevents-not-array.json",
        "malformed-date-not-iso.json",
    ],
)
def test_malformed_documents_are_rejected_without_echoing_them(fixture: str) -> None:
    assert_rejected(
        lambda: parse(fixture),
        hidden=("Service Unavailable", "SHANGHAI", "794523109020", "06/03/2026", "regulatory"),
    )


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b"null",
        b'{"unexpected": 1}',
        b'{"output": []}',
        b'{"output": {"completeTrackResults": {}}}',
        b'{"output": {"completeTrackResults": [{"trackingNumber": "1"}]}}',
        b'{"output": {"completeTrackResults": [{"trackResults": [{"scanEvents": []}]}]}}',
        b'{"errors": []}',
        b'{"errors": [{"code": 401}]}',
        b'{"output": {"completeTrackResults": [{"trackingNumber": "1", "trackResults": [{"scanEvents": '
        b'[{"date": "2026-03-02T16:38:00+15:00"}]}]}]}}',
        b'{"output": {"completeTrackResults": [{"trackingNumber": "1", "trackResults": [{"scanEvents": '
        b'[{"date": "2026-03-02T16:38:00+09:00", "eventType": ["PU"]}]}]}]}}',
        b'{"output": {}, "output": {}}',
        b"",
    ],
)
def test_wrong_shapes_and_strict_json_are_unreadable(data: bytes) -> None:
    assert_rejected(lambda: SPEC.parse(data))


def test_oversize_and_deep_nesting_are_unsafe() -> None:
    assert_size_and_depth_unsafe(SPEC)


# --- codes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "derived", "description", "exception", "kind"),
    [
        ("CC", "IT", "International shipment release - Import", "", "cleared"),
        ("CD", "CD", "Clearance delay - Import", "", "customs_held"),
        ("CP", None, "Clearance in progress", "", "customs_processing"),
        ("EA", None, "Export approved", "", "cleared"),
        ("EA", None, "Enroute to Airport", "", "in_transit"),
        ("IT", "IT", "In transit", "Package available for clearance", "customs_processing"),
        ("AR", "IT", "Arrived at FedEx location", "", "arrived"),
        ("DP", "IT", "Departed FedEx location", "", "departed"),
        ("OD", "IT", "On FedEx vehicle for delivery", "", "out_for_delivery"),
        ("DE", "DE", "Delivery exception", "Customer not available or business closed", "delivery_attempted"),
        ("HP", None, "Ready for recipient pickup", "", "available_for_pickup"),
        ("RS", None, "Return to shipper", "", "returned"),
        ("ZZ", "IN", "Label created", "", "label_created"),
        ("ZZ", None, "Teleported", "", "unknown"),
    ],
)
def test_code_table(
    event_type: str, derived: str | None, description: str, exception: str, kind: str
) -> None:
    assert classify(event_type, derived, description, exception) == kind


def test_clearance_side_words() -> None:
    assert [clearance_side(t) for t in ("… - Export", "… - Import", "Cleared Customs")] == [
        "export",
        "import",
        None,
    ]


def test_events_come_out_oldest_first_whatever_the_document_order() -> None:
    data = (FIXTURES / DELIVERED_FILE).read_bytes()
    doc = json.loads(data)
    doc["output"]["completeTrackResults"][0]["trackResults"][0]["scanEvents"].reverse()
    assert SPEC.parse(json.dumps(doc).encode()) == SPEC.parse(data)


# --- helpers --------------------------------------------------------------------------------------------


def _scan(
    date: str, event_type: str, description: str, city: str | None, country: str, country_name: str = ""
) -> dict[str, Any]:
    location: dict[str, Any] = {"countryCode": country, "countryName": country_name}
    if city:
        location["city"] = city
    return {"date": date, "eventType": event_type, "eventDescription": description, "scanLocation": location}


def _result(scans: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "trackingNumberInfo": {"trackingNumber": "785412369026"},
        "shipperInformation": {"address": {"countryCode": "JP"}},
        "recipientInformation": {"address": {"countryCode": "CN"}},
        "scanEvents": list(reversed(scans)),
    }


def _doc(scans: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "output": {
                "completeTrackResults": [{"trackingNumber": "785412369026", "trackResults": [_result(scans)]}]
            }
        }
    ).encode()
