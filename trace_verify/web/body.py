"""Reading request bodies within a hard limit, chunked bodies included.

Werkzeug stops a chunked body silently at ``max_content_length`` and lets the handler run on the
truncated prefix (reliability.md §3.2); here one extra byte is read, so an oversized body is refused
(413) instead of being judged on its first megabyte.
"""

from __future__ import annotations

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

from trace_verify.errors import TooLarge, UnsupportedMedia


def _too_large(limit: int) -> TooLarge:
    return TooLarge("BODY_TOO_LARGE", f"body larger than {limit} bytes")


def read_body(request: Request, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes; raises :class:`~trace_verify.errors.TooLarge` beyond."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    try:
        data = request.stream.read(limit)
        if request.stream.read(1):
            raise _too_large(limit)
    except RequestEntityTooLarge:
        raise _too_large(limit) from None
    return data


def require_json(request: Request) -> None:
    """Refuse anything but ``application/json`` (415)."""
    if request.mimetype != "application/json":
        raise UnsupportedMedia("UNSUPPORTED_MEDIA_TYPE", "send the body as application/json")
