"""Properties over generated schema-valid bundles: always a valid verdict (or a documented error), and
the order in which events are listed never changes the verdict, path, finding codes or complaint."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import assert_valid_verdict
from trace_verify.domain.model import MILESTONES
from trace_verify.errors import ServiceError
from trace_verify.services.verification import VerificationService

NOW = datetime(2026, 9, 1, tzinfo=UTC)
START = datetime(2026, 3, 1, tzinfo=UTC)

PLACES = [
    {"city": "Osaka", "country": "JP"},
    {"city": "Tokyo", "country": "JP", "facility": "NRT Gateway"},
    {"city": "Seoul", "country": "KR"},
    {"city": "Hong Kong", "country": "HK"},
    {"city": "Los Angeles", "country": "US"},
    {"city": "Shanghai", "country": "CN"},
    {"city": "杭州市", "country": "CN"},
    {"city": "萧山区", "country": "CN"},
    {"city": "Shenzhen", "country": "CN", "facility": "Qianhai Bonded Port Area"},
    {"city": "Atlantis", "country": "CN"},
    {"city": None, "country": None},
    {"city": "Paris", "country": None},
]
DESTINATIONS = [
    {"country": "CN", "city": "Hangzhou"},
    {"country": "CN", "city": "Shanghai"},
    {"country": "HK", "city": "Hong Kong"},
    {"country": "US", "city": "New York"},
]
NUMBERS = [
    "4829105735",
    "1234567891",
    "1Z999AA10123456784",
    "RA123456785DE",
    "RB123456780CN",
    "SF1420157763410",
    "X1",
]
CARRIERS = ["dhl", "ups", "sf", "usps", "kuaidi100", "17track"]


def _time(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def events(draw: st.DrawFn, carrier: str, number: str) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(0, 8))):
        place = {k: v for k, v in draw(st.sampled_from(PLACES)).items() if v is not None}
        event: dict[str, Any] = {
            "carrier": carrier,
            "tracking_number": number,
            "occurred_at": _time(draw(st.integers(0, 60 * 24 * 30))),
            "milestone": draw(st.sampled_from(MILESTONES)),
            "location": place,
            "description": "event",
        }
        if draw(st.booleans()):
            event["time_basis"] = draw(st.sampled_from(["carrier_utc", "assumed_utc", "location_timezone"]))
        if draw(st.integers(0, 5)) == 0:
            event["handover_to"] = {"tracking_number": draw(st.sampled_from(NUMBERS))}
        out.append(event)
    return out


@st.composite
def bundles(draw: st.DrawFn) -> dict[str, Any]:
    shipments = []
    for _ in range(draw(st.integers(0, 3))):
        carrier, number = draw(st.sampled_from(CARRIERS)), draw(st.sampled_from(NUMBERS))
        shipment: dict[str, Any] = {
            "carrier": carrier,
            "tracking_number": number,
            "events": draw(events(carrier, number)),
        }
        if draw(st.booleans()):
            shipment["declared_origin_country"] = draw(st.sampled_from(["JP", "KR", "CN", "US"]))
        if draw(st.integers(0, 4)) == 0:
            shipment["dispatch"] = {
                "bonded_zone": draw(st.sampled_from(["Qianhai Bonded Port Area", "Nowhere FTZ"]))
            }
        shipments.append(shipment)
    quantity = draw(st.integers(1, 2))
    codes = draw(st.lists(st.sampled_from(["TC-1", "TC-2", "TC-3"]), max_size=2, unique=True))
    order: dict[str, Any] = {
        "id": "ORD-P",
        "merchant_id": "M-P",
        "consumer_id": "C-P",
        "promise": draw(st.sampled_from(["overseas_direct_supply", "none"])),
        "placed_at": _time(draw(st.integers(0, 60 * 24 * 3))),
        "completed_at": draw(st.sampled_from([None, _time(60 * 24 * 20)])),
        "destination": draw(st.sampled_from(DESTINATIONS)),
        "amount_paid": f"{draw(st.integers(0, 10**7)) / 100:.2f}",
        "currency": "CNY",
        "items": [{"sku": "S", "quantity": quantity, "trace_codes": codes}],
    }
    claimed = draw(st.sampled_from([None, "direct_international", "bonded_zone", "general_trade"]))
    if claimed:
        order["claimed_path"] = claimed
    obj: dict[str, Any] = {"order": order, "shipments": shipments}
    obj["customs"] = [
        {
            "declaration_number": draw(
                st.sampled_from(
                    ["220120261000123456", "2928-2026-I-000123456", "99992026100012345", "220120260000123456"]
                )
            ),
            "supervision_mode": draw(st.sampled_from(["9610", "1210", "0110", "9710", "1234"])),
            "declared_at": _time(draw(st.integers(-60 * 24 * 30, 60 * 24 * 5))),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    obj["trace_codes"] = [
        {
            "code": code,
            "origin_country": "JP",
            "departure_country": "JP",
            "import_port": "2201",
            "declaration_number": "220120261000123456",
            "importer": {"name": "Importer Ltd"},
        }
        for code in codes
        if draw(st.booleans())
    ]
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["direct_supply", "genuine_goods"]))
        complaint: dict[str, Any] = {"type": kind, "filed_at": _time(60 * 24 * 25)}
        if kind == "direct_supply":
            complaint["credentials"] = [
                {
                    "kind": draw(st.sampled_from(["waybill", "photo", "other"])),
                    "tracking_number": draw(st.sampled_from(NUMBERS)),
                }
                for _ in range(draw(st.integers(0, 2)))
            ]
        elif draw(st.booleans()):
            complaint["certificate"] = {"issuer_type": draw(st.sampled_from(["right_owner", "other"]))}
        obj["complaint"] = complaint
    return obj


def _summary(verdict: dict[str, Any]) -> tuple[Any, ...]:
    return (
        verdict["verdict"],
        verdict["path"],
        sorted(f["code"] for f in verdict["findings"]),
        verdict["complaint"],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=bundles(), data=st.data())
def test_valid_verdict_and_event_order_does_not_matter(
    service: VerificationService, obj: dict[str, Any], data: st.DataObject
) -> None:
    try:
        verdict = service.verify_json(copy.deepcopy(obj), NOW)
    except ServiceError as exc:  # documented refusals only
        assert exc.code in {"INVALID_BUNDLE", "UNKNOWN_FIELD"}
        return
    assert_valid_verdict(verdict)
    for finding in verdict["findings"]:
        for ref in finding["evidence"]:
            if "timeline" in ref:
                assert 0 <= ref["timeline"] < len(verdict["timeline"])
    shuffled = copy.deepcopy(obj)
    for shipment in shuffled["shipments"]:
        shipment["events"] = data.draw(st.permutations(shipment["events"]))
    assert _summary(service.verify_json(shuffled, NOW)) == _summary(verdict)
