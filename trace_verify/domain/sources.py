"""Who says so: the sources of stored evidence and how strong each is (rules.md §8).

A JSON file is as easy to forge as a sentence, so the service keeps, for every stored event and
record, who vouches for it. Offline ``verify`` and ``POST /verify`` have no sources (the caller vouches
for the whole bundle): everything here is used only when the service judges *stored* evidence and
passes a :class:`StoredSources`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from trace_verify.domain.model import Event

Source = Literal["carrier_api", "carrier_push", "platform", "merchant", "consumer"]

#: rules.md §8's table order, which is also the order of strength (strongest first); ``merchant`` and
#: ``consumer`` are equally weak (a party's word), the table order breaks the tie.
SOURCES: Final[tuple[Source, ...]] = get_args(Source)
SOURCE_RANK: Final[dict[str, int]] = {s: rank for rank, s in enumerate(SOURCES)}
_STRENGTH: Final[dict[str, int]] = {
    "carrier_api": 0,
    "carrier_push": 1,
    "platform": 2,
    "merchant": 3,
    "consumer": 3,
}

#: The carrier's own record (rules.md §8.2).
CARRIER_SOURCES: Final[frozenset[str]] = frozenset({"carrier_api", "carrier_push"})
#: Sources a complaint may be rejected on (rules.md §8.1).
VOUCHED_SOURCES: Final[frozenset[str]] = frozenset({"carrier_api", "carrier_push", "platform"})


def stronger(a: Source, b: Source) -> Source:
    """The stronger of two sources of the same evidence (rules.md §8.2: the stronger is kept)."""
    return b if _STRENGTH[b] < _STRENGTH[a] else a


def is_stronger(new: str, old: str) -> bool:
    """True when source ``new`` should replace ``old`` as the source of the same evidence."""
    return _STRENGTH[new] < _STRENGTH[old]


@dataclass(frozen=True, slots=True)
class StoredSources:
    """The sources of a stored order's evidence, as the service knows them.

    ``events`` maps each event the verifier will see to the strongest source it arrived from; an
    event missing from it counts as ``merchant`` (the conservative reading). ``shipments`` and
    ``customs`` are per bundle index: who stated the shipment's own fields (``dispatch``, its bonded
    zone) and each customs record. ``confirmed_customs`` are the customs indexes staff confirmed.
    ``certificate`` is who presented a complaint's certificate and ``certificate_confirmed`` whether
    staff confirmed it (rules.md §8.3); ``credentials`` says, per credential index, who vouches for
    its tracking (``consumer`` unless the service fetched it from the carrier or the platform filed it).
    """

    events: Mapping[Event, Source] = field(default_factory=dict)
    shipments: tuple[Source, ...] = ()
    customs: tuple[Source, ...] = ()
    confirmed_customs: frozenset[int] = frozenset()
    trace_codes: Source = "merchant"
    certificate: Source | None = None
    certificate_confirmed: bool = False
    credentials: Mapping[int, Source] = field(default_factory=dict)

    def of_event(self, event: Event) -> Source:
        """The source of ``event`` (``merchant`` when the service did not say)."""
        return self.events.get(event, "merchant")

    def of_shipment(self, index: int) -> Source:
        """Who stated shipment ``index``'s own fields."""
        return self.shipments[index] if index < len(self.shipments) else "merchant"

    def of_credential(self, index: int) -> Source:
        """Who vouches for credential ``index``'s own tracking (``consumer`` when not said)."""
        return self.credentials.get(index, "consumer")

    def customs_vouched(self, index: int) -> bool:
        """A customs record counts for §8.1 when platform-submitted or confirmed by staff."""
        source = self.customs[index] if index < len(self.customs) else "merchant"
        return source in VOUCHED_SOURCES or index in self.confirmed_customs
