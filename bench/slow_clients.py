"""Benchmark of the server model under slow clients (issue 10, class 2), on loopback only.

The served set-up (``trace-verify demo``, what ``make run`` starts, and ``trace-verify serve``, the
documented production command: waitress, see trace_verify/web/http_server.py) is measured twice:
a baseline of normal requests, then the same normal requests while ``--connections`` slow clients
(half send a header line every ``--interval`` seconds, half a body byte every ``--interval`` seconds
against a declared length; each reconnects when the server closes it) are held for ``--seconds``.
The former model, gunicorn ``gthread`` 2 workers × 4 threads (``gunicorn wsgi:app``), is measured the
same way for comparison (``--no-compare`` skips it).

Target: under attack, normal requests keep their usual latency: p95 within 2× the baseline's
(or +10 ms, whichever is larger) and none fails. Usage: ``python bench/slow_clients.py``
(50 connections, 60 s: about 3 minutes in all); ``--smoke`` runs a few connections for a few seconds
(what ``make test`` does; never judged).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.verify import commit, machine  # noqa: E402

PLATFORM_KEY = "tvk_demo_platform_0f3b9c2e7a4d4815b6e2c9a1f07d53e8"
NORMAL_PATHS = ("/healthz", "/api/v1/orders", "/api/v1/orders/ORD-2026-000184")
NORMAL_TIMEOUT = 5.0
#: The bench's own clients are not the subject: the per-key rate limit is lifted for them.
BENCH_ENV = {"TRACE_VERIFY_RATE_PER_MINUTE": "1000000", "TRACE_VERIFY_RATE_BURST": "1000000"}


# -- servers ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(BENCH_ENV, HOST="127.0.0.1", PORT=str(port), TRACE_VERIFY_DATA_DIR=str(data_dir))
    return env


def _wait_until_up(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start in time")


def _warm_up(port: int, deadline: float) -> None:
    """Until every worker answers (gunicorn binds before its workers have loaded the app)."""
    answered = 0
    while answered < 10 and time.monotonic() < deadline:
        answered = answered + 1 if normal_request(port, "/healthz") is not None else 0
    if answered < 10:
        raise RuntimeError("the server did not answer in time")


@contextmanager
def served(model: str, data_dir: Path) -> Iterator[int]:
    """Start ``model`` (``waitress``: trace-verify demo; ``gunicorn``: gthread 2×4) on loopback."""
    port = _free_port()
    env = _environment(data_dir, port)
    if model == "waitress":
        command = [
            sys.executable,
            "-c",
            "import sys; from trace_verify.cli import main; sys.exit(main(['demo']))",
        ]
    else:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
        ]
        command += ["--threads", "4", "--timeout", "30", "--chdir", str(ROOT), "wsgi:app"]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_up(port, process, time.monotonic() + 120)
        _warm_up(port, time.monotonic() + 120)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prepare(data_dir: Path) -> None:
    """Migrate and load the demo data once (the gunicorn run serves the same database)."""
    env = _environment(data_dir, 0)
    script = "import sys; from trace_verify.cli import main; sys.exit(main(['demo', '--no-serve']))"
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True)


# -- clients ------------------------------------------------------------------------------------------


def normal_request(port: int, path: str) -> float | None:
    """Seconds for one complete GET, or None when it failed or took longer than NORMAL_TIMEOUT."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Authorization: Bearer {PLATFORM_KEY}\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=NORMAL_TIMEOUT) as sock:
            sock.sendall(request)
            response = b""
            while not _complete(response) and (chunk := sock.recv(65536)):
                response += chunk
                if time.perf_counter() - started > NORMAL_TIMEOUT:
                    return None
    except OSError:
        return None
    return time.perf_counter() - started if response.startswith(b"HTTP/1.1 200") else None


def _complete(response: bytes) -> bool:
    """True once the head and the Content-Length bytes of body are in (a server may keep the socket)."""
    head, found, body = response.partition(b"\r\n\r\n")
    if not found:
        return False
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


@dataclass
class Normal:
    """Normal traffic: one request every ``pause`` seconds until stopped."""

    port: int
    pause: float = 0.1
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    def run(self, stop: threading.Event) -> None:
        n = 0
        while not stop.is_set():
            elapsed = normal_request(self.port, NORMAL_PATHS[n % len(NORMAL_PATHS)])
            n += 1
            if elapsed is None:
                self.failures += 1
            else:
                self.latencies.append(elapsed)
            stop.wait(self.pause)


