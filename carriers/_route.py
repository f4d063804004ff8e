"""Border milestones settled from a parcel's route: the carrier-neutral rules every adapter uses.

A carrier codes an event as "departed a facility", "arrived", "cleared customs" wherever it happens; only
the route (where the shipment starts and ends, and the country of each scan) says whether that was the
border. Adapters classify their own codes into a :data:`Kind` (their ``codes.py``), put the scans oldest
first (:func:`chronological`) and let this module decide. Pure: kinds and countries in, milestones out.

The route (:meth:`Route.of`): the origin and destination the document declares, else the country of the
first scan that has one and the country of the last delivery. A shipment crosses a border when its
destination differs from its origin, or, with no destination known, when any scan is abroad.

Rules for scans a carrier reports as movements (:func:`settle`):

* ``departed`` → ``departed_origin`` only once, at the border: by default at the *last scan of any
  kind* in the origin country, when that scan is a departure (``departure="last_scan"``: dhl,
  dhl-express, usps, sf, aftership); UPS and FedEx use the *last departure* scanned in the origin country
  (``departure="last_departure"``). Every other departure is ``in_transit``.
* ``arrived`` → ``arrived_destination_country`` only at the first arrival scan in the destination country
  after a scan elsewhere (``arrival="first_arrival"``); SF requires the first *scan* in the destination
  country after one elsewhere to be that arrival (``arrival="first_scan"``). Other arrivals: ``in_transit``.
* ``cleared`` (a customs release that names no side) → ``export_cleared`` in the origin country,
  ``import_cleared`` in the destination, ``in_transit`` in a third country; with no country, the
  carrier's own Export/Import word (:attr:`Step.hint`) decides, else import.
* customs milestones by side (:meth:`Route.side`): in the origin country a release is ``export_cleared``
  and processing is ``in_transit``; in a third country both are ``in_transit`` (SF passes
  ``transit_customs=False`` and keeps them); in the destination country or an unknown one they stay.
  A customs hold stays a hold wherever it happens.

Rules for aggregators whose codes already name border milestones (:func:`settle_reported`, 17track,
aftership, kuaidi100): a milestone on the wrong side of the route is only transit — an arrival in the
destination country scanned abroad, a departure from the origin scanned in the destination, customs
processing abroad; an import release abroad is the export release when it is in the origin country (or
the origin is unknown), else transit. :func:`domestic_border` (cainiao): a shipment that starts and ends
in one country crosses no border, so its border milestones are ``in_transit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, TypeGuard, TypeVar

from trace_verify.domain.model import MILESTONES, Event, Location, Milestone, TimeBasis

#: A milestone, or a movement / customs release whose milestone the route settles.
Kind = Milestone | Literal["departed", "arrived", "cleared"]
Side = Literal["export", "transit", "import"]
Departure = Literal["last_scan", "last_departure"]
Arrival = Literal["first_arrival", "first_scan"]

#: Milestones that only a border crossing can have.
BORDER_MILESTONES: Final[frozenset[Milestone]] = frozenset(
    {"departed_origin", "arrived_destination_country", "export_cleared"}
)

_T = TypeVar("_T")


def is_milestone(kind: str) -> TypeGuard[Milestone]:
    """True for kinds that are milestones already (not departed / arrived / cleared)."""
    return kind in MILESTONES


def chronological(items: Sequence[_T], instant: Callable[[_T], datetime]) -> list[_T]:
    """Oldest first; equal instants keep the document's order, reversed when it lists newest first."""
    newest_first = len(items) > 1 and instant(items[0]) > instant(items[-1])
    order = sorted(range(len(items)), key=lambda i: (instant(items[i]), -i if newest_first else i))
    return [items[i] for i in order]


@dataclass(frozen=True, slots=True)
class Step:
    """One event as the route sees it: what the carrier said, where, and its Export/Import word."""

    kind: Kind
    country: str | None
    hint: Literal["export", "import"] | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """Where the shipment starts and ends, and the country of each (chronological) scan."""

    origin: str | None
    destination: str | None
    countries: tuple[str | None, ...]

    @classmethod
    def of(cls, steps: Sequence[Step], origin: str | None, destination: str | None) -> Route:
        """The declared origin/destination, else the first scan's country / the last delivery's."""
        countries = tuple(s.country for s in steps)
        known = [c for c in countries if c]
        delivered = [s.country for s in steps if s.kind == "delivered" and s.country]
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

    def ends_differ(self) -> bool:
        """Both ends known and different (the stricter test aftership uses)."""
        return self.origin is not None and self.destination is not None and self.origin != self.destination

    def domestic(self) -> bool:
        """Both ends known and the same country."""
        return self.origin is not None and self.origin == self.destination

    def side(self, country: str | None) -> Side:
        """``export`` (origin country), ``transit`` (a third country) or ``import`` (else)."""
        if country is None or not self.crosses_border():
            return "import"
        if country == self.origin:
            return "export"
        if self.destination is not None and country != self.destination:
            return "transit"
        return "import"

    def abroad(self, country: str | None) -> bool:
        """A known country that is not the (known) destination."""
        return country is not None and self.destination is not None and country != self.destination

    def last_in_origin(self) -> int | None:
        """Index of the last scan in the origin country, of any kind."""
        found = [i for i, c in enumerate(self.countries) if c is not None and c == self.origin]
        return found[-1] if found else None

    def last_departure_in_origin(self, kinds: Sequence[Kind]) -> int | None:
        """Index of the last departure scanned in the origin country."""
        found = [
            i
            for i, (k, c) in enumerate(zip(kinds, self.countries, strict=True))
            if k == "departed" and c is not None and c == self.origin
        ]
        return found[-1] if found else None

    def first_entry(self) -> int | None:
        """Index of the first scan in the destination country after a scan elsewhere."""
        return self._first_in_destination(None)

    def first_arrival(self, kinds: Sequence[Kind]) -> int | None:
        """Index of the first arrival in the destination country after a scan elsewhere: the border."""
        return self._first_in_destination(kinds)

    def _first_in_destination(self, kinds: Sequence[Kind] | None) -> int | None:
        if self.destination is None or not self.crosses_border():
            return None
        seen_elsewhere = False
        for i, country in enumerate(self.countries):
            arrival = kinds is None or kinds[i] == "arrived"
            if arrival and country == self.destination and seen_elsewhere:
                return i
            seen_elsewhere = seen_elsewhere or country not in (None, self.destination)
        return None


