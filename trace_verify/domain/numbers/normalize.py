"""Canonical form of a tracking number as people and systems actually write it.

Numbers arrive lower-cased, grouped with spaces, typed on a full-width (CJK) keyboard, or carrying
zero-width characters copied from web pages and chat apps. All of these name the same parcel, so the
canonical form is NFKC-folded, stripped of whitespace and of format characters (Unicode category
Cf: zero-width space/joiners, BOM, bidi marks) and upper-cased. Hyphens are kept: some formats
(LaserShip 1LS7 18) contain one.
"""

from __future__ import annotations

import unicodedata


def normalize_number(raw: str) -> str:
    """The canonical form used for matching, reporting and comparing tracking numbers."""
    if raw.isascii() and raw.isalnum():
        return raw.upper()
    folded = unicodedata.normalize("NFKC", raw)
    kept = [ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf"]
    return "".join(kept).upper()
