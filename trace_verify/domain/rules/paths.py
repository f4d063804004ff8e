"""Findings about the three paths and the chain (rules.md §1): what is evidenced, what contradicts it."""

from __future__ import annotations

from collections.abc import Iterator

from trace_verify.domain.codecheck import code_ref
from trace_verify.domain.context import Context
from trace_verify.domain.findings import PATH_FINDINGS, finding
from trace_verify.domain.model import Event
from trace_verify.domain.rules.origin import ChainFacts
from trace_verify.domain.verdict import EvidenceRef, Finding, PointerRef, TimelineRef


def _where(event: Event) -> str:
    loc = event.location
    parts = [p for p in (loc.city or loc.facility, loc.country) if p]
    return ", ".join(parts) or "an unknown place"


def _carrier_name(event: Event) -> str:
    return event.carrier.upper() if len(event.carrier) <= 4 else event.carrier


def path_evidenced(ctx: Context) -> Iterator[Finding]:
    """PATH_* (info): the path actually evidenced, or PATH_TRACEABLE_ABROAD."""
    result = ctx.paths
    if result.traceable_abroad:
        refs = [
            TimelineRef(f.delivered_at_destination)
            for f in result.chains
            if f.delivered_at_destination is not None
        ]
        yield finding(
            "PATH_TRACEABLE_ABROAD",
            "Sold outside Mainland China and traceable from dispatch to delivery.",
            refs,
        )
        return
    if result.path is None:
        return
    if result.path == "general_trade":
        codes: list[EvidenceRef] = [code_ref(code) for code in ctx.trace_codes]
        yield finding(
            "PATH_GENERAL_TRADE",
            "Imported by general trade before the order; every unit carries a complete traceability code.",
            codes,
        )
        return
    yield finding(PATH_FINDINGS[result.path], _story(ctx, result.chains[0]), _chain_refs(result.chains[0]))


def _chain_refs(facts: ChainFacts) -> list[TimelineRef]:
    refs = [facts.first_custody, facts.delivered_at_destination]
    return [TimelineRef(i) for i in refs if i is not None]


def _story(ctx: Context, facts: ChainFacts) -> str:
    """One sentence a person can check against the timeline."""
    assert facts.first_custody is not None and facts.delivered_at_destination is not None
    first = ctx.events[facts.first_custody]
    delivered = ctx.events[facts.delivered_at_destination]
    if facts.origin == "zone" and facts.zone is not None:
        start = f"Left {facts.zone.name_en} after the order"
    else:
        start = f"Taken into {_carrier_name(first)} custody in {_where(first)} after the order"
    steps = [start]
    if facts.origin == "abroad":
        steps.append(f"departed {ctx.countries[facts.first_custody]}")
        cleared = [ctx.events[i] for i in facts.chain.events if ctx.events[i].milestone == "import_cleared"]
        if cleared:
            steps.append(
                f"cleared import customs in {cleared[0].location.city or ctx.order.destination.country}"
            )
    steps.append(f"delivered in {delivered.location.city or _where(delivered)}")
    return f"{steps[0]}; {', '.join(steps[1:])}."


def origin_in_mainland(ctx: Context) -> Iterator[Finding]:
    """ORIGIN_IN_MAINLAND and DOMESTIC_ONLY_TRACE (blockers)."""
    result = ctx.paths
    if not ctx.destination_in_mainland or result.general_trade_shown:
        return
    starts = [f for f in result.chains if f.origin == "mainland" and f.first_custody is not None]
    for facts in starts:
        assert facts.first_custody is not None
        event = ctx.events[facts.first_custody]
        yield finding(
            "ORIGIN_IN_MAINLAND",
            f"The first carrier scan is in {_where(event)}, in Mainland China and not in a recognised bonded "
            "zone, and no general-trade import is shown.",
            [TimelineRef(facts.first_custody)],
            subject=f"/shipments/{facts.chain.first_leg}",
        )
    if starts and not any(ctx.mainland[i] is False for i in ctx.custody(ctx.usable)):
        refs = [TimelineRef(f.first_custody) for f in starts if f.first_custody is not None]
        yield finding("DOMESTIC_ONLY_TRACE", "No carrier scan of the order is outside Mainland China.", refs)


