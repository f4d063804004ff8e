"""Customs records and their numbers: DECLARATION_NUMBER_INVALID, CUSTOMS_DISTRICT_UNKNOWN,
SUPERVISION_MODE_MISMATCH (rules.md §6)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from trace_verify.domain.codecheck import code_ref
from trace_verify.domain.context import Context
from trace_verify.domain.customs import DeclarationCheck, check_declaration
from trace_verify.domain.findings import finding
from trace_verify.domain.instants import local_year
from trace_verify.domain.verdict import EvidenceRef, Finding, PointerRef

_SHANGHAI = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=16)
def _shanghai_year(now: datetime) -> int:
    """The year in Beijing time at ``now`` (one clock serves a whole run; a time-zone conversion each
    bundle was a visible part of the rule's cost)."""
    return local_year(now, _SHANGHAI)


def declaration_numbers(ctx: Context) -> Iterator[Finding]:
    """Structure of every declaration / inventory-list number: the customs records', then the codes'.

    The evidence is built only for a number that fails (most pass)."""
    year = _shanghai_year(ctx.now)
    districts, first_year = ctx.ref.districts, ctx.policy.first_declaration_year
    for record in ctx.bundle.customs:
        if record.declaration_number:
            check = check_declaration(record.declaration_number, year, districts, first_year)
            if check.status != "ok":
                where = PointerRef(f"{record.pointer}/declaration_number")
                yield _declaration_finding(check, where, record.pointer)
    for code in ctx.trace_codes:
        if code.declaration_number:
            check = check_declaration(code.declaration_number, year, districts, first_year)
            if check.status != "ok":
                yield _declaration_finding(check, code_ref(code, "declaration_number"), code.subject)


def _declaration_finding(check: DeclarationCheck, where: EvidenceRef, subject: str) -> Finding:
    if check.status == "invalid":
        return finding("DECLARATION_NUMBER_INVALID", f"Declaration number {check.reason}.", [where], subject)
    return finding(
        "CUSTOMS_DISTRICT_UNKNOWN",
        f"The declaration's {check.reason} (a known customs office; sub-office codes change).",
        [where],
        subject,
    )


def supervision_modes(ctx: Context) -> Iterator[Finding]:
    """A mode that belongs to another path than the claimed one, or an export mode."""
    for r in ctx.bundle.customs:
        message = _mode_mismatch(ctx, r.supervision_mode)
        if message is not None:
            yield finding(
                "SUPERVISION_MODE_MISMATCH", message, [PointerRef(f"{r.pointer}/supervision_mode")], r.pointer
            )
    for c in ctx.trace_codes:
        message = _mode_mismatch(ctx, c.supervision_mode)
        if message is not None:
            yield finding("SUPERVISION_MODE_MISMATCH", message, [code_ref(c, "supervision_mode")], c.subject)


def _mode_mismatch(ctx: Context, mode: str | None) -> str | None:
    """What is wrong with a record's mode for the claimed path, or None."""
    if not mode:
        return None
    path = ctx.ref.modes.path_of(mode)
    if path == "export":
        return f"Supervision mode {mode} is an export mode and never supports an import claim."
    claimed = ctx.claimed_path
    if path in ("direct_international", "bonded_zone", "general_trade") and path != claimed:
        return f"Supervision mode {mode} belongs to the {path} path, not the claimed {claimed} path."
    return None


RULES = (declaration_numbers, supervision_modes)
