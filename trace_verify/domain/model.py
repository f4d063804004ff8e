"""The normalized tracking model every carrier adapter produces and the verifier consumes.

One event is one carrier scan, reduced to what the rules need: a UTC instant (with the basis it was
derived from), a milestone from a closed vocabulary, a place and the carrier's own code. The shape
mirrors ``event.schema.json`` of the public contract; ``Event.to_json`` writes exactly that shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeVar, dataclass_transform, get_args

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value_object(cls: type[_T]) -> type[_T]:
    """A frozen value class to the type checker, a plain slots dataclass at run time.

    Millions of events pass through the bulk path, and a frozen dataclass pays ``object.__setattr__``
    for every field (about twice the cost of a plain slots class). mypy treats these classes as
    frozen, so no code in ``trace_verify/`` or ``carriers/`` can mutate one; equality and hashing are
    the dataclass's own.
    """
    return dataclass(slots=True, unsafe_hash=True)(cls)


Milestone = Literal[
    "label_created",
    "picked_up",
    "in_transit",
    "export_cleared",
    "departed_origin",
    "arrived_destination_country",
    "customs_processing",
    "customs_held",
    "import_cleared",
    "out_for_delivery",
    "delivery_attempted",
    "available_for_pickup",
    "delivered",
    "returned",
    "exception",
    "unknown",
]

MILESTONES: Final[tuple[Milestone, ...]] = get_args(Milestone)

#: A custody event is any event but these two (rules.md §1, terms).
NON_CUSTODY: Final[frozenset[str]] = frozenset({"label_created", "unknown"})
#: Events that speak of import customs in the destination country.
CUSTOMS_MILESTONES: Final[frozenset[str]] = frozenset(
    {"customs_processing", "customs_held", "import_cleared"}
)

TimeBasis = Literal["carrier_offset", "carrier_utc", "carrier_timezone", "location_timezone", "assumed_utc"]
TIME_BASES: Final[tuple[TimeBasis, ...]] = get_args(TimeBasis)

#: Country code of Mainland China. HK, MO and TW are outside it (rules.md §1).
MAINLAND: Final = "CN"


@value_object
class Location:
    """Where a scan happened, as far as the carrier said. Every part may be missing."""

    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    facility: str | None = None
    locode: str | None = None

    def to_json(self) -> dict[str, str]:
        """The contract's ``location`` object, omitting unknown parts."""
        out: dict[str, str] = {}
        for name in ("city", "region", "postal_code", "country", "facility", "locode"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@value_object
class Handover:
    """The next leg named by an event: another carrier (or the same) and its tracking number."""

    tracking_number: str
    carrier: str | None = None


@value_object
class Event:
    """One normalized tracking event; ``occurred_at`` is always timezone-aware UTC."""

    carrier: str
    tracking_number: str
    occurred_at: datetime
    milestone: Milestone
    location: Location
    description: str
    time_basis: TimeBasis
    local_offset_minutes: int | None = None
    carrier_code: str | None = None
    handover_to: Handover | None = None
    operator: str | None = None
    #: The event object as the bundle gave it, kept so that the verdict's timeline returns it
    #: unchanged (output rules). ``None`` for events an adapter produced.
    source: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def is_custody(self) -> bool:
        """True for every milestone that means the carrier handled the goods."""
        return self.milestone not in NON_CUSTODY

    def dedup_key(self) -> tuple[object, ...]:
        """Identity of an event for de-duplication: same carrier, number, time, milestone, place."""
        return (self.carrier, self.tracking_number, self.occurred_at, self.milestone, self.location)

    def to_json(self) -> dict[str, Any]:
        """The contract's event object (``event.schema.json``)."""
        if self.source is not None:
            out = dict(self.source)
            out.setdefault("time_basis", self.time_basis)
            return out
        out = {
            "carrier": self.carrier,
            "tracking_number": self.tracking_number,
            "occurred_at": format_utc(self.occurred_at),
            "local_offset_minutes": self.local_offset_minutes,
            "time_basis": self.time_basis,
            "milestone": self.milestone,
            "location": self.location.to_json(),
            "carrier_code": self.carrier_code,
            "description": self.description,
        }
        if self.handover_to is not None:
            handover: dict[str, Any] = {"tracking_number": self.handover_to.tracking_number}
            if self.handover_to.carrier is not None:
                handover["carrier"] = self.handover_to.carrier
            out["handover_to"] = handover
        if self.operator is not None:
            out["operator"] = self.operator
        return out


def format_utc(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix, seconds precision unless sub-second data exists."""
    moment = moment.astimezone(UTC)
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")
