"""Liveness for load balancers and CI."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from trace_verify.web.openapi import Operation

bp = Blueprint("health", __name__)

OPERATIONS = [
    Operation(
        "GET",
        "/healthz",
        "health",
        "The service is up",
        response_schema={"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
        tags=("meta",),
        security=False,
    )
]


@bp.get("/healthz")
def healthz() -> Response:
    """Always ``{"status": "ok"}`` while the process serves requests."""
    return jsonify({"status": "ok"})
