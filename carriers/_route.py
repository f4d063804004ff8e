"""Border milestones settled from a parcel's route: the carrier-neutral rules every adapter uses.

A carrier codes an event as "departed a facility", "arrived", "cleared customs" wherever it happens; only
the route (where the shipment starts and ends, and the country of each scan) says whether that was the
border. Adapters classify their own codes into a :data:`Kind` (their ``codes.py``), put the scans oldest
first (:func:`chronological`) and let this module decide. Pure: kinds and countries in, milestones out.
There is one rule set, with no per-carrier options: where carriers used to differ, the rule below is the
one that neither erases a crossing the scans show nor invents one they do not.

The route (:meth:`Route.of`): the origin and destination the document declares, else the country of the
first scan that has one (an *inferred* origin) and the country of the last delivery. A shipment crosses
a border when its destination differs from its origin. With no destination known, it crosses only when
the document declares its origin and a scan is in another country: the first scan's country is where
the tracking starts, not necessarily where the shipment did, so an inferred origin with an unknown
destination never makes a border (no ``departed_origin``, no ``export_cleared`` from it).
A shipment is *domestic* when its declared origin is also its destination: it crosses no border.

Rules for scans a carrier reports as movements (:func:`settle`):

* ``departed`` → ``departed_origin`` only once: the *last departure* scanned in the origin country (a
  later customs or "processed" scan there does not erase it). Every other departure is ``in_transit``.
* ``arrived`` → ``arrived_destination_country`` only at the *first arrival* scanned in the destination
  country after a scan elsewhere (a customs scan just before it does not erase it). Other arrivals:
  ``in_transit``.
* ``cleared`` (a customs release that names no side) → ``export_cleared`` in the origin country,
  ``import_cleared`` in the destination, ``in_transit`` in a third country; where the route cannot
  place it (no country, or no crossing established), the carrier's own Export/Import word
  (:attr:`Step.hint`) decides, else import.
* customs milestones by side (:meth:`Route.side`): in the origin country a release is ``export_cleared``
  and processing is ``in_transit``; in a third country both are ``in_transit`` (import customs belong to
  the destination country, export clearance to the origin); in the destination country or an unknown
  one they stay. A customs hold stays a hold wherever it happens.
* on a domestic shipment every border milestone (:data:`BORDER_MILESTONES`) is ``in_transit``.

Rules for aggregators whose codes already name border milestones (:func:`settle_reported`, 17track,
aftership, kuaidi100, and cainiao's :func:`domestic_border`): a milestone on the wrong side of the route
is only transit — an arrival in the destination country scanned abroad, a departure from the origin
scanned in the destination, customs processing abroad; an import release abroad is the export release
when it is in the origin country (or the origin is unknown), else transit; on a domestic shipment a
border milestone is transit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final, Literal, TypeGuard, TypeVar

from carriers._time import ResolvedTime
from trace_verify.domain.model import (
    MILESTONES,
    Event,
    Handover,
    Location,
    Milestone,
    TimeBasis,
    value_object,
)

#: A milestone, or a movement / customs release whose milestone the route settles.
Kind = Milestone | Literal["departed", "arrived", "cleared"]
Side = Literal["export", "transit", "import"]

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
    return in_order(items, [instant(item) for item in items])


def in_order(items: Sequence[_T], instants: list[datetime]) -> list[_T]:
    """:func:`chronological` with each item's instant given (``instants[i]`` is ``items[i]``'s).

    Documents come sorted one way or the other, so that is checked first (two C-level sorts of the
    instants and a comparison), and the general index sort runs only for a document out of order.
    The result is the same list either way: a non-decreasing list sorted by (instant, index) is itself,
    a non-increasing one sorted by (instant, -index) is its reverse.
    """
    if len(items) < 2:
        return list(items)
    newest_first = instants[0] > instants[-1]
    if newest_first:
        if instants == sorted(instants, reverse=True):
            return list(reversed(items))
    elif instants == sorted(instants):
        return list(items)
    order = sorted(range(len(items)), key=lambda i: (instants[i], -i if newest_first else i))
    return [items[i] for i in order]


@value_object  # frozen to mypy; a plain slots class at run time (built per event)
class Step:
    """One event as the route sees it: what the carrier said, where, and its Export/Import word."""

    kind: Kind
    country: str | None
    hint: Literal["export", "import"] | None = None


@value_object  # frozen to mypy; a plain slots class at run time (built per document)
class Route:
    """Where the shipment starts and ends, and the country of each (chronological) scan.

    ``origin_inferred`` says the origin is only the first scan's country, not one the document declared.
    """

    origin: str | None
    destination: str | None
    countries: tuple[str | None, ...]
    origin_inferred: bool = False

    @classmethod
    def of(cls, steps: Sequence[Step], origin: str | None, destination: str | None) -> Route:
        """The declared origin/destination, else the first scan's country / the last delivery's."""
        return cls.of_kinds([s.kind for s in steps], tuple(s.country for s in steps), origin, destination)

    @classmethod
    def of_kinds(
        cls,
        kinds: Sequence[Kind],
        countries: tuple[str | None, ...],
        origin: str | None,
        destination: str | None,
    ) -> Route:
        """:meth:`of` from the steps' kinds and countries (no :class:`Step` built per scan)."""
        first_known = next((c for c in countries if c), None)
        last_delivery = destination or next(
            (c for k, c in zip(reversed(kinds), reversed(countries), strict=True) if k == "delivered" and c),
            None,
        )
        inferred = origin is None and first_known is not None
        return cls(origin or first_known, last_delivery, countries, inferred)

    def crosses_border(self) -> bool:
        """True when the shipment leaves its origin country: the ends differ, or, with no destination
        known, a scan is outside a *declared* origin (an inferred one with no destination proves none)."""
        if self.origin is None:
            return False
        if self.destination is not None:
            return self.destination != self.origin
        return not self.origin_inferred and any(c not in (None, self.origin) for c in self.countries)

    def domestic(self) -> bool:
        """The declared origin is the destination: the shipment crosses no border."""
        return not self.origin_inferred and self.origin is not None and self.origin == self.destination

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

    def last_departure_in_origin(self, kinds: Sequence[Kind]) -> int | None:
        """Index of the last departure scanned in the origin country."""
        found = [
            i
            for i, (k, c) in enumerate(zip(kinds, self.countries, strict=True))
            if k == "departed" and c is not None and c == self.origin
        ]
        return found[-1] if found else None

    def first_arrival(self, kinds: Sequence[Kind]) -> int | None:
        """Index of the first arrival in the destination country after a scan elsewhere: the border."""
        if self.destination is None or not self.crosses_border():
            return None
        seen_elsewhere = False
        for i, country in enumerate(self.countries):
            if kinds[i] == "arrived" and country == self.destination and seen_elsewhere:
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


