"""Request ids, one JSON log line per request, and the HTTP metrics (``trace_verify.observability``)."""

from __future__ import annotations

import logging
import re
import secrets
import time

from flask import Flask, Response, g, request

from trace_verify.observability import LATENCY, REQUEST_ID, REQUESTS

log = logging.getLogger("trace_verify.http")

#: A request id a client or load balancer may send (``X-Request-Id``); anything else gets a new one.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def register(app: Flask) -> None:
    """Install the before/after hooks on ``app``."""
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    given = request.headers.get("X-Request-Id", "")
    request_id = given if _GIVEN_ID.fullmatch(given) else secrets.token_hex(8)
    g.request_id = request_id
    g.started = time.perf_counter()
    REQUEST_ID.set(request_id)


def _finish(response: Response) -> Response:
    request_id = g.get("request_id", "")
    if request_id:
        response.headers["X-Request-Id"] = request_id
    started = g.get("started")
    elapsed = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.endpoint or "unmatched"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    LATENCY.labels(endpoint).observe(elapsed)
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path[:200],
            "endpoint": endpoint,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2),
        },
    )
    return response
