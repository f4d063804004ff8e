"""Customs declaration and cross-border inventory-list numbers (rules.md §6).

18 characters: customs district (4 digits), year of acceptance (4), direction (``1``/``0`` on a
declaration, ``I``/``E`` on an inventory list), sequence (9 digits). No check digit is published, so
only the structure is checked; hyphens as in ``2928-2026-I-000123456`` are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

_SHAPE = re.compile(r"^(\d{4})(\d{4})([0-9A-Z])(\d{9})$")
_IMPORT = frozenset("1I")


class DistrictTable(Protocol):
    """The customs district table (``reference.customs_districts()``)."""

    def office_known(self, code2: str) -> bool: ...
    def district_known(self, code4: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class DeclarationCheck:
    """Outcome of a structural check; ``reason`` says what failed."""

    status: Literal["ok", "invalid", "district_unknown"]
    reason: str = ""


_OK = DeclarationCheck("ok")


def normalise_declaration(text: str) -> str:
    """Drop spaces and hyphens, upper-case letters."""
    if text.isdigit():
        return text
    unhyphenated = text.replace("-", "")
    if unhyphenated.isalnum():  # no whitespace: only the hyphens had to go
        return unhyphenated.upper()
    return re.sub(r"[\s\-]", "", text).upper()


def check_declaration(
    text: str, current_year: int, districts: DistrictTable, first_year: int = 2000
) -> DeclarationCheck:
    """Check an import declaration or inventory-list number's structure."""
    number = normalise_declaration(text)
    if len(number) != 18:
        return DeclarationCheck("invalid", f"has {len(number)} characters, not 18")
    match = _SHAPE.match(number)
    if match is None:
        return DeclarationCheck("invalid", "has non-digits where digits belong")
    district, year, direction, _ = match.groups()
    if direction not in _IMPORT:
        return DeclarationCheck("invalid", f"direction {direction!r} is not an import (1 or I)")
    if not first_year <= int(year) <= current_year:
        return DeclarationCheck("invalid", f"year {year} is outside {first_year}–{current_year}")
    if not districts.office_known(district[:2]):
        return DeclarationCheck("invalid", f"{district[:2]} names no directly subordinate customs office")
    if not districts.district_known(district):
        return DeclarationCheck("district_unknown", f"customs district {district} is not in the table")
    return _OK
