"""The decision on a **stored** complaint: the verdict's own decision (rules.md §3), then what the
service knows about the evidence behind it (rules.md §8) decides whether money may move.

This is the one step between the verifier and the money: :func:`decide_stored` takes the verdict and
:class:`EvidenceFacts` (facts about where the evidence came from and what could not be fetched) and
returns the decision, its compensation, the findings that explain a manual review, and whether a
re-check should be scheduled. Evidence sources (issue 14) enter here as more facts; the verifier
and the filing flow do not change. Pure: no clock, no database.
"""

from __future__ import annotations

from trace_verify.domain.findings import finding
from trace_verify.domain.model import value_object
from trace_verify.domain.verdict import Compensation, Decision, EvidenceRef, Finding, PointerRef, Verdict


@value_object
class EvidenceFacts:
    """What the service knows about the evidence a stored complaint's verdict rests on."""

    #: Pointers of shipments and credentials whose carrier could not be reached this time
    #: (``CARRIER_UNAVAILABLE``): a later re-check may decide what this one could not.
    carrier_failures: tuple[str, ...] = ()
    #: rules.md §8.3: False when the certificate was presented with a consumer key (staff confirm it).
    certificate_verified: bool = True
    #: rules.md §8.1: evidence the path rests on that only a party vouches for (timeline refs or
    #: pointers); a ``met`` resting on it sends a direct-supply complaint to manual review.
    self_reported: tuple[EvidenceRef, ...] = ()
    #: rules.md §8.3: blocker codes that rest only on consumer-presented evidence.
    consumer_only_blockers: tuple[str, ...] = ()


@value_object
class StoredDecision:
    """The decision on a stored complaint."""

    decision: Decision
    compensation: Compensation | None
    #: Findings that explain a manual review the verdict alone would not have given.
    reasons: tuple[Finding, ...]
    #: True when a carrier failure left the complaint undecided: re-check it later.
    recheck: bool


#: Findings that send a complaint to a person (rules.md §3, §8): a manual review lists those it has.
REVIEW_CODES = frozenset(
    {
        "CARRIER_UNAVAILABLE",
        "CERTIFICATE_UNVERIFIED",
        "PATH_SELF_REPORTED",
        "CONSUMER_WAYBILL_UNVERIFIED",
        "GGG_CERTIFICATE_MISSING",
        "DOCUMENT_UNREADABLE",
        "TRACE_INCOMPLETE",
        "NOT_DELIVERED",
    }
)


def _review(verdict: Verdict, reasons: list[Finding], recheck: bool) -> StoredDecision:
    """Manual review, with the reasons given and those the verdict holds."""
    codes = {f.code for f in reasons}
    held = [f for f in verdict.findings if f.code in REVIEW_CODES and f.code not in codes]
    return StoredDecision("manual_review", None, (*reasons, *held), recheck)


def decide_stored(verdict: Verdict, facts: EvidenceFacts) -> StoredDecision:
    """Upheld, rejected, manual review or inadmissible for a stored complaint (``verdict.complaint``).

    - A carrier that could not be reached never decides by itself: a ``manual_review`` while a
      carrier failed is re-checked later (``recheck``); an outcome the held evidence settles stands.
    - §8.3: a consumer's certificate moves no money until staff confirm it (``CERTIFICATE_UNVERIFIED``).
    - §8.3: a blocker resting only on consumer evidence sends the complaint to manual review.
    - §8.1: a direct-supply ``rejected`` resting on self-reported evidence is ``PATH_SELF_REPORTED``.
    """
    outcome = verdict.complaint
    if outcome is None:
        raise ValueError("the verdict has no complaint")
    failed = bool(facts.carrier_failures)
    reasons: list[Finding] = []
    if failed:
        refs = [PointerRef(p) for p in facts.carrier_failures]
        reasons.append(
            finding("CARRIER_UNAVAILABLE", "A carrier could not be reached; re-checked later.", refs)
        )
    decision = outcome.decision
    if outcome.type == "genuine_goods" and decision == "upheld" and not facts.certificate_verified:
        reasons.append(
            finding(
                "CERTIFICATE_UNVERIFIED",
                "The certificate was presented by the consumer and awaits staff confirmation.",
                [PointerRef("/complaint/certificate")],
            )
        )
        return _review(verdict, reasons, recheck=False)
    if outcome.type == "direct_supply" and decision == "upheld":
        blockers = {f.code for f in verdict.findings if f.severity == "blocker"}
        if blockers and blockers <= set(facts.consumer_only_blockers):
            return _review(verdict, reasons, recheck=failed)
    rejected_on_met = decision == "rejected" and verdict.verdict == "met"
    if outcome.type == "direct_supply" and rejected_on_met and facts.self_reported:
        reasons.append(
            finding(
                "PATH_SELF_REPORTED",
                "The path rests on evidence only the merchant submitted; a person reviews it.",
                list(facts.self_reported),
            )
        )
        return _review(verdict, reasons, recheck=False)
    if decision == "manual_review":
        return _review(verdict, reasons, recheck=failed)
    return StoredDecision(decision, outcome.compensation, tuple(reasons), recheck=False)
