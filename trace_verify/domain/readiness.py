"""What a pre-dispatch order still lacks for each path (rules.md §1), for bulk pre-validation.

A merchant validating shipments before they move gets ``NOT_DELIVERED`` for every one of them, which
says nothing about what to fix. For an order whose timeline has no custody event yet (labels created,
nothing scanned), :func:`missing_by_path` lists, for each of the three paths, the evidence that is
still to come or still to be supplied. It is an explanation next to the verdict, never a finding: the
verdict itself is unchanged.
"""

from __future__ import annotations

from typing import Final

from trace_verify.domain.bundle import Bundle
from trace_verify.domain.model import Event
from trace_verify.domain.verdict import Verdict

MAINLAND: Final = "CN"
_NOT_CUSTODY: Final = frozenset({"label_created", "unknown"})
_BONDED_MODES: Final = frozenset({"1210", "1239"})
_GENERAL_TRADE_MODE: Final = "0110"

#: Every token :func:`missing_by_path` may name, with what it asks for (the README lists them).
MISSING: Final[dict[str, str]] = {
    "custody_abroad": "a carrier custody scan outside Mainland China after the order",
    "departed_origin": "a departure (or in-transit) scan outside Mainland China",
    "arrived_in_mainland": "an arrival or customs scan in Mainland China",
    "delivered": "a delivery scan at the order's destination",
    "bonded_zone_dispatch": "the bonded zone the goods leave from (shipment dispatch.bonded_zone)",
    "bonded_customs_record": "a customs record with supervision mode 1210 or 1239",
    "left_bonded_zone": "a carrier custody scan at the bonded zone after the order",
    "general_trade_customs_record": "a customs record with supervision mode 0110 declared before the order",
    "trace_codes": "a traceability code for every unit ordered",
}


def is_pre_dispatch(verdict: Verdict) -> bool:
    """True when nothing has moved yet: no event of the timeline is a custody event."""
    return not any(_is_custody(event) for event in verdict.timeline)


def missing_by_path(bundle: Bundle, verdict: Verdict) -> dict[str, list[str]] | None:
    """For a pre-dispatch order, path id → the :data:`MISSING` tokens still lacking; else None."""
    if not is_pre_dispatch(verdict):
        return None
    return {
        "direct_international": _direct(bundle),
        "bonded_zone": _bonded(bundle),
        "general_trade": _general_trade(bundle),
    }


def _is_custody(event: Event) -> bool:
    return event.milestone not in _NOT_CUSTODY


def _direct(bundle: Bundle) -> list[str]:
    missing = ["custody_abroad"]
    if bundle.order.destination.country == MAINLAND:
        missing += ["departed_origin", "arrived_in_mainland"]
    return [*missing, "delivered"]


def _bonded(bundle: Bundle) -> list[str]:
    missing = []
    if not any(s.dispatch is not None and s.dispatch.bonded_zone for s in bundle.shipments):
        missing.append("bonded_zone_dispatch")
    if not any(c.supervision_mode in _BONDED_MODES for c in bundle.customs):
        missing.append("bonded_customs_record")
    return [*missing, "left_bonded_zone", "delivered"]


def _general_trade(bundle: Bundle) -> list[str]:
    missing = []
    declared_before = any(
        c.supervision_mode == _GENERAL_TRADE_MODE
        and (c.declared_at is None or c.declared_at < bundle.order.placed_at)
        for c in bundle.customs
    )
    if not declared_before:
        missing.append("general_trade_customs_record")
    units = sum(line.quantity for line in bundle.order.items)
    coded = sum(min(len(line.trace_codes), line.quantity) for line in bundle.order.items)
    if units == 0 or coded < units:
        missing.append("trace_codes")
    return [*missing, "delivered"]
