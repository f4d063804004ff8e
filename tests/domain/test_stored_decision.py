"""decide_stored: the verdict's decision, then what the service knows about the evidence behind it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from trace_verify.domain.findings import finding
from trace_verify.domain.stored_decision import EvidenceFacts, decide_stored
from trace_verify.domain.verdict import (
    Compensation,
    CompensationLine,
    ComplaintOutcome,
    Decision,
    PointerRef,
    TimelineRef,
    Verdict,
    VerdictValue,
)

PAID = Compensation("CNY", (CompensationLine("refund", Decimal("1.00")),), Decimal("1.00"), 2)


def _verdict(
    kind: str, decision: Decision, value: VerdictValue = "met", blockers: tuple[str, ...] = ()
) -> Verdict:
    outcome = ComplaintOutcome(kind, decision, PAID if decision == "upheld" else None)  # type: ignore[arg-type]
    findings = tuple(finding(code, "x", [PointerRef("/shipments/0")]) for code in blockers)
    return Verdict("O", value, None, findings, (), outcome, "v", datetime(2026, 3, 5, tzinfo=UTC))


def test_the_verdicts_decision_stands_when_nothing_is_known_against_it() -> None:
    for decision in ("upheld", "rejected", "inadmissible"):
        stored = decide_stored(_verdict("direct_supply", decision, "not_met"), EvidenceFacts())
        assert (stored.decision, stored.recheck, stored.reasons) == (decision, False, ())
    assert decide_stored(_verdict("genuine_goods", "upheld"), EvidenceFacts()).compensation == PAID


def test_a_carrier_failure_never_decides_and_schedules_a_recheck_only_when_undecided() -> None:
    facts = EvidenceFacts(carrier_failures=("/shipments/0",))
    review = decide_stored(_verdict("direct_supply", "manual_review", "insufficient_evidence"), facts)
    assert (review.decision, review.recheck) == ("manual_review", True)
    assert [f.code for f in review.reasons] == ["CARRIER_UNAVAILABLE"]
    held = decide_stored(_verdict("direct_supply", "upheld", "not_met", ("ORIGIN_IN_MAINLAND",)), facts)
    assert (held.decision, held.recheck) == ("upheld", False)  # the held evidence settles it


def test_a_consumers_certificate_waits_for_staff() -> None:
    stored = decide_stored(_verdict("genuine_goods", "upheld"), EvidenceFacts(certificate_verified=False))
    assert (stored.decision, stored.compensation) == ("manual_review", None)
    assert [f.code for f in stored.reasons] == ["CERTIFICATE_UNVERIFIED"]


def test_sources_feed_in_as_facts() -> None:
    self_reported = EvidenceFacts(self_reported=(TimelineRef(0),))
    rejected = decide_stored(_verdict("direct_supply", "rejected"), self_reported)
    assert rejected.decision == "manual_review" and [f.code for f in rejected.reasons] == [
        "PATH_SELF_REPORTED"
    ]
    consumer_only = EvidenceFacts(consumer_only_blockers=("CONSUMER_WAYBILL_UNLINKED",))
    upheld = _verdict("direct_supply", "upheld", "not_met", ("CONSUMER_WAYBILL_UNLINKED",))
    assert decide_stored(upheld, consumer_only).decision == "manual_review"
