"""JSON in and out at the contract's boundary: strict decoding as ``INVALID_JSON``, canonical output."""

from __future__ import annotations

import json
from typing import Any

from trace_verify.errors import InputError
from trace_verify.strictjson import StrictJsonError, loads


def strict_loads(raw: bytes | str) -> Any:
    """Parse a request body or bundle strictly; raises :class:`InputError` ``INVALID_JSON``."""
    try:
        return loads(raw)
    except StrictJsonError as exc:
        raise InputError("INVALID_JSON", exc.message) from None


def dumps(obj: Any, *, pretty: bool = False) -> str:
    """Output JSON: UTF-8 text, never NaN."""
    if pretty:
        return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False)
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
