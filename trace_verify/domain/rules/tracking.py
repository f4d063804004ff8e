"""Tracking numbers (rules.md §6a): check digits, known formats, and what an S10 suffix says of origin."""

from __future__ import annotations

from collections.abc import Iterator

from trace_verify.domain import numbers
from trace_verify.domain.context import Context
from trace_verify.domain.findings import finding
from trace_verify.domain.model import MAINLAND
from trace_verify.domain.verdict import Finding, PointerRef, TimelineRef


def tracking_numbers(ctx: Context) -> Iterator[Finding]:
    """TRACKING_NUMBER_INVALID (blocker) and TRACKING_NUMBER_UNRECOGNISED (warning) per shipment."""
    for shipment in ctx.bundle.shipments:
        operators = tuple(sorted({e.operator for e in shipment.events if e.operator}))
        result = numbers.assess(
            shipment.tracking_number, shipment.carrier, operators, carriers=ctx.ref.carriers
        )
        if result.status not in ("invalid", "unrecognised"):
            continue
        where = [PointerRef(f"{shipment.pointer}/tracking_number")]
        if result.status == "invalid":
            yield finding(
                "TRACKING_NUMBER_INVALID",
                f"{shipment.tracking_number[:40]!r} has the form of a {shipment.carrier} number but its "
                "check "
                "digit is wrong.",
                where,
                shipment.pointer,
            )
        elif result.status == "unrecognised":
            yield finding(
                "TRACKING_NUMBER_UNRECOGNISED",
                f"{shipment.tracking_number[:40]!r} matches no known {shipment.carrier} number format.",
                where,
                shipment.pointer,
            )


def tracking_origin(ctx: Context) -> Iterator[Finding]:
    """TRACKING_ORIGIN_MISMATCH (blocker): a CN-issued S10 on a direct claim, or a declared origin belied."""
    first_of = {leg: facts.first_custody for facts in ctx.paths.chains for leg in facts.chain.legs}
    # A later leg of a chain is often a domestic postal leg after a hand-over (a China Post EMS
    # number, suffix CN): only the leg that starts a chain says where the parcel came from.
    starts = {chain.first_leg for chain in ctx.chains}
    for shipment in ctx.bundle.shipments:
        where = f"{shipment.pointer}/tracking_number"
        if (
            ctx.claimed_path == "direct_international"
            and shipment.index in starts
            and numbers.s10_country(shipment.tracking_number) == MAINLAND
        ):
            yield finding(
                "TRACKING_ORIGIN_MISMATCH",
                "The UPU S10 number was issued in Mainland China (suffix CN) on a direct-from-overseas "
                "claim.",
                [PointerRef(where)],
                shipment.pointer,
            )
            continue
        declared = shipment.declared_origin_country
        first = first_of[shipment.index] if declared else None
        if first is None:
            continue
        country = ctx.countries[first]
        if country is not None and country != declared:
            yield finding(
                "TRACKING_ORIGIN_MISMATCH",
                f"Declared to come from {declared}, but first taken into custody in {country}.",
                [TimelineRef(first), PointerRef(f"{shipment.pointer}/declared_origin_country")],
                shipment.pointer,
            )


RULES = (tracking_numbers, tracking_origin)
