"""A carrier's JSON address object → (Location, Place), for formats that name the same fields differently.

FedEx (``stateOrProvinceCode``, ``countryName``) and UPS (``stateProvince``, ``country``) describe a
facility with the same five fields under other names, and read them the same way: each string trimmed
(an empty one is absent), the country from the code field first and else the name field through the
gazetteer's alias table (never fuzzy, kept only when it is ISO alpha-2), the city resolved in that
country, and the resolved place's country filling a missing one. One reader per format holds the names
and its own memo, so the logic is written once and each carrier keeps its own answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from carriers._common import PlaceIndex, PlaceMemo
from carriers._fields import JsonFields
from trace_verify.domain.model import Location
from trace_verify.domain.places import Place

_ALPHA2: Final = re.compile(r"[A-Z]{2}", re.ASCII)
#: JSON value types a memo key may hold (anything else goes the uncached way, to be rejected).
_TEXT_OR_NULL: Final = frozenset({str, type(None)})


class AddressReader:
    """Reads one format's address objects; ``countries`` are the code field, then the name field."""

    __slots__ = ("_countries", "_fields", "_keys", "_memo", "_parts")

    def __init__(
        self, fields: JsonFields, *, city: str, region: str, postal: str, countries: tuple[str, str]
    ) -> None:
        self._fields = fields
        self._parts = (city, region, postal)
        self._countries = countries
        self._keys = (*self._parts, *countries)
        # The same facilities recur on every event, so Locations are memoised per gazetteer.
        self._memo: PlaceMemo[tuple[Location, Place | None]] = PlaceMemo()

    def location(
        self, address: Mapping[str, Any], at: str, places: PlaceIndex
    ) -> tuple[Location, Place | None]:
        """The address as a Location and its resolved place (for its zone); memoised on the raw fields."""
        key = tuple(map(address.get, self._keys))
        if all(map(_TEXT_OR_NULL.__contains__, map(type, key))):
            return self._memo.get(places, key, lambda: self._read(address, at, places))
        return self._read(address, at, places)  # a field of the wrong type: rejected there

    def country(self, address: Mapping[str, Any], at: str, places: PlaceIndex) -> str | None:
        """ISO alpha-2 from the code field, else the name field through the alias table (never fuzzy)."""
        for key in self._countries:
            text = clean(self._fields.text(address, key, at))
            code = places.country_code(text) if text else None
            if code and _ALPHA2.fullmatch(code):
                return code
        return None

    def _read(self, address: Mapping[str, Any], at: str, places: PlaceIndex) -> tuple[Location, Place | None]:
        city, region, postal = (clean(self._fields.text(address, k, at)) for k in self._parts)
        country = self.country(address, at, places)
        place = places.resolve(city, country, region) if city else None
        if country is None and place is not None:
            country = place.country
        return Location(city=city, region=region, postal_code=postal, country=country), place


def clean(text: str | None) -> str | None:
    """``text`` trimmed; None when absent or blank."""
    return text.strip() or None if text else None
