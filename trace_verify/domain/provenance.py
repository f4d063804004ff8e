"""Judging stored evidence by its source (rules.md §8): what the carrier contradicts, what only a party says.

Three pure questions, each asked only when the service passes :class:`StoredSources`:

* :func:`contradictions` (§8.2) — which merchant events the carrier's own record contradicts; they
  become ``SUBMITTED_EVENT_CONTRADICTED`` and no rule uses them;
* :func:`self_reported_facts` (§8.1) — the facts an evidenced path rests on that neither the carrier nor
  the platform vouches for: a ``direct_supply`` complaint is then not rejected on them;
* :func:`rests_only_on_consumer` (§8.3) — whether a blocker stands on the consumer's word alone.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from trace_verify.domain.findings import finding
from trace_verify.domain.model import CUSTOMS_MILESTONES, Event, value_object
from trace_verify.domain.sources import CARRIER_SOURCES, SOURCES, VOUCHED_SOURCES, Source, StoredSources
from trace_verify.domain.verdict import EvidenceRef, Finding, PointerRef, SourceRef, TimelineRef, Verdict

if TYPE_CHECKING:
    from trace_verify.domain.context import Context

_ENTERING = frozenset({"arrived_destination_country"}) | CUSTOMS_MILESTONES


@value_object
class Contradiction:
    """A merchant event (timeline index) the carrier's event ``carrier_event`` contradicts."""

    event: int
    carrier_event: int
    before_first_scan: bool


# -- §8.2 the carrier's record prevails -------------------------------------------------------------


def contradictions(ctx: Context, sources: StoredSources) -> tuple[Contradiction, ...]:
    """Every merchant event the carrier's record of its shipment contradicts (rules.md §8.2).

    Per shipment with ``carrier_api``/``carrier_push`` custody events: a merchant custody event inside
    the carrier's span is contradicted when its country differs from the carrier's events nearest in
    time on either side (and from any carrier event within the assumed-UTC margin); one before the
    carrier's first scan, in another country, is contradicted when the carrier shows no crossing into
    the first scan's country. Only countries read from the events themselves are compared; an event
    whose country cannot be read contradicts nothing and is contradicted by nothing.
    """
    found: list[Contradiction] = []
    for indexes in ctx.timeline.by_shipment:
        carrier = [i for i in indexes if sources.of_event(ctx.events[i]) in CARRIER_SOURCES]
        if not carrier:
            continue
        located = [i for i in carrier if ctx.events[i].is_custody and ctx.country(ctx.events[i].location)]
        if not located:
            continue
        for i in indexes:
            event = ctx.events[i]
            if sources.of_event(event) != "merchant" or not event.is_custody:
                continue
            country = ctx.country(event.location)
            if country is None:
                continue
            hit = _contradiction(ctx, i, country, located, carrier)
            if hit is not None:
                found.append(hit)
    return tuple(found)


def _contradiction(
    ctx: Context, index: int, country: str, located: list[int], carrier: list[int]
) -> Contradiction | None:
    events = ctx.events
    event = events[index]
    first = located[0]
    if event.occurred_at < events[first].occurred_at:
        if not ctx.surely_ordered(event, events[first]):
            return None  # maybe before, maybe after the first scan (time margin): no blocker on a guess
        first_country = ctx.country(events[first].location)
        if first_country != country and not _crossing_into(ctx, carrier, first_country):
            return Contradiction(index, first, before_first_scan=True)
        return None
    if event.occurred_at > events[located[-1]].occurred_at:
        return None  # after the carrier's last scan: not covered by its record
    candidates = _nearest(ctx, event, located)
    if any(ctx.country(events[c].location) == country for c in candidates):
        return None
    nearest = min(candidates, key=lambda c: (abs(events[c].occurred_at - event.occurred_at), c))
    return Contradiction(index, nearest, before_first_scan=False)


def _nearest(ctx: Context, event: Event, located: list[int]) -> list[int]:
    """The carrier's scans on either side of ``event`` in time, and every one within the time margin."""
    times = [ctx.events[i].occurred_at for i in located]
    at = event.occurred_at
    before = bisect_right(times, at) - 1
    after = bisect_left(times, at)
    picked = {located[k] for k in (before, after) if 0 <= k < len(located)}
    for k, i in enumerate(located):
        assumed = "assumed_utc" in (event.time_basis, ctx.events[i].time_basis)
        margin = ctx.policy.assumed_utc_margin if assumed else timedelta(0)
        if abs(times[k] - at) <= margin:
            picked.add(i)
    return sorted(picked)


