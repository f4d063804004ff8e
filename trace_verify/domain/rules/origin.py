"""Where each chain starts and whether it is traceable: the facts every path rule stands on.

``assess(ctx)`` answers, once per verification and before any rule runs (the verifier keeps it as
``ctx.paths``, a typed cached value), for each chain: the first custody event and where it
was (abroad, a recognised bonded zone, a zone our data lacks, Mainland China, unknown), whether the
dispatch place and delivery at the destination are shown, and — for goods entering Mainland China —
whether the crossing is shown. Which path is evidenced is derived from these facts.
"""

from __future__ import annotations

from typing import Final, Literal

from trace_verify.domain.bundle import Path
from trace_verify.domain.chains import Chain
from trace_verify.domain.context import Context, ZoneLike
from trace_verify.domain.model import CUSTOMS_MILESTONES, NON_CUSTODY, Location, value_object
from trace_verify.domain.rules.codes import general_trade_shown

Origin = Literal["abroad", "zone", "zone_unknown", "mainland", "unknown", "none"]

_DOMESTIC_DELIVERY = frozenset(
    {"out_for_delivery", "delivery_attempted", "available_for_pickup", "delivered"}
)
_LEAVING = frozenset({"departed_origin", "in_transit"})
_ENTERING = frozenset({"arrived_destination_country"}) | CUSTOMS_MILESTONES


@value_object
class ChainFacts:
    """What one chain shows."""

    chain: Chain
    first_custody: int | None
    origin: Origin
    zone: ZoneLike | None
    delivered: tuple[int, ...]
    delivered_at_destination: int | None
    dispatch_shown: bool
    crossing_shown: bool
    customs_shown: bool
    #: A leg's document could not be read, or its carrier answered with an error: what the chain
    #: shows may be only part of its story (contract README, input rules: insufficient_evidence).
    source_failed: bool = False
    #: The chain's custody events (rules.md §1, terms), in chain order.
    custody: tuple[int, ...] = ()
    #: The first delivery on the last leg somewhere else than the order's destination, if any.
    delivered_elsewhere: int | None = None
    #: The first custody event surely precedes the order (``Context.surely_before``).
    before_order: bool = False

    @property
    def is_delivered(self) -> bool:
        return bool(self.delivered)

    @property
    def traceable(self) -> bool:
        """Custody at the dispatch place, delivery on the last leg at the destination, every source read."""
        return (
            not self.source_failed
            and self.first_custody is not None
            and self.origin not in ("unknown", "none")
            and self.dispatch_shown
            and self.delivered_at_destination is not None
        )


#: Problems that mean a source of the chain failed. A failed live refresh (``refresh_failed``) or a
#: carrier not asked (``not_asked``) is not one: the stored evidence stays whole (rules.md, Verdict).
SOURCE_FAILURES: Final = frozenset({"unreadable", "carrier_error"})


def chain_facts(ctx: Context, chain: Chain) -> ChainFacts:
    """Establish the facts of one chain: one walk over its events, places read by timeline index."""
    events = ctx.events
    custody: list[int] = []
    customs_shown = False
    for i in chain.events:
        milestone = events[i].milestone
        if milestone not in NON_CUSTODY:
            custody.append(i)
        if milestone in CUSTOMS_MILESTONES:
            customs_shown = True
    first = custody[0] if custody else None
    last_leg = ctx.timeline.by_shipment[chain.last_leg]
    delivered = tuple([i for i in last_leg if events[i].milestone == "delivered"])
    at_destination = elsewhere = None
    for i in delivered:
        match = ctx.event_at_destination(i)
        if match == "different":
            elsewhere = i if elsewhere is None else elsewhere
        elif at_destination is None and ctx.countries[i] is not None:
            at_destination = i
    origin, zone = _origin(ctx, chain, first)
    return ChainFacts(
        chain=chain,
        first_custody=first,
        origin=origin,
        zone=zone,
        delivered=delivered,
        delivered_at_destination=at_destination,
        dispatch_shown=_dispatch_shown(ctx, chain, custody),
        crossing_shown=crossing_events(ctx, chain) is not None,
        customs_shown=customs_shown,
        source_failed=_source_failed(ctx, chain),
        custody=tuple(custody),
        delivered_elsewhere=elsewhere,
        before_order=first is not None and ctx.surely_before(events[first], ctx.order.placed_at),
    )


