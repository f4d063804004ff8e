"""Routes come from the declared operations: each view is registered at its ``Operation``'s path and
method, so the app and its OpenAPI document cannot drift apart."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from trace_verify.contract.jsonio import dumps_bytes, strict_loads
from trace_verify.contract.text import refuse_nul_in, refuse_nul_in_json
from trace_verify.errors import InvalidInput
from trace_verify.web.body import read_body, require_json
from trace_verify.web.context import services
from trace_verify.web.openapi import Operation

View = Callable[..., Response]

NOW_PARAMETER: dict[str, Any] = {
    "name": "now",
    "in": "query",
    "required": False,
    "description": "Fix the clock windows and plausible years are computed against (RFC 3339 with offset).",
    "schema": {"type": "string", "format": "date-time"},
}
PAGE_PARAMETERS: tuple[dict[str, Any], ...] = (
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Items per page, 1 to 100 (larger values are clamped to 100)",
        "schema": {"type": "integer", "minimum": 1, "default": 20},
    },
    {
        "name": "after",
        "in": "query",
        "required": False,
        "description": "The `next` cursor of the previous page",
        "schema": {"type": "string"},
    },
)


def register(bp: Blueprint, routes: list[tuple[Operation, View]]) -> list[Operation]:
    """Add each view at its operation's rule; returns the operations for the OpenAPI document."""
    from trace_verify.web.idempotency import idempotent  # it imports this module's View

    for operation, view in routes:
        guarded = idempotent(operation, view) if operation.idempotent else view
        bp.add_url_rule(
            operation.flask_rule,
            endpoint=operation.operation_id,
            view_func=_declared_query_only(operation, guarded),
            methods=[operation.method],
        )
    return [operation for operation, _ in routes]


def _declared_query_only(operation: Operation, view: View) -> View:
    """Refuse query parameters the operation does not declare (400 ``UNKNOWN_PARAMETER``).

    A typo must not pass silently (contract, input rules): ``?merchantid=M-1`` would otherwise answer
    with the unfiltered list as if the filter had been applied.
    """
    declared = frozenset(p["name"] for p in operation.parameters if p.get("in") == "query")

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Response:
        # Path and query text no database could store (a NUL) is refused before anything reads it.
        refuse_nul_in((f"/{name}", value) for name, value in kwargs.items() if isinstance(value, str))
        refuse_nul_in((f"?{name[:40]}", name) for name in request.args)
        refuse_nul_in((f"/{name[:40]}", value) for name, value in request.args.items(multi=True))
        unknown = sorted(set(request.args) - declared)
        if unknown:
            name = unknown[0][:40]
            raise InvalidInput("UNKNOWN_PARAMETER", f"unknown query parameter {name!r}", f"?{name}")
        return view(*args, **kwargs)

    return guarded


def json_body(limit: int | None = None) -> Any:
    """The JSON body: ``application/json``, within ``limit`` (default: the body limit), strict (no NaN,
    no duplicate keys)."""
    require_json(request)
    raw = g.get("raw_body")  # already read (within the body limit) by the Idempotency-Key check
    if raw is None:
        raw = read_body(request, limit or current_app.config["MAX_CONTENT_LENGTH"])
    obj = strict_loads(raw)
    refuse_nul_in_json(raw, obj)
    return obj


def request_now() -> datetime:
    """``?now=`` when given (RFC 3339 with an offset), else the current time (the system's clock)."""
    return services().clock.at(request.args.get("now"))


def answer(body: Any, status: int = 200) -> Response:
    """A JSON answer."""
    response = jsonify(body)
    response.status_code = status
    return response


def verdict_answer(body: dict[str, Any]) -> Response:
    """A verdict's JSON answer, written by orjson (as the command line writes verdicts): byte for byte
    what :func:`answer` writes (compact, UTF-8, a final newline) in a fraction of the time, for the
    API's hottest answer. Only for verdicts: they hold strings, integers, booleans and nulls only."""
    return current_app.response_class(dumps_bytes(body) + b"\n", mimetype="application/json")
