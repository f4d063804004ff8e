"""The ``royalmail`` adapter (Tracking API v2): fixtures field by field, karrio's defects, error bodies.

Each table row shows the raw ``eventDateTime`` and ``locationName`` as Royal Mail sent them and the UTC
instant they must become.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carriers.royalmail import SPEC
from carriers.royalmail.codes import classify
from tests.carriers.parse_checks import assert_rejected, story_events
from trace_verify.domain.documents import DocumentRejected, ParseResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "royalmail"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def raw_rows(name: str) -> list[tuple[str, str | None]]:
    doc = json.loads((FIXTURES / name).read_bytes())
    return [(e["eventDateTime"], e.get("locationName")) for e in reversed(doc["mailPieces"]["events"])]


GB = {"country": "GB"}
CHELMSFORD = {"city": "Chelmsford", "country": "GB", "facility": "Chelmsford Mail Centre"}
# Heathrow is an airport named by its name (issue 11 §1): the city it serves is London.
HEATHROW = {"city": "London", "country": "GB", "facility": "Heathrow Worldwide DC"}
SHANGHAI = {"city": "Shanghai", "country": "CN"}
HANGZHOU = {"city": "Hangzhou", "country": "CN"}
CN = {"country": "CN"}
CO = "carrier_offset"

# raw eventDateTime | raw locationName | UTC | offset | milestone | location | code | description
DELIVERED = [
    ("2026-03-02T16:20:11+00:00", None, "2026-03-02T16:20:11Z", 0, "label_created", GB, "EVAIP",
     "Sender despatching item"),
    ("2026-03-03T18:42:00+00:00", "Chelmsford Mail Centre", "2026-03-03T18:42:00Z", 0, "in_transit",
     CHELMSFORD, "EVDAV", "Item Received"),
    ("2026-03-05T07:15:00+00:00", "Heathrow Worldwide DC", "2026-03-05T07:15:00Z", 0, "departed_origin",
     HEATHROW, "EVHOE", "Departure from Outward Office of Exchange"),
    # Codes below are not in the table: the event name decides, the place gives the country.
    ("2026-03-06T22:40:00+08:00", "Shanghai", "2026-03-06T14:40:00Z", 480, "arrived_destination_country",
     SHANGHAI, "EVIOE", "Arrival at Inward Office of Exchange"),
    ("2026-03-07T09:05:00+08:00", "Shanghai", "2026-03-07T01:05:00Z", 480, "customs_processing", SHANGHAI,
     "EVJIC", "Presented to Import Customs"),
    ("2026-03-08T15:30:00+08:00", "Shanghai", "2026-03-08T07:30:00Z", 480, "import_cleared", SHANGHAI,
     "EVJRC", "Released from Import Customs"),
    ("2026-03-10T08:12:00+08:00", "Hangzhou", "2026-03-10T00:12:00Z", 480, "out_for_delivery", HANGZHOU,
     "EVJOD", "Out for Delivery"),
    ("2026-03-10T14:47:00+08:00", "Hangzhou", "2026-03-10T06:47:00Z", 480, "delivered", HANGZHOU,
     "EVJDL", "Delivered"),
]  # fmt: skip

HELD = [
    ("2026-03-09T10:03:27+00:00", None, "2026-03-09T10:03:27Z", 0, "label_created", GB, "EVAIP",
     "Sender despatching item"),
    ("2026-03-10T19:26:00+00:00", "Chelmsford Mail Centre", "2026-03-10T19:26:00Z", 0, "in_transit",
     CHELMSFORD, "EVDAV", "Item Received"),
    ("2026-03-12T06:50:00+00:00", "Heathrow Worldwide DC", "2026-03-12T06:50:00Z", 0, "departed_origin",
     HEATHROW, "EVHOE", "Departure from Outward Office of Exchange"),
    ("2026-03-14T10:20:00+08:00", "CHINA", "2026-03-14T02:20:00Z", 480, "customs_processing", CN, "EVJIC",
     "Presented to Import Customs"),
    ("2026-03-16T16:45:00+08:00", "CHINA", "2026-03-16T08:45:00Z", 480, "customs_held", CN, "EVJIN",
     "Held by Import Customs - documentation required"),
]  # fmt: skip


def expected(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    _stamp, _name, utc, offset, milestone, location, code, description = row
    return {
        "carrier": "royalmail",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": offset,
        "time_basis": CO,
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": description,
    }


@pytest.mark.parametrize(
    ("fixture", "number", "table"),
    [
        ("intl-london-hangzhou-delivered.json", "LX830219468GB", DELIVERED),
        ("intl-customs-held-documentation.json", "LX405726201GB", HELD),
    ],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    assert raw_rows(fixture) == [row[:2] for row in table], "the table quotes Royal Mail's raw values"
    got = story_events(parse(fixture), "royalmail", number, EVENT_SCHEMA)
    assert got == [expected(number, row) for row in table]


def test_karrio_defect_a_body_without_estimated_delivery_is_read() -> None:
    """karrio raises AttributeError on ``estimatedDelivery.date`` when the estimate is absent."""
    doc = json.loads((FIXTURES / "intl-london-hangzhou-delivered.json").read_bytes())
    assert "estimatedDelivery" not in doc["mailPieces"]
    assert len(parse("intl-london-hangzhou-delivered.json").shipments[0].events) == 8
    held = json.loads((FIXTURES / "intl-customs-held-documentation.json").read_bytes())
    assert "estimatedDelivery" in held["mailPieces"], "and one with an estimate parses the same way"


def test_karrio_defect_offsets_are_applied_not_dropped() -> None:
    """karrio labels 22:40+08:00 as 22:40Z; it is 14:40Z with the +08:00 kept."""
    event = parse("intl-london-hangzhou-delivered.json").shipments[0].events[3]
    assert (event.to_json()["occurred_at"], event.local_offset_minutes) == ("2026-03-06T14:40:00Z", 480)


def test_codes_take_precedence_and_unknown_text_is_unknown() -> None:
    assert classify("EVJIN", "anything") == ("customs_held", "destination")
    assert classify("EVNMI", "Forwarded - Mis-sort") == ("in_transit", "origin")
    assert classify("EVXYZ", "Held by Customs") == ("customs_held", "destination")
    assert classify("EVXYZ", "Something new happened")[0] == "unknown"
    assert classify(None, None)[0] == "unknown"


def test_karrios_own_domestic_body_parses() -> None:
    """The karrio community test body: one EVNMI event at "Stafford DO", +01:00."""
    body = {
        "mailPieces": {
            "mailPieceId": "090367574000000FE1E1B",
            "summary": {"originCountryCode": "GBR", "destinationCountryCode": "GBR"},
            "events": [
                {
                    "eventCode": "EVNMI",
                    "eventName": "Forwarded - Mis-sort",
                    "eventDateTime": "2016-10-20T10:04:00+01:00",
                    "locationName": "Stafford DO",
                }
            ],
        }
    }
    [event] = SPEC.parse(json.dumps(body).encode()).shipments[0].events
    assert event.to_json()["occurred_at"] == "2016-10-20T09:04:00Z"
    assert event.location.country == "GB" and event.location.facility == "Stafford DO"


def test_a_summary_answer_gives_the_latest_event_and_per_piece_errors() -> None:
    body = {
        "mailPieces": [
            {
                "mailPieceId": "LX830219468GB",
                "summary": {
                    "originCountryCode": "GBR",
                    "destinationCountryCode": "CHN",
                    "lastEventCode": "EVHOE",
                    "lastEventName": "Departure from Outward Office of Exchange",
                    "lastEventDateTime": "2026-03-05T07:15:00+00:00",
                    "lastEventLocationName": "Heathrow Worldwide DC",
                },
            },
            {
                "mailPieceId": "LX000000000GB",
                "error": {
                    "errorCode": "E1142",
                    "errorDescription": "Barcode reference mailPieceId isn't recognised",
                },
            },
        ]
    }
    result = SPEC.parse(json.dumps(body).encode())
    [event] = result.shipments[0].events
    assert (event.milestone, event.location.country) == ("departed_origin", "GB")
    assert [(e.code, e.tracking_number) for e in result.errors] == [("not_found", "LX000000000GB")]


@pytest.mark.parametrize(
    ("fixture", "code", "message"),
    [
        ("error-404-not-found.json", "not_found", "Barcode reference mailPieceId isn't recognised"),
        ("error-401-unauthorized.json", "unauthorized", "Client id not registered."),
        ("error-429-rate-limited.json", "rate_limited", "Rate Limit exceeded"),
        (
            "error-400-missing-terms-header.json",
            "carrier_error",
            "Failed header validation for X-Accept-RMG-Terms",
        ),
    ],
)
def test_error_bodies_are_valid_documents(fixture: str, code: str, message: str) -> None:
    result = parse(fixture)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, None, message)]


@pytest.mark.parametrize(
    "fixture",
    [
        "malformed-truncated.json",
        "malformed-event-without-time.json",
        "malformed-time-not-iso.json",
        "malformed-events-not-array.json",
    ],
)
def test_malformed_documents_are_unreadable(fixture: str) -> None:
    assert_rejected(lambda: parse(fixture))


@pytest.mark.parametrize(
    "body", [b"", b"[]", b'{"something": "unexpected"}', b'{"httpCode": "abc"}', b"<html>502</html>"]
)
def test_other_bytes_are_rejected(body: bytes) -> None:
    with pytest.raises(DocumentRejected):
        SPEC.parse(body)


def _piece(origin: str | None, destination: str | None, events: list[dict[str, str]]) -> bytes:
    summary = {k: v for k, v in (("originCountryCode", origin), ("destinationCountryCode", destination)) if v}
    return json.dumps(
        {"mailPieces": {"mailPieceId": "RM123456785GB", "summary": summary, "events": events}}
    ).encode()


#: Border milestones Royal Mail can report: EVHOE by code, the others by their event names.
_BORDER_EVENTS = [
    {"eventCode": "EVHOE", "eventName": "Item Leaving the UK", "eventDateTime": "2026-03-02T10:00:00+00:00"},
    {
        "eventCode": "EVXAA",
        "eventName": "Arrival at inward office of exchange",
        "eventDateTime": "2026-03-03T10:00:00+00:00",
    },
]


def test_a_declared_domestic_item_has_no_border_milestones() -> None:
    """carriers/_route.py rule 5: origin declared equal to the destination → border milestones are transit."""
    events = SPEC.parse(_piece("GBR", "GBR", _BORDER_EVENTS)).shipments[0].events
    assert [e.milestone for e in events] == ["in_transit", "in_transit"]
    assert [e.carrier_code for e in events] == ["EVHOE", "EVXAA"]  # the carrier's own codes are kept


def test_an_international_item_keeps_its_border_milestones() -> None:
    events = SPEC.parse(_piece("GBR", "CHN", _BORDER_EVENTS)).shipments[0].events
    assert [e.milestone for e in events] == ["departed_origin", "arrived_destination_country"]


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("GBR", None), (None, "GBR"), (None, None), ("GBR", "NOT A COUNTRY"), ("NOT A COUNTRY", "GBR")],
)
def test_a_filled_in_side_is_not_a_declaration(origin: str | None, destination: str | None) -> None:
    """The parser fills a missing destination with the origin (and a missing origin with the UK) to place
    events; that fill must not make the item domestic, so its border milestones stay."""
    events = SPEC.parse(_piece(origin, destination, _BORDER_EVENTS)).shipments[0].events
    assert [e.milestone for e in events] == ["departed_origin", "arrived_destination_country"]
