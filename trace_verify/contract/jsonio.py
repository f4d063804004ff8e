"""Strict JSON in, canonical JSON out.

Python's ``json`` accepts NaN and Infinity, lets a duplicated key silently win, and turns deep nesting
into a RecursionError that Flask answers with a 500 (reliability.md §3.1). Every byte of JSON this
service accepts goes through :func:`strict_loads` instead.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from trace_verify.errors import InputError

#: Python's decoder recurses once per level; past its recursion limit (~1000) a document is refused.
#: Every schema of the contract is closed, so a deep structure fails validation at its first level.
MAX_DEPTH = 1000


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InputError("INVALID_JSON", f"duplicate key {key[:40]!r}")
            seen.add(key)
    return obj


def _reject_constant(name: str) -> Any:
    raise InputError("INVALID_JSON", f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_constant=_reject_constant, parse_float=Decimal
)


def strict_loads(raw: bytes | str) -> Any:
    """Parse JSON strictly: UTF-8 (a BOM tolerated), no duplicate keys, no NaN, bounded depth.

    Raises :class:`InputError` with code ``INVALID_JSON`` for anything else.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError("INVALID_JSON", f"body is not UTF-8 (byte {exc.start})") from None
    else:
        text = raw
    try:
        obj = _DECODER.decode(text)
    except InputError:
        raise
    except RecursionError:
        raise InputError("INVALID_JSON", f"nesting deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise InputError("INVALID_JSON", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:  # e.g. an integer longer than CPython's digit limit
        raise InputError("INVALID_JSON", str(exc)[:120]) from None
    if ("\\ud" in text or "\\uD" in text) and _has_lone_surrogate(obj):
        raise InputError("INVALID_JSON", "lone surrogate in a string")
    return obj


def _has_lone_surrogate(obj: Any) -> bool:
    """True when a decoded string holds half of a surrogate pair (it cannot be stored or echoed)."""
    try:
        json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def dumps(obj: Any, *, pretty: bool = False) -> str:
    """Canonical output JSON: UTF-8 text, no NaN, Decimals as strings by the caller."""
    if pretty:
        return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False)
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
