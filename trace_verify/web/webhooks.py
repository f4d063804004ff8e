"""``/api/v1/webhooks/{carrier}``: carrier pushes, authenticated by the carrier's signature (no API key)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from trace_verify.services.webhooks import Push
from trace_verify.web.body import read_body
from trace_verify.web.context import now, services
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import answer, register

bp = Blueprint("webhooks", __name__)


def receive(carrier: str) -> Response:
    """Check the signature on the raw bytes, store the body once, merge its events."""
    body = read_body(request, current_app.config["MAX_CONTENT_LENGTH"])
    push = Push(carrier, dict(request.headers.items()), body, request.content_type)
    return answer(services().webhooks.receive(push, now()))


OPERATIONS = register(
    bp,
    [
        (
            Operation(
                "POST",
                "/api/v1/webhooks/{carrier}",
                "receive_webhook",
                "Receive a carrier push: signature checked by the adapter, body stored once, events merged",
                request_schema={"type": "string", "format": "binary"},
                request_media="*/*",
                response_schema="WebhookReceipt",
                errors=(400, 401, 404, 413),
                tags=("webhooks",),
                security=False,
            ),
            receive,
        )
    ],
)
