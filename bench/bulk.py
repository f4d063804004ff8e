"""Benchmark of bulk pre-validation (issue 15): upload → job → results, end to end over HTTP.

The production server (``trace-verify serve``, waitress, with the embedded job runner) runs on a fresh
SQLite data directory on a free loopback port. N generated bundles (7 events each, ~75% direct / 25%
bonded) are written to a file first, as a merchant would have them; the timer starts with the first
byte uploaded from that file, the job's progress is polled until it is done (``GET`` shows rows read,
rate and ETA as it goes), and stops with the last byte of results downloaded. Figures: wall time,
rows/s, and the peak memory (VmHWM) of every process involved (the server, the forkserver, each verify
worker), sampled while the job runs. Targets: 100,000 rows in < 30 s; every process < 300 MB; and
constant memory: no process's peak grows after the first fifth of the job (``--rows 1000000`` is the
issue's run of record: ten times the rows, the same memory).

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


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) ``pid`` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _name(pid: int, server: int) -> str:
    """What a process of the run is: the server, the forkserver, a verify worker, a helper."""
    if pid == server:
        return "server"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "resource_tracker" in command:
        return "resource tracker"
    if "forkserver" in command:
        return "forkserver" if _parent(pid) == server else "verify worker"
    return "child"


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


class PeakMemory:
    """Samples the peak RSS of every process under ``pid`` until stopped (processes come and go)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, float] = {}
        self.names: dict[int, str] = {}
        self.cpu: dict[int, float] = {}
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
            self.sample()
            self._stop.wait(0.1)

    def sample(self) -> None:
        for pid in _descendants(self.pid):
            peak = _hwm_mb(pid)
            if peak:
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_s(pid))
                self.names.setdefault(pid, _name(pid, self.pid))

    def worst(self) -> float:
        return max(self.peaks.values(), default=0.0)

    def snapshot(self) -> dict[int, float]:
        """Each process's peak so far."""
        self.sample()
        return dict(self.peaks)


def _write_body(path: Path, rows: int) -> int:
    """The upload file: ``rows`` bundles cycled from a pool of distinct ones; its size in bytes."""
    pool = [json.dumps(o).encode() + b"\n" for o in generate(min(rows, POOL), seed=15)]
    with open(path, "wb") as out:
        for start in range(0, rows, 1000):
            out.write(b"".join(pool[n % len(pool)] for n in range(start, min(rows, start + 1000))))
    return path.stat().st_size


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def _start_server(directory: Path, port: int, workers: int | None) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "TRACE_VERIFY_DATA_DIR": str(directory),
        "TRACE_VERIFY_RATE_PER_MINUTE": "1000000",
        "TRACE_VERIFY_RATE_BURST": "1000000",
        "PYTHONPATH": str(ROOT),
        "TRACE_VERIFY_REQUEST_TIMEOUT": "30",
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


def run(rows: int, workers: int | None, show_progress: bool) -> dict[str, Any]:
    """Upload ``rows`` bundles, wait for the job, download the results; wall time and peak memory."""
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        body = Path(tmp) / "upload.jsonl"
        size = _write_body(body, rows)
        port = _free_port()
        server, key = _start_server(Path(tmp) / "data", port, workers)
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {key}"}
        progress: list[dict[str, Any]] = []
        loads: list[float] = []
        early: dict[int, float] = {}
        try:
            with PeakMemory(server.pid) as memory:
                memory.sample()
                cpu_before = sum(memory.cpu.values())
                started = time.perf_counter()
                submitted = requests.post(
                    f"{base}/api/v1/validations?now={NOW}",
                    data=_file_chunks(body),
                    headers={**headers, "Content-Type": "application/x-ndjson"},
                    timeout=3600,
                )
                submitted.raise_for_status()
                uploaded = time.perf_counter() - started
                location = base + submitted.headers["Location"]
                while True:
                    status = requests.get(location, headers=headers, timeout=60).json()
                    if status["state"] in ("done", "failed"):
                        break
                    progress.append({**status, "at": time.perf_counter() - started})
                    loads.append(os.getloadavg()[0])
                    if show_progress and len(progress) % 50 == 1:
                        _print_progress(progress[-1])
                    if not early and status["rows_read"] >= rows // 5:
                        early = memory.snapshot()
                    time.sleep(0.2)
                if status["state"] != "done":
                    raise SystemExit(f"the job failed: {status.get('error')}")
                results = requests.get(base + status["results"], headers=headers, timeout=3600, stream=True)
                lines = sum(chunk.count(b"\n") for chunk in results.iter_content(1 << 20))
                wall = time.perf_counter() - started
                final = memory.snapshot()
        finally:
            server.terminate()
            server.wait(30)
    if lines != rows:
        raise SystemExit(f"{lines} results rows for {rows} rows")
    return {
        "rows": rows,
        "size": size,
        "wall_s": wall,
        "upload_s": uploaded,
        "job_s": status["finished_at"] and _job_seconds(status),
        "rss_mb": memory.worst(),
        "processes": [(memory.names.get(pid, "?"), pid, peak, early.get(pid)) for pid, peak in final.items()],
        "progress_samples": len(progress),
        "loads": loads,
        "cpu_s": sum(memory.cpu.values()) - cpu_before,
    }