_CUSTOMS_BY_SIDE: Final[dict[Side, dict[str, Milestone]]] = {
    "export": {"import_cleared": "export_cleared", "customs_processing": "in_transit"},
    "transit": {"import_cleared": "in_transit", "customs_processing": "in_transit"},
    "import": {},
}
_CLEARED_BY_SIDE: Final[dict[Side, Milestone]] = {
    "export": "export_cleared",
    "transit": "in_transit",
    "import": "import_cleared",
}


def settle(
    steps: Sequence[Step],
    route: Route,
    *,
    departure: Departure = "last_scan",
    arrival: Arrival = "first_arrival",
    transit_customs: bool = True,
) -> list[Milestone]:
    """The milestone of each step (``steps`` oldest first, as ``route`` was built); see the module rules."""
    kinds = [s.kind for s in steps]
    departed_at = departure_index(route, kinds, departure)
    arrived_at = route.first_arrival(kinds) if arrival == "first_arrival" else route.first_entry()
    settled: list[Milestone] = []
    for i, step in enumerate(steps):
        if step.kind == "departed":
            settled.append("departed_origin" if i == departed_at else "in_transit")
        elif step.kind == "arrived":
            settled.append("arrived_destination_country" if i == arrived_at else "in_transit")
        else:
            side = route.side(step.country)
            settled.append(_customs(step, "import" if side == "transit" and not transit_customs else side))
    return settled


def departure_index(route: Route, kinds: Sequence[Kind], rule: Departure = "last_scan") -> int | None:
    """The scan that is ``departed_origin`` when it is a departure (None when the route stays home)."""
    if not route.crosses_border():
        return None
    return route.last_in_origin() if rule == "last_scan" else route.last_departure_in_origin(kinds)


def _customs(step: Step, side: Side) -> Milestone:
    if step.kind == "cleared":
        if step.country is None and step.hint is not None:
            return "export_cleared" if step.hint == "export" else "import_cleared"
        return _CLEARED_BY_SIDE[side]
    if not is_milestone(step.kind):  # pragma: no cover - departed / arrived are settled before
        return "unknown"
    return _CUSTOMS_BY_SIDE[side].get(step.kind, step.kind)


def settle_reported(milestone: Milestone, country: str | None, route: Route) -> Milestone:
    """A border or customs milestone an aggregator reported, moved off the wrong side of the route."""
    abroad = route.abroad(country)
    if milestone == "arrived_destination_country" and abroad:
        return "in_transit"
    if (
        milestone == "departed_origin"
        and country is not None
        and country == route.destination != route.origin
    ):
        return "in_transit"
    if abroad and milestone == "import_cleared":
        return "export_cleared" if route.origin in (None, country) else "in_transit"
    if abroad and milestone == "customs_processing":
        return "in_transit"
    return milestone


def domestic_border(milestone: Milestone, route: Route) -> Milestone:
    """A border milestone on a shipment that starts and ends in one country is only ``in_transit``."""
    return "in_transit" if route.domestic() and milestone in BORDER_MILESTONES else milestone


# --- scans to events -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scan:
    """One carrier event, time resolved and kind classified, before the route settles its milestone."""

    index: int
    at: datetime
    basis: TimeBasis
    offset: int | None
    location: Location
    kind: Kind
    code: str | None
    description: str


def to_events(
    carrier: str, number: str, scans: Sequence[Scan], origin: str | None, destination: str | None
) -> tuple[Event, ...]:
    """Normalized events, oldest first, with milestones settled (default rules) against the route."""
    ordered = chronological(scans, lambda s: s.at)
    steps = [Step(s.kind, s.location.country) for s in ordered]
    milestones = settle(steps, Route.of(steps, origin, destination))
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
        for scan, milestone in zip(ordered, milestones, strict=True)
    )
