"""The server model on a real socket (issue 10, classes 2 and 6): slow clients never take a worker
thread, too-slow and idle connections are closed in bounded time, and every answer the server layer
gives itself is the contract's JSON error. Small and short here; bench/slow_clients.py runs 50
connections for 60 s."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.web.server_support import SlowClient, demo_server, exchange, get

pytestmark = pytest.mark.slow

REQUEST_TIMEOUT = IDLE_TIMEOUT = 2.0
#: Two threads only: a server that gave each connection a thread would be taken by the first two.
SETTINGS = {
    "TRACE_VERIFY_THREADS": "2",
    "TRACE_VERIFY_REQUEST_TIMEOUT": str(REQUEST_TIMEOUT),
    "TRACE_VERIFY_IDLE_TIMEOUT": str(IDLE_TIMEOUT),
    "TRACE_VERIFY_RATE_PER_MINUTE": "6",
    "TRACE_VERIFY_RATE_BURST": "5",
}
DEMO_STAFF_KEY = "tvk_demo_staff_5a1c7e9b3d2f4a6c8e0b1d3f5a7c9e2b"

POST = b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\n"
FRAMING = {
    "bad-chunk-size": (
        b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        400,
    ),
    "both-framing-headers": (
        b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
        b"0\r\n\r\n",
        400,
    ),
    "bad-content-length": (b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n", 400),
    "negative-content-length": (
        b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        400,
    ),
    "over-long-request-line": (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),
    "garbage-start-line": (b"GARBAGE\r\n\r\n", 400),
    "enormous-chunk": (
        b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\nabc",
        413,
    ),
    "declared-body-too-large": (
        b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n",
        413,
    ),
    "unsupported-transfer-encoding": (
        b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        501,
    ),
}


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``make run``'s server (``trace-verify demo``), started once for this module."""
    with demo_server(tmp_path_factory.mktemp("served"), **SETTINGS) as served:
        yield served


@pytest.mark.parametrize("case", sorted(FRAMING))
def test_malformed_framing_is_answered_with_the_contracts_json_error(port: int, case: str) -> None:
    request, status = FRAMING[case]
    started = time.perf_counter()
    response = exchange(port, request, timeout=3)
    assert time.perf_counter() - started < 1.5, "answered at once, not after a timeout"
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.split(b" ", 2)[1] == str(status).encode(), head
    assert b"content-type: application/json" in head.lower()
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message", "field"} and error["code"].isupper()


def test_slow_clients_hold_no_thread_and_are_closed_in_bounded_time(port: int) -> None:
    stop = threading.Event()
    slow = [SlowClient(port, mode, 0.3, stop) for mode in ("header", "body") for _ in range(8)]
    for client in slow:
        client.start()
    time.sleep(0.5)
    try:
        answers = [get(port, "/healthz") for _ in range(15)]
    finally:
        time.sleep(REQUEST_TIMEOUT + 2.5)
        stop.set()
        for client in slow:
            client.join(timeout=3)
    assert [status for status, _, _ in answers] == [200] * 15
    assert max(elapsed for _, _, elapsed in answers) < 1.0
    closed = [c.closed_after for c in slow]
    assert all(c is not None for c in closed), "every dripping connection was closed by the server"
    assert max(c for c in closed if c is not None) < REQUEST_TIMEOUT + 2.0


DEMO_PLATFORM_KEY = "tvk_demo_platform_0f3b9c2e7a4d4815b6e2c9a1f07d53e8"


def _upload_head(length: int) -> bytes:
    return (
        f"POST /api/v1/validations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEMO_PLATFORM_KEY}\r\n"
        f"Content-Type: application/x-ndjson\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_a_steady_bulk_upload_may_outlast_the_request_timeout(port: int) -> None:
    """A bulk upload sent at 1.25 MiB/s for about twice the request timeout is received whole (202):
    each MiB it sends earns it a second (1 MiB/s is the least it must keep up)."""
    line = b'{"pad": "' + b"x" * 1000 + b'"}\n'
    body = line * (5 * 1024 * 1024 // len(line))
    piece = 256 * 1024
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(_upload_head(len(body)))
        for offset in range(0, len(body), piece):
            sock.sendall(body[offset : offset + piece])
            time.sleep(0.2)
        assert time.monotonic() - started > REQUEST_TIMEOUT + 1
        answer = sock.recv(65536)
    assert answer.split(b" ", 2)[1] == b"202", answer[:300]


def test_a_dripping_bulk_upload_is_still_closed(port: int) -> None:
    """The bulk path's allowance is earned by bytes: one byte every 0.3 s earns nothing."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(_upload_head(100_000))
        with pytest.raises(OSError):
            while time.monotonic() - started < REQUEST_TIMEOUT + 6:
                sock.sendall(b" ")
                time.sleep(0.3)
    assert time.monotonic() - started < REQUEST_TIMEOUT + 3.0


def test_an_idle_connection_is_closed_after_the_idle_timeout(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=IDLE_TIMEOUT + 4) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server, nothing sent
        assert time.monotonic() - started < IDLE_TIMEOUT + 2.0


def test_the_served_rate_limit_is_the_documented_burst_with_a_real_retry_after(port: int) -> None:
    """One count per key for the whole served process (README): a burst of 5 passes, the 6th is told
    when a request is allowed again (the burst window: 60 × 5 / 6 = 50 s), not a token 1."""
    auth = {"Authorization": f"Bearer {DEMO_STAFF_KEY}"}
    answers = [exchange(port, _get("/api/v1/orders", auth)) for _ in range(8)]
    statuses = [int(a.split(b" ", 2)[1]) for a in answers]
    assert statuses == [200] * 5 + [429] * 3
    for answer in answers[5:]:
        head = answer.partition(b"\r\n\r\n")[0].decode().lower()
        retry_after = int(head.split("retry-after:")[1].split("\r\n")[0])
        assert 40 <= retry_after <= 50, retry_after


def _get(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    return ("\r\n".join(lines + [f"{k}: {v}" for k, v in headers.items()]) + "\r\n\r\n").encode()
