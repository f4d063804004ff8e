"""Every error the HTTP layer answers, in the contract's shape; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from trace_verify.errors import InputError

log = logging.getLogger(__name__)

#: Werkzeug's HTTP errors → the contract's error codes.
HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    411: "LENGTH_REQUIRED",
    413: "BODY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE",
    429: "RATE_LIMITED",
}


def error_response(error: InputError) -> Response:
    """The JSON error body with the error's status."""
    response = jsonify(error.to_json())
    response.status_code = error.status
    return response


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(InputError)
    def _input_error(error: InputError) -> Response:
        response = error_response(error)
        response.headers.update(getattr(error, "headers", {}))
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = HTTP_CODES.get(status, "HTTP_ERROR")
        response = error_response(InputError(code, error.description or code, status=status))
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(InputError("INTERNAL_ERROR", "internal error", status=500))
