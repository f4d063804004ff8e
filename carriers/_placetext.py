"""Places read from an event's own words: the country a text names, a city in Chinese, an airport.

Chinese aggregators (Kuaidi100, Cainiao, 17TRACK) write foreign legs in Chinese and often give no place
field: ``【悉尼】快件已完成澳大利亚出口申报``. The place is in the text, and this module reads it, for
every adapter alike (issue 11 §1):

* :func:`countries_named` — the countries a text names, in Chinese, Japanese, Korean or English
  (``trace_verify/data/country_names.csv``, generated from the Unicode CLDR, plus the carriers' own
  spellings in ``country_aliases.csv``). A country the text names as a *destination* ("发往中国",
  "寄往美国", "to China") or as part of a carrier's name ("中国邮政", "China Post", "日本郵便") is not
  where the event happened and is left out.
* :func:`place_named` — a bracketed or free place name resolved with those countries: the name in each
  named country first (温哥华 with 加拿大 → Vancouver CA), then the gazetteer's own answer (an exonym's
  dominant place, see ``trace_verify.domain.places``), then as an airport or facility (上海浦东国际机场,
  仁川机场, "HEATHROW GATEWAY").

Nothing here takes a country from the shipment's declared origin: an event keeps only what its
document says (rules.md §1 and §8).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final, Protocol

from carriers._common import PlaceMemo
from trace_verify.domain.places import Place

#: A country named after these words is where the parcel goes, not where the event is.
_TOWARDS: Final = re.compile(
    r"(发往|寄往|运往|送往|飞往|前往|转往|寄达|目的地|目的国|往|to|for|destined\s+for)\s*$", re.I
)
#: A country named before these words is part of a carrier's or office's name.
_CARRIER_NAME: Final = re.compile(
    r"^\s*(邮政|郵政|郵便|邮局|EMS|快递|速递|物流|航空|post\b|airlines?\b)", re.I
)
#: Facility suffixes around a place name: 上海浦东国际机场 → 上海浦东, 仁川机场 → 仁川.
_FACILITY_SUFFIX: Final = re.compile(
    r"(国际机场|國際機場|机场|機場|空港|国际邮件处理中心|国际邮件互换局|国际互换局|互换局|交换局|处理中心|分拨中心|"
    r"转运中心|集散中心|操作中心|营业部|海关|口岸|[（(][^）)]*[）)])+$"
)
_CJK_OR_WORD: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


class Places(Protocol):
    """The gazetteer calls this module makes."""

    def resolve(
        self, city: str | None, country: str | None = None, region: str | None = None
    ) -> Place | None: ...

    def country_code(self, text: str | None) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Named:
    """A place a text names: the name as written, the place the gazetteer found, its country, and the
    city of a facility: the city part of its name (上海浦东国际机场 → 上海浦东), or the city an airport
    serves (仁川机场 → Seoul, as the places index links it); None when the name is the place itself."""

    name: str
    place: Place | None
    country: str | None
    facility_city: str | None = None

    @property
    def is_facility(self) -> bool:
        """The name is a facility (an airport, a sorting centre) rather than the place itself."""
        return self.facility_city is not None or (
            self.place is not None and self.place.key.startswith("IATA-")
        )


@lru_cache(maxsize=1)
def _country_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every country name, longest first; folded name → alpha-2."""
    names: dict[str, str] = {}
    folder = resources.files("trace_verify").joinpath("data")
    for file, name_col, code_col in (("country_names.csv", 0, 1), ("country_aliases.csv", 0, 1)):
        lines = [ln for ln in folder.joinpath(file).read_text("utf-8").splitlines() if not ln.startswith("#")]
        for row in list(csv.reader(lines))[1:]:
            name, code = row[name_col].strip(), row[code_col].strip()
            if _CJK_OR_WORD.search(name) or (len(name) >= 4 and name.replace(" ", "").isalpha()):
                names.setdefault(name.casefold(), code)
    # Korean and Japanese short forms CLDR lists only in their long form.
    for name, code in (("한국", "KR"), ("일본", "JP"), ("중국", "CN"), ("호주", "AU"), ("アメリカ", "US")):
        names.setdefault(name, code)
    ordered = sorted(names, key=len, reverse=True)
    parts = [re.escape(n) if _CJK_OR_WORD.search(n) else rf"\b{re.escape(n)}\b" for n in ordered]
    return re.compile("|".join(parts), re.IGNORECASE), names


