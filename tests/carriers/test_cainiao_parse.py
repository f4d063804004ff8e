"""The ``cainiao`` adapter (format unverified): detail answers, not-found, field by field.

Each row quotes Cainiao's raw ``time`` (epoch ms, an instant), ``timeStr`` and ``timeZone`` (the local
wall time and its offset) and the UTC instant kept.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carriers.cainiao import SPEC
from carriers.cainiao.codes import classify
from tests.carriers.parse_checks import assert_rejected
from trace_verify.domain.documents import ParseResult
from trace_verify.domain.model import Handover

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "cainiao"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
DELIVERED_FILE = "detail-tokyo-hangzhou-yto-delivered.json"
HOLD_FILE = "detail-osaka-customs-hold.json"


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def raw(name: str) -> list[tuple[str, str]]:
    """(timeStr, timeZone) oldest first; also checks that ``time`` is the same instant."""
    details = json.loads((FIXTURES / name).read_bytes())["module"][0]["detailList"]
    return [(d["timeStr"], d["timeZone"]) for d in reversed(details)]


def row_event(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """Row: timeStr, timeZone, UTC, offset, milestone, location, actionCode, operator, desc."""
    _local, _zone, utc, offset, milestone, location, code, operator, desc = row
    return {
        "carrier": "cainiao",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": offset,
        "time_basis": "carrier_utc",
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": desc,
        "operator": operator,
    }


JP, CN = {"country": "JP"}, {"country": "CN"}
J9, C8 = "GMT+09:00", "GMT+08:00"

DELIVERED = [
    ("2026-04-16 19:20:55", J9, "2026-04-16T10:20:55Z", 540, "label_created", JP, "GWMS_ACCEPT", "cainiao",
     "Shipment information received by warehouse electronically"),
    ("2026-04-17 10:48:09", J9, "2026-04-17T01:48:09Z", 540, "in_transit", JP, "GWMS_OUTBOUND", "cainiao",
     "Package shipped out from warehouse"),
    ("2026-04-17 16:02:41", J9, "2026-04-17T07:02:41Z", 540, "in_transit", {"city": "Narita",
     "country": "JP"},
     "SC_OUTBOUND_SUCCESS", "cainiao", "[Narita] Outbound in sorting center"),
    ("2026-04-17 22:15:00", J9, "2026-04-17T13:15:00Z", 540, "export_cleared", JP, "CC_EX_SUCCESS", "cainiao",
     "Export clearance completed"),
    ("2026-04-18 08:30:00", J9, "2026-04-17T23:30:00Z", 540, "in_transit", JP, "LH_HO_AIRLINE", "cainiao",
     "Handed over to airline"),
    ("2026-04-18 13:10:00", J9, "2026-04-18T04:10:00Z", 540, "departed_origin", JP, "LH_DEPART", "cainiao",
     "Flight departed"),
    ("2026-04-18 17:45:00", C8, "2026-04-18T09:45:00Z", 480, "arrived_destination_country", CN, "LH_ARRIVE",
     "cainiao", "Arrived at the station"),
    ("2026-04-18 21:07:19", C8, "2026-04-18T13:07:19Z", 480, "customs_processing", CN, "CC_IM_START",
     "cainiao",
     "Import clearance started"),
    ("2026-04-19 11:25:47", C8, "2026-04-19T03:25:47Z", 480, "import_cleared", CN, "CC_IM_SUCCESS", "cainiao",
     "Custom clearance completed"),
    # "Departed from customs": the IM group puts it on the import side.
    ("2026-04-19 16:40:00", C8, "2026-04-19T08:40:00Z", 480, "in_transit", CN, "CC_HO_OUT_SUCCESS", "cainiao",
     "Leaving customs"),
    ("2026-04-19 18:02:33", C8, "2026-04-19T10:02:33Z", 480, "in_transit", CN, "GTMS_ACCEPT", "YTO",
     "圆通速递已揽收"),
    ("2026-04-20 03:18:05", C8, "2026-04-19T19:18:05Z", 480, "in_transit",
     {"city": "Xiaoshan District", "country": "CN"}, "GTMS_SC_ARRIVE", "YTO",
     "[Xiaoshan District] Arrived at sorting center"),
    ("2026-04-20 08:51:40", C8, "2026-04-20T00:51:40Z", 480, "out_for_delivery", CN, "GTMS_DO_DEPART", "YTO",
     "快件正在派送中"),
    ("2026-04-20 14:36:12", C8, "2026-04-20T06:36:12Z", 480, "delivered", CN, "GTMS_SIGNED", "YTO",
     "已签收，签收人：本人"),
]  # fmt: skip

HOLD = [
    ("2026-04-22 11:30:12", "GMT+9", "2026-04-22T02:30:12Z", 540, "picked_up", JP, "PU_PICKUP_SUCCESS",
     "cainiao",
     "Accepted by carrier"),
    ("2026-04-23 09:55:00", J9, "2026-04-23T00:55:00Z", 540, "departed_origin", JP, "LH_DEPART", "cainiao",
     "Flight departed"),
    ("2026-04-23 15:40:00", C8, "2026-04-23T07:40:00Z", 480, "arrived_destination_country", CN, "LH_ARRIVE",
     "cainiao", "Arrived at the station"),
    ("2026-04-23 20:12:00", C8, "2026-04-23T12:12:00Z", 480, "customs_processing", CN, "CC_IM_START",
     "cainiao",
     "Import clearance started"),
    ("2026-04-24 10:05:31", C8, "2026-04-24T02:05:31Z", 480, "customs_held", CN, "CC_IM_EXCEPTION", "cainiao",
     "Customs clearance abnormal: documents required"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fixture", "number", "table"),
    [(DELIVERED_FILE, "LP00712345678901", DELIVERED), (HOLD_FILE, "LP00798765432109", HOLD)],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    assert raw(fixture) == [(r[0], r[1]) for r in table], "the table quotes Cainiao's raw local times"
    details = json.loads((FIXTURES / fixture).read_bytes())["module"][0]["detailList"]
    instants = [datetime.fromtimestamp(d["time"] / 1000, UTC) for d in reversed(details)]
    assert [i.strftime("%Y-%m-%dT%H:%M:%SZ") for i in instants] == [r[2] for r in table], (
        "time is the instant"
    )
    result = parse(fixture)
    assert result.errors == () and [s.tracking_number for s in result.shipments] == [number]
    got = [e.to_json() for e in result.shipments[0].events]
    for event in got:
        event.pop("handover_to", None)
    assert got == [row_event(number, row) for row in table]


def test_the_destination_courier_s_number_hangs_on_the_last_cainiao_scan() -> None:
    events = parse(DELIVERED_FILE).shipments[0].events
    assert [(i, e.handover_to) for i, e in enumerate(events) if e.handover_to] == [
        (9, Handover("YT7519876543210", None))
    ]


def test_every_event_satisfies_the_contract_schema() -> None:
    for name in (DELIVERED_FILE, HOLD_FILE):
        for event in parse(name).shipments[0].events:
            jsonschema.validate(event.to_json(), EVENT_SCHEMA)


def test_an_external_number_without_events_is_not_found() -> None:
    result = parse("error-external-not-found.json")
    assert result.shipments == ()
    assert [(e.code, e.tracking_number) for e in result.errors] == [("not_found", "LP00000000000")]


def test_success_false_is_a_carrier_error() -> None:
    assert [e.code for e in parse("error-success-false.json").errors] == ["carrier_error"]


@pytest.mark.parametrize(
    "name",
    [
        "malformed-truncated.json",
        "malformed-detaillist-not-array.json",
        "malformed-time-not-millis.json",
        "malformed-event-without-time.json",
        "malformed-not-cainiao.json",
    ],
)
def test_malformed_documents_are_refused(name: str) -> None:
    assert_rejected(lambda: parse(name))


def test_without_time_the_local_string_and_its_offset_give_the_instant() -> None:
    doc = {"success": True, "module": [{"mailNo": "LP00712345678901", "originCountry": "Japan",
           "destCountry": "Mainland China", "detailList": [
               {"timeStr": "2026-04-19 11:25:47", "timeZone": "GMT+8", "actionCode": "CC_IM_SUCCESS",
                "desc": "Custom clearance completed"}]}]}  # fmt: skip
    [event] = SPEC.parse(json.dumps(doc).encode()).shipments[0].events
    assert (event.to_json()["occurred_at"], event.time_basis, event.local_offset_minutes) == (
        "2026-04-19T03:25:47Z", "carrier_offset", 480,
    )  # fmt: skip


def test_codes_and_groups() -> None:
    assert classify("CC_HO_OUT_SUCCESS", "AE_GROUP_EX_CLEARING_CUSTOMS") == ("in_transit", "origin")
    assert classify("GTMS_SIGNED", None) == ("delivered", "destination")
    assert classify("SOMETHING_NEW", None) == ("unknown", None)


def test_the_adapter_says_its_format_is_unverified() -> None:
    assert SPEC.format_verified is False and "No primary public source" in SPEC.format_note
