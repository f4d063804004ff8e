"""Small pieces every adapter shares: the gazetteer port the parsers need, and content sniffing.

Kept apart from any one carrier so that no carrier package imports another (an import-linter
independence contract in pyproject.toml holds the carrier packages apart).
"""

from __future__ import annotations

import codecs
from typing import Protocol

from trace_verify.domain.places import Place


class PlaceIndex(Protocol):
    """The part of the gazetteer (``trace_verify.domain.places``) the parsers need."""

    def resolve(
        self, city: str | None, country: str | None = None, region: str | None = None
    ) -> Place | None:
        """The place called ``city`` in ``country``; None when unknown or ambiguous."""
        ...

    def country_code(self, text: str | None) -> str | None:
        """ISO alpha-2 for a carrier's country name or code."""
        ...


def first_significant_byte(data: bytes) -> bytes:
    """The first byte after a BOM and whitespace (``b""`` for an empty document); UTF-16 reads as ``<``.

    Adapters that read two formats (XML and JSON) tell them apart by this, not by a flag.
    """
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\x00", b"\x00<")):
        return b"<"
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")[:1]
