"""``/api/v1``: verification and the API's own description."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from trace_verify import __version__
from trace_verify.contract.jsonio import strict_loads
from trace_verify.contract.schemas import is_rfc3339, parse_rfc3339
from trace_verify.errors import InputError
from trace_verify.services.verification import VerificationService
from trace_verify.web.body import read_body, require_json
from trace_verify.web.openapi import Operation, build_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")

NOW_PARAMETER: dict[str, Any] = {
    "name": "now",
    "in": "query",
    "required": False,
    "description": "Fix the clock windows and plausible years are computed against (RFC 3339 with offset).",
    "schema": {"type": "string", "format": "date-time"},
}

OPERATIONS = [
    Operation(
        "POST",
        "/api/v1/verify",
        "verify",
        "Verify a bundle and return its verdict (nothing is stored; no carrier is called)",
        request_schema="Bundle",
        response_schema="Verdict",
        errors=(400, 413, 415),
        parameters=(NOW_PARAMETER,),
        tags=("verification",),
    ),
    Operation(
        "GET",
        "/api/v1/openapi.json",
        "openapi",
        "This document",
        response_schema={"type": "object"},
        tags=("meta",),
    ),
]


def _service() -> VerificationService:
    service: VerificationService = current_app.extensions["trace_verify.verification"]
    return service


def _now() -> datetime:
    text = request.args.get("now")
    if text is None:
        return datetime.now(UTC)
    if not is_rfc3339(text):
        raise InputError("INVALID_ARGUMENT", "now must be an RFC 3339 date-time with an offset", "/now")
    return parse_rfc3339(text)


@bp.post("/verify")
def verify() -> Response:
    """Verify the bundle in the body."""
    require_json(request)
    now = _now()
    raw = read_body(request, current_app.config["MAX_CONTENT_LENGTH"])
    return jsonify(_service().verify_json(strict_loads(raw), now))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of every operation of the app."""
    return jsonify(build_document(current_app.extensions["trace_verify.operations"], __version__))
