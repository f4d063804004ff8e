"""UPS Track API status types, activity codes and status codes → what an activity means, in one table.

An activity's ``status`` carries three codes (UPS OpenAPI ``Tracking.yaml``, schema ``Status``):
``type`` (the activity type), ``code`` (the scan or exception code) and ``statusCode`` (the 3-digit
"activity package detail status code"). They are read most specific first: ``code`` within its
``type`` (the same letters mean different things per type: ``DP`` is a departure scan for type ``I``
and a manifest code for type ``M``), then ``statusCode``, then ``type``; nothing known → ``unknown``.

Sources (UPS's own appendices as vendored by karrio, GitHub ``karrioapi/karrio`` commit 597cf2ab,
``modules/connectors/ups/vendors/``; summarised in shared/reference/carriers.md §4.1):

* ``type``: ``Tracking-package-activity-types.html`` — D Delivered, I In Transit / Out for Delivery,
  M Billing Information Received, MV Billing Information Voided, X Exception, DO / DD Delivered
  Origin / Destination CFS (freight), W Warehousing, NA Not Available, U Updates. ``P`` (Pickup) is
  the activity type of UPS's tracking web service that the Track API still returns for pickups.
* ``code`` for type I (movement scans, ``Tracking-movement-scans.html``): OR origin scan, PU pickup
  scan, AR arrival, DP departure, DS destination scan, EP export scan, IP import scan, UA / UD updated
  arrival / departure; OT / OF / OD out for delivery. ``OC`` "We have your package" and ``YP``
  "Processing at UPS Facility" are from a public capture of a real response (fixtures/SOURCES.md).
* ``code`` for type X (package exceptions, same appendix, and carriers.md §4.1): customs holds 5 / 1U /
  B4 / RD "pending release from a Government Agency", 29 / 1W / 7U / EU "contacted receiver or importer
  for clearance information", 40 / 43 / 71 "contacted the sender ... to clear customs", CP import
  gateway hold, CN export gateway hold, 1C / 7F "Import charges are due", CT General Order (customs
  possession); customs processing 7M / B3 / SY "preparing your package for clearance"; releases DA
  "Released By Clear Agency", Z3 broker released, SR "Your package was released by the customs agency"
  (the OpenAPI's own ``Status`` example); XD import scan, YX export scan; 1F destroyed per government
  agency; 48 / 49 / 51 / 52 / 55 delivery attempted.
* ``statusCode``: ``Tracking-status-description-codes.html`` (the API zero-pads them: ``"011"``).

A customs release is ``cleared``: the route decides export or import (:mod:`carriers._route`).
"""

from __future__ import annotations

import re
from typing import Final

from carriers._route import Kind

#: ``status.type`` → kind, when neither ``code`` nor ``statusCode`` says more.
TYPES: Final[dict[str, Kind]] = {
    "D": "delivered",
    "I": "in_transit",
    "P": "picked_up",
    "M": "label_created",
    "MV": "unknown",  # the label was voided: no custody, nothing to say
    "X": "exception",
    "DO": "in_transit",  # delivered to the origin container freight station, not to the consignee
    "DD": "in_transit",  # delivered to the destination container freight station
    "W": "in_transit",
    "NA": "unknown",
    "U": "unknown",
}

_MOVEMENT: Final[dict[str, Kind]] = {
    "OR": "picked_up",
    "PU": "picked_up",
    "OC": "picked_up",
    "AR": "arrived",
    "DS": "arrived",
    "IP": "arrived",
    "DP": "departed",
    "EP": "in_transit",
    "UA": "in_transit",
    "UD": "in_transit",
    "YP": "in_transit",
    "OT": "out_for_delivery",
    "OF": "out_for_delivery",
    "OD": "out_for_delivery",
}