def _source_failed(ctx: Context, chain: Chain) -> bool:
    for leg in chain.legs:
        for problem in ctx.bundle.shipments[leg].problems:
            if problem.kind in SOURCE_FAILURES:
                return True
    return False


def _origin(ctx: Context, chain: Chain, first: int | None) -> tuple[Origin, ZoneLike | None]:
    if first is None:
        return "none", None
    event = ctx.events[first]
    shipment = ctx.bundle.shipments[chain.first_leg]
    in_mainland = ctx.mainland[first]
    if in_mainland is None:
        return "unknown", None
    if not in_mainland:
        return "abroad", None
    zone = ctx.zone_of(shipment, event)
    if zone is not None:
        return "zone", zone
    if ctx.zone_named_by(shipment) and ctx.has_bonded_record:
        return "zone_unknown", None
    return "mainland", None


def _dispatch_shown(ctx: Context, chain: Chain, custody: list[int]) -> bool:
    """A custody event at the dispatch place (the shipment's ``dispatch`` when it gives an address)."""
    if not custody:
        return False
    dispatch = ctx.bundle.shipments[chain.first_leg].dispatch
    if dispatch is None or dispatch.address is None:
        return True  # the dispatch place is the first custody event's own place
    a = dispatch.address
    place = Location(city=a.city, region=a.region, country=a.country)
    return any(ctx.same_place(place, ctx.events[i].location) != "different" for i in custody)


def crossing_events(ctx: Context, chain: Chain) -> tuple[int, int] | None:
    """The events that show the crossing into Mainland China (leaving abroad, then entering), if any:
    left a place outside Mainland China, then entered it, before any domestic delivery event."""
    events, mainland = ctx.events, ctx.mainland
    left: int | None = None
    for i in chain.events:
        milestone = events[i].milestone
        in_mainland = mainland[i]
        if left is None:
            if milestone in _LEAVING and in_mainland is False:
                left = i
            elif milestone in _DOMESTIC_DELIVERY and in_mainland:
                return None
            continue
        if milestone in _ENTERING and in_mainland is not False:
            return left, i
        if milestone in _DOMESTIC_DELIVERY and in_mainland:
            return None
    return None


@value_object
class PathAssessment:
    """Chain facts, the general-trade conditions and the path actually evidenced."""

    chains: tuple[ChainFacts, ...]
    general_trade_shown: bool
    path: Path | None
    traceable_abroad: bool

    @property
    def evidenced(self) -> bool:
        return self.path is not None or self.traceable_abroad


def chain_path(ctx: Context, facts: ChainFacts) -> Path | None:
    """The path one chain evidences on its own (direct or bonded), if any."""
    if not facts.traceable or facts.before_order:
        return None
    if facts.origin == "abroad" and facts.crossing_shown:
        return "direct_international"
    if facts.origin == "zone":
        return "bonded_zone"
    return None


def evidenced_path(ctx: Context, chains: tuple[ChainFacts, ...], general_trade: bool) -> Path | None:
    """Every chain evidences a direct or bonded path, or the general-trade conditions hold."""
    per_chain = [chain_path(ctx, facts) for facts in chains]
    if chains and all(per_chain):
        if ctx.claimed_path in per_chain:
            return ctx.claimed_path
        return per_chain[0]
    return "general_trade" if general_trade else None


def assess(ctx: Context) -> PathAssessment:
    """The path assessment of this verification; the verifier computes it once, before the rules run,
    and gives it to them as ``ctx.paths``."""
    chains = tuple([chain_facts(ctx, chain) for chain in ctx.chains])
    general = general_trade_shown(ctx)
    if ctx.destination_in_mainland:
        result = PathAssessment(chains, general, evidenced_path(ctx, chains, general), False)
    else:
        abroad = bool(chains) and all(f.traceable for f in chains)
        result = PathAssessment(chains, general, None, abroad)
    return result
