"""``/api/v1``: verification, the API's own description and its docs page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from trace_verify import __version__
from trace_verify.web.components import resource_schemas
from trace_verify.web.context import principal, services
from trace_verify.web.docs import DOCS_PAGE
from trace_verify.web.openapi import Operation, build_document
from trace_verify.web.routing import (
    NOW_PARAMETER,
    answer,
    json_body,
    register,
    request_now,
    verdict_answer,
)

bp = Blueprint("api", __name__)


def verify() -> Response:
    """Verify the bundle in the body against the stored history; nothing is stored."""
    who = principal()
    bundle = json_body(services().verification.max_bundle_bytes)  # the limit the start-up decided
    return verdict_answer(services().verdicts.verify(who, bundle, request_now()))


def openapi() -> Response:
    """The OpenAPI 3.1 description of every operation of the app."""
    operations = current_app.extensions["trace_verify.operations"]
    return answer(build_document(operations, __version__, resource_schemas()))


def docs() -> Response:
    """A self-contained page that renders the OpenAPI document (no CDN, no external script)."""
    return Response(DOCS_PAGE, mimetype="text/html")


OPERATIONS = register(
    bp,
    [
        (
            Operation(
                "POST",
                "/api/v1/verify",
                "verify",
                "Verify a bundle against the stored history and return its verdict (nothing is stored; "
                "no carrier is called); a merchant's bundle whose order is not its own is judged as not "
                "stored",
                request_schema="Bundle",
                response_schema="Verdict",
                errors=(400, 401, 403, 413, 415, 429),
                parameters=(NOW_PARAMETER,),
                tags=("verification",),
            ),
            verify,
        ),
        (
            Operation(
                "GET",
                "/api/v1/openapi.json",
                "openapi",
                "This document",
                response_schema={"type": "object"},
                tags=("meta",),
                security=False,
            ),
            openapi,
        ),
        (
            Operation(
                "GET",
                "/api/v1/docs",
                "docs",
                "This document as a page",
                response_schema={"type": "string"},
                response_media="text/html",
                tags=("meta",),
                security=False,
            ),
            docs,
        ),
    ],
)
