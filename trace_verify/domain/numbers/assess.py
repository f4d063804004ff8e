"""``assess``: what the verifier may say about a shipment's tracking number (rules.md §6a).

* ``valid`` — fits a format of the shipment's carrier (check digit right, or none).
* ``invalid`` — fully matches a check-digit format of the carrier, or the UPU S10 shape (for any
  carrier), the check fails, and no other format of the carrier accepts it. An S10 number with a
  right check digit is never invalid, whatever its suffix: the S10 country list only decides
  attribution in ``identify``.
* ``unrecognised`` — matches no known format of the carrier.
* ``no_formats`` — nothing is known about the carrier's formats, so nothing may be said (except the
  S10 check: a wrong S10 check digit is ``invalid`` for a carrier id we know nothing else about too).

Aggregators and EPCIS carry other carriers' numbers: the events' operators name the formats; when
none is known, the formats of every courier are used, and then only the S10 check may make a number
invalid (failing one courier's check digit proves nothing about a number that may be another's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from trace_verify.domain.model import value_object
from trace_verify.domain.numbers.carrier_map import CarrierNumbers
from trace_verify.domain.numbers.checksums import s10_check_digit
from trace_verify.domain.numbers.definitions import MAX_NUMBER_LENGTH, Definition
from trace_verify.domain.numbers.normalize import normalize_number

Status = Literal["valid", "invalid", "unrecognised", "no_formats"]

_S10_SHAPE = re.compile(r"[A-Z]{2}([0-9]{8})([0-9])([A-Z]{2})", re.ASCII)


@value_object
class Assessment:
    """The verdict on one number for one carrier; ``services`` names the formats that decided it."""

    number: str
    carrier: str
    status: Status
    services: tuple[str, ...]
    s10_country: str | None


@dataclass(frozen=True, slots=True)
class _Scope:
    definitions: tuple[Definition, ...]
    strict: bool


def s10_country(number: str) -> str | None:
    """The issuing-country suffix of an S10-shaped number whose check digit is right, else None."""
    normalized = normalize_number(number)
    return _s10_country(normalized)


def _s10_country(normalized: str) -> str | None:
    if len(normalized) != 13:
        return None
    match = _S10_SHAPE.fullmatch(normalized)
    if match is None or s10_check_digit(match.group(1)) != int(match.group(2)):
        return None
    return match.group(3)


def _select(
    definitions: tuple[Definition, ...], formats: Iterable[tuple[str, frozenset[str] | None]]
) -> tuple[Definition, ...]:
    wanted = tuple(formats)
    return tuple(
        d
        for d in definitions
        if any(d.courier == code and (keys is None or d.key in keys) for code, keys in wanted)
    )


_MAX_SCOPES = 4096


def _scope(carriers: CarrierNumbers, carrier: str, operators: tuple[str, ...]) -> _Scope:
    """The formats to judge by, memoized per (carrier, operators) — a plain dict is the cheapest lookup."""
    key = (carrier, operators)
    scope: _Scope | None = carriers.scopes.get(key)
    if scope is None:
        scope = _build_scope(carriers, carrier, operators)
        if len(carriers.scopes) < _MAX_SCOPES:
            carriers.scopes[key] = scope
    return scope


def _build_scope(carriers: CarrierNumbers, carrier: str, operators: tuple[str, ...]) -> _Scope:
    if carrier in carriers.aggregators:
        chosen = _select(carriers.definitions, carriers.formats_for_operators(operators))
        return _Scope(chosen, True) if chosen else _Scope(carriers.definitions, False)
    formats = carriers.formats.get(carrier) or carriers.formats_for_operator(carrier)
    return _Scope(_select(carriers.definitions, formats), True)


def assess(
    number: str, carrier: str, operators: Iterable[str] = (), *, carriers: CarrierNumbers
) -> Assessment:
    """Judge ``number`` against the formats of ``carrier`` (a carrier id of ``carriers``) — see the
    module doc."""
    normalized = normalize_number(number)
    scope = _scope(carriers, carrier, operators if isinstance(operators, tuple) else tuple(operators))
    country = _s10_country(normalized)
    if not scope.definitions:
        # The S10 check digit is the UPU's, not a carrier's: it judges a number whatever the carrier
        # id (japanpost, auspost, koreapost … have no adapter and no formats of their own here).
        if country is None and _S10_SHAPE.fullmatch(normalized):
            return Assessment(normalized, carrier, "invalid", ("S10",), None)
        return Assessment(normalized, carrier, "no_formats", (), country)
    matched: list[str] = []
    failed: list[str] = []
    for definition in scope.definitions if len(normalized) <= MAX_NUMBER_LENGTH else ():
        match = definition.pattern.fullmatch(normalized)
        if match is not None:
            (matched if definition.check_passes(match) else failed).append(definition.name)
    if matched:
        return Assessment(normalized, carrier, "valid", tuple(matched), country)
    if country is None and _S10_SHAPE.fullmatch(normalized):
        return Assessment(normalized, carrier, "invalid", ("S10",), None)
    if failed and scope.strict:
        return Assessment(normalized, carrier, "invalid", tuple(failed), None)
    return Assessment(normalized, carrier, "unrecognised", (), country)
