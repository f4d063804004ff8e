"""The border rules of carriers._route, seen through each adapter whose output they changed.

Each test takes a real fixture (its true wire format), changes it the way a carrier's document can
differ — one more scan, one end of the route missing — and checks the milestones the adapter now gives.
The comment on each assertion says what the adapter gave before the rules were settled once for all:

1. the border departure is the last *departure* scanned in the origin country (dhl, dhl-express, usps,
   sf, aftership took the last scan of any kind);
2. the border arrival is the first *arrival* scanned in the destination country (sf took the first scan);
3. customs in a third country are ``in_transit`` (sf kept them);
4. with no destination known, only a declared origin and a scan abroad make a crossing (aftership
   needed both ends; the others took the first scan's country as the origin);
5. a declared domestic shipment has no border milestones (only cainiao did this).

kuaidi100 and cainiao give the same output as before; canadapost, royalmail and epcis do not use the route.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from carriers.registry import REGISTRY
from trace_verify.domain.model import Event

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _events(carrier: str, doc: Any) -> tuple[Event, ...]:
    result = REGISTRY.read(carrier, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert not result.errors and len(result.shipments) == 1
    return result.shipments[0].events


def _milestones(events: tuple[Event, ...]) -> list[tuple[str | None, str]]:
    return [(e.location.country, e.milestone) for e in events]


# --- 1. departure: the last departure in the origin, a later scan there does not erase it -------------


def test_dhl_a_processed_scan_after_the_departure_keeps_departed_origin() -> None:
    doc = _load("dhl/express-osaka-hangzhou-delivered.json")
    events = doc["shipments"][0]["events"]  # newest first
    departed = next(
        i for i, e in enumerate(events) if e["description"].startswith("Departed Facility in OSAKA")
    )
    events.insert(
        departed,
        {
            "timestamp": "2026-03-02T00:50:00",
            "location": {"address": {"addressLocality": "OSAKA - JAPAN"}},
            "description": "Processed at OSAKA - JAPAN",
        },
    )
    found = _events("dhl", doc)
    assert [(e.description, e.milestone) for e in found[1:5]] == [
        ("Processed at OSAKA - JAPAN", "in_transit"),
        ("Departed Facility in OSAKA - JAPAN", "departed_origin"),  # before: in_transit
        ("Processed at OSAKA - JAPAN", "in_transit"),
        ("Arrived at Sort Facility SHANGHAI - CHINA MAINLAND", "arrived_destination_country"),
    ]


def test_dhl_express_an_export_customs_update_after_the_departure_keeps_departed_origin() -> None:
    doc = _load("dhl-express/mydhl-leipzig-hangzhou-delivered.json")
    events = doc["shipments"][0]["events"]  # oldest first
    departed = next(i for i, e in enumerate(events) if e["typeCode"] == "DF")
    events.insert(
        departed + 1,
        {
            "date": "2026-05-05",
            "time": "02:10:00",
            "GMTOffset": "+02:00",
            "typeCode": "RR",
            "description": "Customs status updated",
            "serviceArea": [{"code": "LEJ", "description": "Leipzig-DE"}],
            "signedBy": "",
        },
    )
    found = _events("dhl-express", doc)
    assert [(e.carrier_code, *m) for e, m in zip(found, _milestones(found), strict=True)][2:5] == [
        ("DF", "DE", "departed_origin"),  # before: in_transit
        ("RR", "DE", "in_transit"),  # export-side customs update
        ("AF", "CN", "arrived_destination_country"),
    ]


def test_usps_a_processed_scan_after_the_departure_keeps_departed_origin() -> None:
    doc = _load("usps/v3-newyork-guangzhou-delivered.json")
    events = doc["trackingEvents"]  # newest first
    departed = next(i for i, e in enumerate(events) if e["eventType"] == "Departed")
    processed = dict(events[departed + 1])  # "Processed Through Facility", ISC NEW YORK
    processed.update(eventTimestamp="2026-03-05T23:10:00", GMTTimestamp="2026-03-06T04:10:00Z")
    events.insert(departed, processed)
    found = _events("usps", doc)
    assert [(e.description, e.location.country, e.milestone) for e in found[4:7]] == [
        ("Departed", "US", "departed_origin"),  # before: in_transit
        ("Processed Through Facility", "US", "in_transit"),
        ("Arrived", "CN", "arrived_destination_country"),
    ]


# --- sf: decisions 1, 2 and 3 --------------------------------------------------------------------------


def _sf(change: Callable[[list[dict[str, Any]]], None]) -> tuple[Event, ...]:
    doc = _load("sf/intl-tokyo-guangzhou-delivered.json")
    inner = json.loads(doc["apiResultData"])
    change(inner["msgData"]["routeResps"][0]["routes"])
    doc["apiResultData"] = json.dumps(inner, ensure_ascii=False)
    return _events("sf", doc)


def _sf_route(address: str, time: str, remark: str, op: str, second: tuple[str, str]) -> dict[str, str]:
    return {
        "acceptAddress": address,
        "acceptTime": time,
        "remark": remark,
        "opCode": op,
        "firstStatusCode": "2",
        "firstStatusName": "运送中",
        "secondaryStatusCode": second[0],
        "secondaryStatusName": second[1],
    }


def test_sf_a_sorting_scan_in_tokyo_after_the_departure_keeps_departed_origin() -> None:
    sorted_in_tokyo = _sf_route(
        "东京", "2026-03-18 22:30:00", "快件在【东京】完成分拣", "30", ("201", "运送中")
    )
    found = _sf(lambda routes: routes.insert(2, sorted_in_tokyo))
    assert _milestones(found)[1:4] == [
        ("JP", "departed_origin"),  # before: in_transit (the last scan in Japan was the sorting)
        ("JP", "in_transit"),
        ("CN", "arrived_destination_country"),
    ]


def test_sf_an_inspection_just_before_the_arrival_keeps_arrived_destination_country() -> None:
    inspection = _sf_route("深圳市", "2026-03-19 02:00:00", "快件海关查验", "611", ("204", "清关中"))
    found = _sf(lambda routes: routes.insert(2, inspection))
    assert _milestones(found)[1:4] == [
        ("JP", "departed_origin"),
        ("CN", "customs_processing"),
        ("CN", "arrived_destination_country"),  # before: in_transit (the first scan in China was customs)
    ]


def test_sf_a_hong_kong_release_on_a_tokyo_to_guangzhou_parcel_is_transit() -> None:
    released_in_hk = _sf_route("香港", "2026-03-19 00:40:00", "快件已清关", "612", ("205", "已清关"))
    found = _sf(lambda routes: routes.insert(2, released_in_hk))
    assert _milestones(found)[1:6] == [
        ("JP", "departed_origin"),
        ("HK", "in_transit"),  # before: import_cleared
        ("CN", "arrived_destination_country"),
        ("CN", "customs_processing"),
        ("CN", "import_cleared"),
    ]


# --- aftership: decisions 1 and 4 ----------------------------------------------------------------------


def test_aftership_a_later_scan_in_japan_keeps_departed_origin() -> None:
    doc = _load("aftership/webhook-v4-ems-osaka-shanghai-customs-hold.json")
    checkpoints = doc["msg"]["checkpoints"]
    later = dict(checkpoints[1])  # the Osaka "Dispatch from outward office of exchange"
    later.update(
        message="Handed over to the airline",
        subtag="InTransit_001",
        subtag_message="In transit",
        checkpoint_time="2026-04-14T10:30:00+09:00",
    )
    checkpoints.insert(2, later)
    assert _milestones(_events("aftership", doc))[1:4] == [
        ("JP", "departed_origin"),  # before: in_transit
        ("JP", "in_transit"),
        ("CN", "arrived_destination_country"),
    ]


def test_aftership_a_declared_origin_without_a_destination_still_departs() -> None:
    doc = _load("aftership/webhook-v4-ems-osaka-shanghai-customs-hold.json")
    del doc["msg"]["destination_country_iso3"]
    assert _milestones(_events("aftership", doc))[:3] == [
        ("JP", "picked_up"),
        ("JP", "departed_origin"),  # before: in_transit (aftership needed both ends)
        ("CN", "arrived_destination_country"),  # as the carrier coded it
    ]


# --- ups and fedex: decision 4 -------------------------------------------------------------------------


def test_ups_without_package_addresses_the_first_scan_is_not_the_origin() -> None:
    doc = _load("ups/ww-express-newyork-shanghai-customs-hold.json")
    package = doc["trackResponse"]["shipment"][0]["package"][0]
    origin_only = dict(package, packageAddress=package["packageAddress"][:1])  # ORIGIN kept
    del package["packageAddress"]
    assert [m for _, m in _milestones(_events("ups", doc))][4:6] == [
        "in_transit",  # before: departed_origin (the first scan's country taken as the origin)
        "in_transit",
    ]
    doc["trackResponse"]["shipment"][0]["package"][0] = origin_only
    assert _milestones(_events("ups", doc))[4] == ("US", "departed_origin")  # a declared origin suffices


def test_fedex_without_parties_the_first_scan_is_not_the_origin() -> None:
    doc = _load("fedex/ip-osaka-shanghai-clearance-delay.json")
    result = doc["output"]["completeTrackResults"][0]["trackResults"][0]
    for key in ("shipperInformation", "recipientInformation", "originLocation", "destinationLocation"):
        result.pop(key, None)
    found = _events("fedex", doc)
    assert [(e.carrier_code, *m) for e, m in zip(found, _milestones(found), strict=True)][3:6] == [
        ("CC", "JP", "export_cleared"),  # FedEx's "- Export" says so; unchanged
        ("DP", "JP", "in_transit"),  # before: departed_origin
        ("AR", "CN", "in_transit"),
    ]


# --- 17track: decision 5 -------------------------------------------------------------------------------


def test_seventeentrack_a_declared_domestic_parcel_has_no_border_arrival() -> None:
    """The Chinese leg alone, shipped from Shanghai: 17TRACK's InTransit_Arrival there is a hub arrival."""
    doc = _load("17track/gettrackinfo-dhl-osaka-sf-hangzhou-delivered.json")
    info = doc["data"]["accepted"][0]["track_info"]
    info["shipping_info"]["shipper_address"].update(country="CN", city="Shanghai")
    for provider in info["tracking"]["providers"]:
        provider["events"] = [
            e
            for e in provider["events"]
            if (e.get("address") or {}).get("country") != "JP"
            and not (e.get("sub_status") or "").startswith("InTransit_Customs")
        ]
    found = _events("17track", doc)
    # before: arrived_destination_country
    assert (found[0].carrier_code, found[0].milestone) == ("InTransit_Arrival", "in_transit")
    assert {e.milestone for e in found} <= {"in_transit", "out_for_delivery", "delivered"}
