"""Benchmark: can a merchant tell another merchant's order from an absent one by timing? (issue 10, class 7)

Merchant A's key asks ``GET /api/v1/orders/{id}`` for one of merchant B's orders (rich: several
shipments with events and documents) and for an id nobody holds, interleaved, through the app in
process, on SQLite and, when ``TEST_POSTGRES_URL`` reaches a server, on a throw-away PostgreSQL
database. Both answer 404 with the same body; the target is that the median time for B's order is
within 20 % of the absent id's. Usage: ``python bench/tenancy.py [--rounds N]``; ``--smoke`` runs a
few rounds (what ``make test`` does; never judged).
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.verify import commit, machine  # noqa: E402
from tests.api.support import (  # noqa: E402
    KEYS,
    MERCHANT_A,
    MERCHANT_B,
    World,
    build_world,
    call,
    order_body,
)
from tests.db.support import migrated, sqlite_url, throwaway_postgres  # noqa: E402

TARGET_RATIO = 1.20
SHIPMENTS = 8


def _rich_order(world: World, order_id: str) -> None:
    body = order_body(order_id, MERCHANT_B, "C-B-002", number="1234567891")
    first = body["shipments"][0]
    body["shipments"] = []
    for n in range(SHIPMENTS):
        shipment = copy.deepcopy(first)
        number = f"77{n:08d}"
        shipment["tracking_number"] = number
        for event in shipment.get("events", []):
            event["tracking_number"] = number
        body["shipments"].append(shipment)
    response = call(world.client, "POST", "/api/v1/orders", "platform", body)
    assert response.status_code == 201, response.get_json()


def _median_ms(world: World, path: str, rounds: int) -> list[float]:
    headers = {"Authorization": f"Bearer {KEYS['merchant']}"}
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = world.client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 404
    return times


def measure(name: str, url: str, rounds: int, smoke: bool) -> bool:
    world = build_world(migrated(url), rate_per_minute=10**9, rate_burst=10**9)
    _rich_order(world, "ORD-B-RICH")
    foreign, absent = "/api/v1/orders/ORD-B-RICH", "/api/v1/orders/ORD-NOBODY-HAS"
    assert world.client.get(foreign, headers={"Authorization": f"Bearer {KEYS['merchant']}"}).get_data() == (
        world.client.get(absent, headers={"Authorization": f"Bearer {KEYS['merchant']}"}).get_data()
    )
    _median_ms(world, absent, 20)  # warm-up
    foreign_ms: list[float] = []
    absent_ms: list[float] = []
    for _ in range(10):  # interleaved blocks, so drift on a shared machine hits both alike
        foreign_ms += _median_ms(world, foreign, rounds // 10)
        absent_ms += _median_ms(world, absent, rounds // 10)
    f, a = statistics.median(foreign_ms), statistics.median(absent_ms)
    ratio = f / a
    met = abs(ratio - 1) <= TARGET_RATIO - 1
    verdict = "" if smoke else ("PASS" if met else "MISS")
    print(
        f"  {name:<10} another tenant's order {f:7.3f} ms   absent id {a:7.3f} ms   "
        f"ratio {ratio:5.2f}  (target within ±{(TARGET_RATIO - 1) * 100:.0f} %)  {verdict}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    rounds = 20 if args.smoke else args.rounds
    print("trace_verify benchmark: bench/tenancy.py (existence oracle by timing, GET /orders/{id})")
    print(f"machine : {machine()}")
    print(f"commit  : {commit()}")
    print(f"date    : {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"workload: merchant {MERCHANT_A}'s key; {rounds} GETs each of merchant {MERCHANT_B}'s order "
        f"({SHIPMENTS} shipments with events) and of an absent id, interleaved; median"
    )
    with tempfile.TemporaryDirectory(prefix="tv-bench-tenancy-") as directory:
        measure("sqlite", sqlite_url(Path(directory)), rounds, args.smoke)
    if os.environ.get("TEST_POSTGRES_URL"):
        for url in throwaway_postgres():
            measure("postgresql", url, rounds, args.smoke)
    else:
        print("  postgresql skipped: TEST_POSTGRES_URL is not set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
