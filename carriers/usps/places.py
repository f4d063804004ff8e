"""USPS event places → a Location and the place's time zone.

USPS names a place by ``eventCity`` / ``eventState`` / ``eventZIP`` / ``eventCountry`` (v3) or
``EventCity`` / ``EventState`` / ``EventZIPCode`` / ``EventCountry`` (Web Tools). Domestic scans leave
the country empty (it is the United States); foreign scans name the country ("CHINA"); USPS facilities
appear as the city ("ISC NEW YORK NY(USPS)", "QUEENS NY DISTRIBUTION CENTER"), which is read as the city
and state before the facility words, the full text kept as ``facility``. US states come from
pycountry's ISO 3166-2:US list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import pycountry

from carriers._common import PlaceIndex, PlaceMemo
from trace_verify.domain.model import Location, value_object

_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_FACILITY = re.compile(r"^(?:ISC\s+)?(?P<city>[A-Z][A-Z .'-]*?)\s+(?P<state>[A-Z]{2})(?:\s*\(USPS\)|\s+.*)?$")
#: Military "states" USPS uses besides ISO 3166-2:US (Armed Forces Americas, Europe, Pacific).
_MILITARY: Final = frozenset({"AA", "AE", "AP"})


@lru_cache(maxsize=1)
def us_states() -> frozenset[str]:
    """Two-letter US state, district and territory codes (ISO 3166-2:US) plus military codes."""
    codes = {s.code.split("-", 1)[1] for s in pycountry.subdivisions if s.country_code == "US"}
    return frozenset(codes) | _MILITARY


@value_object  # frozen to mypy; a plain slots class at run time (built per event)
class UspsPlace:
    """Where a USPS scan happened and the place's IANA zone (None when the place is not known)."""

    location: Location
    zone: str | None


def resolve_usps_place(
    city: str | None, state: str | None, postal: str | None, country: str | None, places: PlaceIndex
) -> UspsPlace:
    """Read one USPS place; nothing is guessed beyond "no country means the United States"."""
    key = (city, state, postal, country)
    return _PLACES.get(places, key, lambda: _resolve(city, state, postal, country, places))


#: USPS repeats the same facilities on every event: their places, memoised (carriers._common.PlaceMemo).
_PLACES: Final[PlaceMemo[UspsPlace]] = PlaceMemo()


def _resolve(
    city: str | None, state: str | None, postal: str | None, country: str | None, places: PlaceIndex
) -> UspsPlace:
    city, state, postal = _clean(city), _clean(state), _clean(postal)
    code = _country(_clean(country), places)
    if code is None and not _clean(country) and (city or state):
        code = "US"
    facility = None
    if code == "US" and city:
        match = _FACILITY.match(city.upper())
        if match and match["state"] in us_states() and (state is None or state == match["state"]):
            facility, city, state = city, match["city"].strip(), match["state"]
    place = places.resolve(city, code, state) if city else None
    location = Location(city=city, region=state, postal_code=postal, country=code, facility=facility)
    return UspsPlace(location, place.tz if place else None)


def _country(text: str | None, places: PlaceIndex) -> str | None:
    code = places.country_code(text) if text else None
    return code if code and _ALPHA2.match(code) else None


def _clean(text: str | None) -> str | None:
    stripped = " ".join((text or "").split())
    return stripped or None
