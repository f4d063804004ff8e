"""TIMELINE_IMPOSSIBLE (rules.md §1, time and speed): events of one chain that contradict physics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from operator import lt

from trace_verify.domain.chains import Chain
from trace_verify.domain.context import Context
from trace_verify.domain.findings import finding
from trace_verify.domain.places import Place, distance_km
from trace_verify.domain.verdict import Finding, TimelineRef

#: Milestones that cannot precede a departure from the origin country.
_ORDER_RULES = (
    ("delivered", "delivered before it departed from the origin country"),
    ("arrived_destination_country", "arrived in the destination country before departing"),
)


def timeline_impossible(ctx: Context) -> Iterator[Finding]:
    """One finding per chain: the first contradiction in time order, or an impossible speed."""
    for chain in ctx.chains:
        problem = _order_problem(ctx, chain) or _speed_problem(ctx, chain)
        if problem is not None:
            message, refs = problem
            yield finding("TIMELINE_IMPOSSIBLE", message, refs, subject=f"/shipments/{chain.first_leg}")


def _order_problem(ctx: Context, chain: Chain) -> tuple[str, list[TimelineRef]] | None:
    """The first (in chain order) event of ``_ORDER_RULES`` that surely precedes a departure.

    Chain order is time order, so an event listed after a departure is not earlier than it: only the
    events before the last departure are compared (the same pairs that can match, in the same order).
    """
    events, indexes = ctx.events, chain.events
    milestones = [events[i].milestone for i in indexes]
    if "departed_origin" not in milestones:
        return None
    end = len(milestones) - milestones[::-1].index("departed_origin")
    departures = [indexes[k] for k in range(end) if milestones[k] == "departed_origin"]
    for early_milestone, text in _ORDER_RULES:
        for e in [indexes[k] for k in range(end) if milestones[k] == early_milestone]:
            for later in departures:
                if ctx.surely_ordered(events[e], events[later]):
                    return f"The parcel {text}.", [TimelineRef(e), TimelineRef(later)]
    return None


def _speed_problem(ctx: Context, chain: Chain) -> tuple[str, list[TimelineRef]] | None:
    """Compare each located event with the located events of its own instant and of the next one.

    Events without a resolvable place are passed over (they say nothing of distance), and events of
    the same instant are compared all with all, so the outcome never depends on listing order.
    """
    events, places = ctx.events, ctx.places
    located = [(i, p) for i in chain.events if (p := places[i]) is not None and p.lat is not None]
    if ctx.timeline.distinct_times or _distinct([events[i].occurred_at for i, _ in located]):
        # the common case, each located event at its own instant: compare neighbours only
        for (a, place_a), (b, place_b) in pairwise(located):
            if place_a.key != place_b.key:
                problem = _too_fast(ctx, a, place_a, b, place_b)
                if problem is not None:
                    return problem
        return None
    groups: list[list[tuple[int, Place]]] = []
    last_time = None
    for i, place in located:
        moment = events[i].occurred_at
        if moment == last_time:
            groups[-1].append((i, place))
        else:
            groups.append([(i, place)])
            last_time = moment
    for n, group in enumerate(groups):
        later = groups[n + 1] if n + 1 < len(groups) else ()
        for k, (a, place_a) in enumerate(group):
            for b, place_b in (*group[k + 1 :], *later):
                if place_a.key != place_b.key:
                    problem = _too_fast(ctx, a, place_a, b, place_b)
                    if problem is not None:
                        return problem
    return None


def _distinct(times: list[datetime]) -> bool:
    """No two of these time-ordered instants are equal."""
    return all(map(lt, times, times[1:]))


#: Distances between place keys already computed (places repeat across shipments); bounded.
_DISTANCES: dict[tuple[str, str], float | None] = {}


def _distance(pa: Place, pb: Place) -> float | None:
    if pa.key == pb.key:
        return 0.0
    key = (pa.key, pb.key)
    if key not in _DISTANCES:
        if len(_DISTANCES) > 50_000:
            _DISTANCES.clear()
        _DISTANCES[key] = distance_km(pa, pb)
    return _DISTANCES[key]


def _too_fast(ctx: Context, a: int, pa: Place, b: int, pb: Place) -> tuple[str, list[TimelineRef]] | None:
    policy = ctx.policy
    km = _distance(pa, pb)
    if km is None or km < policy.min_checked_distance_km:
        return None
    earlier, later = ctx.events[a], ctx.events[b]
    # elapsed hours, at least the policy's minimum interval, widened by the assumed-UTC margin
    elapsed = max(abs(later.occurred_at - earlier.occurred_at), policy.min_interval)
    if earlier.time_basis == "assumed_utc" or later.time_basis == "assumed_utc":
        elapsed += policy.assumed_utc_margin
    hours = elapsed.total_seconds() / 3600
    if km / hours <= policy.max_speed_kmh:
        return None
    first, second = sorted((a, b))
    return (
        f"A move of {km:.0f} km in {hours * 60:.0f} minutes is faster than {policy.max_speed_kmh:.0f} km/h.",
        [TimelineRef(first), TimelineRef(second)],
    )


def destination_mismatch(ctx: Context) -> Iterator[Finding]:
    """DESTINATION_MISMATCH (blocker): delivered on a last leg somewhere else than the destination."""
    for facts in ctx.paths.chains:
        i = facts.delivered_elsewhere
        if i is not None:
            loc = ctx.events[i].location
            where = ", ".join(p for p in (loc.city, loc.country) if p)
            yield finding(
                "DESTINATION_MISMATCH",
                f"Delivered in {where}, not at the order's destination.",
                [TimelineRef(i)],
                subject=f"/shipments/{facts.chain.last_leg}",
            )


RULES = (timeline_impossible, destination_mismatch)
