"""FedEx Track API scan ``eventType`` and ``derivedStatusCode`` → what a scan means, in one table.

Sources: FedEx's "Tracking Status Codes" page as vendored by karrio (GitHub ``karrioapi/karrio`` commit
597cf2ab, ``modules/connectors/fedex/vendor/Tracking-Status-Codes.html``; carriers.md §4.2) — movement
codes (PU picked up, AR arrived at FedEx location, DP departed, IT in transit, OD out for delivery, DL
delivered, DE delivery exception, HL / HP held / ready for pickup, RS return to shipper…) and the
Regulatory group: **CC Cleared Customs, CD Clearance Delay, CP Clearance in Progress, EA Export
Approved** (EA is also "Enroute to Airport" under Movement, so its words decide). ``derivedStatusCode``
values (``IN`` label created, ``PU``, ``IT``, ``DL``…) are from a public capture of a real response
(fixtures/SOURCES.md).

``CC`` is FedEx's release for export *and* import ("International shipment release - Export" /
"- Import"): it is ``cleared`` and the route decides which by country (:mod:`carriers._route`),
where karrio maps it to no status at all. An ``exceptionDescription`` that speaks of clearance refines a
plain in-transit scan ("Package available for clearance").
"""

from __future__ import annotations

import re
from typing import Final, Literal

from carriers._route import Kind

EVENT_TYPES: Final[dict[str, Kind]] = {
    **dict.fromkeys(("OC", "OX"), "label_created"),
    **dict.fromkeys(("PU", "PX"), "picked_up"),
    **dict.fromkeys(("AR", "FD"), "arrived"),
    **dict.fromkeys(("DP", "LO"), "departed"),
    **dict.fromkeys(
        (
            "IT",
            "IX",
            "AA",
            "AC",
            "AF",
            "AX",
            "AO",
            "AE",
            "OF",
            "OW",
            "PF",
            "PL",
            "PM",
            "SF",
            "TR",
            "EO",
            "DR",
            "DS",
            "CH",
            "DY",
            "DD",
            "PD",
            "RR",
            "RM",
            "RC",
            "SP",
        ),
        "in_transit",
    ),
    **dict.fromkeys(("OD", "ED", "AD"), "out_for_delivery"),
    "DL": "delivered",
    "DE": "delivery_attempted",
    "SE": "exception",
    "CA": "exception",
    **dict.fromkeys(("HL", "HP"), "available_for_pickup"),
    **dict.fromkeys(("RS", "RT"), "returned"),
    "CC": "cleared",
    "CD": "customs_held",
    "CP": "customs_processing",
}

#: ``derivedStatusCode`` → kind, when ``eventType`` is unknown.
DERIVED: Final[dict[str, Kind]] = {
    "IN": "label_created",
    "PU": "picked_up",
    "IT": "in_transit",
    "OD": "out_for_delivery",
    "DL": "delivered",
    "DE": "delivery_attempted",
    "SE": "exception",
    "DY": "in_transit",
    "CD": "customs_held",
    "HL": "available_for_pickup",
    "HP": "available_for_pickup",
    "RS": "returned",
}

_EXPORT = re.compile(r"\bexport\b", re.IGNORECASE)
_IMPORT = re.compile(r"\bimport\b", re.IGNORECASE)
_CLEARANCE_HELD = re.compile(r"\bclearance delay\b|\bheld by customs\b|\bregulatory review\b", re.IGNORECASE)
_CLEARANCE_PENDING = re.compile(r"\bavailable for clearance\b|\bclearance in progress\b", re.IGNORECASE)

#: FedEx error codes (``errors[].code`` / ``trackResults[].error.code``) → the contract's code.
_NOT_FOUND = re.compile(r"^TRACKING\..*NOTFOUND$|^TRACKING\.DATA\.NOTFOUND$")
_UNAUTHORIZED = re.compile(r"NOT\.AUTHORIZED|UNAUTHORIZED|FORBIDDEN|INVALID\.CREDENTIALS")
_RATE = re.compile(r"TOO\.MANY|RATE\.LIMIT|QUOTA", re.IGNORECASE)
_RATE_TEXT = re.compile(r"too many requests|quota exceeded|rate limit", re.IGNORECASE)


def classify(event_type: str | None, derived: str | None, description: str, exception: str) -> Kind:
    """The kind of one scan: ``eventType``, refined by its words; else ``derivedStatusCode``."""
    code = (event_type or "").strip().upper()
    if code == "EA":
        return "cleared" if _EXPORT.search(description) else "in_transit"
    kind = EVENT_TYPES.get(code) or DERIVED.get((derived or "").strip().upper()) or "unknown"
    if kind == "in_transit" and _CLEARANCE_HELD.search(exception):
        return "customs_held"
    if kind == "in_transit" and _CLEARANCE_PENDING.search(exception):
        return "customs_processing"
    return kind


def clearance_side(description: str) -> Literal["export", "import"] | None:
    """FedEx's own Export / Import word in a release ("International shipment release - Import")."""
    if _EXPORT.search(description):
        return "export"
    if _IMPORT.search(description):
        return "import"
    return None


def error_code(
    code: str, message: str
) -> Literal["not_found", "unauthorized", "rate_limited", "carrier_error"]:
    """FedEx's dotted error code (``TRACKING.TRACKINGNUMBER.NOTFOUND``) → the contract's code."""
    upper = code.strip().upper()
    if _NOT_FOUND.search(upper):
        return "not_found"
    if _UNAUTHORIZED.search(upper):
        return "unauthorized"
    if _RATE.search(upper) or _RATE_TEXT.search(message):
        return "rate_limited"
    return "carrier_error"
