"""The real server for the money tests: ``trace-verify serve`` (gunicorn, threaded workers) in its
own process on a free loopback port, over a throw-away PostgreSQL database."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

VENV_BIN = Path(sys.executable).parent


ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port nothing listens on right now (127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, headers and decoded JSON body (None when the connection died)."""

    status: int
    headers: dict[str, str]
    body: Any


def request(
    port: int, method: str, path: str, key: str, body: Any = None, headers: Mapping[str, str] | None = None
) -> Reply:
    """One request on a fresh connection of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=180)  # a loaded CI box
    try:
        sent = {"Authorization": f"Bearer {key}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        return Reply(response.status, dict(response.getheaders()), json.loads(raw) if raw else None)
    finally:
        connection.close()


@contextmanager
def server(
    database_url: str, extra_env: Mapping[str, str] | None = None, workers: int = 2, supervised: bool = False
) -> Iterator[int]:
    """Serve ``database_url`` until the block ends; yields the port.

    ``trace-verify serve`` (waitress, one process); ``supervised`` runs ``gunicorn wsgi:app`` instead, for
    tests that kill a worker and need a supervisor to start another (in production that is the
    instance's process supervisor).
    """
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WEB_CONCURRENCY": str(workers),
        "TRACE_VERIFY_RATE_PER_MINUTE": "1000000",
        "TRACE_VERIFY_RATE_BURST": "1000000",
        "TRACE_VERIFY_TESTING": "1",
        **(extra_env or {}),
    }
    # The server logs a line per request: into a file, never a pipe nobody reads (a full pipe blocks
    # every worker thread on its next log line).
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below, after the yield)
    command = [str(VENV_BIN / "trace-verify"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if supervised:
        command = [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        command += ["--worker-class", "gthread", "--threads", "4", "--chdir", str(ROOT), "wsgi:app"]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        _wait_ready(port, process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace")
            raise RuntimeError(f"the server exited ({process.returncode}): {err[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:  # closed on every path: a slow-booting worker times out here on a loaded machine
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            finally:
                connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz within 30 s")