def settle(steps: Sequence[Step], route: Route) -> list[Milestone]:
    """The milestone of each step (``steps`` oldest first, as ``route`` was built); see the module rules."""
    return settle_kinds([s.kind for s in steps], [s.country for s in steps], [s.hint for s in steps], route)


def settle_kinds(
    kinds: Sequence[Kind],
    countries: Sequence[str | None],
    hints: Sequence[Literal["export", "import"] | None],
    route: Route,
) -> list[Milestone]:
    """:func:`settle` on the steps' parts, with the route's answers computed once, not per step.

    A customs step goes by its side of the route (:meth:`Route.side`, written out here with the
    route's answers computed once); a release the route cannot place (no country, or no crossing
    established) follows the carrier's own Export/Import word; then :func:`domestic_border`.
    """
    departed_at = departure_index(route, kinds)
    arrived_at = route.first_arrival(kinds)
    crosses, domestic = route.crosses_border(), route.domestic()
    origin, destination = route.origin, route.destination
    settled: list[Milestone] = []
    for i, kind in enumerate(kinds):
        if kind == "departed":
            settled.append("departed_origin" if i == departed_at else "in_transit")
            continue
        if kind == "arrived":
            settled.append("arrived_destination_country" if i == arrived_at else "in_transit")
            continue
        country = countries[i]
        side: Side
        if country is None or not crosses:
            side = "import"
        elif country == origin:
            side = "export"
        elif destination is not None and country != destination:
            side = "transit"
        else:
            side = "import"
        milestone: Milestone
        if kind == "cleared":
            hint = hints[i]
            if hint is not None and (country is None or not crosses):
                milestone = "export_cleared" if hint == "export" else "import_cleared"
            else:
                milestone = _CLEARED_BY_SIDE[side]
        else:
            milestone = _CUSTOMS_BY_SIDE[side].get(kind, kind)
        settled.append("in_transit" if domestic and milestone in BORDER_MILESTONES else milestone)
    return settled


