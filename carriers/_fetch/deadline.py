"""A hard total deadline for one call, even against a server that drips bytes.

A read timeout is per ``recv``: a server sending one byte every 0.4 s never trips it (reliability.md §5
measured ~4 s for a 1 s timeout). So each call arms a watchdog timer; the connections of the session's
adapter register their socket with the call's watchdog just before reading the response, and when the
deadline passes the watchdog shuts that socket down. The blocked read then returns at once, whether it
was waiting for headers or for the body, and the client reports :class:`CarrierTimeout`.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse

_CURRENT: contextvars.ContextVar[Watchdog | None] = contextvars.ContextVar("carrier_watchdog", default=None)


class Watchdog:
    """Shuts the attached socket down when the deadline passes."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self.fired = False
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            _shutdown(self._sock)

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket | None) -> None:
    if sock is None:
        return
    with contextlib.suppress(OSError):  # already closed: nothing left to interrupt
        sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def watchdog(seconds: float) -> Iterator[Watchdog]:
    """Arm a watchdog for the code inside the block (the request and the reading of its body)."""
    dog = Watchdog(seconds)
    token = _CURRENT.set(dog)
    dog.start()
    try:
        yield dog
    finally:
        dog.cancel()
        _CURRENT.reset(token)


def _register_socket(conn: HTTPConnection) -> None:
    dog = _CURRENT.get()
    if dog is not None:
        dog.attach(conn.sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> Any:
        _register_socket(self)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> Any:
        _register_socket(self)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class WatchedAdapter(HTTPAdapter):
    """A requests adapter whose connections obey the current call's watchdog; never follows redirects."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def mount_watched(session: requests.Session, pool_size: int) -> requests.Session:
    """Route the session's http and https traffic through :class:`WatchedAdapter` (bounded pool)."""
    adapter = WatchedAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def response_socket(raw: BaseHTTPResponse) -> socket.socket | None:
    """The socket a streamed response reads from, to tighten its timeout to the time left."""
    conn = getattr(raw, "connection", None)
    sock = getattr(conn, "sock", None)
    return sock if isinstance(sock, socket.socket) else None