def dispatch_before_order(ctx: Context) -> Iterator[Finding]:
    """DISPATCH_BEFORE_ORDER (blocker): the first custody event precedes the order (direct/bonded)."""
    if ctx.claimed_path == "general_trade" or not ctx.destination_in_mainland:
        return
    for facts in ctx.paths.chains:
        if facts.before_order and facts.first_custody is not None:
            yield finding(
                "DISPATCH_BEFORE_ORDER",
                "The goods were taken into carrier custody before the order was placed.",
                [TimelineRef(facts.first_custody), PointerRef("/order/placed_at")],
                subject=f"/shipments/{facts.chain.first_leg}",
            )


def chain_gaps(ctx: Context) -> Iterator[Finding]:
    """TRACE_INCOMPLETE (warning): a chain whose story from dispatch to destination has a gap.

    A chain still in transit is judged only by its start: the first custody event without a country
    leaves it incomplete whether or not it was delivered (rules.md §1, traceable chain).
    """
    result = ctx.paths
    if ctx.claimed_path == "general_trade" and result.general_trade_shown:
        return
    for facts in result.chains:
        if not facts.is_delivered and facts.origin != "unknown":
            continue
        gap = _gap(ctx, facts)
        if gap:
            last = facts.delivered[-1] if facts.delivered else None
            refs: list[EvidenceRef] = [TimelineRef(i) for i in (facts.first_custody, last) if i is not None]
            refs = refs or [PointerRef(f"/shipments/{facts.chain.first_leg}")]
            yield finding("TRACE_INCOMPLETE", gap, refs, subject=f"/shipments/{facts.chain.first_leg}")


def _gap(ctx: Context, facts: ChainFacts) -> str | None:
    if facts.first_custody is None:
        return "The chain has no custody event."
    if facts.origin == "unknown":
        return "The first custody event names no country."
    if not facts.dispatch_shown:
        return "No custody event at the merchant's place of dispatch."
    if facts.delivered_at_destination is None:
        if facts.delivered_elsewhere is not None:
            return None  # delivered elsewhere: a contradiction (DESTINATION_MISMATCH), not a gap
        return "The delivery event does not show where it happened."
    if ctx.destination_in_mainland and facts.origin == "abroad" and not facts.crossing_shown:
        return "The entry into Mainland China (departure abroad, then arrival or customs) is not shown."
    return None


def not_delivered(ctx: Context) -> Iterator[Finding]:
    """NOT_DELIVERED (info), once for the order, citing each undelivered chain."""
    result = ctx.paths
    if result.path == "general_trade":
        return
    waiting = [f for f in result.chains if not f.is_delivered]
    if waiting:
        unasked = [
            p.message
            for f in waiting
            for leg in f.chain.legs
            for p in ctx.shipment(leg).problems
            if p.kind == "not_asked"
        ]
        yield finding(
            "NOT_DELIVERED",
            " ".join(["Not delivered yet: no path can be fully evidenced before delivery.", *unasked]),
            [PointerRef(f"/shipments/{f.chain.last_leg}") for f in waiting],
        )
    if not result.chains and not result.general_trade_shown:
        yield finding("TRACE_INCOMPLETE", "The order has no shipment.", [PointerRef("/shipments")])


def no_import_clearance(ctx: Context) -> Iterator[Finding]:
    """NO_IMPORT_CLEARANCE (warning): goods from abroad into Mainland China with no customs event."""
    if not ctx.destination_in_mainland:
        return
    for facts in ctx.paths.chains:
        if facts.origin == "abroad" and facts.is_delivered and not facts.customs_shown:
            yield finding(
                "NO_IMPORT_CLEARANCE",
                "The parcel came from abroad but its tracking shows no import customs event.",
                [PointerRef(f"/shipments/{facts.chain.last_leg}")],
                subject=f"/shipments/{facts.chain.last_leg}",
            )


def bonded_zone_unknown(ctx: Context) -> Iterator[Finding]:
    """BONDED_ZONE_UNKNOWN (warning): a named zone our data file does not list."""
    for shipment in ctx.bundle.shipments:
        named = ctx.zone_named_by(shipment)
        if named and ctx.ref.zones.match(named) is None:
            yield finding(
                "BONDED_ZONE_UNKNOWN",
                f"The bonded zone {named[:80]!r} is not in the recognised bonded-zone list.",
                [PointerRef(f"{shipment.pointer}/dispatch/bonded_zone")],
                subject=shipment.pointer,
            )


RULES = (
    path_evidenced,
    origin_in_mainland,
    dispatch_before_order,
    chain_gaps,
    not_delivered,
    no_import_clearance,
    bonded_zone_unknown,
)
