"""Chains of legs (rules.md §1, "traceable chain").

Shipments linked by hand-overs — an event's ``handover_to`` naming a later leg's tracking number, or a
shipment's ``handover_from`` naming an earlier one — form one chain; parallel parcels form separate
chains, each checked on its own.
"""

from __future__ import annotations

from operator import lt

from trace_verify.domain.bundle import Shipment
from trace_verify.domain.model import MILESTONES, value_object
from trace_verify.domain.numbers import normalize_number as _norm
from trace_verify.domain.timeline import Timeline


@value_object
class Chain:
    """Legs in hand-over order and the timeline indexes of all their events, oldest first."""

    legs: tuple[int, ...]
    events: tuple[int, ...]

    @property
    def last_leg(self) -> int:
        """Index of the shipment that ends the chain (the one delivering to the consumer)."""
        return self.legs[-1]

    @property
    def first_leg(self) -> int:
        """Index of the shipment that starts the chain."""
        return self.legs[0]


def handover_links(shipments: tuple[Shipment, ...]) -> set[tuple[int, int]]:
    """Directed (earlier, later) pairs of shipment indexes linked by a hand-over."""
    by_number: dict[str, list[int]] = {}
    for shipment in shipments:
        by_number.setdefault(_norm(shipment.tracking_number), []).append(shipment.index)
    links: set[tuple[int, int]] = set()
    for shipment in shipments:
        for event in shipment.events:
            if event.handover_to is not None:
                for later in by_number.get(_norm(event.handover_to.tracking_number), ()):
                    if later != shipment.index:
                        links.add((shipment.index, later))
        if shipment.handover_from is not None:
            for earlier in by_number.get(_norm(shipment.handover_from.tracking_number), ()):
                if earlier != shipment.index:
                    links.add((earlier, shipment.index))
    return links


def build_chains(shipments: tuple[Shipment, ...], timeline: Timeline) -> tuple[Chain, ...]:
    """Group shipments into chains; legs ordered by hand-over, then by their first event."""
    if len(shipments) == 1:  # the common case: one leg, one chain, nothing to link
        events = timeline.by_shipment[0]
        return (Chain((0,), events if timeline.distinct_times else _untie(timeline, list(events))),)
    links = handover_links(shipments)
    parent = list(range(len(shipments)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for shipment in shipments:
        groups.setdefault(root(shipment.index), []).append(shipment.index)
    chains = [_chain(members, links, timeline) for members in groups.values()]
    chains.sort(key=lambda c: c.legs[0])
    return tuple(chains)


def _chain(members: list[int], links: set[tuple[int, int]], timeline: Timeline) -> Chain:
    def first_time(i: int) -> tuple[int, object, int]:
        events = timeline.by_shipment[i]
        return (0, timeline.events[events[0]].occurred_at, i) if events else (1, None, i)

    # Topological order over hand-over links; ties (and cycles) broken by each leg's first event.
    remaining = sorted(members, key=first_time)
    ordered: list[int] = []
    while remaining:
        ready = [m for m in remaining if not any((p, m) in links for p in remaining if p != m)]
        pick = ready[0] if ready else remaining[0]
        ordered.append(pick)
        remaining.remove(pick)
    indexes = sorted({ix for m in members for ix in timeline.by_shipment[m]})
    return Chain(tuple(ordered), _untie(timeline, indexes))


def _untie(timeline: Timeline, indexes: list[int]) -> tuple[int, ...]:
    """Timeline order (by time already), with simultaneous events put in :func:`canonical` order."""
    events = timeline.events
    times = [events[i].occurred_at for i in indexes]
    if all(map(lt, times, times[1:])):  # the common case: no two events at one instant
        return tuple(indexes)
    out: list[int] = []
    run: list[int] = []
    for i in indexes:
        if run and events[run[0]].occurred_at != events[i].occurred_at:
            out.extend(sorted(run, key=lambda k: canonical(timeline, k)) if len(run) > 1 else run)
            run = []
        run.append(i)
    out.extend(sorted(run, key=lambda k: canonical(timeline, k)) if len(run) > 1 else run)
    return tuple(out)


_MILESTONE_RANK = {name: rank for rank, name in enumerate(MILESTONES)}


def canonical(timeline: Timeline, index: int) -> tuple[object, ...]:
    """Order of events for the rules: by time, then by what they say, never by how they were listed.

    The timeline keeps the contract's order (listing position breaks ties), but a verdict must not
    change when a carrier lists simultaneous events the other way round.
    """
    e = timeline.events[index]
    loc = e.location
    return (
        e.occurred_at,
        _MILESTONE_RANK[e.milestone],
        tuple(
            part or ""
            for part in (loc.country, loc.city, loc.facility, loc.region, loc.postal_code, loc.locode)
        ),
        e.carrier,
        e.tracking_number,
        e.carrier_code or "",
        e.description,
        index,
    )
