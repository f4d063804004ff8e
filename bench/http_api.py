"""Benchmark of the HTTP API's per-request cost (issue 15, Speed/HTTP): ``POST /api/v1/verify`` against
``/healthz``, side by side under the production server, same run.

``trace-verify serve`` (waitress, one process; README "Serving it: the server model") runs on loopback
over a fresh SQLite database and, when ``TEST_POSTGRES_URL`` answers, a throw-away PostgreSQL one,
each seeded with the contract example's merchant and one merchant API key (rate limit raised for the
run: the bench's own load is not the subject). The body is the contract example bundle
(``shared/contracts/examples/direct-met.bundle.json``: one shipment, seven events, one customs
declaration), sent with the merchant's key. Debian's ``hey`` drives both endpoints:

* peak: ``hey -c 10`` unthrottled for ``--seconds``; target: verify's requests/s ≥ 50 % of /healthz's;
* latency: ``hey -c 10 -q 20`` (200 requests/s) for ``--seconds``; target: verify's p99 ≤ 2 × /healthz's;

every response 2xx. Usage: ``python bench/http_api.py [--seconds 60] [--no-postgres]``; ``--smoke``
runs each phase for one second on SQLite (what ``make test`` does when hey is installed; never judged).

(Not ``bench/http.py``: a script's folder comes first on ``sys.path``, so a ``bench/http.py`` would
shadow the standard library's ``http`` for every benchmark run as ``python bench/<name>.py``.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.served import HeyRun, databases, hey, server, verdict  # noqa: E402
from bench.verify import commit, machine  # noqa: E402

BUNDLE = ROOT.parent / "shared" / "contracts" / "examples" / "direct-met.bundle.json"
FALLBACK_BUNDLE = ROOT / "fixtures" / "bundles" / "direct-met.json"
KEY = "tvk_bench_http_merchant_0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
TARGET_PEAK_SHARE = 0.50
TARGET_P99_RATIO = 2.0
#: The bench's own clients are not the subject: the per-key rate limit is lifted for them.
RAISED_LIMITS = {"TRACE_VERIFY_RATE_PER_MINUTE": "100000000", "TRACE_VERIFY_RATE_BURST": "100000000"}


def bundle_file() -> Path:
    """The contract's example bundle (the fixture copy when the shared folder is not beside the checkout)."""
    return BUNDLE if BUNDLE.exists() else FALLBACK_BUNDLE


def prepare(url: str, bundle: dict[str, object]) -> None:
    """Migrate; the bundle's merchant and one merchant key for it."""
    from trace_verify.db import migrate
    from trace_verify.db.models import Merchant, Role
    from trace_verify.db.session import Database
    from trace_verify.services.keys import KeyService

    merchant_id = bundle["order"]["merchant_id"]  # type: ignore[index]
    migrate.upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        session.add(Merchant(id=merchant_id, name="Bench merchant", created_at=NOW, updated_at=NOW))
    KeyService(database).create(Role.MERCHANT, NOW, merchant_id=merchant_id, secret=KEY, key_id="bench-http")
    database.dispose()


