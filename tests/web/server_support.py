"""A real server on loopback for connection-level tests, and raw-socket clients (slow, malformed)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def free_port() -> int:
    """A port nothing listens on right now (bound and released; the server binds it at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def demo_server(data_dir: Path, **env: str) -> Iterator[int]:
    """``trace-verify demo`` (what ``make run`` starts) in its own process on 127.0.0.1; yields its port.

    ``env`` sets server settings (``TRACE_VERIFY_THREADS``, ``…_REQUEST_TIMEOUT``…); the process is
    stopped when the block ends.
    """
    port = free_port()
    variables = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "TRACE_VERIFY_DATA_DIR": str(data_dir),
        **env,
    }
    command = [
        sys.executable,
        "-c",
        "import sys; from trace_verify.cli import main; sys.exit(main(['demo']))",
    ]
    process = subprocess.Popen(command, env=variables, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        _wait_listening(process, time.monotonic() + 90)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


def _wait_listening(process: subprocess.Popen[bytes], deadline: float) -> None:
    assert process.stderr is not None
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        if b"listening on" in line:
            threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
            return
    raise RuntimeError("the server did not start in time")


def _drain(stream: IO[bytes]) -> None:
    for _ in iter(stream.readline, b""):
        pass


def exchange(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Send ``data`` on a new connection; everything the server answers until it closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
                if b"\r\n\r\n" in out and _complete(out):
                    break
        except TimeoutError:
            pass
        return out


def _complete(response: bytes) -> bool:
    head, _, body = response.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """A normal GET: its status, body and how long it took."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    started = time.perf_counter()
    response = exchange(port, ("\r\n".join(lines) + "\r\n\r\n").encode())
    elapsed = time.perf_counter() - started
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
    return status, response.partition(b"\r\n\r\n")[2], elapsed


class SlowClient(threading.Thread):
    """A connection that drips its request: a header line (``mode="header"``) or one body byte
    (``mode="body"``) every ``interval`` seconds, until ``stop`` is set or the server closes it.
    ``closed_after`` records how long the server let it live."""

    def __init__(self, port: int, mode: str, interval: float, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.mode, self.interval, self.stop = port, mode, interval, stop
        self.closed_after: float | None = None

    def run(self) -> None:
        started = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                head = "POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                if self.mode == "body":
                    head += "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                sock.sendall(head.encode())
                n = 0
                while not self.stop.wait(self.interval):
                    n += 1
                    sock.sendall(f"X-Drip-{n}: 1\r\n".encode() if self.mode == "header" else b" ")
        except OSError:
            self.closed_after = time.monotonic() - started
