"""The verifier's answer: findings with evidence, the verdict, the complaint decision, compensation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal, TypeAlias

from trace_verify.domain.bundle import ComplaintType, Path
from trace_verify.domain.model import Event, value_object

Severity = Literal["blocker", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"blocker": 0, "warning": 1, "info": 2}
VerdictValue = Literal["met", "not_met", "insufficient_evidence"]
Decision = Literal["upheld", "rejected", "manual_review", "inadmissible"]


@value_object
class TimelineRef:
    """Evidence: an event, by its index in the verdict's timeline."""

    index: int


@value_object
class PointerRef:
    """Evidence: a place in the bundle."""

    pointer: str


@value_object
class RegistryRef:
    """Evidence: a record of the service's registry (e.g. a traceability code)."""

    registry: str
    id: str


@value_object
class HistoryRef:
    """Evidence: the service's stored history, never naming another order or consumer."""

    history: str = "order"


@value_object
class SourceRef:
    """Evidence of ``EVIDENCE_SOURCES`` only: how many timeline events came from a source (rules.md §8.4)."""

    source: str
    events: int


EvidenceRef: TypeAlias = TimelineRef | PointerRef | RegistryRef | HistoryRef | SourceRef


@value_object
class Finding:
    """One observation of the verifier, with a stable code."""

    code: str
    severity: Severity
    message: str
    evidence: tuple[EvidenceRef, ...] = ()
    #: What the finding is about (shipment, customs record, code, credential, order):
    #: one finding per code and subject.
    subject: str = "order"


@value_object
class CompensationLine:
    """One line of a compensation formula."""

    kind: Literal[
        "refund", "other_costs", "extra_compensation", "logistics_costs", "compensation", "delivery"
    ]
    amount: Decimal


@value_object
class Compensation:
    """What the merchant owes, in the order's currency."""

    currency: str
    lines: tuple[CompensationLine, ...]
    total: Decimal
    #: The currency's number of decimals (from the order).
    minor_unit: int


@value_object
class ComplaintOutcome:
    """The decision on the complaint."""

    type: ComplaintType
    decision: Decision
    compensation: Compensation | None


@value_object
class Verdict:
    """The whole answer for one order."""

    order_id: str
    verdict: VerdictValue
    path: Path | None
    findings: tuple[Finding, ...]
    timeline: tuple[Event, ...]
    complaint: ComplaintOutcome | None
    rules_version: str
    checked_at: datetime
