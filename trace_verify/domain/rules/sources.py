"""Findings about who vouches for stored evidence (rules.md §8); silent offline and for ``/verify``.

``SUBMITTED_EVENT_CONTRADICTED`` (the carrier's record prevails), ``EVIDENCE_SOURCES`` (what the
verdict rests on) and ``CERTIFICATE_UNVERIFIED`` (a consumer's certificate awaits staff). The fourth
code, ``PATH_SELF_REPORTED``, depends on the verdict itself and is added by the verifier.
"""

from __future__ import annotations

from collections.abc import Iterator

from trace_verify.domain.context import Context
from trace_verify.domain.findings import finding
from trace_verify.domain.provenance import certificate_unverified, contradicted_findings, source_counts
from trace_verify.domain.rules.complaint import has_accepted_certificate, in_ggg_window
from trace_verify.domain.verdict import Finding, PointerRef


def submitted_event_contradicted(ctx: Context) -> Iterator[Finding]:
    """SUBMITTED_EVENT_CONTRADICTED (blocker): a merchant event the carrier's own record contradicts."""
    if ctx.contradictions:
        yield from contradicted_findings(ctx, ctx.contradictions)


def evidence_sources(ctx: Context) -> Iterator[Finding]:
    """EVIDENCE_SOURCES (info): how many of the timeline's events came from each source."""
    if ctx.sources is None:
        return
    counts = source_counts(ctx, ctx.sources)
    summary = ", ".join(f"{ref.source} {ref.events}" for ref in counts) or "none"
    yield finding("EVIDENCE_SOURCES", f"Timeline events by source: {summary}.", counts)


def certificate_unconfirmed(ctx: Context) -> Iterator[Finding]:
    """CERTIFICATE_UNVERIFIED (warning): a party's certificate, not yet confirmed by staff (§8.3)."""
    complaint = ctx.bundle.complaint
    if ctx.sources is None or complaint is None or complaint.type != "genuine_goods":
        return
    if not in_ggg_window(ctx) or not has_accepted_certificate(ctx):
        return
    if certificate_unverified(ctx.sources):
        yield finding(
            "CERTIFICATE_UNVERIFIED",
            "The certificate was presented by the consumer and awaits staff confirmation; no money moves "
            "until staff confirm it.",
            [PointerRef("/complaint/certificate")],
        )


RULES = (submitted_event_contradicted, evidence_sources, certificate_unconfirmed)
