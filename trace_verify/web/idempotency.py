"""The HTTP side of ``Idempotency-Key`` (``services.idempotency`` has the rules): every POST made with
an API key is wrapped here, so no endpoint can forget it.

Order of checks: the caller's API key (401/429), the header's presence and format (400), the body's
size (413), then the claim. After the view: a success (2xx) or a business conflict (409) is the
request's answer and is stored (money views store it inside their own transaction through
:func:`receipt`); anything else releases the claim, so a request refused by validation does not
consume its key.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy.orm import Session

from trace_verify.errors import InvalidInput, ServiceError
from trace_verify.services.idempotency import Claim, IdempotencyStore, Replay, check_key, request_hash
from trace_verify.web.body import read_body
from trace_verify.web.context import principal
from trace_verify.web.errors import status_of
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import View

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_STORED = frozenset({409})


def store() -> IdempotencyStore:
    """The app's store."""
    found: IdempotencyStore = current_app.extensions["trace_verify.idempotency"]
    return found


def _dumps(body: Any) -> str:
    return current_app.json.dumps(body) + "\n"


def receipt(status: int) -> Any:
    """``receipt(session, body)`` for a money service: records this request's answer (``status`` and
    ``body``) in the service's own transaction; None when the request carries no key."""
    claim: Claim | None = g.get("idempotency_claim")
    if claim is None:
        return None

    def record(session: Session, body: Any) -> None:
        assert claim is not None
        claim.record(session, status, _dumps(body))

    return record


def _replay(found: Replay) -> Response:
    response = current_app.response_class(found.body, status=found.status, mimetype="application/json")
    response.headers[REPLAYED_HEADER] = "true"
    return response


def idempotent(operation: Operation, view: View) -> View:
    """``view`` honouring ``Idempotency-Key`` (required when the operation says so)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None and not operation.idempotency_required:
            return view(*args, **kwargs)
        who = principal()
        if key is None:
            raise InvalidInput("IDEMPOTENCY_KEY_REQUIRED", f"send an {HEADER} header (a UUID, say)", HEADER)
        check_key(key)
        if request.mimetype not in ("", "application/json"):  # a streamed upload (CSV) is not read whole
            raise InvalidInput(
                "IDEMPOTENCY_KEY_UNSUPPORTED",
                f"{HEADER} covers JSON bodies; send this {request.mimetype[:40]} upload without it",
                HEADER,
            )
        body = read_body(request, current_app.config["MAX_CONTENT_LENGTH"])
        g.raw_body = body
        fingerprint = request_hash(request.method, request.full_path, body)
        found = store().begin(who.key_id, key, fingerprint, datetime.now(UTC))
        if isinstance(found, Replay):
            return _replay(found)
        g.idempotency_claim = found
        try:
            response = view(*args, **kwargs)
        except ServiceError as error:
            if status_of(error) in _STORED:
                store().finish(found, status_of(error), _dumps(error.to_json()))
            else:
                store().release(found)
            raise
        except BaseException:
            store().release(found)
            raise
        if found.recorded:
            return response
        if 200 <= response.status_code < 300 or response.status_code in _STORED:
            store().finish(found, response.status_code, response.get_data(as_text=True))
        else:
            store().release(found)
        return response

    return wrapped
