"""The verifier: given a bundle and a clock, decide. Pure: no I/O, no clock, no environment.

``verify`` runs every rule over a shared :class:`Context`, keeps one finding per code and subject,
orders them as the contract's output rules say, and derives the verdict and the complaint decision.
"""

from __future__ import annotations

from datetime import datetime

from trace_verify.domain.bundle import Bundle
from trace_verify.domain.complaints import decide
from trace_verify.domain.context import Context, Reference
from trace_verify.domain.findings import PATH_FINDINGS
from trace_verify.domain.history import TrackingHistory
from trace_verify.domain.policy import DEFAULT_POLICY, Policy
from trace_verify.domain.provenance import path_self_reported
from trace_verify.domain.registry import CodeRegistry
from trace_verify.domain.rules import ALL_RULES, Rule
from trace_verify.domain.sources import SOURCE_RANK, StoredSources
from trace_verify.domain.verdict import (
    SEVERITY_RANK,
    EvidenceRef,
    Finding,
    HistoryRef,
    PointerRef,
    RegistryRef,
    SourceRef,
    TimelineRef,
    Verdict,
    VerdictValue,
)

_PATH_CODES = frozenset(PATH_FINDINGS.values()) | {"PATH_TRACEABLE_ABROAD"}


def verify(
    bundle: Bundle,
    now: datetime,
    *,
    policy: Policy = DEFAULT_POLICY,
    reference: Reference,
    history: TrackingHistory | None = None,
    rules: tuple[Rule, ...] = ALL_RULES,
    sources: StoredSources | None = None,
    registry: CodeRegistry | None = None,
) -> Verdict:
    """Decide whether the order was truly Overseas Direct Supply, and the complaint if any.

    ``bundle`` is the judged bundle, events only (a ``SubmittedBundle``'s documents are read by
    ``documents_read.read_documents`` first); ``now`` is the clock windows and plausible years are
    computed against (timezone-aware); ``history`` is the stored history of the bundle's tracking
    numbers (the service passes it; offline: None); ``sources`` says who vouches for each piece of
    *stored* evidence (rules.md §8; the service passes it for stored orders and complaints only:
    offline and ``POST /verify`` verdicts are unchanged); ``registry`` answers for the bundle's
    traceability codes (the service; offline: None).
    """
    ctx = Context(bundle, now, policy, reference, history, sources=sources, registry=registry)
    paths = ctx.paths  # the path facts, computed once before the rules run
    findings = _unique(ctx, rules)
    value = _verdict_value(ctx, findings)
    if value != "met":
        findings = [f for f in findings if f.code not in _PATH_CODES]
    elif sources is not None:
        findings.extend(path_self_reported(ctx, sources))
    if len(findings) > 1:
        findings.sort(key=_order_key)
    result = paths
    return Verdict(
        order_id=bundle.order.id,
        verdict=value,
        path=result.path if value == "met" else None,
        findings=tuple(findings),
        timeline=ctx.events,
        complaint=decide(ctx, value, findings),
        rules_version=policy.version,
        checked_at=now,
    )


def _unique(ctx: Context, rules: tuple[Rule, ...]) -> list[Finding]:
    """Every rule's findings, one per code and subject (output rules); the first raised wins."""
    seen: set[tuple[str, str]] = set()
    kept: list[Finding] = []
    for rule in rules:
        for f in rule(ctx):
            key = (f.code, f.subject)
            if key not in seen:
                seen.add(key)
                kept.append(f)
    return kept


def _verdict_value(ctx: Context, findings: list[Finding]) -> VerdictValue:
    for f in findings:
        if f.severity == "blocker":
            return "not_met"
    return "met" if ctx.paths.evidenced else "insufficient_evidence"


def _evidence_key(ref: EvidenceRef) -> tuple[object, ...]:
    if isinstance(ref, TimelineRef):
        return (1, ref.index)
    if isinstance(ref, PointerRef):
        segments = ref.pointer.split("/")[1:]
        return (2, tuple((0, int(s), "") if s.isdigit() else (1, 0, s) for s in segments))
    if isinstance(ref, RegistryRef):
        return (3, ref.registry, ref.id)
    if isinstance(ref, HistoryRef):
        return (4, ref.history)
    if isinstance(ref, SourceRef):  # sorted last, in rules.md §8's table order (output rules)
        return (5, SOURCE_RANK[ref.source])
    raise TypeError(ref)


def _order_key(f: Finding) -> tuple[object, ...]:
    first = (0,) if not f.evidence else _evidence_key(f.evidence[0])
    return (SEVERITY_RANK[f.severity], f.code, first)
