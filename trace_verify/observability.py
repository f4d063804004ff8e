"""What operators see: structured JSON logs with request ids, and Prometheus metrics.

Logs: one JSON object a line on stderr (``ts``, ``level``, ``logger``, ``msg``, and ``request_id`` and
the request's fields when there is one), so a log shipper needs no parsing rules. Metrics: the
``prometheus_client`` objects below, served at ``/metrics``. Under gunicorn (several processes) set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory and every process's counts are added up.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

#: The id of the request being served (empty outside a request): added to every log line.
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")

REQUESTS: Final = Counter(
    "trace_verify_http_requests_total", "HTTP requests answered", ("method", "endpoint", "status")
)
LATENCY: Final = Histogram(
    "trace_verify_http_request_seconds",
    "Time to answer an HTTP request",
    ("endpoint",),
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
VERDICTS: Final = Counter("trace_verify_verdicts_total", "Verdicts given, by outcome", ("source", "verdict"))
CARRIER_CALLS: Final = Counter(
    "trace_verify_carrier_calls_total", "Live carrier calls by outcome", ("carrier", "outcome")
)
#: A carrier's breaker: 0 closed, 1 half-open (a probe may go), 2 open (calls refused without sending).
#: Set when /metrics is read, from where breakers are kept (Redis when shared); the newest reading wins.
BREAKER_STATE: Final = Gauge(
    "trace_verify_carrier_breaker_state",
    "Carrier circuit breaker: 0 closed, 1 half-open, 2 open",
    ("carrier",),
    multiprocess_mode="mostrecent",
)
BREAKER_VALUES: Final = {"closed": 0, "half_open": 1, "open": 2}
QUEUE_DEPTH: Final = Gauge(
    "trace_verify_queue_depth", "Background work waiting or running", ("queue",), multiprocess_mode="max"
)
JOBS: Final = Counter(
    "trace_verify_jobs_total", "Background jobs finished, by kind and state", ("kind", "state")
)

_STANDARD = frozenset(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line; fields passed with ``extra=`` are kept."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the service's loggers (called by ``serve`` and ``worker``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("trace_verify").setLevel(level)


def metrics_text() -> bytes:
    """Every metric in the Prometheus text format (all processes' when multiprocess mode is on)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()