_CUSTOMS_HELD = (
    "5",
    "1U",
    "B4",
    "RD",
    "29",
    "1W",
    "7U",
    "EU",
    "40",
    "43",
    "71",
    "CP",
    "CN",
    "1C",
    "7F",
    "CT",
)
_EXCEPTIONS: Final[dict[str, Kind]] = {
    **dict.fromkeys(_CUSTOMS_HELD, "customs_held"),
    **dict.fromkeys(("7M", "B3", "SY"), "customs_processing"),
    **dict.fromkeys(("DA", "Z3", "SR"), "cleared"),
    "XD": "arrived",
    "YX": "in_transit",
    "1F": "exception",
    **dict.fromkeys(("48", "49", "51", "52", "55"), "delivery_attempted"),
}

#: ``status.code`` per ``status.type``.
CODES: Final[dict[str, dict[str, Kind]]] = {
    "I": _MOVEMENT,
    "P": _MOVEMENT,
    "X": _EXCEPTIONS,
    "M": {"MP": "label_created"},
}

#: ``statusCode`` (as a number: the API sends ``"011"``, the appendix lists ``11``) → kind.
STATUS_CODES: Final[dict[int, Kind]] = {
    3: "label_created",
    157: "label_created",
    5: "in_transit",
    10: "in_transit",
    25: "in_transit",
    7: "unknown",
    11: "delivered",
    26: "delivered",
    12: "customs_processing",
    92: "customs_processing",
    13: "exception",
    14: "cleared",
    84: "cleared",
    134: "import_cleared",
    58: "customs_held",
    123: "customs_held",
    124: "customs_held",
    125: "customs_held",
    126: "customs_held",
    **dict.fromkeys((6, 21, 37, 72, 89, 91, 146, 162), "out_for_delivery"),
    **dict.fromkeys((22, 23, 24, 60, 61, 62, 145), "delivery_attempted"),
    **dict.fromkeys((17, 40, 144, 161), "available_for_pickup"),
    **dict.fromkeys((33, 34, 35, 36, 67), "returned"),
    **dict.fromkeys((38, 160), "picked_up"),
    **dict.fromkeys((59, 64, 68, 69, 147, 149), "exception"),
}

#: UPS error codes (``response.errors[].code``) → the contract's carrier error code. 250002 "Invalid
#: Authentication Information" and 250003 "Invalid Access License number" are UPS's credential errors,
#: 10401 "ClientId is Invalid" its OAuth one, 10429 "Too Many Requests" its rate limit; TW0001
#: "Tracking Information Not Found" arrives as a warning in an HTTP 200 (UPS-API/api-documentation#102).
ERROR_CODES: Final[dict[str, str]] = {
    "250001": "unauthorized",
    "250002": "unauthorized",
    "250003": "unauthorized",
    "250004": "unauthorized",
    "10401": "unauthorized",
    "10429": "rate_limited",
    "TW0001": "not_found",
    "151044": "not_found",
}


def classify(status_type: str | None, code: str | None, status_code: str | None) -> Kind:
    """The kind of one activity from its three status codes (module docstring for the order)."""
    by_type = CODES.get((status_type or "").upper(), {})
    kind = by_type.get((code or "").upper())
    if kind is not None:
        return kind
    number = int(status_code) if status_code and status_code.isascii() and status_code.isdigit() else None
    if number is not None and number in STATUS_CODES:
        return STATUS_CODES[number]
    return TYPES.get((status_type or "").upper(), "unknown")


#: ``alternateTrackingNumber.type`` values that name another carrier's number for the last leg
#: (OpenAPI ``AlternateTrackingNumber`` example: ``USPS_PIC``, UPS SurePost / Mail Innovations), as
#: adapter ids of the contract.
HANDOVER_TYPES: Final[dict[str, str]] = {"USPS_PIC": "usps", "USPS": "usps"}

#: Activity words that hand the package to the next leg's carrier.
HANDOVER_TEXT: Final = re.compile(
    r"post office|postal service|\bUSPS\b|delivery partner|tendered to", re.IGNORECASE
)


def handover_carrier(alternate_type: str | None) -> str | None:
    """The adapter id named by an ``alternateTrackingNumber.type``, or None."""
    return HANDOVER_TYPES.get((alternate_type or "").strip().upper())
