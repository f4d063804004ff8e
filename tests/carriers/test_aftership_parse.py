"""The ``aftership`` adapter: tracking answers, errors and webhooks, field by field.

Each row quotes the raw ``checkpoint_time`` (local, with or without an offset) and the UTC instant kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carriers.aftership import SPEC
from carriers.aftership.codes import kind
from trace_verify.domain.documents import DocumentRejected, ParseResult
from trace_verify.domain.model import Handover

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "aftership"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
DELIVERED_FILE = "tracking-2024-10-dhl-tokyo-sf-hangzhou-delivered.json"
HOLD_FILE = "webhook-v4-ems-osaka-shanghai-customs-hold.json"
CO, LT = "carrier_offset", "location_timezone"


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def row_event(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """Row: raw checkpoint_time, UTC, basis, offset, milestone, location, subtag, slug, message."""
    _raw, utc, basis, offset, milestone, location, code, slug, message = row
    return {
        "carrier": "aftership",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": offset,
        "time_basis": basis,
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": message,
        "operator": slug,
    }


TYO = {"city": "TOKYO", "country": "JP"}
SHA = {"city": "SHANGHAI", "country": "CN"}
SHA2 = {"city": "Shanghai", "region": "Shanghai", "country": "CN"}
HGH = {"city": "Hangzhou", "region": "Zhejiang", "country": "CN"}

DELIVERED = [
    ("2026-04-10T17:05:00+09:00", "2026-04-10T08:05:00Z", CO, 540, "picked_up", TYO, "InTransit_002", "dhl",
     "Shipment picked up"),
    ("2026-04-10T22:40:00+09:00", "2026-04-10T13:40:00Z", CO, 540, "in_transit", TYO, "InTransit_001", "dhl",
     "Processed at TOKYO - JAPAN"),
    # Departure scan (InTransit_007), the last one in the origin country: the border.
    ("2026-04-11T01:55:00+09:00", "2026-04-10T16:55:00Z", CO, 540, "departed_origin", TYO, "InTransit_007",
     "dhl",
     "Departed Facility in TOKYO - JAPAN"),
    ("2026-04-11T04:20:00+08:00", "2026-04-10T20:20:00Z", CO, 480, "arrived_destination_country", SHA,
     "InTransit_004", "dhl", "Arrived at Sort Facility SHANGHAI - CHINA MAINLAND"),
    ("2026-04-11T07:10:00+08:00", "2026-04-10T23:10:00Z", CO, 480, "customs_processing", SHA, "InTransit_006",
     "dhl", "Customs status updated"),
    ("2026-04-11T15:32:00+08:00", "2026-04-11T07:32:00Z", CO, 480, "import_cleared", SHA, "InTransit_005",
     "dhl",
     "Clearance processing complete at SHANGHAI - CHINA MAINLAND"),
    # No offset: Shanghai's zone (the place's), and no offset claimed.
    ("2026-04-11T17:05:00", "2026-04-11T09:05:00Z", LT, None, "in_transit", SHA, "InTransit_009", "dhl",
     "Shipment has been forwarded to the destination delivery partner"),
    ("2026-04-11T20:48:00+08:00", "2026-04-11T12:48:00Z", CO, 480, "picked_up", SHA2, "InTransit_002",
     "sf-express", "顺丰速运 已收取快件"),
    ("2026-04-12T06:30:00+08:00", "2026-04-11T22:30:00Z", CO, 480, "in_transit", HGH, "InTransit_003",
     "sf-express", "快件到达 【杭州萧山集散中心】"),
    ("2026-04-12T09:02:00+08:00", "2026-04-12T01:02:00Z", CO, 480, "out_for_delivery", HGH,
     "OutForDelivery_001",
     "sf-express", "快件交给王师傅，正在派送途中"),
    ("2026-04-12T13:17:00+08:00", "2026-04-12T05:17:00Z", CO, 480, "delivered", HGH, "Delivered_001",
     "sf-express", "快件已签收，签收人：本人"),
]  # fmt: skip

HOLD = [
    ("2026-04-13T11:20:00+09:00", "2026-04-13T02:20:00Z", CO, 540, "picked_up", {"city": "OSAKA",
     "country": "JP"},
     "InTransit_002", "japan-post", "Posting/Collection"),
    ("2026-04-14T09:05:00+09:00", "2026-04-14T00:05:00Z", CO, 540, "departed_origin",
     {"city": "OSAKA", "country": "JP"}, "InTransit_007", "japan-post",
     "Dispatch from outward office of exchange"),
    ("2026-04-15T05:40:00+08:00", "2026-04-14T21:40:00Z", CO, 480, "arrived_destination_country",
     {"city": "Shanghai", "country": "CN"}, "InTransit_004", "china-ems", "到达寄达地处理中心"),
    ("2026-04-15T10:12:00+08:00", "2026-04-15T02:12:00Z", CO, 480, "customs_processing",
     {"city": "Shanghai", "country": "CN"}, "InTransit_006", "china-ems", "海关查验"),
    ("2026-04-16T14:55:00+08:00", "2026-04-16T06:55:00Z", CO, 480, "customs_held",
     {"city": "Shanghai", "country": "CN"}, "Exception_004", "china-ems",
     "海关留存待处理：需收件人补充申报资料"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fixture", "tracking", "number", "table"),
    [
        (DELIVERED_FILE, ("data",), "5820731641", DELIVERED),
        (HOLD_FILE, ("msg",), "EB582073164JP", HOLD),
    ],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, tracking: tuple[str, ...], number: str, table: list[tuple[Any, ...]]
) -> None:
    doc = json.loads((FIXTURES / fixture).read_bytes())
    for key in tracking:
        doc = doc[key]
    assert [c["checkpoint_time"] for c in doc["checkpoints"]] == [r[0] for r in table], "raw times quoted"
    result = parse(fixture)
    assert result.errors == () and [s.tracking_number for s in result.shipments] == [number]
    got = [e.to_json() for e in result.shipments[0].events]
    for event in got:
        event.pop("handover_to", None)
    assert got == [row_event(number, row) for row in table]


def test_last_mile_names_the_next_leg_on_the_last_first_leg_checkpoint() -> None:
    events = parse(DELIVERED_FILE).shipments[0].events
    assert [(i, e.handover_to) for i, e in enumerate(events) if e.handover_to] == [
        (6, Handover("SF1424187330312", "sf"))
    ]


def test_every_event_satisfies_the_contract_schema() -> None:
    for name in (DELIVERED_FILE, HOLD_FILE):
        for event in parse(name).shipments[0].events:
            jsonschema.validate(event.to_json(), EVENT_SCHEMA)


def test_v4_and_list_envelopes_read_the_same_tracking() -> None:
    tracking = json.loads((FIXTURES / DELIVERED_FILE).read_bytes())["data"]
    v4 = json.dumps({"meta": {"code": 200}, "data": {"tracking": tracking}}, ensure_ascii=False).encode()
    listed = json.dumps(
        {"meta": {"code": 200}, "data": {"trackings": [tracking]}}, ensure_ascii=False
    ).encode()
    assert SPEC.parse(v4) == SPEC.parse(listed) == parse(DELIVERED_FILE)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("error-404-not-found.json", "not_found"),
        ("error-401-invalid-key.json", "unauthorized"),
        ("error-429-rate-limited.json", "rate_limited"),
    ],
)
def test_errors_are_valid_documents(name: str, code: str) -> None:
    result = parse(name)
    assert result.shipments == () and [e.code for e in result.errors] == [code]


@pytest.mark.parametrize(
    "name",
    [
        "malformed-truncated.json",
        "malformed-checkpoints-not-array.json",
        "malformed-checkpoint-without-time.json",
        "malformed-time-not-iso.json",
    ],
)
def test_malformed_documents_are_refused(name: str) -> None:
    with pytest.raises(DocumentRejected) as caught:
        parse(name)
    assert caught.value.code == "DOCUMENT_UNREADABLE"
    assert "Posting" not in caught.value.message


def test_tags_and_subtags() -> None:
    assert kind("Exception", "Exception_004") == "customs_held"
    assert kind("Exception", "Exception_013") == "exception", "an unlisted subtag falls back to its tag"
    assert kind("InTransit", "InTransit_007") == "departed"
    assert kind("Martian", None) == "unknown"
