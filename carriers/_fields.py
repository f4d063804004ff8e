"""Typed reads from a decoded JSON carrier document, rejecting it with a JSON pointer when a field is wrong.

Every JSON adapter needs the same four things — "this is an object", "this is an array", "this is a
string", and a ``DOCUMENT_UNREADABLE`` error that names the format and the pointer — with small, deliberate
differences per carrier, which are the options of :class:`JsonFields`:

* ``strip``: a string is trimmed and an empty one reads as absent (aggregators, USPS, Royal Mail, SF);
* ``numbers``: an integer where a string is expected is read as its digits (Royal Mail's ``httpCode``,
  SF's codes), never a boolean;
* ``empty_lists``: an absent or ``null`` array reads as empty (aggregators) instead of rejecting.

Usage in a parser: ``_FIELDS = JsonFields(FORMAT, strip=True)`` then ``_FIELDS.obj(value, at)``,
``_FIELDS.array(parent, key, at)``, ``_FIELDS.text(parent, key, at)``, ``raise _FIELDS.rejected(at, why)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trace_verify.domain.documents import DocumentRejected


@dataclass(frozen=True, slots=True)
class JsonFields:
    """Typed field access for one carrier format (see the module docstring for the options)."""

    format: str
    strip: bool = False
    numbers: bool = False
    empty_lists: bool = False

    def rejected(self, pointer: str, message: str) -> DocumentRejected:
        """The document is unreadable at ``pointer`` (``/`` for the root)."""
        return DocumentRejected("DOCUMENT_UNREADABLE", f"{self.format}: {pointer or '/'}: {message}")

    def obj(self, value: Any, at: str) -> Mapping[str, Any]:
        """``value`` as a JSON object."""
        if not isinstance(value, dict):
            raise self.rejected(at, "expected an object")
        return value

    def array(self, parent: Mapping[str, Any], key: str, at: str) -> list[Any]:
        """``parent[key]`` as a JSON array."""
        value = parent.get(key)
        if value is None and self.empty_lists:
            return []
        if not isinstance(value, list):
            raise self.rejected(f"{at}/{key}", "expected an array")
        return value

    def text(self, parent: Mapping[str, Any], key: str, at: str) -> str | None:
        """``parent[key]`` as a string; None when absent or ``null``."""
        value = parent.get(key)
        if value is None:
            return None
        if self.numbers and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self.rejected(f"{at}/{key}", "expected a string")
        return value.strip() or None if self.strip else value

    def tracking_number(self, parent: Mapping[str, Any], key: str, at: str) -> str:
        """``parent[key]`` as a tracking number: a non-blank string (stripped) or a non-negative integer.

        Carriers' schemas say string, but their own examples send bare numbers; both are read.
        """
        value = parent.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise self.rejected(f"{at}/{key}", "shipment has no tracking number")
