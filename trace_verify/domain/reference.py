"""Customs reference data: recognised bonded zones, customs district codes, supervision modes.

Each table is a dated CSV in ``trace_verify/data/`` with its sources in ``SOURCES.md`` and a
``confidence`` column copied from the research (V verified, S secondary source, U unconfirmed).
The files are read outside the domain (``trace_verify/refdata.py``, once per process); here the rows
become typed tables. Every lookup is a dict access or one regex search, because the verifier calls
them for every bundle.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from trace_verify.domain.places import fold

BONDED_ZONES_FILE = "bonded_zones.csv"
CUSTOMS_DISTRICTS_FILE = "customs_districts.csv"
SUPERVISION_MODES_FILE = "supervision_modes.csv"
PATHS = frozenset({"direct_international", "bonded_zone", "general_trade", "export", "none"})
_MIN_ALIAS = 4  # folded characters; shorter names would match inside unrelated text


def rows_of(text: str) -> list[dict[str, str]]:
    """The rows of one of the tables' CSV text (header first)."""
    return list(csv.DictReader(io.StringIO(text)))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


# -- bonded zones -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BondedZone:
    """A recognised Chinese bonded / comprehensive bonded zone or B-type bonded logistics centre."""

    id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    city: str
    city_key: str  # the gazetteer's city_key of the zone's prefecture-level city, e.g. "CN-330100"
    customs_codes: tuple[str, ...]  # 4-digit district codes of the supervising office, when known
    confidence: str
    code_confidence: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the zone is matched by."""
        return (self.name_zh, self.name_en, *self.aliases)


class BondedZones:
    """The bonded-zone table; :meth:`match` finds the zone a facility or zone text names."""

    def __init__(self, zones: list[BondedZone]) -> None:
        self._zones = {z.id: z for z in zones}
        self._memo: dict[str, BondedZone | None] = {}
        by_name: dict[str, BondedZone | None] = {}
        for zone in zones:
            for name in zone.names:
                key = fold(name)
                if len(key) < _MIN_ALIAS:
                    raise ValueError(f"bonded zone {zone.id}: name {name!r} is too short to match safely")
                other = by_name.get(key, zone)
                by_name[key] = zone if other is zone else None  # a name shared by two zones names neither
        self._by_name = {k: z for k, z in by_name.items() if z is not None}
        ordered = sorted(self._by_name, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(k) for k in ordered)) if ordered else None

    def match(self, text: str | None) -> BondedZone | None:
        """The zone ``text`` names: one of its names after folding, or text containing a full name
        ("Hangzhou Comprehensive Bonded Zone Warehouse 3"). The longest name found wins; None when
        nothing matches or two zones' names of the same length are found."""
        if not text or self._pattern is None:
            return None
        try:
            return self._memo[text]
        except KeyError:
            pass
        zone = self._match(text)
        if len(self._memo) >= 10_000:
            self._memo.clear()  # bounded: facility names are open-ended
        self._memo[text] = zone
        return zone

    def _match(self, text: str) -> BondedZone | None:
        assert self._pattern is not None  # checked by match()
        key = fold(text)
        exact = self._by_name.get(key)
        if exact is not None:
            return exact
        found = {m.group(0) for m in self._pattern.finditer(key)}
        if not found:
            return None
        longest = max(len(f) for f in found)
        zones = {self._by_name[f].id for f in found if len(f) == longest}
        return self._zones[zones.pop()] if len(zones) == 1 else None

    def get(self, zone_id: str) -> BondedZone | None:
        return self._zones.get(zone_id)

    def __iter__(self) -> Iterator[BondedZone]:
        return iter(self._zones.values())

    def __len__(self) -> int:
        return len(self._zones)


def _zone(row: dict[str, str]) -> BondedZone:
    return BondedZone(
        id=row["id"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        aliases=_split(row["aliases"]),
        city=row["city"],
        city_key=f"CN-{row['city_code']}",
        customs_codes=_split(row["customs_codes"]),
        confidence=row["confidence"],
        code_confidence=row["code_confidence"],
    )


def bonded_zones_from(rows: Iterable[dict[str, str]]) -> BondedZones:
    """The bonded-zone table from the rows of ``bonded_zones.csv``."""
    return BondedZones([_zone(r) for r in rows])


# -- customs districts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomsDistrict:
    """One 4-digit customs district code (关区代码): first two digits = directly subordinate office."""

    code: str
    name_zh: str
    name_en: str
    office: str
    city: str
    city_key: str
    confidence: str


class CustomsDistricts:
    """The customs district table (rules.md §6)."""

    def __init__(self, districts: list[CustomsDistrict]) -> None:
        self._districts = {d.code: d for d in districts}
        self._offices = frozenset(d.office for d in districts if d.code.endswith("00"))

    def office_known(self, code2: str) -> bool:
        """Whether two digits name a directly subordinate customs office (直属海关)."""
        return code2 in self._offices

    def district_known(self, code4: str) -> bool:
        """Whether a 4-digit district code is in the table (an unknown sub-office is only a warning)."""
        return code4 in self._districts

    def name(self, code4: str) -> str | None:
        """The Chinese name of a district code, None when unknown."""
        district = self._districts.get(code4)
        return district.name_zh if district else None

    def get(self, code4: str) -> CustomsDistrict | None:
        return self._districts.get(code4)

    def __iter__(self) -> Iterator[CustomsDistrict]:
        return iter(self._districts.values())

    def __len__(self) -> int:
        return len(self._districts)


def customs_districts_from(rows: Iterable[dict[str, str]]) -> CustomsDistricts:
    """The customs district table from the rows of ``customs_districts.csv``."""
    return CustomsDistricts(
        [
            CustomsDistrict(
                code=r["code"],
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                office=r["office"],
                city=r["city"],
                city_key=f"CN-{r['city_code']}",
                confidence=r["confidence"],
            )
            for r in rows
        ]
    )


# -- supervision modes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SupervisionMode:
    """A customs supervision mode (监管方式) and the qualifying path it evidences."""

    code: str
    name_zh: str
    name_en: str
    path: str  # direct_international / bonded_zone / general_trade / export / none
    confidence: str


class SupervisionModes:
    """The supervision-mode table (rules.md §6)."""

    def __init__(self, modes: list[SupervisionMode]) -> None:
        bad = [m.code for m in modes if m.path not in PATHS]
        if bad:
            raise ValueError(f"supervision modes with an unknown path: {bad}")
        self._modes = {m.code: m for m in modes}

    def path_of(self, mode: str) -> str | None:
        """The path a mode evidences ("export" for 9710/9810, "none" for a listed mode that evidences
        no path), None for a mode not in the table. A 3-digit legacy code is read zero-padded (110 →
        0110)."""
        found = self.get(mode)
        return found.path if found else None

    def get(self, mode: str) -> SupervisionMode | None:
        code = mode.strip()
        if len(code) == 3 and code.isdigit():
            code = "0" + code
        return self._modes.get(code)

    def __iter__(self) -> Iterator[SupervisionMode]:
        return iter(self._modes.values())


def supervision_modes_from(rows: Iterable[dict[str, str]]) -> SupervisionModes:
    """The supervision-mode table from the rows of ``supervision_modes.csv``."""
    return SupervisionModes(
        [SupervisionMode(r["code"], r["name_zh"], r["name_en"], r["path"], r["confidence"]) for r in rows]
    )
