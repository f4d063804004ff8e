"""Bounded, keyset-paginated lists: ``?limit=`` (1–100, default 20) and an opaque ``?after=`` cursor."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Final

from trace_verify.errors import InvalidInput

DEFAULT_LIMIT: Final = 20
MAX_LIMIT: Final = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    """How many items, and after which id."""

    limit: int = DEFAULT_LIMIT
    after: str | None = None

    @classmethod
    def parse(cls, limit: str | None, after: str | None) -> PageRequest:
        """From query parameters; a limit above the maximum is clamped (however many digits it has),
        anything but a positive decimal integer refused."""
        size = DEFAULT_LIMIT
        if limit is not None:
            digits = limit.lstrip("0")
            if not limit.isascii() or not limit.isdigit() or not digits:
                raise InvalidInput("INVALID_ARGUMENT", f"limit must be an integer 1 to {MAX_LIMIT}", "/limit")
            # Clamped on its length first: int() never sees a 10**30 or a 100,000-digit value.
            size = MAX_LIMIT if len(digits) > len(str(MAX_LIMIT)) else min(int(digits), MAX_LIMIT)
        return cls(size, _decode(after) if after else None)


def _decode(cursor: str) -> str:
    try:
        raw = cursor.encode("ascii")
        padded = raw + b"=" * (-len(raw) % 4)
        decoded = base64.b64decode(padded, altchars=b"-_", validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidInput("INVALID_ARGUMENT", "after is not a cursor this API returned", "/after") from None
    if not decoded or "\x00" in decoded:
        raise InvalidInput("INVALID_ARGUMENT", "after is not a cursor this API returned", "/after")
    return decoded


def encode_cursor(last_id: str) -> str:
    """The ``after`` value that continues a list after ``last_id``."""
    return base64.urlsafe_b64encode(last_id.encode("utf-8")).decode("ascii").rstrip("=")


def page(items: list[dict[str, Any]], ids: list[str], request: PageRequest) -> dict[str, Any]:
    """``{"items": […], "next": cursor | null}``; ``ids`` holds up to ``limit + 1`` fetched ids."""
    more = len(ids) > request.limit
    kept = items[: request.limit]
    return {"items": kept, "next": encode_cursor(ids[request.limit - 1]) if more else None}
