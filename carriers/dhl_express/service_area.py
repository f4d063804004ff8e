"""DHL Express service areas → a Location and the place's time zone.

Both Express formats name a scan's place by a service-area code and a description:
``<ServiceAreaCode>PVG</ServiceAreaCode><Description>SHANGHAI - CHINA MAINLAND</Description>`` in
XML-PI, ``"serviceArea": [{"code": "BNE", "description": "Brisbane-AU"}]`` in MyDHL. Descriptions
seen in published bodies: ``"Barcelona - Spain "``, ``"KINGSTON-JAM"``,
``"SPRINGFIELD GARDENS,NY-USA"``, ``"Brisbane-AU"``, ``"Hong Kong - Hong Kong "``. The part after
the last separator is the country (a name, alpha-2 or alpha-3 code, read by the gazetteer's
country table, never fuzzily); the part before is the city, with an optional ``,ST`` region.
The code is DHL's service-area code, which for gateways is the IATA airport code (``PVG``,
``HKG``, ``LEJ``): it resolves the place when the city name does not, but only inside the country
the description names.
"""

from __future__ import annotations

import re
from typing import Final

from carriers._common import PlaceIndex, PlaceMemo
from trace_verify.domain.model import Location, value_object

_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_CODE = re.compile(r"^[A-Z]{3}$")
_REGION = re.compile(r"^(?P<city>.+?)\s*,\s*(?P<region>[A-Z]{2,3})$")


@value_object  # frozen to mypy; a plain slots class at run time (built per event)
class ServiceArea:
    """Where a scan happened and the IANA zone of that place (None when the place is unknown)."""

    location: Location
    zone: str | None


def resolve_service_area(code: str | None, description: str | None, places: PlaceIndex) -> ServiceArea:
    """Read one service area; unknown parts stay None (nothing is guessed)."""
    return _AREAS.get(places, (code, description), lambda: _resolve(code, description, places))


#: Every event names a service area, and a shipment passes few: memoised (carriers._common.PlaceMemo).
_AREAS: Final[PlaceMemo[ServiceArea]] = PlaceMemo()


def _resolve(code: str | None, description: str | None, places: PlaceIndex) -> ServiceArea:
    code = (code or "").strip().upper() or None
    city_part, country = _split(" ".join((description or "").split()), places)
    city, region = _city_and_region(city_part)
    place = places.resolve(city, country, region) if city else None
    if place is None and code and _CODE.match(code):
        by_code = places.resolve(code, country)
        place = by_code if by_code is not None and country in (None, by_code.country) else None
    if country is None and place is not None:
        country = place.country
    location = Location(city=city, region=region, country=country, facility=code)
    return ServiceArea(location, place.tz if place else None)


def _split(text: str, places: PlaceIndex) -> tuple[str | None, str | None]:
    """``"SHANGHAI - CHINA MAINLAND"`` → ("SHANGHAI", "CN"); ``"KINGSTON-JAM"`` → ("KINGSTON", "JM")."""
    if not text:
        return None, None
    for separator in (" - ", "-"):
        head, found, tail = text.rpartition(separator)
        if found and head.strip():
            country = _country(tail, places)
            if country is not None:
                first = head.split(" - ")[0].strip()
                return first or None, country
    return text, None


def _country(text: str, places: PlaceIndex) -> str | None:
    code = places.country_code(text.strip())
    return code if code and _ALPHA2.match(code) else None


def _city_and_region(text: str | None) -> tuple[str | None, str | None]:
    """``"SPRINGFIELD GARDENS,NY"`` → ("SPRINGFIELD GARDENS", "NY")."""
    if not text:
        return None, None
    match = _REGION.match(text)
    if match:
        return match["city"], match["region"]
    return text, None
