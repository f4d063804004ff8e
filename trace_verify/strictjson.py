"""Strict JSON decoding, shared by every boundary that accepts JSON (bundles, carrier documents).

Python's ``json`` accepts NaN and Infinity, lets a duplicated key silently win, reads floats lossily
and turns deep nesting into a RecursionError that Flask answers with a 500 (reliability.md §3.1).
:func:`loads` refuses all of these with :class:`StrictJsonError`; each boundary maps that to its own
error code (``INVALID_JSON`` for requests, ``DOCUMENT_UNREADABLE``/``DOCUMENT_UNSAFE`` for documents).

Two paths decide (issue 16). The exact decoder sees every object's key/value pairs through a Python
hook, which cost about half of decoding. The fast path decodes with msgspec (compiled; it hands
every fraction or exponent literal to a hook, so numbers are bounded and exact as here) and then
*proves* that no member was dropped, since msgspec, like every fast decoder, lets a repeated key
silently win: re-encoding the result with orjson writes one ``:`` per kept member plus the colons
inside its strings, while the text holds one per member it had plus the same string colons, so the
counts are equal exactly when no member was lost (a ``\\u003a`` escape, which would hide a colon,
sends the document to the exact path). The re-encoding also refuses integers wider than 64 bits
(the exact path bounds those on their text) and nesting past 254 levels. Anything the fast path
cannot vouch for, including every error, is decided by the exact path, so errors, messages and
pointers are the exact decoder's own. msgspec and the exact decoder accept the same grammar (no
NaN, no control characters, valid UTF-8 only, no lone surrogates); tests/test_strictjson_fast_path.py
checks the two agree on generated documents.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any, Final

import msgspec
import orjson

#: The widest number literal accepted: 40 significant characters covers every id, count and amount a
#: carrier or client sends (a 22-digit tracking number, a 19-digit int64), and keeps every later
#: conversion (``int()``, ``str()``, ``quantize``) at microseconds. ``1e999999999`` would otherwise
#: become a billion-digit integer the first time anything converts it (issue 10, class 1).
MAX_NUMBER_CHARS: Final = 40
#: Decimal exponents beyond this are refused: no quantity, amount or coordinate needs more, and it
#: keeps ``int(Decimal)`` and float conversions bounded and finite.
MAX_EXPONENT: Final = 100


class StrictJsonError(ValueError):
    """Input that is not strict JSON; ``too_deep`` marks nesting past the decoder's recursion limit."""

    def __init__(self, message: str, *, too_deep: bool = False, pointer: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.too_deep = too_deep
        #: RFC 6901 pointer of the offending value, when known (numbers out of range).
        self.pointer = pointer


class _OutOfRange:
    """Stands in for a number literal refused by the bounds; found again after decoding for its pointer."""

    __slots__ = ()


_OUT_OF_RANGE: Final = _OutOfRange()
_seen = threading.local()


def _refuse_number() -> _OutOfRange:
    _seen.out_of_range = True
    return _OUT_OF_RANGE


def _bounded_int(literal: str) -> int | _OutOfRange:
    """An integer literal, if short enough; checked on the text, before ``int()`` sees it."""
    if len(literal) - literal.startswith("-") > MAX_NUMBER_CHARS:
        return _refuse_number()
    return int(literal)


def _bounded_decimal(literal: str) -> Decimal | _OutOfRange:
    """A fraction or exponent literal as an exact Decimal, if its length and exponent are bounded."""
    if len(literal) > MAX_NUMBER_CHARS + 8:
        return _refuse_number()
    value = Decimal(literal)
    if not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        return _refuse_number()
    return value


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
    object_pairs_hook=_no_duplicates,
    parse_constant=_reject_constant,
    parse_float=_bounded_decimal,
    parse_int=_bounded_int,
)
#: For formats whose published examples repeat a key (GS1's EPCIS JSON-LD examples do): the last
#: value wins, as in JavaScript's JSON.parse, which such producers are written against.
_LAST_WINS_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_bounded_decimal, parse_int=_bounded_int
)


def loads(raw: bytes | str, *, duplicate_keys: str = "refuse") -> Any:
    """Decode UTF-8 JSON (a BOM tolerated): no duplicate keys, no NaN, floats as Decimal, bounded depth.

    ``duplicate_keys="last"`` keeps the last of repeated keys instead of refusing the document; only
    carrier formats whose own published examples need it use that; it always takes the exact path,
    because a repeated member the fast path drops could hide a number the exact path refuses.
    """
    if duplicate_keys != "last":
        try:
            return _fast_loads(raw)
        except (_Unproven, ValueError, TypeError, RecursionError):  # msgspec/orjson errors are ValueErrors
            pass
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StrictJsonError(f"not UTF-8 (byte {exc.start})") from None
    return exact_loads(raw, duplicate_keys=duplicate_keys)


class _Unproven(Exception):
    """The fast path cannot vouch for a document; the exact decoder decides it."""


def _fast_decimal(literal: str) -> Decimal:
    """A fraction or exponent literal as :func:`_bounded_decimal` reads it; out of range, the exact
    path decides (it knows the pointer)."""
    if len(literal) > MAX_NUMBER_CHARS + 8:
        raise _Unproven
    value = Decimal(literal)
    if not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise _Unproven
    return value


def _colon_free(value: Any) -> Any:
    """What orjson writes for a Decimal while counting colons: any colon-free stand-in will do."""
    if isinstance(value, Decimal):
        return 0
    raise TypeError(type(value).__name__)  # pragma: no cover - the decoder makes no other type


_FAST_DECODER: Final = msgspec.json.Decoder(float_hook=_fast_decimal)


def _fast_loads(raw: bytes | str) -> Any:
    """The document when it provably decodes as the exact path would; raises otherwise."""
    obj = _FAST_DECODER.decode(raw)
    written = orjson.dumps(obj, default=_colon_free)  # refuses ints past 64 bits, depth past 254
    if isinstance(raw, bytes):
        colons, escaped = raw.count(b":"), b"\\u003" in raw
    else:
        colons, escaped = raw.count(":"), "\\u003" in raw
    if escaped or written.count(b":") != colons:
        raise _Unproven
    return obj


def exact_loads(text: str, *, duplicate_keys: str = "refuse") -> Any:
    """The exact decoder: every object's pairs checked as it closes, numbers bounded on their text.

    :func:`loads` comes here for any document its fast path cannot vouch for; tests compare the two.
    """
    _seen.out_of_range = False
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
    if _seen.out_of_range:
        raise StrictJsonError(
            f"a number longer than {MAX_NUMBER_CHARS} digits or beyond 1e{MAX_EXPONENT}",
            pointer=_pointer_to(obj, _OUT_OF_RANGE) or "",
        )
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


def _pointer_to(obj: Any, target: object) -> str | None:
    """The RFC 6901 pointer of the first ``target`` inside ``obj`` (iteratively: depth is bounded anyway)."""
    stack: list[tuple[Any, str]] = [(obj, "")]
    while stack:
        node, pointer = stack.pop()
        if node is target:
            return pointer
        if isinstance(node, dict):
            items = [(v, f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}") for k, v in node.items()]
        elif isinstance(node, list):
            items = [(v, f"{pointer}/{i}") for i, v in enumerate(node)]
        else:
            continue
        stack.extend(reversed(items))
    return None
