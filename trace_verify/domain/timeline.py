"""The order's timeline: every event once, oldest first, with a map back to each shipment.

Output rules: sorted by (occurred_at, shipment index, position in its shipment); exact duplicates
(same carrier, number, time, milestone, place) appear once. Findings cite events by timeline index.
"""

from __future__ import annotations

from operator import gt, lt

from trace_verify.domain.bundle import Shipment
from trace_verify.domain.model import Event, value_object


@value_object
class Timeline:
    """The ordered events and, per shipment, the timeline indexes of its events in time order."""

    events: tuple[Event, ...]
    by_shipment: tuple[tuple[int, ...], ...]
    #: Known that no two events share an instant (then nothing needs tie-breaking); False when
    #: not known.
    distinct_times: bool = False


def build_timeline(shipments: tuple[Shipment, ...]) -> Timeline:
    """Merge the shipments' events into one de-duplicated, time-ordered timeline."""
    if len(shipments) == 1:
        single = _single_leg(shipments[0].events)
        if single is not None:
            return single
    keyed = [
        (event.occurred_at, s_index, position, event)
        for s_index, shipment in enumerate(shipments)
        for position, event in enumerate(shipment.events)
    ]
    keyed.sort()  # (time, shipment, position) is unique, so the event itself is never compared
    events: list[Event] = []
    per_shipment: list[list[int]] = [[] for _ in shipments]
    # Duplicates share their instant, so keys are only compared within a run of equal times:
    # the common case (every event at its own instant) builds no key at all.
    run_start = 0
    run_keys: dict[tuple[object, ...], int] | None = None
    for moment, s_index, _, event in keyed:
        index = len(events)
        if events and events[-1].occurred_at == moment:
            if run_keys is None:
                run_keys = {events[k].dedup_key(): k for k in range(run_start, len(events))}
            index = run_keys.setdefault(event.dedup_key(), len(events))
        else:
            run_start, run_keys = len(events), None
        if index == len(events):
            events.append(event)
        if not per_shipment[s_index] or per_shipment[s_index][-1] != index:
            per_shipment[s_index].append(index)
    return Timeline(tuple(events), tuple(tuple(ix) for ix in per_shipment))


def _single_leg(events: tuple[Event, ...]) -> Timeline | None:
    """The common case without sorting: one shipment whose events are each at their own instant,
    listed oldest first or newest first (carriers do both). No two share an instant, so none is a
    duplicate and the time order is the listing order or its reverse; None otherwise."""
    times = [event.occurred_at for event in events]
    if all(map(lt, times, times[1:])):
        ordered = events
    elif all(map(gt, times, times[1:])):
        ordered = events[::-1]
    else:
        return None
    return Timeline(ordered, (tuple(range(len(events))),), distinct_times=True)
