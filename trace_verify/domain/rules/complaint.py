"""Findings about the complaint (rules.md §3): credentials, the consumer's own waybill, the GGG window."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from trace_verify.domain.bundle import Credential
from trace_verify.domain.context import Context
from trace_verify.domain.findings import finding
from trace_verify.domain.instants import add_days, local_date
from trace_verify.domain.model import Event
from trace_verify.domain.numbers import normalize_number as _norm
from trace_verify.domain.verdict import Finding, PointerRef

COUNTING_CREDENTIALS = frozenset({"waybill", "logistics_record", "photo"})


def consumer_evidence(ctx: Context) -> Iterator[Finding]:
    """CONSUMER_EVIDENCE_MISSING (warning): a direct-supply complaint without a credential that counts."""
    complaint = ctx.bundle.complaint
    if complaint is None or complaint.type != "direct_supply":
        return
    if not any(c.kind in COUNTING_CREDENTIALS for c in complaint.credentials):
        yield finding(
            "CONSUMER_EVIDENCE_MISSING",
            "The complaint presents no waybill, logistics record or photo of a cover sheet.",
            [PointerRef("/complaint/credentials" if complaint.credentials else "/complaint")],
        )


def known_numbers(ctx: Context) -> set[str]:
    """Tracking numbers of the order's shipments and of every leg they hand over to or from."""
    numbers = {_norm(s.tracking_number) for s in ctx.bundle.shipments}
    for shipment in ctx.bundle.shipments:
        if shipment.handover_from is not None:
            numbers.add(_norm(shipment.handover_from.tracking_number))
        numbers.update(_norm(e.handover_to.tracking_number) for e in shipment.events if e.handover_to)
    return numbers


def consumer_waybills(ctx: Context) -> Iterator[Finding]:
    """CONSUMER_WAYBILL_UNLINKED (blocker) or _UNVERIFIED (warning) for a number not of this order."""
    complaint = ctx.bundle.complaint
    if complaint is None or complaint.type != "direct_supply":
        return
    known = known_numbers(ctx)
    for credential in complaint.credentials:
        number = credential.tracking_number
        if not number or _norm(number) in known:
            continue
        where = PointerRef(f"{credential.pointer}/tracking_number")
        if _shows_domestic_delivery(ctx, credential):
            yield finding(
                "CONSUMER_WAYBILL_UNLINKED",
                "The parcel the consumer received was taken into custody in Mainland China and delivered at "
                "the order's destination after the order, but it is not a shipment of the order.",
                [where, PointerRef(_tracking_pointer(credential))],
                credential.pointer,
            )
        else:
            yield finding(
                "CONSUMER_WAYBILL_UNVERIFIED",
                "The consumer's tracking number is not linked to the order and its own tracking does not "
                "settle the matter; the complaint goes to manual review.",
                [where],
                credential.pointer,
            )


def _tracking_pointer(credential: Credential) -> str:
    """Where the credential's own tracking is: its ``events`` when the bundle gave them, else the
    credential itself (events read from its documents have no pointer of their own)."""
    if any(e.source is not None for e in credential.events):
        return f"{credential.pointer}/events"
    return credential.pointer


def _shows_domestic_delivery(ctx: Context, credential: Credential) -> bool:
    events = sorted(credential.events, key=lambda e: e.occurred_at)
    custody = [e for e in events if e.is_custody]
    if not custody:
        return False
    first = custody[0]
    in_mainland = ctx.in_mainland(first.location) is True
    in_zone = ctx.ref.zones.match(first.location.facility) is not None
    delivered = any(_delivered_here_after_order(ctx, e) for e in events)
    return in_mainland and not in_zone and delivered


def _delivered_here_after_order(ctx: Context, event: Event) -> bool:
    return (
        event.milestone == "delivered"
        and event.occurred_at > ctx.order.placed_at
        and ctx.at_destination(event.location) == "same"
    )


def ggg_window(ctx: Context) -> Iterator[Finding]:
    """GGG_WINDOW_EXPIRED and GGG_CERTIFICATE_MISSING (warnings) for a genuine-goods complaint."""
    complaint = ctx.bundle.complaint
    if complaint is None or complaint.type != "genuine_goods":
        return
    if not in_ggg_window(ctx):
        yield finding(
            "GGG_WINDOW_EXPIRED",
            f"Filed more than {ctx.policy.ggg_window_days} days after the transaction was completed.",
            [PointerRef("/complaint/filed_at"), PointerRef("/order/completed_at")],
        )
    elif not has_accepted_certificate(ctx):
        yield finding(
            "GGG_CERTIFICATE_MISSING",
            "No counterfeit examination certificate from the right owner, nor a judicial or enforcement "
            "authority's ruling, is presented.",
            [PointerRef("/complaint/certificate" if complaint.certificate else "/complaint")],
        )


def in_ggg_window(ctx: Context) -> bool:
    """Filing date (window zone) no later than completion date + window days; open orders are in time."""
    complaint, completed = ctx.bundle.complaint, ctx.order.completed_at
    if complaint is None or completed is None:
        return True
    zone = ZoneInfo(ctx.policy.ggg_window_timezone)
    last_day = add_days(local_date(completed, zone), ctx.policy.ggg_window_days)
    return local_date(complaint.filed_at, zone) <= last_day


def has_accepted_certificate(ctx: Context) -> bool:
    complaint = ctx.bundle.complaint
    cert = complaint.certificate if complaint else None
    return cert is not None and cert.issuer_type in ctx.policy.accepted_certificate_issuers


RULES = (consumer_evidence, consumer_waybills, ggg_window)
