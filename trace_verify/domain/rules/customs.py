"""Customs records and their numbers: DECLARATION_NUMBER_INVALID, CUSTOMS_DISTRICT_UNKNOWN,
SUPERVISION_MODE_MISMATCH (rules.md §6)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from trace_verify.domain.codecheck import code_ref
from trace_verify.domain.context import Context
from trace_verify.domain.customs import check_declaration
from trace_verify.domain.findings import finding
from trace_verify.domain.instants import local_year
from trace_verify.domain.verdict import EvidenceRef, Finding, PointerRef

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _numbers(ctx: Context) -> Iterator[tuple[EvidenceRef, str, str]]:
    """(evidence of the number, subject, number) for every declaration number judged."""
    for record in ctx.bundle.customs:
        if record.declaration_number:
            yield (
                PointerRef(f"{record.pointer}/declaration_number"),
                record.pointer,
                record.declaration_number,
            )
    for code in ctx.trace_codes:
        if code.declaration_number:
            yield code_ref(code, "declaration_number"), code.subject, code.declaration_number


@lru_cache(maxsize=16)
def _shanghai_year(now: datetime) -> int:
    """The year in Beijing time at ``now`` (one clock serves a whole run; a time-zone conversion each
    bundle was a visible part of the rule's cost)."""
    return local_year(now, _SHANGHAI)


def declaration_numbers(ctx: Context) -> Iterator[Finding]:
    """Structure of every declaration / inventory-list number."""
    year = _shanghai_year(ctx.now)
    for where, subject, number in _numbers(ctx):
        check = check_declaration(number, year, ctx.ref.districts, ctx.policy.first_declaration_year)
        if check.status == "invalid":
            yield finding(
                "DECLARATION_NUMBER_INVALID",
                f"Declaration number {check.reason}.",
                [where],
                subject,
            )
        elif check.status == "district_unknown":
            yield finding(
                "CUSTOMS_DISTRICT_UNKNOWN",
                f"The declaration's {check.reason} (a known customs office; sub-office codes change).",
                [where],
                subject,
            )


def supervision_modes(ctx: Context) -> Iterator[Finding]:
    """A mode that belongs to another path than the claimed one, or an export mode."""
    claimed = ctx.claimed_path
    records: list[tuple[EvidenceRef, str, str | None]] = [
        (PointerRef(f"{r.pointer}/supervision_mode"), r.pointer, r.supervision_mode)
        for r in ctx.bundle.customs
    ]
    records += [(code_ref(c, "supervision_mode"), c.subject, c.supervision_mode) for c in ctx.trace_codes]
    for where, subject, mode in records:
        if not mode:
            continue
        path = ctx.ref.modes.path_of(mode)
        if path == "export":
            message = f"Supervision mode {mode} is an export mode and never supports an import claim."
        elif path in ("direct_international", "bonded_zone", "general_trade") and path != claimed:
            message = f"Supervision mode {mode} belongs to the {path} path, not the claimed {claimed} path."
        else:
            continue
        yield finding("SUPERVISION_MODE_MISMATCH", message, [where], subject)


RULES = (declaration_numbers, supervision_modes)
