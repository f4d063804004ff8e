"""What every rule needs about one bundle, computed once: timeline, chains, places, the claimed path.

Rules are small functions of a :class:`Context`; the expensive questions (where is this event, which
chain is it in) are answered here and cached, so adding a rule adds no repeated work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, overload

from trace_verify.domain.bundle import Bundle, Path, Shipment, TraceCodeRecord
from trace_verify.domain.chains import Chain, build_chains
from trace_verify.domain.codecheck import CodeCheck, check_codes
from trace_verify.domain.history import TrackingHistory
from trace_verify.domain.model import MAINLAND, NON_CUSTODY, Event, Location
from trace_verify.domain.numbers.carrier_map import CarrierNumbers
from trace_verify.domain.places import Gazetteer, Place
from trace_verify.domain.policy import Policy
from trace_verify.domain.registry import CodeRegistry
from trace_verify.domain.sources import StoredSources
from trace_verify.domain.timeline import Timeline, build_timeline

if TYPE_CHECKING:
    from trace_verify.domain.provenance import Contradiction
    from trace_verify.domain.rules.origin import PathAssessment


class ZoneLike(Protocol):
    """A recognised bonded zone."""

    @property
    def id(self) -> str: ...
    @property
    def name_en(self) -> str: ...


class Zones(Protocol):
    """The bonded-zone data file."""

    def match(self, text: str | None) -> ZoneLike | None: ...


class Districts(Protocol):
    """The customs district table."""

    def office_known(self, code2: str) -> bool: ...
    def district_known(self, code4: str) -> bool: ...


class Modes(Protocol):
    """The supervision-mode table."""

    def path_of(self, mode: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Reference:
    """Reference data the rules consult: the domain's reference port (``trace_verify.refdata`` loads
    the shipped tables once per process; tests may give their own)."""

    gazetteer: Gazetteer
    zones: Zones
    districts: Districts
    modes: Modes
    #: The tracking-number formats and how the carriers relate to them (built from the format data
    #: and the carrier specs outside the domain; the domain spells no carrier id and reads no file).
    carriers: CarrierNumbers


_V = TypeVar("_V")


class once(Generic[_V]):
    """``functools.cached_property`` without its lock: computed on first access, then a plain attribute.

    Why: on Python 3.11 ``cached_property`` takes an ``RLock`` on every first access, and a verification
    computes a dozen of these facts once each, millions of times in a bulk run; a Context is never
    shared between threads, so the lock buys nothing.
    """

    def __init__(self, compute: Callable[[Any], _V]) -> None:
        self._compute = compute
        self._name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> once[_V]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _V: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> once[_V] | _V:
        if obj is None:
            return self
        value = obj.__dict__[self._name] = self._compute(obj)
        return value


@cache
def _path_assessor() -> Callable[[Context], PathAssessment]:
    """``rules.origin.assess``, imported once (it imports this module; an import inside
    :attr:`Context.paths` would cost more than a microsecond on every verification)."""
    from trace_verify.domain.rules.origin import assess

    return assess


BONDED_MODES = frozenset({"1210", "1239"})
GENERAL_TRADE_MODES = frozenset({"0110"})
Match = Literal["same", "different", "unknown"]


class Context:
    """One verification's shared facts, each computed once.

    Every verification needs the timeline, the places of its events, the chains, the codes and the
    claimed path, so they are computed here at once (a lazy attribute costs a descriptor call per
    fact per bundle); only :attr:`paths`, which needs the whole context, is computed on first use.
    """

    def __init__(
        self,
        bundle: Bundle,
        now: datetime,
        policy: Policy,
        reference: Reference,
        history: TrackingHistory | None = None,
        *,
        sources: StoredSources | None = None,
        excluded: frozenset[int] = frozenset(),
        registry: CodeRegistry | None = None,
    ) -> None:
        self.bundle = bundle
        self.order = bundle.order
        #: The order is sold into Mainland China (places there compare by prefecture city).
        self.destination_in_mainland = bundle.order.destination.country == MAINLAND
        self.now = now
        self.policy = policy
        self.ref = reference
        #: Stored history of the tracking numbers (the service); None offline.
        self.history = history
        #: The traceability-code registry (the service); None offline (rules.md §5).
        self.registry = registry
        self.timeline: Timeline = build_timeline(bundle.shipments)
        self.events: tuple[Event, ...] = self.timeline.events
        #: Per timeline index, resolved once: the event's place, its country (as given, else its
        #: place's) and whether that is Mainland China (None: unknown). Rules ask these of the same
        #: few events many times over; they read them here by index.
        locations = [event.location for event in self.events]
        situated = reference.gazetteer.situate_all(
            [(loc.city, loc.country, loc.region, loc.facility) for loc in locations]
        )
        self.places: tuple[Place | None, ...] = ()
        self.countries: tuple[str | None, ...] = ()
        self.mainland: tuple[bool | None, ...] = ()
        if situated:
            self.places, self.countries, self.mainland = zip(*situated)  # noqa: B905 - 3-tuples
        #: Who vouches for each piece of stored evidence (rules.md §8); None offline and for /verify.
        self.sources = sources
        #: Merchant events the carrier's own record contradicts (rules.md §8.2), and every event no
        #: rule may use: they stay in the timeline (findings cite them) but in no shipment or chain.
        self.contradictions: tuple[Contradiction, ...] = ()
        if sources is not None:
            from trace_verify.domain.provenance import contradictions

            self.contradictions = contradictions(self, sources)
            excluded = excluded | {c.event for c in self.contradictions}
        self.excluded = excluded
        if excluded:
            self.timeline = Timeline(
                self.events,
                tuple(tuple(i for i in ix if i not in excluded) for ix in self.timeline.by_shipment),
            )
        self.chains: tuple[Chain, ...] = build_chains(bundle.shipments, self.timeline)
        self.modes: frozenset[str] = frozenset(
            c.supervision_mode for c in bundle.customs if c.supervision_mode
        )
        self.has_bonded_record = bool(self.modes & BONDED_MODES)
        #: The codes that count and the registry's objections (asked once per verification).
        self.code_check: CodeCheck = check_codes(bundle, registry)
        #: The records the rules judge: the bundle's offline, the registry's genuine ones in the service.
        self.trace_codes: tuple[TraceCodeRecord, ...] = self.code_check.records
        #: The merchant's claim, or the inference of rules.md §1.
        self.claimed_path: Path = self.order.claimed_path or self._inferred_path()
        d = self.order.destination
        self.destination_place = reference.gazetteer.resolve(d.city, d.country, d.region) if d.city else None

    # -- events ----------------------------------------------------------------------------------

    @once
    def paths(self) -> PathAssessment:
        """The path facts of every chain (``rules.origin.assess``), typed; the verifier has them
        computed before any rule runs."""
        return _path_assessor()(self)

    @property
    def usable(self) -> tuple[int, ...]:
        """Timeline indexes the rules may use (every event but the excluded ones)."""
        if not self.excluded:
            return tuple(range(len(self.events)))
        return tuple(i for i in range(len(self.events)) if i not in self.excluded)

    def shipment(self, index: int) -> Shipment:
        return self.bundle.shipments[index]

    def custody(self, indexes: tuple[int, ...]) -> list[int]:
        """The custody events among ``indexes`` (rules.md §1, terms)."""
        events = self.events
        return [i for i in indexes if events[i].milestone not in NON_CUSTODY]

    # -- places ----------------------------------------------------------------------------------

    def place(self, location: Location) -> Place | None:
        """The resolved place of a location (city first, then facility), or None.

        For a timeline event, :attr:`places` has it already (by timeline index)."""
        return self.ref.gazetteer.locate(location.city, location.country, location.region, location.facility)

    def country(self, location: Location) -> str | None:
        """The location's country: as given, else from its resolved place."""
        if location.country:
            return location.country
        place = self.place(location)
        return place.country if place else None

    def in_mainland(self, location: Location) -> bool | None:
        country = self.country(location)
        return None if country is None else country == MAINLAND

    def at_destination(self, location: Location) -> Match:
        """Compare with the order's destination: by country abroad, by prefecture city in Mainland China."""
        country = self.country(location)
        return self._at_destination(country, self.place(location) if country == MAINLAND else None)

    def event_at_destination(self, index: int) -> Match:
        """:meth:`at_destination` of the timeline event ``index``."""
        return self._at_destination(self.countries[index], self.places[index])

    def _at_destination(self, country: str | None, here: Place | None) -> Match:
        if country is None:
            return "unknown"
        if country != self.order.destination.country:
            return "different"
        if country != MAINLAND:
            return "same"
        there = self.destination_place
        if here is None or there is None:
            return "unknown"
        return "same" if here.city_key == there.city_key else "different"

    def same_place(self, a: Location, b: Location) -> Match:
        """Whether two locations are one place (prefecture city in Mainland China, country elsewhere)."""
        ca, cb = self.country(a), self.country(b)
        if ca is None or cb is None:
            return "unknown"
        if ca != cb:
            return "different"
        if ca != MAINLAND:
            return "same"
        pa, pb = self.place(a), self.place(b)
        if pa is None or pb is None:
            return "unknown"
        return "same" if pa.city_key == pb.city_key else "different"

    # -- bonded zones and customs ----------------------------------------------------------------

    def zone_named_by(self, shipment: Shipment) -> str | None:
        """The bonded zone the shipment's dispatch names, as written."""
        return shipment.dispatch.bonded_zone if shipment.dispatch else None

    def zone_of(self, shipment: Shipment, event: Event | None) -> ZoneLike | None:
        """The recognised zone the goods left from: named by the dispatch or by the event's facility."""
        candidates = []
        if shipment.dispatch is not None:
            candidates += [shipment.dispatch.bonded_zone, shipment.dispatch.facility]
        if event is not None:
            candidates.append(event.location.facility)
        for text in candidates:
            zone = self.ref.zones.match(text)
            if zone is not None:
                return zone
        return None

    def _inferred_path(self) -> Path:
        """The path rules.md §1 infers when the merchant claims none."""
        for shipment in self.bundle.shipments:
            if shipment.dispatch is not None and shipment.dispatch.bonded_zone:
                return "bonded_zone"
        if self.has_bonded_record:
            return "bonded_zone"
        if self.bundle.trace_codes:
            return "general_trade"
        for line in self.order.items:
            if line.trace_codes:
                return "general_trade"
        if self.modes & GENERAL_TRADE_MODES:
            return "general_trade"
        return "direct_international"

    # -- time ------------------------------------------------------------------------------------

    def surely_before(self, event: Event, moment: datetime) -> bool:
        """``event`` happened before ``moment``, with the assumed-UTC margin where it applies."""
        margin = self.policy.assumed_utc_margin if event.time_basis == "assumed_utc" else None
        return event.occurred_at + margin < moment if margin else event.occurred_at < moment

    def surely_ordered(self, earlier: Event, later: Event) -> bool:
        """``earlier`` truly precedes ``later`` even if an assumed-UTC time is off by the margin."""
        assumed = "assumed_utc" in (earlier.time_basis, later.time_basis)
        gap = later.occurred_at - earlier.occurred_at
        return gap > self.policy.assumed_utc_margin if assumed else gap > timedelta(0)
