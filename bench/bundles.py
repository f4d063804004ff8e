"""Realistic generated bundles for the benchmarks: 7 events each, a mix of paths and outcomes.

Deterministic for a seed, so two runs (or two commits) measure the same work.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 3, 1, tzinfo=UTC)

ORIGINS = [
    ("Osaka", "JP", 540, "Kansai Gateway"),
    ("Tokyo", "JP", 540, "Narita Gateway"),
    ("Seoul", "KR", 540, "Incheon Hub"),
    ("Los Angeles", "US", -420, "LAX Gateway"),
    ("Frankfurt", "DE", 60, "FRA Hub"),
    ("Sydney", "AU", 660, "SYD Gateway"),
    ("Hong Kong", "HK", 480, "HKG Hub"),
]
GATEWAYS = [("Shanghai", "Pudong Gateway"), ("Guangzhou", "Baiyun Gateway"), ("Beijing", "Capital Gateway")]
DESTINATIONS = [
    ("Hangzhou", "Zhejiang"),
    ("Shanghai", "Shanghai"),
    ("Chengdu", "Sichuan"),
    ("Shenzhen", "Guangdong"),
]
DHL_NUMBERS = [f"{n}{n % 7}" for n in range(482910573, 482910573 + 5000)]


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _event(
    number: str,
    at: datetime,
    offset: int,
    milestone: str,
    city: str,
    country: str,
    code: str,
    facility: str | None = None,
) -> dict[str, Any]:
    location: dict[str, Any] = {"city": city, "country": country}
    if facility:
        location["facility"] = facility
    return {
        "carrier": "dhl",
        "tracking_number": number,
        "occurred_at": _ts(at),
        "local_offset_minutes": offset,
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": milestone.replace("_", " ").capitalize(),
    }


def direct_bundle(rng: random.Random, i: int) -> dict[str, Any]:
    """A direct international order; about one in five is a mainland-origin fraud or undelivered."""
    city, country, offset, facility = rng.choice(ORIGINS)
    gateway, gw_facility = rng.choice(GATEWAYS)
    dest, region = rng.choice(DESTINATIONS)
    number = DHL_NUMBERS[i % len(DHL_NUMBERS)]
    placed = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 200))
    t = placed + timedelta(hours=rng.randrange(2, 30))
    kind = rng.random()
    if kind < 0.1:  # fraud: shipped from Shenzhen
        city, country, offset, facility = "Shenzhen", "CN", 480, None
    steps = [
        ("picked_up", city, country, offset, "PU", None),
        ("departed_origin", city, country, offset, "PL", facility),
        ("arrived_destination_country", gateway, "CN", 480, "AF", gw_facility),
        ("customs_processing", gateway, "CN", 480, "CR", None),
        ("import_cleared", gateway, "CN", 480, "RR", None),
        ("out_for_delivery", dest, "CN", 480, "WC", None),
        ("delivered", dest, "CN", 480, "OK", None),
    ]
    if kind > 0.9:  # still in transit: the last event is not a delivery
        steps[-1] = ("in_transit", dest, "CN", 480, "PL", None)
    events = []
    for milestone, c, cc, off, code, fac in steps:
        events.append(_event(number, t, off, milestone, c, cc, code, fac))
        t += timedelta(hours=rng.randrange(3, 20))
    bundle: dict[str, Any] = {
        "order": {
            "id": f"ORD-BENCH-{i:07d}",
            "merchant_id": f"M-{i % 97:03d}",
            "consumer_id": f"C-{i:07d}",
            "placed_at": _ts(placed),
            "completed_at": _ts(t),
            "destination": {"country": "CN", "region": region, "city": dest},
            "amount_paid": f"{rng.randrange(1000, 500000) / 100:.2f}",
            "currency": "CNY",
            "buyer_delivery_cost": "0.00",
            "items": [{"sku": "SKU-1", "quantity": 1}],
        },
        "merchant": {"id": f"M-{i % 97:03d}", "return_address": {"country": "CN", "city": "Hangzhou"}},
        "shipments": [
            {
                "carrier": "dhl",
                "tracking_number": number,
                "declared_origin_country": country,
                "events": events,
            }
        ],
        "customs": [{"declaration_number": "220120261000123456", "supervision_mode": "9610", "port": "2201"}],
    }
    if rng.random() < 0.3:
        bundle["complaint"] = {
            "type": "direct_supply",
            "filed_at": _ts(t + timedelta(days=1)),
            "credentials": [{"kind": "waybill", "carrier": "dhl", "tracking_number": number}],
        }
    return bundle


def bonded_bundle(rng: random.Random, i: int) -> dict[str, Any]:
    """A bonded-zone order from the Hangzhou comprehensive bonded zone, delivered by a Chinese courier."""
    dest, region = rng.choice(DESTINATIONS)
    number = f"SF14{rng.randrange(10**10, 10**11)}"
    placed = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 200))
    t = placed + timedelta(hours=rng.randrange(2, 20))
    events = []
    for milestone, city in [
        ("picked_up", "Hangzhou"),
        ("in_transit", "Hangzhou"),
        ("in_transit", "Shanghai"),
        ("in_transit", dest),
        ("in_transit", dest),
        ("out_for_delivery", dest),
        ("delivered", dest),
    ]:
        event = _event(number, t, 480, milestone, city, "CN", "30")
        event["carrier"] = "sf"
        if milestone == "picked_up":
            event["location"]["facility"] = "Hangzhou Comprehensive Bonded Zone"
        events.append(event)
        t += timedelta(hours=rng.randrange(2, 12))
    return {
        "order": {
            "id": f"ORD-BENCH-{i:07d}",
            "merchant_id": f"M-{i % 97:03d}",
            "placed_at": _ts(placed),
            "destination": {"country": "CN", "region": region, "city": dest},
            "amount_paid": f"{rng.randrange(1000, 500000) / 100:.2f}",
            "currency": "CNY",
        },
        "shipments": [
            {
                "carrier": "sf",
                "tracking_number": number,
                "dispatch": {"bonded_zone": "Hangzhou Comprehensive Bonded Zone"},
                "events": events,
            }
        ],
        "customs": [
            {"declaration_number": "2928-2026-I-000123456", "supervision_mode": "1210", "port": "2928"}
        ],
    }


def generate(count: int, seed: int = 20261126) -> list[dict[str, Any]]:
    """``count`` bundles: about 75 % direct, 25 % bonded."""
    rng = random.Random(seed)
    return [bonded_bundle(rng, i) if rng.random() < 0.25 else direct_bundle(rng, i) for i in range(count)]