@lru_cache(maxsize=4096)
def countries_named(text: str) -> tuple[str, ...]:
    """Alpha-2 codes of the countries ``text`` names as the event's place, in order, each once."""
    pattern, names = _country_pattern()
    found: list[str] = []
    for match in pattern.finditer(text):
        if _TOWARDS.search(text[: match.start()]) or _CARRIER_NAME.match(text[match.end() :]):
            continue
        code = names[match.group(0).casefold()]
        if code not in found:
            found.append(code)
    return tuple(found)


def country_of_text(text: str) -> str | None:
    """The one country a text names as the event's place; None when it names none or several."""
    named = countries_named(text)
    return named[0] if len(named) == 1 else None


def place_named(name: str, text: str, places: Places, country: str | None = None) -> Named | None:
    """``name`` (a bracketed place, a facility) resolved with what ``text`` says; None when unknown.

    ``country`` is one the document itself gives for the event; without it the countries the text
    names narrow the name (the first that resolves it wins).
    """
    name = name.strip()
    if not name:
        return None
    key = (name, country, countries_named(text) if country is None else ())
    return _MEMO.get(places, key, lambda: _place_named(name, text, places, country))


#: Answers memoised per gazetteer (carriers name the same few places on every event of every document).
_MEMO: Final[PlaceMemo[Named | None]] = PlaceMemo()


def _place_named(name: str, text: str, places: Places, country: str | None) -> Named | None:
    for candidate in _candidates(name):
        found = _resolve(candidate, text, places, country)
        if found is not None:
            if found.key.startswith("IATA-"):
                return Named(name, found, found.country, _served_city(found, places))
            return Named(name, found, found.country, None if candidate == name else candidate)
    airport = _airport(name, places)
    if airport is not None and country in (None, airport.country):
        return Named(name, airport, airport.country, _served_city(airport, places))
    return None


def _served_city(airport: Place, places: Places) -> str | None:
    """The name of the city an airport serves (the places index links each airport to one)."""
    lookup = getattr(places, "place", None)
    city = lookup(airport.city_key) if lookup is not None else None
    return city.name if isinstance(city, Place) else None


def _candidates(name: str) -> list[str]:
    """The name, then without a facility suffix (上海浦东国际机场 → 上海浦东 → 上海)."""
    out = [name]
    bare = _FACILITY_SUFFIX.sub("", name).strip()
    if bare and bare != name:
        out.append(bare)
    return out


def _resolve(name: str, text: str, places: Places, country: str | None) -> Place | None:
    if country is not None:
        return places.resolve(name, country)
    for named in countries_named(text):
        place = places.resolve(name, named)
        if place is not None:
            return place
    return places.resolve(name)


#: Three capital letters in a facility ("PVG GATEWAY", "ICN HUB") that are words, not airports.
_NOT_CODES: Final = frozenset(
    {"HUB", "DHL", "UPS", "EMS", "TNT", "USA", "INT", "CTR", "SVC", "LTD", "INC", "THE", "AND", "FOR", "NEW",
     "ISC", "NDC", "SCF", "RDC", "AIR", "SEA", "POST", "OFC", "MAIL"}
)  # fmt: skip
_CODE: Final = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")


def _airport(name: str, places: Places) -> Place | None:
    """A facility named after an airport: by its IATA code (exactly one code-like word that is an
    airport), or by a word only that airport's name has."""
    codes = {c for c in _CODE.findall(name) if c not in _NOT_CODES}
    if len(codes) == 1:
        found = places.resolve(next(iter(codes)))
        if found is not None and found.key.startswith("IATA-"):
            return found
    finder = getattr(places, "airport_named", None)
    if finder is None:
        wrapped = getattr(places, "_places", None)  # carriers._common.MemoPlaces
        finder = getattr(wrapped, "airport_named", None)
    place = finder(name) if finder is not None else None
    return place if isinstance(place, Place) else None
