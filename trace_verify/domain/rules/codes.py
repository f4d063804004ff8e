"""Traceability codes and the general-trade path (rules.md §1 general trade, §5).

Offline (no registry at hand) a code record counts for the path on its fields alone and is reported
as ``TRACE_CODE_UNVERIFIED``. In the service the registry decides which codes count
(``domain.codecheck``): the rules below then judge the registry's records and cite them.
"""

from __future__ import annotations

from collections.abc import Iterator

from trace_verify.domain.bundle import Party, TraceCodeRecord
from trace_verify.domain.codecheck import code_ref
from trace_verify.domain.context import GENERAL_TRADE_MODES, Context
from trace_verify.domain.findings import finding
from trace_verify.domain.model import MAINLAND
from trace_verify.domain.places import fold
from trace_verify.domain.verdict import Finding, PointerRef

FIVE_FIELDS = ("origin_country", "departure_country", "import_port", "declaration_number", "importer")


def missing_fields(code: TraceCodeRecord) -> list[str]:
    """Which of the five required fields the record lacks."""
    missing = []
    for name in FIVE_FIELDS:
        value = getattr(code, name)
        if (
            value is None
            or (isinstance(value, str) and not value.strip())
            or (isinstance(value, Party) and not value.name.strip())
        ):
            missing.append(name)
    return missing


def _records(ctx: Context) -> dict[str, TraceCodeRecord]:
    return {code.code: code for code in ctx.trace_codes}


def lines_short_of_codes(ctx: Context) -> list[int]:
    """Order lines listing fewer code ids than units, or an id without its record."""
    records = _records(ctx)
    return [
        i
        for i, line in enumerate(ctx.order.items)
        if len(set(line.trace_codes)) < line.quantity or any(c not in records for c in line.trace_codes)
    ]


def _declared_late(ctx: Context) -> bool:
    """A general-trade declaration dated at or after the order (no date: not counted as late)."""
    return any(
        r.declared_at is not None and r.declared_at >= ctx.order.placed_at
        for r in ctx.bundle.customs
        if r.supervision_mode in GENERAL_TRADE_MODES
    )


def general_trade_shown(ctx: Context) -> bool:
    """Codes for every unit, each with all five fields, and the declaration before the order."""
    listed = {c for line in ctx.order.items for c in line.trace_codes}
    if not listed or lines_short_of_codes(ctx) or _declared_late(ctx):
        return False
    records = _records(ctx)
    return all(not missing_fields(records[c]) for c in listed)


def trace_code_missing(ctx: Context) -> Iterator[Finding]:
    """TRACE_CODE_MISSING (blocker) on a general-trade claim."""
    if ctx.claimed_path != "general_trade" or not ctx.destination_in_mainland:
        return
    for i in lines_short_of_codes(ctx):
        line = ctx.order.items[i]
        yield finding(
            "TRACE_CODE_MISSING",
            f"Order line {i + 1} has {line.quantity} unit(s) but {len(set(line.trace_codes))} code id(s) "
            "with their records.",
            [PointerRef(f"/order/items/{i}")],
            subject=f"/order/items/{i}",
        )


def trace_code_registry(ctx: Context) -> Iterator[Finding]:
    """TRACE_CODE_FORGED and TRACE_CODE_OTHER_MERCHANT (blockers): what the registry said (service only)."""
    yield from ctx.code_check.findings


def trace_code_fields(ctx: Context) -> Iterator[Finding]:
    """TRACE_CODE_INCOMPLETE (blocker) and ORIGIN_COUNTRY_DOMESTIC (warning) per record."""
    for code in ctx.trace_codes:
        missing = missing_fields(code)
        if missing:
            yield finding(
                "TRACE_CODE_INCOMPLETE",
                f"Traceability code {code.code[:40]!r} lacks: {', '.join(missing)}.",
                [code_ref(code)],  # the record: an absent field has no pointer of its own
                subject=code.subject,
            )
        if code.origin_country == MAINLAND:
            yield finding(
                "ORIGIN_COUNTRY_DOMESTIC",
                f"Traceability code {code.code[:40]!r} names Mainland China as country of origin.",
                [code_ref(code, "origin_country")],
                subject=code.subject,
            )


def trace_code_unverified(ctx: Context) -> Iterator[Finding]:
    """TRACE_CODE_UNVERIFIED (info): offline, a record is checked for its fields only."""
    if ctx.registry is not None:
        return
    for code in ctx.bundle.trace_codes:
        yield finding(
            "TRACE_CODE_UNVERIFIED",
            f"Traceability code {code.code[:40]!r} was checked for its fields only; its authenticity was "
            "not checked against the registry.",
            [PointerRef(code.pointer)],
            subject=code.pointer,
        )


def _same_party(a: Party, b: Party) -> bool:
    if a.id and b.id:
        return fold(a.id) == fold(b.id)
    return fold(a.name) == fold(b.name)


def importer_mismatch(ctx: Context) -> Iterator[Finding]:
    """IMPORTER_MISMATCH (warning): the code's importer is not the merchant's registered importer."""
    merchant = ctx.bundle.merchant
    registered = merchant.registered_importer if merchant else None
    if registered is None:
        return
    for code in ctx.trace_codes:
        if code.importer is not None and not _same_party(code.importer, registered):
            yield finding(
                "IMPORTER_MISMATCH",
                f"The importer on code {code.code[:40]!r} differs from the merchant's registered importer.",
                [code_ref(code, "importer"), PointerRef("/merchant/registered_importer")],
                subject=code.subject,
            )


def port_mismatch(ctx: Context) -> Iterator[Finding]:
    """PORT_MISMATCH (warning): the code's port differs from its declaration's or the clearance place."""
    if not ctx.trace_codes:
        return
    declarations = {
        r.declaration_number.replace("-", ""): r
        for r in ctx.bundle.customs
        if r.declaration_number and r.port
    }
    cleared = [e.location.locode for e in ctx.events if e.milestone == "import_cleared" and e.location.locode]
    for code in ctx.trace_codes:
        port = (code.import_port or "").strip().upper()
        if not port:
            continue
        record = declarations.get((code.declaration_number or "").replace("-", ""))
        if (
            record is not None
            and record.port
            and _comparable(record.port, port)
            and record.port.strip().upper() != port
        ):
            where = [code_ref(code, "import_port"), PointerRef(f"{record.pointer}/port")]
        elif len(port) == 5 and cleared and port not in cleared:
            where = [code_ref(code, "import_port")]
        else:
            continue
        yield finding(
            "PORT_MISMATCH",
            f"The import port on code {code.code[:40]!r} differs from where the goods were declared or "
            "cleared.",
            where,
            subject=code.subject,
        )


def _comparable(a: str, b: str) -> bool:
    """Ports compare only in the same notation: two customs district codes, or two UN/LOCODEs."""
    a, b = a.strip(), b.strip()
    return (a.isdigit() and b.isdigit()) or (len(a) == len(b) == 5 and not a.isdigit() and not b.isdigit())


RULES = (
    trace_code_missing,
    trace_code_registry,
    trace_code_fields,
    trace_code_unverified,
    importer_mismatch,
    port_mismatch,
)
