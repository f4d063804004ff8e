"""Writes a verdict as ``verdict.schema.json`` says: money as strings, times in UTC, evidence shapes."""

from __future__ import annotations

from typing import Any

from trace_verify.domain.model import format_utc
from trace_verify.domain.money import format_money
from trace_verify.domain.verdict import (
    Compensation,
    ComplaintOutcome,
    EvidenceRef,
    Finding,
    HistoryRef,
    PointerRef,
    RegistryRef,
    SourceRef,
    TimelineRef,
    Verdict,
)


def verdict_to_json(verdict: Verdict) -> dict[str, Any]:
    """The contract's verdict object."""
    return {
        "order_id": verdict.order_id,
        "verdict": verdict.verdict,
        "path": verdict.path,
        "findings": [finding_to_json(f) for f in verdict.findings],
        "timeline": [event.to_json() for event in verdict.timeline],
        "complaint": complaint_to_json(verdict.complaint),
        "rules_version": verdict.rules_version,
        "checked_at": format_utc(verdict.checked_at),
    }


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """One finding; ``evidence`` is always present (empty for some info findings)."""
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "evidence": [evidence_to_json(ref) for ref in finding.evidence],
    }


def evidence_to_json(ref: EvidenceRef) -> dict[str, Any]:
    """``{"timeline": k}``, ``{"pointer": …}``, ``{"registry": …, "id": …}``, ``{"history": …}``, or (in
    ``EVIDENCE_SOURCES`` only) ``{"source": …, "events": n}``."""
    if isinstance(ref, TimelineRef):
        return {"timeline": ref.index}
    if isinstance(ref, PointerRef):
        return {"pointer": ref.pointer}
    if isinstance(ref, RegistryRef):
        return {"registry": ref.registry, "id": ref.id}
    if isinstance(ref, HistoryRef):
        return {"history": ref.history}
    if isinstance(ref, SourceRef):
        return {"source": ref.source, "events": ref.events}
    raise TypeError(ref)


def complaint_to_json(outcome: ComplaintOutcome | None) -> dict[str, Any] | None:
    """The complaint decision with its compensation (``null`` unless upheld)."""
    if outcome is None:
        return None
    return {
        "type": outcome.type,
        "decision": outcome.decision,
        "compensation": compensation_to_json(outcome.compensation),
    }


def compensation_to_json(comp: Compensation | None) -> dict[str, Any] | None:
    """Lines in formula order and the total, as decimal strings in the currency's minor unit."""
    if comp is None:
        return None
    return {
        "currency": comp.currency,
        "lines": [
            {"kind": line.kind, "amount": format_money(line.amount, comp.minor_unit)} for line in comp.lines
        ],
        "total": format_money(comp.total, comp.minor_unit),
    }
