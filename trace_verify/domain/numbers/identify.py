"""``identify``: which couriers' formats a tracking number fits (``trace-verify number``).

A candidate is a definition whose regex fully matches the normalized number, whose check digit (if
it has one) is right and whose ``additional.exists`` lookups pass — so, as in the data, an S10 number
with an unassigned country suffix (e.g. TW, MO) is not attributed. Candidates with a verified check
digit come first (stronger evidence), then format-only ones, each group in data order.
"""

from __future__ import annotations

from dataclasses import dataclass

from trace_verify.domain.numbers.carrier_map import CarrierNumbers
from trace_verify.domain.numbers.definitions import MAX_NUMBER_LENGTH, Definition
from trace_verify.domain.numbers.normalize import normalize_number


@dataclass(frozen=True, slots=True)
class Candidate:
    """One definition the number fits."""

    courier: str
    carrier: str | None
    service: str
    origin_country: str | None
    check_digit: bool

    def to_dict(self) -> dict[str, str | None]:
        """The contract's candidate object (``check_digit`` is internal)."""
        return {
            "courier": self.courier,
            "carrier": self.carrier,
            "service": self.service,
            "origin_country": self.origin_country,
        }


@dataclass(frozen=True, slots=True)
class Identification:
    """The normalized number and every definition it fits."""

    number: str
    candidates: tuple[Candidate, ...]

    @property
    def valid(self) -> bool:
        return bool(self.candidates)

    def to_dict(self) -> dict[str, object]:
        """The contract's identification object (the command line prints it as one JSON line)."""
        return {
            "number": self.number,
            "candidates": [c.to_dict() for c in self.candidates],
            "valid": self.valid,
        }


def _candidate(definition: Definition, country: str | None, carriers: CarrierNumbers) -> Candidate:
    if definition.courier == "s10":
        carrier = carriers.for_s10_country.get(country or "")
    else:
        carrier = carriers.for_courier.get(definition.courier)
    return Candidate(definition.courier, carrier, definition.name, country, definition.has_check_digit)


def identify(number: str, *, carriers: CarrierNumbers) -> Identification:
    """Every courier format the number fits, checked digits first; ``carriers`` names who tracks it."""
    normalized = normalize_number(number)
    checked: list[Candidate] = []
    format_only: list[Candidate] = []
    if 0 < len(normalized) <= MAX_NUMBER_LENGTH:
        for definition in carriers.definitions:
            match = definition.pattern.fullmatch(normalized)
            if match is None or not definition.check_passes(match) or not definition.lookups_pass(match):
                continue
            country = match.group("CountryCode") if definition.courier == "s10" else None
            (checked if definition.has_check_digit else format_only).append(
                _candidate(definition, country, carriers)
            )
    return Identification(normalized, (*checked, *format_only))
