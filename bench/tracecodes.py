"""Benchmarks of the traceability codes (issue 12), each against a baseline measured in the same run.

(a) QR PNG generation on one core (this process pinned to one CPU): ``services.qr.png`` on distinct
    URLs (no cache hit), against ``qrcode``'s defaults (``make(fit=True)`` + PIL PNG); target ≥ 500/s.
(b) Bulk registration: 100,000 codes as one CSV through ``POST /api/v1/trace-codes`` (the WSGI app,
    in process), on SQLite and PostgreSQL; target < 30 s.
(c) The scan page ``/t/…`` served by ``trace-verify serve`` (waitress) on loopback at a fixed 200 req/s
    for 60 s (``hey -c 10 -q 20``, Debian's hey), every response 2xx, p99 ≤ 2 × the p99 of ``/healthz``
    in the same run, on SQLite and PostgreSQL.

Usage: ``python bench/tracecodes.py [--only qr,bulk,scan] [--seconds 60] [--codes 100000]``;
``--smoke`` runs each once at a tiny size (what ``make test`` does; no hey needed; not judged).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.served import databases, hey, server, verdict  # noqa: E402
from bench.verify import commit, machine  # noqa: E402

TARGET_PNG_PER_S = 500
TARGET_BULK_SECONDS = 30.0
TARGET_P99_RATIO = 2.0
NOW = datetime(2026, 11, 1, tzinfo=UTC)
SECRET = "bench-installation-signing-secret-0123456789"
MERCHANT = "M-BENCH"
KEY = "tvk_bench_merchant_0123456789abcdef0123456789abcdef"
STAFF_KEY = "tvk_bench_staff_0123456789abcdef0123456789abcdef"
CSV_HEADER = (
    "gtin,product,origin_country,departure_country,import_port,declaration_number,importer_name,"
    "importer_id,supervision_mode\n"
)
CSV_ROW = (
    "3760123450010,Médoc 2019,FR,FR,2201,220120261000045871,上海蓝庭酒业有限公司,91310115MA1K3A2B4M,0110\n"
)


# -- (a) QR PNG ------------------------------------------------------------------------------------


def bench_qr(count: int, smoke: bool) -> bool:
    """PNGs per second on one core: ours vs qrcode's defaults, distinct URLs."""
    from trace_verify.services import qr

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    base = "https://tv.example.cn/t/A"
    urls = [f"{base}{secrets.token_hex(6).upper()}?s={secrets.token_urlsafe(16)}" for _ in range(count)]
    started = time.perf_counter()
    for url in urls:
        qr.png(url)
    ours = count / (time.perf_counter() - started)
    baseline_count = max(1, count // 5)
    baseline = _qrcode_defaults(urls[:baseline_count])
    print("(a) QR PNG generation, one core, distinct URLs (no cache hit)")
    print(f"  ours (services/qr.py)         {ours:10,.0f} PNG/s   ({count:,} codes)")
    if baseline is not None:
        print(f"  qrcode defaults + PIL (base)  {baseline:10,.0f} PNG/s   ({baseline_count:,} codes)")
        print(f"  ours/baseline                 {ours / baseline:10.1f}×")
    ok = ours >= TARGET_PNG_PER_S
    print(f"  target ≥ {TARGET_PNG_PER_S} PNG/s: {verdict(ok)}" + ("  (smoke: not judged)" if smoke else ""))
    return ok


def _qrcode_defaults(urls: list[str]) -> float | None:
    try:
        import qrcode
        from qrcode.constants import ERROR_CORRECT_M
    except ImportError:
        return None
    try:
        import PIL  # noqa: F401
    except ImportError:
        print("  (baseline needs pillow: the test extra)")
        return None
    started = time.perf_counter()
    for url in urls:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
        code.add_data(url)
        code.make(fit=True)
        code.make_image().save(io.BytesIO())
    return len(urls) / (time.perf_counter() - started)


# -- databases ---------------------------------------------------------------------------------------


def prepare(url: str) -> None:
    """Migrate, one merchant with its key and a staff key, one signing key."""
    from trace_verify.db import migrate
    from trace_verify.db.models import Merchant, Role
    from trace_verify.db.session import Database
    from trace_verify.services.keys import KeyService
    from trace_verify.services.signing import Signer

    migrate.upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        session.add(Merchant(id=MERCHANT, name="Bench Wines", created_at=NOW, updated_at=NOW))
    keys = KeyService(database)
    keys.create(Role.MERCHANT, NOW, merchant_id=MERCHANT, secret=KEY, key_id="bench-merchant")
    keys.create(Role.STAFF, NOW, secret=STAFF_KEY, key_id="bench-staff")
    Signer(database, SECRET.encode()).create(NOW)
    database.dispose()


def _app(url: str, directory: Path):  # type: ignore[no-untyped-def]
    from carriers import REGISTRY
    from trace_verify.config import Settings
    from trace_verify.db.session import Database
    from trace_verify.web import create_app

    settings = Settings(data_dir=directory, signing_secret=SECRET, rate_per_minute=10**6, rate_burst=10**6)
    return create_app(settings, REGISTRY, database=Database(url))


# -- (b) bulk registration ----------------------------------------------------------------------------


def bench_bulk(count: int, smoke: bool, directory: Path) -> bool:
    """One CSV of ``count`` rows through the API; the baseline is reading the same CSV with csv."""
    import csv

    body = (CSV_HEADER + CSV_ROW * count).encode("utf-8")
    started = time.perf_counter()
    rows = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"))))
    floor = time.perf_counter() - started
    size = len(body) / 2**20
    print(f"(b) bulk registration: {count:,} codes, one CSV of {size:.1f} MiB via POST /api/v1/trace-codes")
    print(f"  floor: csv.reader over the same bytes  {floor:8.2f} s  ({rows - 1:,} rows)")
    ok = True
    with databases(directory, want_postgres=True) as found:
        for name, url in found:
            prepare(url)
            client = _app(url, directory).test_client()
            started = time.perf_counter()
            response = client.post(
                "/api/v1/trace-codes",
                data=body,
                headers={"Authorization": f"Bearer {KEY}", "Content-Type": "text/csv"},
            )
            elapsed = time.perf_counter() - started
            registered = response.get_json().get("registered") if response.status_code == 201 else None
            good = registered == count and elapsed < TARGET_BULK_SECONDS
            ok = ok and good
            print(
                f"  {name:<11} {elapsed:8.2f} s  {count / elapsed:10,.0f} codes/s  "
                f"status {response.status_code}"
                f"  target < {TARGET_BULK_SECONDS:.0f} s: {verdict(good)}" + ("  (smoke)" if smoke else "")
            )
    return ok


# -- (c) the scan page under a fixed rate ----------------------------------------------------------------


def _scan_path(url: str, directory: Path) -> str:
    client = _app(url, directory).test_client()
    response = client.post(
        "/api/v1/trace-codes",
        data=(CSV_HEADER + CSV_ROW * 100).encode(),
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "text/csv"},
    )
    code_url: str = response.get_json()["codes"][0]["url"]
    return code_url[code_url.index("/t/") :]


