"""``/api/v1/orders/{order_id}/complaints`` and ``/api/v1/complaints``: filing, reading, staff decisions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from trace_verify.web.context import now, page_request, principal, services
from trace_verify.web.idempotency import receipt
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import PAGE_PARAMETERS, answer, json_body, register

bp = Blueprint("complaints", __name__)
TAGS = ("complaints",)
FILTERS: tuple[dict[str, Any], ...] = (
    {
        "name": "status",
        "in": "query",
        "required": False,
        "description": "Only complaints with this decision",
        "schema": {"enum": ["upheld", "rejected", "manual_review", "inadmissible"]},
    },
    {
        "name": "merchant_id",
        "in": "query",
        "required": False,
        "description": "Only this merchant's complaints (narrows a key's complaints, never widens them)",
        "schema": {"type": "string"},
    },
)


def file_complaint(order_id: str) -> Response:
    """File a complaint: checked, decided and, when upheld, deducted from the deposit."""
    who = principal()
    return answer(services().complaints.file(who, order_id, json_body(), now(), receipt(201)), 201)


def list_complaints() -> Response:
    """Complaints the key may read."""
    who = principal()
    args = request.args
    return answer(
        services().complaints.list(who, page_request(), args.get("status"), args.get("merchant_id"))
    )


def get_complaint(complaint_id: str) -> Response:
    """One complaint with its decision, verdict and deduction."""
    who = principal()
    return answer(services().complaints.get(who, complaint_id))


def decide_complaint(complaint_id: str) -> Response:
    """Staff decide a complaint in manual review (upheld deducts)."""
    who = principal()
    return answer(services().complaints.decide(who, complaint_id, json_body(), now(), receipt(200)))


def _op(method: str, path: str, op_id: str, summary: str, **kwargs: Any) -> Operation:
    return Operation(method, path, op_id, summary, tags=TAGS, **kwargs)


OPERATIONS = register(
    bp,
    [
        (
            _op(
                "POST",
                "/api/v1/orders/{order_id}/complaints",
                "file_complaint",
                "File a complaint (the order's consumer, or the platform for one): checked, decided, paid",
                request_schema="ComplaintCreate",
                response_schema="StoredComplaint",
                response_status=201,
                errors=(400, 401, 403, 404, 409, 413, 415, 422, 429),
                idempotency_required=True,
            ),
            file_complaint,
        ),
        (
            _op(
                "GET",
                "/api/v1/complaints",
                "list_complaints",
                "List the complaints the key may read",
                response_schema="StoredComplaintPage",
                errors=(400, 401, 403, 429),
                parameters=(*PAGE_PARAMETERS, *FILTERS),
            ),
            list_complaints,
        ),
        (
            _op(
                "GET",
                "/api/v1/complaints/{complaint_id}",
                "get_complaint",
                "One complaint with its decision, compensation, verdict and deduction",
                response_schema="StoredComplaint",
                errors=(401, 403, 404, 429),
            ),
            get_complaint,
        ),
        (
            _op(
                "POST",
                "/api/v1/complaints/{complaint_id}/decision",
                "decide_complaint",
                "Staff decision on a complaint in manual review: upheld (deducts) or rejected, with a reason",
                request_schema="ComplaintDecision",
                response_schema="StoredComplaint",
                errors=(400, 401, 403, 404, 409, 413, 415, 422, 429),
            ),
            decide_complaint,
        ),
    ],
)
