"""Liveness and readiness for load balancers and CI, and the Prometheus metrics."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from trace_verify.web.openapi import Operation

bp = Blueprint("health", __name__)

_CHECKS: dict[str, Any] = {
    "type": "object",
    "description": "each dependency: ok, failed (with why), or not_configured",
    "additionalProperties": {"type": "string"},
}

OPERATIONS = [
    Operation(
        "GET",
        "/healthz",
        "health",
        "The service is up",
        response_schema={"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
        tags=("meta",),
        security=False,
    ),
    Operation(
        "GET",
        "/readyz",
        "ready",
        "The service can serve: database reachable, migrations current, Redis reachable when configured "
        "(503 NOT_READY with the failed checks otherwise)",
        response_schema={
            "type": "object",
            "required": ["status", "checks"],
            "properties": {"status": {"const": "ready"}, "checks": _CHECKS},
        },
        errors=(503,),
        tags=("meta",),
        security=False,
    ),
    Operation(
        "GET",
        "/metrics",
        "metrics",
        "Prometheus metrics: requests, latencies, verdicts, carrier calls, jobs, queue depth",
        response_schema={"type": "string"},
        response_media="text/plain",
        tags=("meta",),
        security=False,
    ),
]


@bp.get("/healthz")
def healthz() -> Response:
    """Always ``{"status": "ok"}`` while the process serves requests."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """Ready when every dependency answers: 200, else 503 with what failed."""
    from trace_verify.startup import readiness

    checks = readiness(current_app.extensions["trace_verify.system"])
    if all(state in ("ok", "not_configured") for state in checks.values()):
        return jsonify({"status": "ready", "checks": checks})
    failed = ", ".join(
        f"{name}: {state}" for name, state in checks.items() if state not in ("ok", "not_configured")
    )
    body = {"error": {"code": "NOT_READY", "message": failed, "field": None}, "checks": checks}
    response = jsonify(body)
    response.status_code = 503
    return response


@bp.get("/metrics")
def metrics() -> Response:
    """Every metric in the Prometheus text format."""
    from trace_verify.observability import metrics_text
    from trace_verify.startup import observe_carriers, observe_queue

    system = current_app.extensions["trace_verify.system"]
    observe_queue(system)
    observe_carriers(system.ports)
    return Response(metrics_text(), mimetype="text/plain")
