"""Strict JSON decoding, shared by every boundary that accepts JSON (bundles, carrier documents).

Python's ``json`` accepts NaN and Infinity, lets a duplicated key silently win, reads floats lossily
and turns deep nesting into a RecursionError that Flask answers with a 500 (reliability.md §3.1).
:func:`loads` refuses all of these with :class:`StrictJsonError`; each boundary maps that to its own
error code (``INVALID_JSON`` for requests, ``DOCUMENT_UNREADABLE``/``DOCUMENT_UNSAFE`` for documents).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


class StrictJsonError(ValueError):
    """Input that is not strict JSON; ``too_deep`` marks nesting past the decoder's recursion limit."""

    def __init__(self, message: str, *, too_deep: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_deep = too_deep


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise StrictJsonError(f"duplicate key {key[:40]!r}")
            seen.add(key)
    return obj


def _reject_constant(name: str) -> Any:
    raise StrictJsonError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_constant=_reject_constant, parse_float=Decimal
)
#: For formats whose published examples repeat a key (GS1's EPCIS JSON-LD examples do): the last
#: value wins, as in JavaScript's JSON.parse, which such producers are written against.
_LAST_WINS_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=Decimal)


def loads(raw: bytes | str, *, duplicate_keys: str = "refuse") -> Any:
    """Decode UTF-8 JSON (a BOM tolerated): no duplicate keys, no NaN, floats as Decimal, bounded depth.

    ``duplicate_keys="last"`` keeps the last of repeated keys instead of refusing the document; only
    carrier formats whose own published examples need it use that.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StrictJsonError(f"not UTF-8 (byte {exc.start})") from None
    else:
        text = raw
    try:
        decoder = _LAST_WINS_DECODER if duplicate_keys == "last" else _DECODER
        obj = decoder.decode(text)
    except StrictJsonError:
        raise
    except RecursionError:
        raise StrictJsonError("nested too deeply", too_deep=True) from None
    except json.JSONDecodeError as exc:
        raise StrictJsonError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError:  # e.g. an integer longer than CPython's digit limit
        raise StrictJsonError("a value is out of range") from None
    if ("\\ud" in text or "\\uD" in text) and _has_lone_surrogate(obj):
        raise StrictJsonError("lone surrogate in a string")
    return obj


def _has_lone_surrogate(obj: Any) -> bool:
    """True when a decoded string holds half of a surrogate pair (it could never be written back out)."""
    try:
        json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