def check_answer(base: str, body: bytes) -> str:
    """One verify through urllib: it must be a 200 with a verdict (else the figures would be of errors)."""
    request = urllib.request.Request(
        base + "/api/v1/verify",
        data=body,
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    found: str = answer["verdict"]
    return found


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def measure(name: str, url: str, directory: Path, seconds: float, smoke: bool) -> bool:
    """Both phases on one database; prints its lines; True when both targets are met."""
    source = bundle_file()
    prepare(url, json.loads(source.read_bytes()))
    run_dir = Path(tempfile.mkdtemp(dir=directory))
    headers = (f"Authorization: Bearer {KEY}",)
    with server(url, run_dir, RAISED_LIMITS) as served:
        answered = check_answer(served.base, source.read_bytes())
        health_url, verify_url = served.base + "/healthz", served.base + "/api/v1/verify"

        def run(url: str, rate: int | None, length: float) -> HeyRun:
            if url == health_url:
                return hey(url, length, rate=rate, pid=served.pid)
            return hey(url, length, rate=rate, method="POST", body=source, headers=headers, pid=served.pid)

        run(health_url, 20, min(seconds, 3))  # warm-up: imports, pools, first queries (not reported)
        run(verify_url, 20, min(seconds, 3))
        print(f"  {name}: verdict {answered!r}; {load()} before the runs")
        peak_health, peak_verify = run(health_url, None, seconds), run(verify_url, None, seconds)
        fixed_health, fixed_verify = run(health_url, 20, seconds), run(verify_url, 20, seconds)
    share = peak_verify.per_second / peak_health.per_second if peak_health.per_second else 0.0
    ratio = fixed_verify.p99 / fixed_health.p99 if fixed_health.p99 else float("inf")
    all_2xx = all(run.all_2xx for run in (peak_health, peak_verify, fixed_health, fixed_verify))
    peak_ok = all_2xx and share >= TARGET_PEAK_SHARE
    p99_ok = all_2xx and ratio <= TARGET_P99_RATIO
    judged = "  (smoke: not judged)" if smoke else ""
    peak_figure = f"verify/healthz {share:6.1%}   target ≥ {TARGET_PEAK_SHARE:.0%}"
    _phase(f"peak, hey -c 10 unthrottled, {seconds:g} s each", peak_health, peak_verify, peak_figure)
    print(f"{verdict(peak_ok)}{judged}")
    cpu_health, cpu_verify = peak_health.cpu_per_response, peak_verify.cpu_per_response
    if cpu_health and cpu_verify:  # what the share would be on an idle machine, the server CPU-bound
        print(f"      server CPU per response: healthz/verify {cpu_health / cpu_verify:6.1%} (not judged)")
    fixed_figure = f"p99 verify/healthz {ratio:5.2f}×   target ≤ {TARGET_P99_RATIO:g}×"
    _phase(
        f"fixed rate, hey -c 10 -q 20 (200 req/s), {seconds:g} s each",
        fixed_health,
        fixed_verify,
        fixed_figure,
    )
    print(f"{verdict(p99_ok)}{judged}")
    print(f"    {load()} after the runs")
    return peak_ok and p99_ok


def _phase(title: str, health: HeyRun, verify: HeyRun, figure: str) -> None:
    """One phase's two lines and its figure, up to its verdict (printed by the caller)."""
    print(f"    {title}:")
    print(_line("/healthz", health))
    print(_line("POST /api/v1/verify", verify))
    print(f"      {figure} and all 2xx: ", end="")


def _line(label: str, run: HeyRun) -> str:
    cpu = f"  server CPU {run.cpu_per_response * 1e6:6.0f} µs/response" if run.cpu_per_response else ""
    return (
        f"      {label:<20} {run.per_second:8,.0f} req/s  p99 {run.p99 * 1000:7.1f} ms  "
        f"{json.dumps(run.statuses)}{cpu}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each hey run")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--smoke", action="store_true", help="1 s per run, SQLite only; not judged")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.no_postgres = 1.0, True
    print("trace_verify benchmark: bench/http_api.py (POST /api/v1/verify against /healthz, same run)")
    print(f"machine : {machine()}")
    print(f"commit  : {commit()}")
    print(f"date    : {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"workload: trace-verify serve (waitress, one process) on loopback; body {bundle_file().name} "
        f"({bundle_file().stat().st_size:,} bytes) with a merchant key; rate limits raised"
    )
    if shutil.which("hey") is None:
        print("  hey is not installed (apt-get install hey; `make bench-http` does): MISS")
        return 1
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="tv-bench-http-") as tmp,
        databases(Path(tmp), want_postgres=not args.no_postgres) as found,
    ):
        for name, url in found:
            results.append(measure(name, url, Path(tmp), args.seconds, args.smoke))
    print(f"result  : {verdict(all(results))}" + ("  (smoke: not judged)" if args.smoke else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
