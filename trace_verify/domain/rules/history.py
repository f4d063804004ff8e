"""TRACKING_REUSED (blocker) and TRACKING_SHARED (warning) from stored history (rules.md §6a).

The later of two orders of different consumers carrying one number is the suspect; the first gets a
warning only, so a fraudster cannot turn a genuine order's number against it. "Later" is by when the
number was first stored; a bundle not stored yet counts as the latest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from trace_verify.domain.context import Context
from trace_verify.domain.findings import finding
from trace_verify.domain.history import NumberHistory
from trace_verify.domain.numbers import normalize_number
from trace_verify.domain.verdict import EvidenceRef, Finding, HistoryRef, PointerRef


def _other_consumers(ctx: Context, history: NumberHistory) -> list[tuple[bool, datetime]]:
    """(the other order was first, its time) for each other consumer's order."""
    mine = ctx.order.consumer_id
    out = []
    for other in history.others:
        if other.consumer_id is None or other.consumer_id == mine:
            continue
        own = history.own_first_stored_at
        out.append((own is None or other.first_stored_at < own, other.first_stored_at))
    return out


def tracking_reuse(ctx: Context) -> Iterator[Finding]:
    """Compare each shipment's number with other consumers' orders in the stored history."""
    if ctx.history is None or ctx.order.consumer_id is None:
        return
    for shipment in ctx.bundle.shipments:
        history = ctx.history.get(normalize_number(shipment.tracking_number))
        if history is None:
            continue
        others = _other_consumers(ctx, history)
        where: list[EvidenceRef] = [PointerRef(f"{shipment.pointer}/tracking_number"), HistoryRef("order")]
        if any(first for first, _ in others):
            yield finding(
                "TRACKING_REUSED",
                "Another consumer's order already carried this tracking number before this order "
                "attached it.",
                where,
                shipment.pointer,
            )
        elif others:
            yield finding(
                "TRACKING_SHARED",
                "A later order of another consumer attached this order's tracking number.",
                where,
                shipment.pointer,
            )


RULES = (tracking_reuse,)
