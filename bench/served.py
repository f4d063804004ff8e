"""What the benchmarks of the served app share: throw-away databases, ``trace-verify serve`` on loopback,
and Debian's ``hey`` driving it.

Used by ``bench/tracecodes.py`` (the scan page) and ``bench/http_api.py`` (``POST /api/v1/verify`` against
``/healthz``). The server is the documented production command (waitress; README, "Serving it: the
server model"), started as a child process so that the load generator and the server never share a GIL.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


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


# -- the server ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Served:
    """A running server: where it answers and its process id (for its CPU time)."""

    base: str
    pid: int


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process ``pid`` has used so far (Linux ``/proc``; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(url: str, directory: Path, env: Mapping[str, str] | None = None) -> Iterator[Served]:
    """``trace-verify serve`` (waitress, one process) on a free loopback port over the database at
    ``url``. ``env`` adds settings (e.g. raised rate limits)."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": "" if url.startswith("sqlite") else url,
        "TRACE_VERIFY_DATA_DIR": str(directory),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **(env or {}),
    }
    if url.startswith("sqlite"):
        environment.pop("DATABASE_URL")
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
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            log.flush()
            error = (directory / "server.log").read_bytes()[-2000:]
            raise RuntimeError("the server did not start: " + error.decode("utf-8", "replace"))
        yield Served(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# -- hey -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeyRun:
    """What one ``hey`` run printed: requests per second, the 99th percentile and the status counts;
    with the server's pid, also the server's CPU seconds per response (robust on a loaded machine,
    where wall-clock figures mostly measure the other tenants)."""

    per_second: float
    p99: float
    statuses: dict[str, int]
    cpu_per_response: float | None = None

    @property
    def all_2xx(self) -> bool:
        return bool(self.statuses) and all(code.startswith("2") for code in self.statuses)


def hey(
    target: str,
    seconds: float,
    *,
    concurrency: int = 10,
    rate: int | None = 20,
    method: str = "GET",
    body: Path | None = None,
    headers: Sequence[str] = (),
    pid: int | None = None,
) -> HeyRun:
    """``hey -c {concurrency} [-q {rate}] -z {seconds}s`` (``rate`` per worker; None: as fast as it can);
    ``pid``: the server's, to count its CPU time over the run."""
    command = ["hey", "-c", str(concurrency), "-z", f"{seconds}s", "-m", method]
    if rate is not None:
        command += ["-q", str(rate)]
    if body is not None:
        command += ["-D", str(body), "-T", "application/json"]
    for header in headers:
        command += ["-H", header]
    cpu_before = cpu_seconds(pid) if pid is not None else 0.0
    out = subprocess.run([*command, target], capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - cpu_before if pid is not None else None
    # hey leaves out a percentile it has too few samples for (p99 below 100 responses): the slowest then.
    p99 = re.search(r"99%+ in ([0-9.]+) secs", out) or re.search(r"Slowest:\s+([0-9.]+) secs", out)
    per_second = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    statuses = {m[0]: int(m[1]) for m in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    if p99 is None or per_second is None:
        raise RuntimeError("hey printed no latency distribution:\n" + out[-2000:])
    answered = sum(statuses.values())
    per_response = cpu / answered if cpu is not None and answered else None
    return HeyRun(float(per_second[1]), float(p99[1]), statuses, per_response)