def bench_scan(seconds: int, smoke: bool, directory: Path) -> bool:
    print(f"(c) scan page /t/… at 200 req/s for {seconds} s (hey -c 10 -q 20), trace-verify serve (waitress)")
    have_hey = shutil.which("hey") is not None
    if not have_hey and not smoke:
        print("  hey is not installed (apt-get install hey; `make bench` does): MISS")
        return False
    ok = True
    with databases(directory, want_postgres=True) as found:
        for name, url in found:
            prepare(url)
            path = _scan_path(url, directory)
            run_dir = Path(tempfile.mkdtemp(dir=directory))
            with server(url, run_dir, {"TRACE_VERIFY_SIGNING_SECRET": SECRET}) as served:
                base = served.base
                if smoke or not have_hey:
                    for target in (base + "/healthz", base + path):
                        for _ in range(5):
                            body = urllib.request.urlopen(target, timeout=5).read()
                    assert b"banner genuine" in body, body[:300]
                    print(f"  {name:<11} smoke: /healthz and a genuine /t/ page answered (not timed)")
                    continue
                health = hey(base + "/healthz", seconds)
                scan = hey(base + path, seconds)
            ratio = scan.p99 / health.p99 if health.p99 else float("inf")
            good = health.all_2xx and scan.all_2xx and ratio <= TARGET_P99_RATIO
            ok = ok and good
            print(
                f"  {name:<11} /healthz p99 {health.p99 * 1000:7.1f} ms {json.dumps(health.statuses)}   "
                f"/t/ p99 {scan.p99 * 1000:7.1f} ms {json.dumps(scan.statuses)}   ratio {ratio:4.2f}  "
                f"target ≤ {TARGET_P99_RATIO:.0f}× and all 2xx: {verdict(good)}"
            )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default="qr,bulk,scan")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--codes", type=int, default=100_000)
    parser.add_argument("--png", type=int, default=5_000)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.codes, args.png, args.seconds = 200, 200, 1
    print(
        "trace_verify benchmark: bench/tracecodes.py"
        + ("  (smoke: tiny sizes, not judged)" if args.smoke else "")
    )
    print(f"machine : {machine()}")
    print(f"commit  : {commit()}")
    print(f"date    : {datetime.now(UTC):%Y-%m-%d %H:%M UTC}")
    parts = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="tv-bench-") as tmp:
        directory = Path(tmp)
        for sub in ("bulk", "scan"):
            (directory / sub).mkdir()
        if "bulk" in parts:
            bench_bulk(args.codes, args.smoke, directory / "bulk")
        if "scan" in parts:
            bench_scan(args.seconds, args.smoke, directory / "scan")
        if "qr" in parts:  # last: it pins this process to one core
            bench_qr(args.png, args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