def _job_seconds(status: dict[str, Any]) -> float:
    started = datetime.fromisoformat(status["started_at"])
    return (datetime.fromisoformat(status["finished_at"]) - started).total_seconds()


def _print_progress(status: dict[str, Any]) -> None:
    print(
        f"  [{status['at']:7.1f} s] {status['state']:<7} "
        f"rows read {status['rows_read']:>9,} / {status['rows']:,}"
        f"  done {status['done']:>9,}  failed {status['failed']:,}  rate {status['rate'] or 0:>7,.0f}/s"
        f"  ETA {status['eta_seconds'] if status['eta_seconds'] is not None else '-'} s",
        file=sys.stderr,
        flush=True,
    )


def constant_memory(processes: list[tuple[str, int, float, float | None]]) -> bool:
    """True when no process's peak grew after the first fifth of the job (10% or 8 MB of slack)."""
    return all(early is not None and peak <= max(early * 1.10, early + 8) for _, _, peak, early in processes)


def report(rows: int, workers: int | None, smoke: bool) -> str:
    first = run(rows, workers, show_progress=rows >= 500_000)
    scaled = first["wall_s"] * 100_000 / rows
    loads = first["loads"] or [os.getloadavg()[0]]
    time_verdict = verdict(scaled, TARGET_SECONDS_100K, higher_is_better=False)
    sampled = any(early is not None for _, _, _, early in first["processes"])
    constant = ("PASS" if constant_memory(first["processes"]) else "MISS") if sampled else "n/a (too short)"
    out = [
        "trace_verify benchmark: bench/bulk.py",
        f"machine : {machine()}",
        f"commit  : {commit()}",
        f"date    : {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"load    : 1-minute load average {min(loads):.1f}–{max(loads):.1f} while the job ran (2 cores)",
        f"workload: {rows:,} JSON Lines bundles (7 events; ~75% direct / 25% bonded; "
        f"{first['size'] / 1e6:,.0f} MB) uploaded to `trace-verify serve` (waitress, SQLite, embedded "
        f"runner), job on {workers or os.cpu_count()} verify processes",
        "",
        "results                                   measured        target",
        f"  upload → results, {rows:,} rows      {first['wall_s']:>8.1f} s   "
        + (
            f"< {TARGET_SECONDS_100K:.0f} s  {time_verdict}"
            if rows == 100_000
            else f"(= {scaled:.1f} s per 100,000; < {TARGET_SECONDS_100K:.0f} s  {time_verdict})"
        ),
        f"      (upload {first['upload_s']:.1f} s, job {first['job_s']:.1f} s; "
        f"{first['rows'] / first['wall_s']:,.0f} rows/s end to end; "
        f"{first['progress_samples']} progress reads)",
        f"      (CPU of the server and its workers: {first['cpu_s']:.1f} s = "
        f"{first['cpu_s'] * 100_000 / rows / 2:.1f} s per 100,000 rows spread over 2 idle cores)",
        f"  peak RSS of any process               {first['rss_mb']:>8.1f} MB  < {TARGET_RSS_MB:.0f} MB   "
        f"{verdict(first['rss_mb'], TARGET_RSS_MB, higher_is_better=False)}",
        f"  constant memory (peak at 20% of the rows = peak at the end)        {constant}",
    ]
    for name, pid, peak, early in sorted(first["processes"], key=lambda p: (p[0], p[1])):
        at_fifth = f"{early:7.1f} MB" if early is not None else "      -   "
        out.append(f"      {name:<17} pid {pid:<8} peak {peak:7.1f} MB   (at 20% of rows: {at_fifth})")
    if smoke:
        out.append("  (smoke run: sizes too small to judge the targets)")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=100_000, help="rows uploaded (1000000: the constant-memory run of record)"
    )
    parser.add_argument("--workers", type=int, help="verify processes of the job (default: every CPU)")
    parser.add_argument("--smoke", action="store_true", help="500 rows once: a check that it runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows = 500
    print(report(args.rows, args.workers, args.smoke), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
