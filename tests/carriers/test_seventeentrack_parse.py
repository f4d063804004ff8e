"""The ``17track`` adapter: gettrackinfo answers, refusals and webhook pushes, field by field.

Each row quotes the raw ``time_iso`` and ``time_utc`` 17TRACK sent and the UTC instant kept: ``time_utc``
is a UTC field (``carrier_utc``), ``time_iso``'s offset is kept as ``local_offset_minutes``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carriers.seventeentrack import SPEC
from carriers.seventeentrack.codes import milestone
from trace_verify.domain.documents import DocumentRejected, ParseResult
from trace_verify.domain.model import Handover

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "17track"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
DELIVERED_FILE = "gettrackinfo-dhl-osaka-sf-hangzhou-delivered.json"
HOLD_FILE = "push-ems-tokyo-shanghai-customs-hold.json"


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def raw_times(track_info: dict[str, Any]) -> list[tuple[str, str]]:
    events = [e for p in track_info["tracking"]["providers"] for e in p["events"]]
    return sorted((e["time_utc"], e["time_iso"]) for e in events)


def row_event(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """Row: raw time_iso, UTC, offset, milestone, location, carrier_code, operator, description."""
    _iso, utc, offset, milestone_, location, code, operator, description = row
    return {
        "carrier": "17track",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": offset,
        "time_basis": "carrier_utc",
        "milestone": milestone_,
        "location": location,
        "carrier_code": code,
        "description": description,
        "operator": operator,
    }


OSAKA = {"city": "OSAKA", "country": "JP"}
SHA = {"city": "SHANGHAI", "country": "CN"}
SHA2 = {"city": "Shanghai", "country": "CN"}
HGH = {"city": "Hangzhou", "region": "Zhejiang", "country": "CN"}

# raw time_iso | time_utc (= occurred_at) | offset | milestone | location | carrier_code | operator |
# description
DELIVERED = [
    ("2026-04-02T18:20:00+09:00", "2026-04-02T09:20:00Z", 540, "picked_up", OSAKA, "InTransit_PickedUp",
     "100001",
     "Shipment picked up"),
    # An ordinary scan: neither stage nor sub-status.
    ("2026-04-02T23:05:00+09:00", "2026-04-02T14:05:00Z", 540, "in_transit", OSAKA, None, "100001",
     "Processed at OSAKA - JAPAN"),
    ("2026-04-03T01:40:00+09:00", "2026-04-02T16:40:00Z", 540, "departed_origin", OSAKA,
     "InTransit_Departure",
     "100001", "Departed Facility in OSAKA - JAPAN"),
    ("2026-04-03T03:15:00+08:00", "2026-04-02T19:15:00Z", 480, "arrived_destination_country", SHA,
     "InTransit_Arrival", "100001", "Arrived at Sort Facility SHANGHAI - CHINA MAINLAND"),
    ("2026-04-03T06:30:00+08:00", "2026-04-02T22:30:00Z", 480, "customs_processing", SHA,
     "InTransit_CustomsProcessing", "100001", "Customs status updated"),
    ("2026-04-03T14:48:00+08:00", "2026-04-03T06:48:00Z", 480, "import_cleared", SHA,
     "InTransit_CustomsReleased",
     "100001", "Clearance processing complete at SHANGHAI - CHINA MAINLAND"),
    ("2026-04-03T16:10:00+08:00", "2026-04-03T08:10:00Z", 480, "in_transit", SHA, "InTransit_Other", "100001",
     "Shipment is forwarded to a destination delivery partner"),
    ("2026-04-03T19:02:00+08:00", "2026-04-03T11:02:00Z", 480, "in_transit", SHA2, "InTransit_Other",
     "100012",
     "【上海市】顺丰速运 已收取快件"),
    ("2026-04-04T05:30:00+08:00", "2026-04-03T21:30:00Z", 480, "in_transit", HGH, "InTransit_Other", "100012",
     "【杭州市】快件到达 【杭州萧山集散中心】"),
    ("2026-04-04T08:15:00+08:00", "2026-04-04T00:15:00Z", 480, "out_for_delivery", HGH,
     "OutForDelivery_Other",
     "100012", "【杭州市】快件交给王师傅，正在派送途中"),
    ("2026-04-04T11:42:00+08:00", "2026-04-04T03:42:00Z", 480, "delivered", HGH, "Delivered_Other", "100012",
     "【杭州市】快件已签收，签收人：本人，感谢使用顺丰"),
]  # fmt: skip

HOLD = [
    ("2026-04-06T10:12:00+09:00", "2026-04-06T01:12:00Z", 540, "picked_up", {"city": "SHINJUKU",
     "country": "JP"},
     "InTransit_PickedUp", "11031", "Posting/Collection"),
    ("2026-04-07T08:40:00+09:00", "2026-04-06T23:40:00Z", 540, "departed_origin", {"city": "TOKYO",
     "country": "JP"},
     "InTransit_Departure", "11031", "Dispatch from outward office of exchange"),
    ("2026-04-08T06:25:00+08:00", "2026-04-07T22:25:00Z", 480, "arrived_destination_country", SHA2,
     "InTransit_Arrival", "3011", "到达寄达地处理中心"),
    ("2026-04-08T09:50:00+08:00", "2026-04-08T01:50:00Z", 480, "customs_processing", SHA2,
     "InTransit_CustomsProcessing", "3011", "海关查验"),
    ("2026-04-09T15:33:00+08:00", "2026-04-09T07:33:00Z", 480, "customs_held", SHA2,
     "InTransit_CustomsRequiringInformation", "3011", "海关留存待处理：需收件人补充申报资料"),
]  # fmt: skip


def test_the_delivered_answer_matches_its_table_field_by_field() -> None:
    doc = json.loads((FIXTURES / DELIVERED_FILE).read_bytes())
    info = doc["data"]["accepted"][0]["track_info"]
    assert raw_times(info) == sorted((r[1], r[0]) for r in DELIVERED), "the table quotes 17TRACK's raw times"
    result = parse(DELIVERED_FILE)
    assert result.errors == () and [s.tracking_number for s in result.shipments] == ["7316592043"]
    got = [e.to_json() for e in result.shipments[0].events]
    for event in got:
        event.pop("handover_to", None)
    assert got == [row_event("7316592043", row) for row in DELIVERED]


def test_the_webhook_push_matches_its_table_field_by_field() -> None:
    doc = json.loads((FIXTURES / HOLD_FILE).read_bytes())
    assert raw_times(doc["data"]["track_info"]) == sorted((r[1], r[0]) for r in HOLD)
    [shipment] = parse(HOLD_FILE).shipments
    assert [e.to_json() for e in shipment.events] == [row_event("EE204817360JP", row) for row in HOLD]


def test_the_local_leg_is_named_on_the_main_providers_last_event() -> None:
    events = parse(DELIVERED_FILE).shipments[0].events
    named = [(i, e.handover_to) for i, e in enumerate(events) if e.handover_to]
    assert named == [(6, Handover("SF1424187330259", "sf"))]


def test_every_event_satisfies_the_contract_schema() -> None:
    for name in (DELIVERED_FILE, HOLD_FILE):
        for event in parse(name).shipments[0].events:
            jsonschema.validate(event.to_json(), EVENT_SCHEMA)


def test_a_stopped_push_is_a_shipment_without_events() -> None:
    result = parse("push-tracking-stopped.json")
    assert [(s.tracking_number, s.events) for s in result.shipments] == [("EE204817360JP", ())]


@pytest.mark.parametrize(
    ("name", "code", "number"),
    [
        ("error-rejected-not-registered.json", "not_found", "RR123456785CN"),
        ("error-invalid-key.json", "unauthorized", None),
        ("error-notfound-no-events.json", "not_found", "LP00123456789012"),
    ],
)
def test_refusals_are_valid_documents(name: str, code: str, number: str | None) -> None:
    result = parse(name)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number) for e in result.errors] == [(code, number)]


@pytest.mark.parametrize(
    "name",
    [
        "malformed-truncated.json",
        "malformed-accepted-not-array.json",
        "malformed-event-without-time.json",
        "malformed-time-not-iso.json",
    ],
)
def test_malformed_documents_are_refused(name: str) -> None:
    with pytest.raises(DocumentRejected) as caught:
        parse(name)
    assert caught.value.code == "DOCUMENT_UNREADABLE"
    assert "海关" not in caught.value.message


def test_a_clearance_in_the_origin_country_is_export() -> None:
    doc = {"event": "TRACKING_UPDATED", "data": {"number": "EE204817360JP", "track_info": {
        "shipping_info": {"shipper_address": {"country": "JP"}, "recipient_address": {"country": "CN"}},
        "tracking": {"providers": [{"provider": {"key": 11031}, "events": [
            {"time_iso": "2026-04-06T10:12:00+09:00", "time_utc": "2026-04-06T01:12:00Z",
             "description": "Export clearance", "sub_status": "InTransit_CustomsReleased",
             "address": {"country": "JP", "city": "TOKYO"}},
        ]}]}}}}  # fmt: skip
    [event] = SPEC.parse(json.dumps(doc).encode()).shipments[0].events
    assert event.milestone == "export_cleared"


def test_an_event_with_only_an_offset_time_is_carrier_offset() -> None:
    doc = {"event": "TRACKING_UPDATED", "data": {"number": "EE204817360JP", "track_info": {
        "tracking": {"providers": [{"provider": {"key": 3011}, "events": [
            {"time_iso": "2026-04-08T09:50:00+08:00", "time_utc": None, "description": "海关查验",
             "sub_status": "InTransit_CustomsProcessing", "address": {"country": "CN"}},
        ]}]}}}}  # fmt: skip
    [event] = SPEC.parse(json.dumps(doc, ensure_ascii=False).encode()).shipments[0].events
    assert (event.to_json()["occurred_at"], event.time_basis, event.local_offset_minutes) == (
        "2026-04-08T01:50:00Z", "carrier_offset", 480,
    )  # fmt: skip


def test_unknown_sub_statuses_are_unknown_and_plain_scans_are_transit() -> None:
    assert milestone("InTransit_Teleported", None) == "unknown"
    assert milestone(None, None) == "in_transit"
    assert milestone(None, "Delivered") == "delivered"
    assert milestone("DeliveryFailure_Security", "Delivered") == "customs_held"
