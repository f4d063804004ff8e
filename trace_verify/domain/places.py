"""Place resolution: carrier and bundle place names to cities, countries, coordinates and time zones.

STUB — the data-driven implementation replaces the tiny table below, keeping this API:

* :class:`Place` — a resolved place; ``city_key`` is what places compare by (the prefecture-level
  city in Mainland China, the place itself elsewhere).
* :meth:`Gazetteer.resolve` — never fuzzy; ``None`` when a name is unknown or ambiguous.
* :meth:`Gazetteer.country_code` — carrier country names, alpha-3 and alpha-2 codes to ISO alpha-2.
* :func:`distance_km` — great-circle distance.
* :func:`default_gazetteer` — loaded once, from package data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place."""

    key: str
    name: str
    country: str
    city_key: str
    lat: float | None
    lon: float | None
    tz: str | None


def fold(text: str) -> str:
    """Fold a place name for comparison: case, spaces, a trailing 市/区/县."""
    folded = "".join(text.split()).casefold()
    if len(folded) > 1 and folded[-1] in "市区县":
        folded = folded[:-1]
    return folded


class Gazetteer:
    """Resolves place names; see the module docstring for the contract."""

    def __init__(self, places: dict[str, Place], names: dict[tuple[str, str], str]) -> None:
        self._places = places
        self._names = names

    def resolve(
        self, city: str | None, country: str | None = None, region: str | None = None
    ) -> Place | None:
        """The place called ``city`` (in ``country`` when given), or None when unknown/ambiguous."""
        if not city:
            return None
        key = self._names.get((fold(city), country or ""))
        if key is None and country is None:
            return None
        return self._places.get(key) if key else None

    def country_code(self, text: str | None) -> str | None:
        """ISO alpha-2 code for a carrier's country name or code."""
        if not text:
            return None
        t = text.strip().upper()
        return {"JAPAN": "JP", "CHINA MAINLAND": "CN", "CHINA": "CN"}.get(t, t if len(t) == 2 else None)


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance in km, None when a place has no coordinates."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer (stub: three cities)."""
    rows = [
        Place("JP-osaka", "Osaka", "JP", "JP-osaka", 34.69, 135.50, "Asia/Tokyo"),
        Place("CN-310000", "Shanghai", "CN", "CN-310000", 31.23, 121.47, "Asia/Shanghai"),
        Place("CN-330100", "Hangzhou", "CN", "CN-330100", 30.27, 120.16, "Asia/Shanghai"),
    ]
    places = {p.key: p for p in rows}
    names: dict[tuple[str, str], str] = {}
    for p in rows:
        names[(fold(p.name), p.country)] = p.key
    names[(fold("杭州市"), "CN")] = "CN-330100"
    return Gazetteer(places, names)
