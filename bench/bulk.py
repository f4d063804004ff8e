"""Benchmark of bulk pre-validation (issue 15): upload → job → results, end to end over HTTP.

The production server (``trace-verify serve``, gunicorn) runs on a fresh SQLite data directory on a
free loopback port; N generated bundles (7 events each, ~75% direct / 25% bonded) are uploaded as
JSON Lines, the job's progress is polled until it is done, and the results are downloaded. Figures:
wall time from the first byte uploaded to the last byte of results, rows/s, and the peak memory
(VmHWM) of every process involved (server master and workers, the job's verify pool), sampled while
the job runs. Targets: 100,000 rows in < 30 s; every process < 300 MB; and, with ``--rows 1000000``,
the same peak memory for ten times the rows (constant memory).

Usage: ``python bench/bulk.py [--rows N] [--workers N]``; ``--smoke`` runs 500 rows once (what
``make test`` does; timings are then not judged).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.bundles import generate  # noqa: E402
from bench.verify import commit, machine, verdict  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
TARGET_SECONDS_100K = 30.0
TARGET_RSS_MB = 300.0
POOL = 10_000  # distinct bundles cycled through
CLI = [sys.executable, "-m", "trace_verify.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PeakMemory:
    """Samples the peak RSS of every process under ``pid`` until stopped (processes come and go)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in _descendants(self.pid):
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), _hwm_mb(pid))
            self._stop.wait(0.1)

    def worst(self) -> float:
        return max(self.peaks.values(), default=0.0)


def _body(rows: int) -> Iterator[bytes]:
    pool = [json.dumps(o).encode() + b"\n" for o in generate(min(rows, POOL), seed=15)]
    batch: list[bytes] = []
    for n in range(rows):
        batch.append(pool[n % len(pool)])
        if len(batch) == 1000:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


def _start_server(directory: Path, port: int, workers: int | None) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "TRACE_VERIFY_DATA_DIR": str(directory),
        "TRACE_VERIFY_RATE_PER_MINUTE": "1000000",
        "TRACE_VERIFY_RATE_BURST": "1000000",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if workers:
        env["TRACE_VERIFY_WORKERS"] = str(workers)
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)
    created = subprocess.run(
        [*CLI, "keys", "create", "--role", "platform"], env=env, check=True, capture_output=True, cwd=ROOT
    )
    key = created.stdout.decode().strip()
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return server, key
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def run(rows: int, workers: int | None) -> dict[str, float]:
    """Upload ``rows`` bundles, wait for the job, download the results; wall time and peak memory."""
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        port = _free_port()
        server, key = _start_server(Path(tmp), port, workers)
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {key}"}
        try:
            with PeakMemory(server.pid) as memory:
                started = time.perf_counter()
                submitted = requests.post(
                    f"{base}/api/v1/validations?now={NOW}",
                    data=_body(rows),
                    headers={**headers, "Content-Type": "application/x-ndjson"},
                    timeout=600,
                )
                submitted.raise_for_status()
                uploaded = time.perf_counter() - started
                location = base + submitted.headers["Location"]
                while True:
                    status = requests.get(location, headers=headers, timeout=30).json()
                    if status["state"] in ("done", "failed"):
                        break
                    time.sleep(0.2)
                if status["state"] != "done":
                    raise SystemExit(f"the job failed: {status.get('error')}")
                results = requests.get(base + status["results"], headers=headers, timeout=600, stream=True)
                lines = sum(chunk.count(b"\n") for chunk in results.iter_content(1 << 20))
                wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)
    if lines != rows:
        raise SystemExit(f"{lines} results rows for {rows} rows")
    return {"rows": rows, "wall_s": wall, "upload_s": uploaded, "rss_mb": memory.worst()}


def report(rows: int, big: int | None, workers: int | None, smoke: bool) -> str:
    first = run(rows, workers)
    out = [
        "trace_verify benchmark: bench/bulk.py",
        f"machine : {machine()}",
        f"commit  : {commit()}",
        f"date    : {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"workload: {rows:,} JSON Lines bundles (7 events; ~75% direct / 25% bonded) uploaded to "
        f"`trace-verify serve` (gunicorn, SQLite), job on {workers or os.cpu_count()} verify processes",
        "",
        "results                                   measured        target",
        f"  upload → results, {rows:,} rows      {first['wall_s']:>8.1f} s   < {TARGET_SECONDS_100K:.0f} s "
        f"(for 100,000)  {verdict(first['wall_s'], TARGET_SECONDS_100K, higher_is_better=False)}",
        f"      (upload {first['upload_s']:.1f} s; {first['rows'] / first['wall_s']:,.0f} rows/s end to end)",
        f"  peak RSS of any process               {first['rss_mb']:>8.1f} MB  < {TARGET_RSS_MB:.0f} MB   "
        f"{verdict(first['rss_mb'], TARGET_RSS_MB, higher_is_better=False)}",
    ]
    if big:
        second = run(big, workers)
        constant = second["rss_mb"] <= max(first["rss_mb"] * 1.25, first["rss_mb"] + 20)
        out += [
            f"  {big:,} rows: {second['wall_s']:.1f} s ({second['rows'] / second['wall_s']:,.0f} rows/s), "
            f"peak RSS {second['rss_mb']:.1f} MB vs {first['rss_mb']:.1f} MB   constant memory "
            f"{'PASS' if constant and second['rss_mb'] < TARGET_RSS_MB else 'MISS'}",
        ]
    if smoke:
        out.append("  (smoke run: sizes too small to judge the targets)")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the timed upload")
    parser.add_argument("--big", type=int, default=1_000_000, help="rows of the memory run (0: skip)")
    parser.add_argument("--workers", type=int, help="verify processes of the job (default: every CPU)")
    parser.add_argument("--smoke", action="store_true", help="500 rows once: a check that it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.big = 500, 0
    print(report(args.rows, args.big or None, args.workers, args.smoke), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
