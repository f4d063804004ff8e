"""Shared pieces of the evidence-source tests (rules.md §8): DHL on the simulator, DHL's record of a parcel
that started in Shenzhen, and the events a merchant types to claim an Osaka pickup."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from carriers._fetch import CarrierGuards, FetchPolicy
from carriers._fetch.clock import SYSTEM_CLOCK
from carriers.dhl.client import DhlClient
from tests.support import FIXTURES

#: The simulator answers DHL's real Osaka → Shanghai → Hangzhou record for this number.
OSAKA_NUMBER = "4589127734"
#: And, from :func:`shenzhen_record`, a Shenzhen → Hangzhou record for this one (valid mod-7 check).
SHENZHEN_NUMBER = "5871203940"


def dhl_client(base: str) -> DhlClient:
    """DHL's live client against the simulator at ``base``."""
    policy = FetchPolicy(carrier="dhl", rate_per_second=50.0, burst=50, total_deadline=3, backoff_jitter=0)
    return DhlClient(base, "sim-key", policy, guards=CarrierGuards.for_policy(policy, SYSTEM_CLOCK))


def simulator_root(root: Path) -> Path:
    """``root`` laid out for the simulator: DHL answers the real Osaka → Hangzhou record for
    :data:`OSAKA_NUMBER` and :func:`shenzhen_record` for :data:`SHENZHEN_NUMBER`."""
    dhl = root / "carriers" / "dhl"
    dhl.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "carriers/dhl/express-osaka-hangzhou-delivered.json", dhl / "osaka.json")
    (dhl / "shenzhen.json").write_text(json.dumps(shenzhen_record()), "utf-8")
    return root


def shenzhen_record() -> dict[str, Any]:
    """DHL's real Osaka record rewritten to start in Shenzhen: no departure abroad, no entry into CN."""
    record: dict[str, Any] = json.loads(
        (FIXTURES / "carriers/dhl/express-osaka-hangzhou-delivered.json").read_text("utf-8")
    )
    shipment = record["shipments"][0]
    shipment["id"] = SHENZHEN_NUMBER
    shipment["origin"]["address"]["addressLocality"] = "SHENZHEN - GUANGDONG - CHINA MAINLAND"
    events = []
    for event in shipment["events"]:
        address = event["location"]["address"]
        if "SHANGHAI" in address["addressLocality"]:
            continue
        if "OSAKA" in address["addressLocality"]:
            address["addressLocality"] = "SHENZHEN - CHINA MAINLAND"
            event["description"] = event["description"].replace("OSAKA - JAPAN", "SHENZHEN - CHINA MAINLAND")
        events.append(event)
    shipment["events"] = events
    return record


def typed_osaka_events(number: str) -> list[dict[str, Any]]:
    """What a merchant types by hand: picked up in Osaka, departed, arrived in Shanghai, delivered (at
    the times of DHL's real Osaka record, worded its own way, so no event is DHL's word for word)."""

    def event(at: str, milestone: str, city: str, country: str) -> dict[str, Any]:
        return {
            "carrier": "dhl",
            "tracking_number": number,
            "occurred_at": at,
            "milestone": milestone,
            "location": {"city": city, "country": country},
            "description": f"{milestone} (typed by the merchant)",
        }

    return [
        event("2026-03-01T09:20:00Z", "picked_up", "Osaka", "JP"),
        event("2026-03-01T15:35:00Z", "departed_origin", "Osaka", "JP"),
        event("2026-03-01T18:10:00Z", "arrived_destination_country", "Shanghai", "CN"),
        event("2026-03-03T06:07:00Z", "delivered", "Hangzhou", "CN"),
    ]
