"""What the views share: the services (built once by the start-up) and the key holder of the request."""

from __future__ import annotations

from datetime import datetime

from flask import Request, current_app, g, request

from trace_verify.errors import RateLimited, Unauthorized
from trace_verify.services.access import Principal
from trace_verify.services.pages import PageRequest
from trace_verify.startup import Services

__all__ = ["Services", "now", "page_request", "principal", "services"]


def services() -> Services:
    """The current app's services."""
    found: Services = current_app.extensions["trace_verify.services"]
    return found


def now() -> datetime:
    """The request's clock (the system's)."""
    return services().clock.now()


def _unauthorized(message: str) -> Unauthorized:
    return Unauthorized("UNAUTHORIZED", message)


def principal(req: Request | None = None) -> Principal:
    """The holder of the ``Authorization: Bearer`` key: 401 without a valid key, 429 over its rate."""
    if req is None and "principal" in g:  # one authentication (and one rate-limit token) per request
        cached: Principal = g.principal
        return cached
    found = _authenticate(req or request)
    if req is None:
        g.principal = found
    return found


def _authenticate(req: Request) -> Principal:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("send an API key: Authorization: Bearer <key>")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("the Authorization header must be 'Bearer <key>'")
    found = services().keys.authenticate(token.strip(), now())
    if found is None:
        raise _unauthorized("unknown, revoked or expired API key")
    wait = services().limiter.acquire(found.key_id)
    if wait is not None:
        raise RateLimited("RATE_LIMITED", "too many requests for this key", retry_after=wait)
    return found


def page_request() -> PageRequest:
    """``?limit=`` and ``?after=`` of a list request."""
    return PageRequest.parse(request.args.get("limit"), request.args.get("after"))
