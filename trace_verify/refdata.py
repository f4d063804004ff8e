"""The shipped reference data, read from ``trace_verify/data/`` once per process.

The domain holds the typed tables and how to look things up in them, but reads no file (issue 9):
this module reads the files — the gazetteer index and its aliases, bonded zones, customs districts,
supervision modes — builds the domain's objects and fills its reference port
(:class:`~trace_verify.domain.context.Reference`). Services, carriers, scripts and tests take them
from here; a test may build its own ``Reference`` instead. Sources and dates: ``data/SOURCES.md``.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from trace_verify.domain.context import Reference
from trace_verify.domain.numbers.carrier_map import CarrierNumbers
from trace_verify.domain.numbers.definitions import Definition, definitions_from
from trace_verify.domain.places import ALIASES_FILE, INDEX_FILE, Gazetteer, read_aliases
from trace_verify.domain.reference import (
    BONDED_ZONES_FILE,
    CUSTOMS_DISTRICTS_FILE,
    SUPERVISION_MODES_FILE,
    BondedZones,
    CustomsDistricts,
    SupervisionModes,
    bonded_zones_from,
    customs_districts_from,
    rows_of,
    supervision_modes_from,
)


def _data() -> Traversable:
    return resources.files("trace_verify").joinpath("data")


def _text(name: str) -> str:
    return _data().joinpath(name).read_text(encoding="utf-8")


@cache
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer (``places.idx.gz`` and ``place_aliases.csv``)."""
    index = gzip.decompress(_data().joinpath(INDEX_FILE).read_bytes())
    return Gazetteer(index, read_aliases(_text(ALIASES_FILE)))


def gazetteer_from_path(path: str) -> Gazetteer:
    """A gazetteer from an index file built elsewhere (``scripts/build_places.py --out``)."""
    with open(path, "rb") as fh:
        return Gazetteer(gzip.decompress(fh.read()))


@cache
def bonded_zones() -> BondedZones:
    """The shipped bonded-zone table (``bonded_zones.csv``)."""
    return bonded_zones_from(rows_of(_text(BONDED_ZONES_FILE)))


@cache
def customs_districts() -> CustomsDistricts:
    """The shipped customs district table (``customs_districts.csv``)."""
    return customs_districts_from(rows_of(_text(CUSTOMS_DISTRICTS_FILE)))


@cache
def supervision_modes() -> SupervisionModes:
    """The shipped supervision-mode table (``supervision_modes.csv``)."""
    return supervision_modes_from(rows_of(_text(SUPERVISION_MODES_FILE)))


@cache
def number_definitions() -> tuple[Definition, ...]:
    """The tracking-number formats: jkeen/tracking_number_data's courier files, then the sourced
    Chinese couriers (``data/tracking_numbers/{couriers,china}/*.json``, each folder in name order)."""
    root = resources.files("trace_verify.data.tracking_numbers")
    files = [
        f
        for folder in ("couriers", "china")
        for f in sorted(root.joinpath(folder).iterdir(), key=lambda f: f.name)
        if f.name.endswith(".json")
    ]
    return definitions_from(json.loads(f.read_text(encoding="utf-8")) for f in files)


@cache
def no_carriers() -> CarrierNumbers:
    """No carrier known: every number is judged by the format data alone."""
    return CarrierNumbers((), number_definitions())


@cache
def default_reference(carriers: CarrierNumbers | None = None) -> Reference:
    """The reference port filled with the shipped data, once per process, and with ``carriers``' number
    facts (``carriers.REGISTRY.numbers``; the composition root passes them, the domain spells no id)."""
    return Reference(
        default_gazetteer(),
        bonded_zones(),
        customs_districts(),
        supervision_modes(),
        carriers or no_carriers(),
    )