@dataclass
class Slow:
    """One attacker slot: keeps a dripping connection open, reconnecting whenever the server closes it."""

    port: int
    mode: str
    interval: float
    lifetimes: list[float] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                    head = "POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    if self.mode == "body":
                        head += "Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n"
                    sock.sendall(head.encode())
                    n = 0
                    while not stop.wait(self.interval):
                        n += 1
                        sock.sendall(f"X-Drip-{n}: 1\r\n".encode() if self.mode == "header" else b" ")
                    return
            except OSError:
                self.lifetimes.append(time.monotonic() - started)
                stop.wait(0.2)


def _threads(targets: list[object], stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=t.run, args=(stop,), daemon=True) for t in targets]  # type: ignore[attr-defined]
    for thread in threads:
        thread.start()
    return threads


def phase(port: int, seconds: float, connections: int, interval: float) -> tuple[Normal, list[Slow]]:
    """Normal traffic for ``seconds`` while ``connections`` slow clients are held."""
    stop = threading.Event()
    slow = [Slow(port, "header" if i % 2 == 0 else "body", interval) for i in range(connections)]
    attackers = _threads(list(slow), stop)
    time.sleep(min(1.0, seconds / 4) if connections else 0)
    normal = Normal(port)
    clients = _threads([normal], stop)
    time.sleep(seconds)
    stop.set()
    for thread in clients + attackers:
        thread.join(timeout=NORMAL_TIMEOUT + interval + 2)
    return normal, slow


def idle_closed_after(port: int, limit: float) -> float | None:
    """Seconds until the server closes a connection that sends nothing (None: still open at ``limit``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as sock:
        started = time.monotonic()
        try:
            sock.recv(1)
        except TimeoutError:
            return None
        return time.monotonic() - started


# -- report -------------------------------------------------------------------------------------------


def _ms(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _line(label: str, normal: Normal) -> str:
    done = len(normal.latencies)
    return (
        f"  {label:<34} {done:>6} ok {normal.failures:>5} failed   "
        f"p50 {_ms(normal.latencies, 0.5):8.1f} ms  p95 {_ms(normal.latencies, 0.95):8.1f} ms  "
        f"max {_ms(normal.latencies, 1.0):8.1f} ms"
    )


def measure(model: str, data_dir: Path, args: argparse.Namespace) -> bool:
    """Baseline and attack for one model; prints its lines; True when the target is met."""
    with served(model, data_dir) as port:
        baseline, _ = phase(port, args.baseline, 0, args.interval)
        attacked, slow = phase(port, args.seconds, args.connections, args.interval)
        idle = idle_closed_after(port, args.idle_limit) if not args.smoke else None
    print(f"{model}:")
    print(_line("baseline (no slow clients)", baseline))
    print(_line(f"{args.connections} slow clients held {args.seconds:g} s", attacked))
    lifetimes = [t for s in slow for t in s.lifetimes]
    if lifetimes:
        print(
            f"  slow connections closed by the server: {len(lifetimes)}, after median "
            f"{statistics.median(lifetimes):.1f} s, max {max(lifetimes):.1f} s"
        )
    else:
        print("  slow connections closed by the server: none during the run")
    if not args.smoke:
        closed = f"> {args.idle_limit:g} s (still open)" if idle is None else f"{idle:.1f} s"
        print(f"  an idle connection was closed after: {closed}")
    base_p95 = _ms(baseline.latencies, 0.95)
    allowed = max(2 * base_p95, base_p95 + 10)
    met = attacked.failures == 0 and bool(attacked.latencies) and _ms(attacked.latencies, 0.95) <= allowed
    print(f"  target: p95 under attack <= {allowed:.1f} ms and no failure: {'PASS' if met else 'MISS'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between drips")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of baseline traffic")
    parser.add_argument("--idle-limit", type=float, default=45.0)
    parser.add_argument("--no-compare", action="store_true", help="skip the gunicorn gthread comparison")
    parser.add_argument(
        "--smoke", action="store_true", help="6 connections, 3 s: runs and reports, not judged"
    )
    args = parser.parse_args()
    if args.smoke:
        args.connections, args.seconds, args.interval, args.baseline, args.no_compare = 6, 3.0, 0.5, 2.0, True
    print("trace_verify benchmark: bench/slow_clients.py (server model under slow clients, loopback)")
    print(f"machine : {machine()}")
    print(f"commit  : {commit()}")
    print(f"date    : {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"workload: normal GETs every 0.1 s ({', '.join(NORMAL_PATHS)}); {args.connections} slow clients "
        f"(half a header line, half a body byte every {args.interval:g} s; reconnecting when closed)"
    )
    data_dir = Path(tempfile.mkdtemp(prefix="tv-bench-slow-"))
    try:
        prepare(data_dir)
        served_ok = measure("waitress", data_dir, args)
        if not args.no_compare:
            print("former model, for comparison (not the served one):")
            measure("gunicorn", data_dir, args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"result  : the served model {'PASS' if served_ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
