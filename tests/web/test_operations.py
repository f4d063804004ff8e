"""What operators rely on: /healthz, /readyz, /metrics, request ids and JSON log lines."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.api.support import direct_met, make_app
from trace_verify.db.session import Database
from trace_verify.observability import REQUEST_ID, JsonFormatter


def test_ready_when_the_database_is_migrated(client: FlaskClient) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not_configured"},
    }


def test_not_ready_on_an_unmigrated_database(tmp_path: Path) -> None:
    app = make_app(Database(f"sqlite+pysqlite:///{tmp_path / 'empty.sqlite3'}"))
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["error"]["code"] == "NOT_READY" and body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"].startswith("at none, newest ")
    assert app.test_client().get("/healthz").status_code == 200  # alive all the same


def test_request_ids_are_echoed_or_made(client: FlaskClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-Id": "lb-1234.a"}).headers["X-Request-Id"] == "lb-1234.a"
    )
    made = client.get("/healthz", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert made != "<script>" and len(made) == 16
    assert client.get("/healthz").headers["X-Request-Id"] != made


def test_metrics_count_requests_and_verdicts(client: FlaskClient, app: Flask) -> None:
    assert client.post("/api/v1/verify?now=2026-03-05T12:00:00Z", json=direct_met()).status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    assert 'trace_verify_http_requests_total{endpoint="api.verify",method="POST",status="200"}' in text
    assert 'trace_verify_verdicts_total{source="verify",verdict="met"}' in text
    assert "trace_verify_http_request_seconds_bucket" in text
    assert 'trace_verify_queue_depth{queue="validations_queued"} 0.0' in text


def test_log_lines_are_json_with_the_request_id() -> None:
    token = REQUEST_ID.set("req-42")
    try:
        record = logging.LogRecord("trace_verify.http", logging.INFO, __file__, 1, "request", None, None)
        record.status = 200
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["request_id"] == "req-42" and line["msg"] == "request" and line["status"] == 200
    assert line["level"] == "info" and line["ts"].endswith("+00:00")
