"""Every error the HTTP layer answers, in the contract's shape; never a stack trace.

The one place where an error *kind* (``trace_verify.errors``) becomes an HTTP status and headers.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from trace_verify import errors

log = logging.getLogger(__name__)

#: Each kind's status; a subclass answers with its nearest listed ancestor's.
STATUS_OF_KIND: dict[type[errors.ServiceError], int] = {
    errors.InvalidInput: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.TooLarge: 413,
    errors.UnsupportedMedia: 415,
    errors.Unprocessable: 422,
    errors.RateLimited: 429,
    errors.Internal: 500,
    errors.Unavailable: 503,
    errors.ServiceError: 400,
}

#: The challenge a 401 names (RFC 9110 §11.6.1): API keys are bearer tokens.
BEARER_CHALLENGE = 'Bearer realm="trace_verify"'

#: Werkzeug's HTTP errors → the contract's error codes.
HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    410: "GONE",
    411: "LENGTH_REQUIRED",
    413: "BODY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE",
    429: "RATE_LIMITED",
}


def status_of(error: errors.ServiceError) -> int:
    """The HTTP status of ``error``'s kind."""
    for kind in type(error).__mro__:
        if kind in STATUS_OF_KIND:
            return STATUS_OF_KIND[kind]
    return 400


def error_response(error: errors.ServiceError) -> Response:
    """The JSON error body with the kind's status and headers."""
    response = jsonify(error.to_json())
    response.status_code = status_of(error)
    if isinstance(error, errors.RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, errors.Unauthorized):
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


def _plain(code: str, message: str, status: int) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "field": None}})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(errors.ServiceError)
    def _service_error(error: errors.ServiceError) -> Response:
        return error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = HTTP_CODES.get(status, "HTTP_ERROR")
        response = _plain(code, error.description or code, status)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return _plain("INTERNAL_ERROR", "internal error", 500)
