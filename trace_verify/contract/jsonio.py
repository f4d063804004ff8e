"""JSON in and out at the contract's boundary: strict decoding as ``INVALID_JSON``, canonical output."""

from __future__ import annotations

from typing import Any

import orjson

from trace_verify.errors import InvalidInput
from trace_verify.strictjson import StrictJsonError, loads


def strict_loads(raw: bytes | str) -> Any:
    """Parse a request body or bundle strictly; raises :class:`InvalidInput` ``INVALID_JSON``."""
    try:
        return loads(raw)
    except StrictJsonError as exc:
        raise InvalidInput("INVALID_JSON", exc.message, exc.pointer) from None


def dumps(obj: Any, *, pretty: bool = False) -> str:
    """Output JSON as text (see :func:`dumps_bytes`)."""
    return dumps_bytes(obj, pretty=pretty).decode("utf-8")


def dumps_bytes(obj: Any, *, pretty: bool = False) -> bytes:
    """Output JSON as UTF-8 bytes, compact or indented; verdicts hold no floats, so no NaN can appear."""
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 if pretty else 0)
