"""The HTTP server model: waitress, which reads every request whole before a worker thread sees it.

Why waitress (issue 10, class 2; figures in ``bench/slow_clients.py`` and the README): a gunicorn
``gthread`` worker hands a connection to a thread as soon as it is accepted, so ten clients that send a
header line every 5 s held all eight threads and normal requests timed out. Waitress receives headers
and bodies (chunked ones too, decoded and capped) in one asynchronous loop and queues a request for
the thread pool only once it is complete, so a slow client costs a socket and a buffer, never a thread.

Three bounds complete it, all from the settings:

* a request that is still incomplete ``request_timeout`` seconds after its first byte is closed
  (waitress itself only closes connections that are *silent*; a client dripping a header line every
  few seconds is never silent); an upload to a large-body path (bulk validations, up to 4 GiB) gets
  one more second for every :data:`MIN_UPLOAD_RATE` bytes it has sent, so a steady upload of any
  size completes while a dripping one is still closed;
* a connection with nothing to do for ``idle_timeout`` seconds is closed (waitress's ``channel_timeout``);
* bodies larger than the body limit are refused by waitress before the app is called.

Every answer waitress gives itself (bad framing, oversized headers or body, an internal error) is the
contract's JSON error, as the app's own are.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Final

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher
from waitress.utilities import RequestEntityTooLarge

#: waitress's own refusals → the contract's error codes (the app's are in web/errors.py).
SERVER_CODES: Final = {
    400: "BAD_REQUEST",
    413: "BODY_TOO_LARGE",
    431: "HEADERS_TOO_LARGE",
    500: "INTERNAL_ERROR",
}


#: Bytes per second a large upload must keep up, on average, to be given more than ``request_timeout``.
MIN_UPLOAD_RATE: Final = 1024 * 1024
#: Bytes read from a socket per call: waitress's 8 KiB made a 250 MB upload ~30,000 loop turns.
RECV_BYTES: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """How long and how much a connection may take before the server closes or refuses it."""

    threads: int = 8
    request_timeout: float = 30.0
    idle_timeout: float = 30.0
    max_body_bytes: int = 1024 * 1024
    #: Paths that take larger bodies (bulk uploads) and their limit; every other path has max_body_bytes.
    large_body_paths: tuple[str, ...] = ()
    large_body_bytes: int = 0
    max_header_bytes: int = 64 * 1024
    connection_limit: int = 500


def error_body(status: int, message: str) -> bytes:
    """The contract's error body for a refusal made below the app."""
    code = SERVER_CODES.get(status, "BAD_REQUEST")
    return json.dumps({"error": {"code": code, "message": message, "field": None}}).encode()


class JsonErrorTask(ErrorTask):  # type: ignore[misc]
    """waitress's error answers (400 bad framing, 413, 431, 500) as JSON, never a text page."""

    def execute(self) -> None:
        error = self.request.error
        message = f"{error.reason}: {str(error.body)[:200]}" if error.code != 500 else "internal error"
        body = error_body(error.code, message)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class BoundedParser(HTTPRequestParser):  # type: ignore[misc]
    """waitress's request parser, stricter on framing.

    * ``Transfer-Encoding`` with ``Content-Length`` is refused (400): a request two parsers could frame
      differently is how requests are smuggled past a proxy (RFC 9112 §6.1 allows refusing it).
    * A body declared (``Content-Length``) or announced (a chunk) larger than its path's limit is
      refused (413) at once, instead of the connection waiting for bytes that could only be refused
      once they arrived. Only the large-body paths (bulk uploads) get the server's large limit.
    """

    completed: bool
    chunked: bool

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if self.chunked and "CONTENT_LENGTH" in self.headers:
            raise ParsingError("Transfer-Encoding and Content-Length together")

    def received(self, data: bytes) -> int:
        consumed: int = super().received(data)
        receiver = self.body_rcv
        if self.completed or receiver is None:
            return consumed
        limit = _body_limit(self.adj, getattr(self, "path", ""))
        if self.chunked:
            announced = self.body_bytes_received + receiver.chunk_remainder
        else:
            announced = self.content_length
        if announced > limit:
            self.error = RequestEntityTooLarge(f"exceeds the body limit of {limit} bytes")
            self.completed = True
        return consumed


def _body_limit(adj: Any, path: str) -> int:
    """The body limit of ``path``: the large one for bulk uploads, else the ordinary one."""
    if _is_large_body_path(adj, path):
        return int(adj.max_request_body_size) - 1
    return int(getattr(adj, "trace_verify_body_limit", adj.max_request_body_size - 1))


def _is_large_body_path(adj: Any, path: str) -> bool:
    large: tuple[str, ...] = getattr(adj, "trace_verify_large_paths", ())
    return any(path == p or path.startswith(p + "?") for p in large)


class BoundedChannel(HTTPChannel):  # type: ignore[misc]
    """A connection that remembers when its incomplete request began (see :class:`BoundedServer`)."""

    error_task_class = JsonErrorTask
    parser_class = BoundedParser
    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        partial_before = self.request is not None
        done: bool = super().received(data)
        if self.request is None:
            self.request_started = None
        elif not partial_before or self.request_started is None:
            self.request_started = time.time()
        return done


class BoundedServer(TcpWSGIServer):  # type: ignore[misc]
    """waitress's TCP server that also closes connections whose request takes too long to arrive."""

    channel_class = BoundedChannel

    def __init__(self, *args: Any, request_timeout: float, **kwargs: Any) -> None:
        self.request_timeout = request_timeout
        super().__init__(*args, **kwargs)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)
        for channel in list(self.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is None or channel.requests:
                continue
            if now - started > self.request_timeout + _upload_allowance(channel.request, self.adj):
                channel.will_close = True


def _upload_allowance(request: Any, adj: Any) -> float:
    """Seconds beyond the request timeout an incomplete upload to a large-body path has earned."""
    if request is None or not _is_large_body_path(adj, getattr(request, "path", None) or ""):
        return 0.0
    return float(getattr(request, "body_bytes_received", 0)) / MIN_UPLOAD_RATE


def create_server(app: Any, host: str, port: int, limits: ServerLimits) -> BoundedServer:
    """A bound, listening server (``port=0`` picks a free port: see ``server.effective_port``)."""
    adj = Adjustments(
        host=host,
        port=port,
        threads=limits.threads,
        channel_timeout=int(max(1, limits.idle_timeout)),
        # How often idle and too-slow connections are looked for: a fraction of the shorter timeout.
        cleanup_interval=int(max(1, min(limits.request_timeout, limits.idle_timeout) / 4)),
        # waitress refuses at >=, so + 1; the per-path limit is BoundedParser's (_body_limit)
        max_request_body_size=max(limits.max_body_bytes, limits.large_body_bytes) + 1,
        max_request_header_size=limits.max_header_bytes,
        recv_bytes=RECV_BYTES,
        connection_limit=limits.connection_limit,
        ident="trace_verify",
        expose_tracebacks=False,
    )
    adj.trace_verify_body_limit = limits.max_body_bytes
    adj.trace_verify_large_paths = limits.large_body_paths
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    return BoundedServer(
        app,
        {},
        True,
        None,
        dispatcher=dispatcher,
        adj=adj,
        sockinfo=adj.listen[0],
        request_timeout=limits.request_timeout,
    )
