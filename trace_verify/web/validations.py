"""``/api/v1/validations``: bulk pre-validation jobs (upload, progress, results)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from trace_verify.errors import InvalidInput
from trace_verify.web.context import now, principal, services
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import NOW_PARAMETER, answer, register, request_now

bp = Blueprint("validations", __name__)

JOB_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "state", "format", "rows", "rows_read", "done", "failed", "results"],
    "properties": {
        "id": {"type": "string"},
        "state": {"enum": ["queued", "running", "done", "failed", "expired"]},
        "format": {"enum": ["jsonl", "csv"]},
        "merchant_id": {"type": ["string", "null"], "description": "the merchant whose job it is"},
        "size": {"type": "integer", "description": "bytes uploaded"},
        "rows": {"type": "integer", "description": "rows (lines) uploaded, CSV header excluded"},
        "rows_read": {"type": "integer", "description": "rows (lines) read so far"},
        "done": {"type": "integer", "description": "results rows with a verdict"},
        "failed": {"type": "integer", "description": "results rows with an error (bad rows)"},
        "rate": {"type": ["number", "null"], "description": "rows read per second"},
        "eta_seconds": {"type": ["number", "null"], "description": "seconds until done, at this rate"},
        "created_at": {"type": ["string", "null"], "format": "date-time"},
        "started_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "expires_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "until when a finished job's results are kept; after it the job is expired",
        },
        "error": {"type": ["string", "null"], "description": "why the job failed"},
        "results": {"type": "string", "description": "where the results are downloaded"},
    },
}
FORMAT_PARAMETER: dict[str, Any] = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "jsonl (default) or csv; an Accept: text/csv header also asks for CSV",
    "schema": {"enum": ["jsonl", "csv"]},
}


def submit() -> Response:
    """Stream the upload to disk and queue the job: 202 with the job and its Location."""
    who = principal()
    verify_at = request_now()
    settings = services().validations.settings
    request.max_content_length = settings.bulk_max_bytes  # this endpoint's own limit
    job = services().validations.submit(who, request.stream, request.mimetype, now(), verify_at)
    response = answer(job, 202)
    response.headers["Location"] = url_for("validations.validation_status", job_id=job["id"])
    return response


def status(job_id: str) -> Response:
    """The job's state, counts, rate and ETA."""
    return answer(services().validations.status(principal(), job_id, now()))


def results(job_id: str) -> Response:
    """Each row's verdict, path and finding codes (bad rows by line number), as JSON Lines or CSV."""
    who = principal()
    wanted = request.args.get("format")
    if wanted not in (None, "jsonl", "csv"):
        raise InvalidInput("INVALID_ARGUMENT", "format must be jsonl or csv", "/format")
    as_csv = wanted == "csv" or (wanted is None and request.accept_mimetypes.best == "text/csv")
    chunks = services().validations.results(who, job_id, as_csv)
    mimetype = "text/csv" if as_csv else "application/x-ndjson"
    response = Response(chunks, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{job_id}.{"csv" if as_csv else "jsonl"}"'
    )
    return response


OPERATIONS = register(
    bp,
    [
        (
            Operation(
                "POST",
                "/api/v1/validations",
                "submit_validation",
                "Upload shipments to pre-validate: application/x-ndjson (a bundle a line) or text/csv (an "
                "event a row, the README's columns), up to 1,000,000 rows and 4 GiB; 202 with the job "
                "(a merchant key validates its own orders; carriers are never called)",
                # any bytes: each line (or CSV row) is judged on its own, a bad one answers in place
                request_schema={"description": "one Bundle a line; or text/csv with the README's columns"},
                request_media="application/x-ndjson",
                response_schema=JOB_SCHEMA,
                response_status=202,
                errors=(400, 401, 403, 413, 415, 429),
                parameters=(NOW_PARAMETER,),
                tags=("validations",),
                accepts_idempotency_key=False,  # a streamed upload (issue 13's keys read whole bodies)
            ),
            submit,
        ),
        (
            Operation(
                "GET",
                "/api/v1/validations/{job_id}",
                "validation_status",
                "A bulk validation job: state, rows read, done, failed, rate and ETA",
                response_schema=JOB_SCHEMA,
                errors=(401, 403, 404, 429),
                tags=("validations",),
            ),
            status,
        ),
        (
            Operation(
                "GET",
                "/api/v1/validations/{job_id}/results",
                "validation_results",
                "A finished job's results: one row per bundle (line, order_id, verdict, path, codes, "
                "missing per path for pre-dispatch rows, or the row's error)",
                response_schema={"type": "string"},
                response_media="application/x-ndjson",
                errors=(401, 403, 404, 409, 410, 429),
                parameters=(FORMAT_PARAMETER,),
                tags=("validations",),
            ),
            results,
        ),
    ],
)
