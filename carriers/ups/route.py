"""Border milestones settled from a shipment's route: which departure leaves the origin country, which
arrival enters the destination country, and which customs release is export, import or transit.

Carriers code an event as "departed", "arrived" or "cleared customs" wherever it happens (UPS ``DP`` /
``AR``, FedEx ``DP`` / ``AR`` / ``CC``); only the route says whether it crossed the border. The rules
are the ``dhl`` adapter's, carrier-neutral, so that UPS and FedEx settle borders the same way:

* the last departure scanned in the origin country of a cross-border shipment is ``departed_origin``;
* the first arrival in the destination country after a scan elsewhere is ``arrived_destination_country``;
* a customs release (``cleared``) in the origin country is ``export_cleared``, in the destination
  ``import_cleared``, in a third country only ``in_transit``; without a country, the carrier's own word
  (``Export`` / ``Import``) decides, else import;
* customs processing outside the destination country is not import customs: ``in_transit``.

Pure: kinds and countries in, milestones out. Other adapters may use it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeGuard

from trace_verify.domain.model import MILESTONES, Milestone

Kind = Milestone | Literal["departed", "arrived", "cleared"]
Side = Literal["export", "transit", "import"]


def is_milestone(kind: Kind) -> TypeGuard[Milestone]:
    """True for kinds that are milestones already (not departed / arrived / cleared)."""
    return kind in MILESTONES


@dataclass(frozen=True, slots=True)
class Step:
    """One event as the route sees it: what the carrier said, where, and its Export/Import word."""

    kind: Kind
    country: str | None
    hint: Literal["export", "import"] | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """Where the shipment starts and ends, to tell export from import and borders from hubs."""

    origin: str | None
    destination: str | None
    countries: tuple[str | None, ...]

    @classmethod
    def of(cls, steps: Sequence[Step], origin: str | None, destination: str | None) -> Route:
        """The declared origin/destination, else the first scan's country / the delivery's country."""
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

    def side(self, country: str | None) -> Side:
        """``export`` (origin country), ``transit`` (a third country) or ``import`` (else)."""
        if country is None or not self.crosses_border():
            return "import"
        if country == self.origin:
            return "export"
        if self.destination is not None and country != self.destination:
            return "transit"
        return "import"


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


def settle(steps: Sequence[Step], origin: str | None, destination: str | None) -> list[Milestone]:
    """The milestone of each step (oldest first), given the shipment's declared origin/destination."""
    route = Route.of(steps, origin, destination)
    departed_at = _last_departure_in_origin(steps, route)
    arrived_at = _first_arrival(steps, route)
    return [_milestone(step, i, route, departed_at, arrived_at) for i, step in enumerate(steps)]


def _milestone(
    step: Step, i: int, route: Route, departed_at: int | None, arrived_at: int | None
) -> Milestone:
    if step.kind == "departed":
        return "departed_origin" if i == departed_at else "in_transit"
    if step.kind == "arrived":
        return "arrived_destination_country" if i == arrived_at else "in_transit"
    if step.kind == "cleared":
        if step.country is None and step.hint is not None:
            return "export_cleared" if step.hint == "export" else "import_cleared"
        return _CLEARED_BY_SIDE[route.side(step.country)]
    if not is_milestone(step.kind):  # pragma: no cover - the three kinds above are all there are
        return "unknown"
    return _CUSTOMS_BY_SIDE[route.side(step.country)].get(step.kind, step.kind)


def _last_departure_in_origin(steps: Sequence[Step], route: Route) -> int | None:
    """The last departure scanned in the origin country, when the shipment leaves it."""
    if not route.crosses_border():
        return None
    found = [i for i, s in enumerate(steps) if s.kind == "departed" and s.country == route.origin]
    return found[-1] if found else None


def _first_arrival(steps: Sequence[Step], route: Route) -> int | None:
    """The first arrival scan in the destination country after a scan elsewhere: the border."""
    if route.destination is None or not route.crosses_border():
        return None
    seen_elsewhere = False
    for i, step in enumerate(steps):
        if step.kind == "arrived" and step.country == route.destination and seen_elsewhere:
            return i
        seen_elsewhere = seen_elsewhere or step.country not in (None, route.destination)
    return None
