"""The finding catalogue (contracts/findings.md): every code with its fixed severity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from trace_verify.domain.verdict import EvidenceRef, Finding, Severity

SEVERITY: Final[dict[str, Severity]] = {
    "PATH_DIRECT_INTERNATIONAL": "info",
    "PATH_BONDED_ZONE": "info",
    "PATH_GENERAL_TRADE": "info",
    "PATH_TRACEABLE_ABROAD": "info",
    "ORIGIN_IN_MAINLAND": "blocker",
    "DISPATCH_BEFORE_ORDER": "blocker",
    "DESTINATION_MISMATCH": "blocker",
    "TRACKING_NUMBER_INVALID": "blocker",
    "TRACKING_NUMBER_UNRECOGNISED": "warning",
    "TRACKING_ORIGIN_MISMATCH": "blocker",
    "TRACKING_REUSED": "blocker",
    "TRACKING_SHARED": "warning",
    "CONSUMER_WAYBILL_UNLINKED": "blocker",
    "CONSUMER_WAYBILL_UNVERIFIED": "warning",
    "DOMESTIC_ONLY_TRACE": "blocker",
    "TIMELINE_IMPOSSIBLE": "blocker",
    "TRACE_INCOMPLETE": "warning",
    "NO_IMPORT_CLEARANCE": "warning",
    "NOT_DELIVERED": "info",
    "CARRIER_UNAVAILABLE": "warning",
    "DOCUMENT_UNREADABLE": "warning",
    "BONDED_ZONE_UNKNOWN": "warning",
    "SUPERVISION_MODE_MISMATCH": "blocker",
    "DECLARATION_NUMBER_INVALID": "blocker",
    "CUSTOMS_DISTRICT_UNKNOWN": "warning",
    "TRACE_CODE_MISSING": "blocker",
    "TRACE_CODE_INCOMPLETE": "blocker",
    "TRACE_CODE_FORGED": "blocker",
    "TRACE_CODE_UNVERIFIED": "info",
    "TRACE_CODE_OTHER_MERCHANT": "blocker",
    "IMPORTER_MISMATCH": "warning",
    "PORT_MISMATCH": "warning",
    "ORIGIN_COUNTRY_DOMESTIC": "warning",
    "CODE_CLONED": "warning",
    "RETURN_ADDRESS_NOT_LOCAL": "warning",
    "NO_ODS_PROMISE": "info",
    "CONSUMER_EVIDENCE_MISSING": "warning",
    "GGG_WINDOW_EXPIRED": "warning",
    "GGG_CERTIFICATE_MISSING": "warning",
    # Evidence sources of stored evidence (rules.md §8, contract change of 2026-12-07).
    "PATH_SELF_REPORTED": "warning",
    "SUBMITTED_EVENT_CONTRADICTED": "blocker",
    "CERTIFICATE_UNVERIFIED": "warning",
    "EVIDENCE_SOURCES": "info",
}

#: Findings that decide the complaint only and never change the verdict (rules.md §1, verdict).
COMPLAINT_ONLY: Final[frozenset[str]] = frozenset(
    {
        "CONSUMER_EVIDENCE_MISSING",
        "GGG_WINDOW_EXPIRED",
        "GGG_CERTIFICATE_MISSING",
        "CONSUMER_WAYBILL_UNVERIFIED",
        "PATH_SELF_REPORTED",
        "CERTIFICATE_UNVERIFIED",
    }
)

PATH_FINDINGS: Final[dict[str, str]] = {
    "direct_international": "PATH_DIRECT_INTERNATIONAL",
    "bonded_zone": "PATH_BONDED_ZONE",
    "general_trade": "PATH_GENERAL_TRADE",
}


def finding(code: str, message: str, evidence: Iterable[EvidenceRef] = (), subject: str = "order") -> Finding:
    """A finding of ``code`` with its catalogue severity; blockers must cite evidence."""
    refs = tuple(evidence)
    severity = SEVERITY[code]
    if severity == "blocker" and not refs:
        raise ValueError(f"blocker {code} must cite evidence")
    return Finding(code=code, severity=severity, message=message, evidence=refs, subject=subject)