def departure_index(route: Route, kinds: Sequence[Kind]) -> int | None:
    """The last departure scanned in the origin country, when the route crosses a border (else None)."""
    if not route.crosses_border():
        return None
    return route.last_departure_in_origin(kinds)


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
    return domestic_border(milestone, route)


def domestic_border(milestone: Milestone, route: Route) -> Milestone:
    """A border milestone on a shipment that starts and ends in one country is only ``in_transit``."""
    return "in_transit" if route.domestic() and milestone in BORDER_MILESTONES else milestone


# --- scans to events -----------------------------------------------------------------------------------


@value_object  # frozen to mypy; a plain slots class at run time (built per event)
class Scan:
    """One carrier event, time resolved and kind classified, before the route settles its milestone.

    Every adapter reads its events into this one type and lets :func:`to_event` write them: the step
    from a carrier's scan to a normalized :class:`Event` is written once. The optional fields are what
    some carriers add: ``hint`` (the carrier's own Export/Import word, :attr:`Step.hint`), ``operator``
    (the carrier that scanned it, for aggregators), ``number`` (the number it was tracked under, when
    one document merges several legs), ``handed_over`` (the scan says the parcel went to the next
    carrier) and ``texts`` (the carrier's words, where a next leg may be named).

    Adapters build it positionally, in field order: one is built per event, and keyword arguments
    cost about twice as much (issue 16).
    """

    index: int
    at: datetime
    basis: TimeBasis
    offset: int | None
    location: Location
    kind: Kind
    code: str | None
    description: str
    hint: Literal["export", "import"] | None = None
    operator: str | None = None
    number: str | None = None
    handed_over: bool = False
    texts: tuple[str, ...] = ()

    @classmethod
    def timed(
        cls,
        index: int,
        time: ResolvedTime,
        location: Location,
        kind: Kind,
        code: str | None,
        description: str,
        *,
        hint: Literal["export", "import"] | None = None,
        operator: str | None = None,
    ) -> Scan:
        """A scan from a resolved time (:func:`carriers._time.resolve_time`)."""
        return cls(
            index,
            time.occurred_at,
            time.time_basis,
            time.local_offset_minutes,
            location,
            kind,
            code,
            description,
            hint,
            operator,
        )


def steps(scans: Sequence[Scan]) -> list[Step]:
    """The route's view of each scan: its kind, country and Export/Import word."""
    return [Step(s.kind, s.location.country, s.hint) for s in scans]


def as_milestone(kind: Kind) -> Milestone:
    """A kind that is a milestone already; a movement the route did not settle is ``in_transit``."""
    return kind if is_milestone(kind) else "in_transit"


def to_event(
    carrier: str, number: str, scan: Scan, milestone: Milestone, handover: Handover | None = None
) -> Event:
    """The one step from a carrier's scan to a normalized event."""
    return Event(
        carrier,
        scan.number or number,
        scan.at,
        milestone,
        scan.location,
        scan.description,
        scan.basis,
        scan.offset,
        scan.code,
        handover,
        scan.operator,
    )  # positional, in Event's field order: keyword arguments cost more per event


def events_of(
    carrier: str,
    number: str,
    scans: Sequence[Scan],
    milestones: Sequence[Milestone],
    handover: Handover | None = None,
    handover_at: int | None = None,
) -> tuple[Event, ...]:
    """Events of scans whose milestones are settled; ``handover`` goes on the scan at ``handover_at``."""
    return tuple(
        [
            to_event(carrier, number, scan, milestone, handover if i == handover_at else None)
            for i, (scan, milestone) in enumerate(zip(scans, milestones, strict=True))
        ]
    )


def to_events(
    carrier: str,
    number: str,
    scans: Sequence[Scan],
    origin: str | None,
    destination: str | None,
    *,
    handover: Handover | None = None,
    handover_at: int | None = None,
) -> tuple[Event, ...]:
    """Normalized events, oldest first, with milestones settled against the route.

    ``handover_at`` indexes the scans oldest first (callers that place a hand-over order them first;
    :func:`chronological` keeps an order that is oldest first already).
    """
    ordered = in_order(scans, [s.at for s in scans])
    kinds = [s.kind for s in ordered]
    countries = tuple([s.location.country for s in ordered])
    route = Route.of_kinds(kinds, countries, origin, destination)
    milestones = settle_kinds(kinds, countries, [s.hint for s in ordered], route)
    return events_of(carrier, number, ordered, milestones, handover, handover_at)