def _crossing_into(ctx: Context, carrier: list[int], country: str | None) -> bool:
    """The carrier's record shows the parcel entering ``country`` (or leaving somewhere): §8.2 (b)."""
    for i in carrier:
        event = ctx.events[i]
        if event.milestone == "departed_origin":
            return True
        if event.milestone in _ENTERING:
            where = ctx.country(event.location)
            if where is None or where == country:
                return True  # an entry whose country cannot be read is not held against anyone
    return False


def contradicted_findings(ctx: Context, found: Iterable[Contradiction]) -> list[Finding]:
    """``SUBMITTED_EVENT_CONTRADICTED`` (blocker) for each contradicted event, citing both events."""
    out = []
    for c in found:
        event, scan = ctx.events[c.event], ctx.events[c.carrier_event]
        mine, theirs = ctx.country(event.location), ctx.country(scan.location)
        if c.before_first_scan:
            why = (
                f"before the carrier's first scan, in {theirs}, and the carrier's record shows no "
                f"crossing into {theirs}"
            )
        else:
            why = f"while the carrier's own record has it in {theirs} at that time"
        out.append(
            finding(
                "SUBMITTED_EVENT_CONTRADICTED",
                f"A merchant-submitted event places the parcel in {mine} {why}; it is not used.",
                [TimelineRef(c.event), TimelineRef(c.carrier_event)],
                subject=f"/timeline/{c.event}",
            )
        )
    return out


# -- §8.4 what the verdict rests on -----------------------------------------------------------------


def source_counts(ctx: Context, sources: StoredSources) -> tuple[SourceRef, ...]:
    """How many timeline events came from each source, in rules.md §8's table order (none: omitted)."""
    counts = Counter(sources.of_event(e) for e in ctx.events)
    return tuple(SourceRef(s, counts[s]) for s in SOURCES if counts[s])


# -- §8.1 facts the path rests on ---------------------------------------------------------------------


def path_facts(ctx: Context) -> tuple[EvidenceRef, ...]:
    """Every fact the evidenced path rests on (rules.md §8.1), as evidence references.

    Per chain: the first custody event (at the dispatch place, with its country as read), the
    crossing events of a direct chain and the delivered event; a bonded zone named only by the
    shipment's ``dispatch``; for general trade, the 0110 customs records. Nothing when no path is
    evidenced.
    """
    from trace_verify.domain.context import GENERAL_TRADE_MODES
    from trace_verify.domain.rules.origin import crossing_events

    result = ctx.paths
    refs: list[EvidenceRef] = []
    if result.path == "general_trade":
        for record in ctx.bundle.customs:
            if record.supervision_mode in GENERAL_TRADE_MODES:
                refs.append(PointerRef(record.pointer))
        return tuple(refs)
    if not result.evidenced:
        return ()
    for facts in result.chains:
        events: list[int] = []
        if facts.first_custody is not None:
            events.append(facts.first_custody)
            if facts.origin == "zone" and not _zone_read_from(ctx, facts.first_custody):
                refs.append(PointerRef(f"/shipments/{facts.chain.first_leg}/dispatch"))
        if result.path == "direct_international":
            events.extend(crossing_events(ctx, facts.chain) or ())
        if facts.delivered_at_destination is not None:
            events.append(facts.delivered_at_destination)
        refs.extend(TimelineRef(i) for i in sorted(set(events)))
    return tuple(refs)


def _zone_read_from(ctx: Context, index: int) -> bool:
    """The bonded zone is named by the event itself (its facility), not only by the dispatch."""
    return ctx.ref.zones.match(ctx.events[index].location.facility) is not None


def self_reported_facts(ctx: Context, sources: StoredSources) -> tuple[EvidenceRef, ...]:
    """The facts of :func:`path_facts` that no carrier or platform vouches for (empty: path confirmed).

    A fact counts as vouched when the path is still evidenced by the vouched events alone: an honest
    merchant whose typed pickup duplicates the carrier's own scan loses nothing by having typed it.
    """
    if _evidenced_by_vouched_events(ctx, sources):
        return ()
    refs = [ref for ref in path_facts(ctx) if not _vouched(ctx, sources, ref)]
    if not refs:  # the path needs an event the vouched record lacks: cite what only a party says
        refs = [
            TimelineRef(i)
            for indexes in ctx.timeline.by_shipment
            for i in indexes
            if ctx.events[i].is_custody and sources.of_event(ctx.events[i]) not in VOUCHED_SOURCES
        ]
    return tuple(sorted(set(refs), key=_ref_order))


