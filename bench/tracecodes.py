"""Benchmarks of the traceability codes (issue 12), each against a baseline measured in the same run.

(a) QR PNG generation on one core (this process pinned to one CPU): ``services.qr.png`` on distinct
    URLs (no cache hit), against ``qrcode``'s defaults (``make(fit=True)`` + PIL PNG); target ≥ 500/s.
(b) Bulk registration: 100,000 codes as one CSV through ``POST /api/v1/trace-codes`` (the WSGI app,
    in process), on SQLite and PostgreSQL; target < 30 s.
(c) The scan page ``/t/…`` served by ``trace-verify serve`` (gunicorn) on loopback at a fixed 200 req/s
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
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


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


@contextmanager
def databases(directory: Path, want_postgres: bool) -> Iterator[list[tuple[str, str]]]:
    """(name, URL) of a fresh SQLite file and, when reachable, a throw-away PostgreSQL database."""
    found = [("SQLite", f"sqlite+pysqlite:///{directory / 'bench.sqlite3'}")]
    postgres = os.environ.get("TEST_POSTGRES_URL") if want_postgres else None
    name = "tv_bench_" + secrets.token_hex(5)
    engine = None
    if postgres:
        import sqlalchemy as sa

        try:
            engine = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            found.append(("PostgreSQL", sa.make_url(postgres).set(database=name).render_as_string(False)))
        except Exception as exc:
            print(f"  PostgreSQL skipped: {str(exc).splitlines()[0]}")
            engine = None
    try:
        yield found
    finally:
        if engine is not None:
            import sqlalchemy as sa

            with engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, directory: Path) -> Iterator[str]:
    """``trace-verify serve`` (gunicorn, 2 workers × 4 threads) on a free loopback port."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": "" if url.startswith("sqlite") else url,
        "TRACE_VERIFY_DATA_DIR": str(directory),
        "TRACE_VERIFY_SIGNING_SECRET": SECRET,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    if url.startswith("sqlite"):
        env.pop("DATABASE_URL")
        shutil.copy(url.removeprefix("sqlite+pysqlite:///"), directory / "trace_verify.sqlite3")
    command = [
        str(Path(sys.executable).parent / "trace-verify"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    # The server logs a JSON line per request: to a file, never a pipe nobody drains (it would block).
    log = open(directory / "server.log", "wb")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            log.flush()
            error = (directory / "server.log").read_bytes()[-2000:]
            raise RuntimeError("the server did not start: " + error.decode("utf-8", "replace"))
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _scan_path(url: str, directory: Path) -> str:
    client = _app(url, directory).test_client()
    response = client.post(
        "/api/v1/trace-codes",
        data=(CSV_HEADER + CSV_ROW * 100).encode(),
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "text/csv"},
    )
    code_url: str = response.get_json()["codes"][0]["url"]
    return code_url[code_url.index("/t/") :]


def hey(target: str, seconds: int) -> tuple[float, dict[str, int]]:
    """p99 seconds and the status counts of ``hey -c 10 -q 20 -z {seconds}s``."""
    out = subprocess.run(
        ["hey", "-c", "10", "-q", "20", "-z", f"{seconds}s", target],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    p99 = re.search(r"99%+ in ([0-9.]+) secs", out)
    statuses = {m[0]: int(m[1]) for m in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    if p99 is None:
        raise RuntimeError("hey printed no latency distribution:\n" + out[-2000:])
    return float(p99[1]), statuses


def bench_scan(seconds: int, smoke: bool, directory: Path) -> bool:
    print(
        f"(c) scan page /t/… at 200 req/s for {seconds} s (hey -c 10 -q 20), gunicorn 2 workers × 4 threads"
    )
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
            with server(url, run_dir) as base:
                if smoke or not have_hey:
                    for target in (base + "/healthz", base + path):
                        for _ in range(5):
                            body = urllib.request.urlopen(target, timeout=5).read()
                    assert b"banner genuine" in body, body[:300]
                    print(f"  {name:<11} smoke: /healthz and a genuine /t/ page answered (not timed)")
                    continue
                health_p99, health_status = hey(base + "/healthz", seconds)
                scan_p99, scan_status = hey(base + path, seconds)
            all_2xx = all(code.startswith("2") for code in scan_status) and all(
                code.startswith("2") for code in health_status
            )
            ratio = scan_p99 / health_p99 if health_p99 else float("inf")
            good = all_2xx and ratio <= TARGET_P99_RATIO
            ok = ok and good
            print(
                f"  {name:<11} /healthz p99 {health_p99 * 1000:7.1f} ms {json.dumps(health_status)}   "
                f"/t/ p99 {scan_p99 * 1000:7.1f} ms {json.dumps(scan_status)}   ratio {ratio:4.2f}  "
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
