"""Settling what a scan means once the shipment's route is known (shared by DHL Express and USPS).

A carrier code says "departed a facility" or "clearance release"; whether that is the export
departure, a transit hop or the import release depends on where the shipment started and ends.
This module takes scans that are already classified into a :data:`Kind` and ordered oldest first,
and decides per scan:

* ``departed`` at the last scan in the origin country of a cross-border shipment → ``departed_origin``;
  any other departure → ``in_transit``;
* ``arrived`` at the first scan in the destination country after a scan elsewhere →
  ``arrived_destination_country``; any other arrival → ``in_transit``;
* customs kinds in the origin country are export customs (a release is ``export_cleared``, a
  processing scan ``in_transit``), in a third country they are transit (``in_transit``), in the
  destination country or an unknown one they stay import milestones.

Pure and independent of any carrier format, so both adapters use the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, TypeGuard

from trace_verify.domain.model import MILESTONES, Event, Location, Milestone, TimeBasis

#: A milestone, or a movement the route settles (see the module docstring).
Kind = Milestone | Literal["departed", "arrived"]


def is_milestone(kind: Kind) -> TypeGuard[Milestone]:
    """True for kinds that are milestones already."""
    return kind in MILESTONES


@dataclass(frozen=True, slots=True)
class Scan:
    """One carrier event before its milestone is settled against the route."""

    index: int
    at: datetime
    basis: TimeBasis
    offset: int | None
    location: Location
    kind: Kind
    code: str | None
    description: str


def chronological(scans: Sequence[Scan]) -> list[Scan]:
    """Oldest first; equal instants keep the document's order (reversed when it lists newest first)."""
    newest_first = len(scans) > 1 and scans[0].at > scans[-1].at
    return sorted(scans, key=lambda s: (s.at, -s.index if newest_first else s.index))


@dataclass(frozen=True, slots=True)
class Route:
    """Origin and destination countries, and the country of each (chronological) scan."""

    origin: str | None
    destination: str | None
    countries: tuple[str | None, ...]

    @classmethod
    def of(cls, scans: Sequence[Scan], origin: str | None, destination: str | None) -> Route:
        """``origin``/``destination`` as the document states them, else inferred from the scans."""
        countries = tuple(s.location.country for s in scans)
        known = [c for c in countries if c]
        delivered = [s.location.country for s in scans if s.kind == "delivered" and s.location.country]
        return cls(
            origin=origin or (known[0] if known else None),
            destination=destination or (delivered[-1] if delivered else None),
            countries=countries,
        )

    def crosses_border(self) -> bool:
        """True when the shipment leaves its origin country (known destination or foreign scans)."""
        if self.origin is None:
            return False
        if self.destination is not None:
            return self.destination != self.origin
        return any(c not in (None, self.origin) for c in self.countries)

    def side(self, country: str | None) -> Literal["export", "transit", "import"]:
        """Which customs a scan in ``country`` belongs to."""
        if country is None or not self.crosses_border():
            return "import"
        if country == self.origin:
            return "export"
        if self.destination is not None and country != self.destination:
            return "transit"
        return "import"

    def last_in_origin(self) -> int | None:
        indexes = [i for i, c in enumerate(self.countries) if c is not None and c == self.origin]
        return indexes[-1] if indexes else None

    def first_arrival(self, kinds: Sequence[Kind]) -> int | None:
        """The first arrival in the destination country after a scan elsewhere: the border."""
        if self.destination is None or not self.crosses_border():
            return None
        seen_elsewhere = False
        for i, (kind, country) in enumerate(zip(kinds, self.countries, strict=True)):
            if kind == "arrived" and country == self.destination and seen_elsewhere:
                return i
            seen_elsewhere = seen_elsewhere or country not in (None, self.destination)
        return None


_CUSTOMS_BY_SIDE: Final[dict[str, dict[str, Milestone]]] = {
    "export": {"import_cleared": "export_cleared", "customs_processing": "in_transit"},
    "transit": {"import_cleared": "in_transit", "customs_processing": "in_transit"},
    "import": {},
}


def milestones(scans: Sequence[Scan], route: Route) -> list[Milestone]:
    """The settled milestone of each scan (``scans`` oldest first, as ``route`` was built)."""
    arrived_at = route.first_arrival([s.kind for s in scans])
    departed_at = route.last_in_origin() if route.crosses_border() else None
    settled: list[Milestone] = []
    for i, scan in enumerate(scans):
        if scan.kind == "departed":
            settled.append("departed_origin" if i == departed_at else "in_transit")
        elif scan.kind == "arrived":
            settled.append("arrived_destination_country" if i == arrived_at else "in_transit")
        elif is_milestone(scan.kind):
            settled.append(_CUSTOMS_BY_SIDE[route.side(scan.location.country)].get(scan.kind, scan.kind))
    return settled


def to_events(
    carrier: str, number: str, scans: Sequence[Scan], origin: str | None, destination: str | None
) -> tuple[Event, ...]:
    """Normalized events, oldest first, with milestones settled against the route."""
    ordered = chronological(scans)
    route = Route.of(ordered, origin, destination)
    return tuple(
        Event(
            carrier=carrier,
            tracking_number=number,
            occurred_at=scan.at,
            milestone=milestone,
            location=scan.location,
            description=scan.description,
            time_basis=scan.basis,
            local_offset_minutes=scan.offset,
            carrier_code=scan.code,
        )
        for scan, milestone in zip(ordered, milestones(ordered, route), strict=True)
    )