def path_self_reported(ctx: Context, sources: StoredSources) -> list[Finding]:
    """``PATH_SELF_REPORTED`` (warning) when the evidenced path rests on facts only a party states.

    Complaint-only: it never changes the verdict, but a ``direct_supply`` complaint goes to manual
    review instead of being rejected, and a merchant reading its stored order sees which events
    would not, alone, defeat a complaint.
    """
    refs = self_reported_facts(ctx, sources)
    if not refs:
        return []
    return [
        finding(
            "PATH_SELF_REPORTED",
            "The path rests on evidence that only the merchant submitted (no carrier record or platform "
            "confirms it): a direct-supply complaint goes to manual review instead of being rejected.",
            refs,
        )
    ]


def _ref_order(ref: EvidenceRef) -> tuple[int, int, str]:
    return (0, ref.index, "") if isinstance(ref, TimelineRef) else (1, 0, getattr(ref, "pointer", ""))


def _vouched(ctx: Context, sources: StoredSources, ref: EvidenceRef) -> bool:
    if isinstance(ref, TimelineRef):
        return sources.of_event(ctx.events[ref.index]) in VOUCHED_SOURCES
    if isinstance(ref, PointerRef) and ref.pointer.startswith("/customs/"):
        return sources.customs_vouched(int(ref.pointer.split("/")[2]))
    if isinstance(ref, PointerRef) and ref.pointer.startswith("/shipments/"):
        return sources.of_shipment(int(ref.pointer.split("/")[2])) in VOUCHED_SOURCES
    return False


def _evidenced_by_vouched_events(ctx: Context, sources: StoredSources) -> bool:
    """The same order judged on its vouched events only still evidences a path, on vouched facts."""
    from trace_verify.domain.context import Context as _Context

    weak = frozenset(
        i
        for indexes in ctx.timeline.by_shipment
        for i in indexes
        if sources.of_event(ctx.events[i]) not in VOUCHED_SOURCES
    )
    if not weak:
        vouched = ctx
    else:
        vouched = _Context(
            ctx.bundle, ctx.now, ctx.policy, ctx.ref, ctx.history, excluded=ctx.excluded | weak
        )
    if not vouched.paths.evidenced:
        return False
    return all(_vouched(vouched, sources, ref) for ref in path_facts(vouched))


# -- §8.3 consumer claims ----------------------------------------------------------------------------


def rests_only_on_consumer(ctx: Context, sources: StoredSources, finding: Finding) -> bool:
    """True when every piece of evidence ``finding`` cites is the consumer's own (rules.md §8.3)."""
    return _only_consumer(ctx.events, sources, finding)


def _only_consumer(timeline: tuple[Event, ...], sources: StoredSources, finding: Finding) -> bool:
    if not finding.evidence:
        return False
    return all(_consumer_ref(timeline, sources, ref) for ref in finding.evidence)


def _consumer_ref(timeline: tuple[Event, ...], sources: StoredSources, ref: EvidenceRef) -> bool:
    if isinstance(ref, TimelineRef):
        return sources.of_event(timeline[ref.index]) == "consumer"
    if isinstance(ref, PointerRef) and ref.pointer.startswith("/complaint/credentials/"):
        return sources.of_credential(int(ref.pointer.split("/")[3])) == "consumer"
    return False


# -- the facts a stored complaint's decision consumes (domain.stored_decision) ---------------------


def self_reported_refs(verdict: Verdict) -> tuple[EvidenceRef, ...]:
    """What ``PATH_SELF_REPORTED`` cites in a verdict judged with sources (empty: nothing self-reported)."""
    return next((f.evidence for f in verdict.findings if f.code == "PATH_SELF_REPORTED"), ())


def consumer_only_blockers(verdict: Verdict, sources: StoredSources) -> tuple[str, ...]:
    """Blocker codes every finding of which rests only on the consumer's own evidence (§8.3)."""
    by_code: dict[str, list[bool]] = {}
    for f in verdict.findings:
        if f.severity == "blocker":
            by_code.setdefault(f.code, []).append(_only_consumer(verdict.timeline, sources, f))
    return tuple(sorted(code for code, flags in by_code.items() if all(flags)))


def certificate_unverified(sources: StoredSources) -> bool:
    """A certificate presented by a party other than the platform, not (yet) confirmed by staff."""
    source: Source | None = sources.certificate
    return source is not None and source not in VOUCHED_SOURCES and not sources.certificate_confirmed
