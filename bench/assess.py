"""Benchmark of tracking-number assessment: µs per ``assess(number, carrier)`` call, against its target.

The verifier calls ``assess`` once per shipment, so it must stay far below the verifier's own budget
(50 µs per bundle at 20,000 bundles/s): the target is 10 µs per call on warm caches. The baseline,
measured in the same run, is ``normalize_number`` alone (the least any assessment does).
Usage: ``python bench/assess.py [--rounds N]``; ``--smoke`` runs 50 rounds (what ``make test`` does)
and does not judge the time.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.verify import commit, machine  # noqa: E402
from carriers import REGISTRY  # noqa: E402
from trace_verify.domain import numbers  # noqa: E402
from trace_verify.domain.numbers import normalize_number  # noqa: E402

CARRIERS = REGISTRY.numbers  # the carriers' number facts, as the service passes them


TARGET_US = 10.0
CASES = (
    ("1Z879E930346834440", "ups"),
    ("RB123456785GB", "royalmail"),
    ("986578788855", "fedex"),
    ("3318810025", "dhl-express"),
)


def per_call_us(rounds: int) -> tuple[float, float]:
    """µs per assess() and per normalize_number(), best of three runs."""
    for number, carrier in CASES:
        numbers.assess(number, carrier, carriers=CARRIERS)  # warm the caches
    best_assess = best_floor = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(rounds):
            for number, carrier in CASES:
                numbers.assess(number, carrier, carriers=CARRIERS)
        best_assess = min(best_assess, (time.perf_counter() - started) / (rounds * len(CASES)))
        started = time.perf_counter()
        for _ in range(rounds):
            for number, _carrier in CASES:
                normalize_number(number)
        best_floor = min(best_floor, (time.perf_counter() - started) / (rounds * len(CASES)))
    return best_assess * 1e6, best_floor * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--smoke", action="store_true", help="50 rounds; the time is not judged")
    args = parser.parse_args(argv)
    rounds = 50 if args.smoke else args.rounds
    ours, floor = per_call_us(rounds)
    verdict = "n/a (smoke)" if args.smoke else ("PASS" if ours <= TARGET_US else "MISS")
    print("trace_verify benchmark: bench/assess.py")
    print(f"machine : {machine()}")
    print(f"commit  : {commit()}")
    print(f"date    : {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"workload: {rounds:,} rounds of {len(CASES)} numbers, warm caches")
    print(f"  assess()            {ours:8.2f} µs/call   ≤ {TARGET_US:.0f} µs   {verdict}")
    print(f"  floor: normalize    {floor:8.2f} µs/call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
