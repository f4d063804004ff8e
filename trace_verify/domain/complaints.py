"""The complaint decision (rules.md §3), from the verdict and the complaint's own findings."""

from __future__ import annotations

from trace_verify.domain.compensation import ggg_compensation, ods_compensation
from trace_verify.domain.context import Context
from trace_verify.domain.provenance import rests_only_on_consumer
from trace_verify.domain.rules.complaint import COUNTING_CREDENTIALS, has_accepted_certificate, in_ggg_window
from trace_verify.domain.verdict import ComplaintOutcome, Finding, VerdictValue


def decide(ctx: Context, verdict: VerdictValue, findings: list[Finding]) -> ComplaintOutcome | None:
    """Upheld, rejected, manual review or inadmissible, with compensation when upheld.

    With stored evidence (``ctx.sources``), rules.md §8 also applies: no rejection on the merchant's
    word alone (``PATH_SELF_REPORTED``), no money on an unconfirmed consumer certificate
    (``CERTIFICATE_UNVERIFIED``) nor on a blocker that rests only on the consumer's evidence.
    """
    complaint = ctx.bundle.complaint
    if complaint is None:
        return None
    codes = {f.code for f in findings}
    if complaint.type == "genuine_goods":
        if not in_ggg_window(ctx):
            return ComplaintOutcome("genuine_goods", "rejected", None)
        if "CERTIFICATE_UNVERIFIED" in codes:
            return ComplaintOutcome("genuine_goods", "manual_review", None)
        if has_accepted_certificate(ctx):
            return ComplaintOutcome("genuine_goods", "upheld", ggg_compensation(ctx.order, ctx.policy))
        return ComplaintOutcome("genuine_goods", "manual_review", None)
    if ctx.order.promise == "none":
        return ComplaintOutcome("direct_supply", "rejected", None)
    if not any(c.kind in COUNTING_CREDENTIALS for c in complaint.credentials):
        return ComplaintOutcome("direct_supply", "inadmissible", None)
    if any(f.code == "CONSUMER_WAYBILL_UNVERIFIED" for f in findings):
        return ComplaintOutcome("direct_supply", "manual_review", None)
    if verdict == "not_met":
        if _only_consumer_blockers(ctx, findings):
            return ComplaintOutcome("direct_supply", "manual_review", None)
        return ComplaintOutcome("direct_supply", "upheld", ods_compensation(ctx.order, ctx.policy))
    if verdict == "met":
        if "PATH_SELF_REPORTED" in codes:
            return ComplaintOutcome("direct_supply", "manual_review", None)
        return ComplaintOutcome("direct_supply", "rejected", None)
    return ComplaintOutcome("direct_supply", "manual_review", None)


def _only_consumer_blockers(ctx: Context, findings: list[Finding]) -> bool:
    """Every blocker rests only on the consumer's own evidence (rules.md §8.3; stored evidence only)."""
    if ctx.sources is None:
        return False
    blockers = [f for f in findings if f.severity == "blocker"]
    return bool(blockers) and all(rests_only_on_consumer(ctx, ctx.sources, f) for f in blockers)
