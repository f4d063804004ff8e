"""17TRACK main statuses, sub-statuses and key stages → milestones, and its error codes, in one table.

Sources: 17TRACK's status help article https://help.17track.net/hc/en-us/articles/37471096573337 (9 main
statuses, 30 sub-statuses: "InTransit_Departure — left the port of the origin country/region",
"InTransit_Arrival — arrived at the port of the destination country/region", "InTransit_CustomsProcessing",
"InTransit_CustomsReleased — import/export clearance complete", "InTransit_CustomsRequiringInformation",
"DeliveryFailure_Security — security, customs clearance or fees") and the API documentation v2.2
https://asset.17track.net/api/document/v2.2_en/ (``milestone[].key_stage``: InfoReceived, PickedUp,
Departure, Arrival, AvailableForPickup, OutForDelivery, Delivered, Returning, Returned), summarised in
shared/reference/carriers.md §6.2. Error codes: the same API documentation's code list as quoted by
public clients (-18010002 invalid key, -18019901 already registered, -18019902 not registered,
-18019903 carrier not detected, -18019909 no tracking information yet).

An event carries a ``sub_status`` (v2.2) and/or a ``stage``; 17TRACK sets neither on ordinary scans, which
are therefore ``in_transit`` (a carrier scan, nothing more specific). ``InTransit_Departure`` and
``InTransit_Arrival`` are border crossings by definition; the parser still checks them against the
route, as it checks which side a ``InTransit_CustomsReleased`` clearance is on.
"""

from __future__ import annotations

import re
from typing import Final

from trace_verify.domain.documents import CarrierErrorCode
from trace_verify.domain.model import Milestone

#: Sub-status → milestone.
SUB_STATUSES: Final[dict[str, Milestone]] = {
    "NotFound_Other": "unknown",
    "NotFound_InvalidCode": "unknown",
    "InfoReceived": "label_created",
    "InTransit_PickedUp": "picked_up",
    "InTransit_Other": "in_transit",
    "InTransit_Departure": "departed_origin",
    "InTransit_Arrival": "arrived_destination_country",
    "InTransit_CustomsProcessing": "customs_processing",
    "InTransit_CustomsReleased": "import_cleared",
    "InTransit_CustomsRequiringInformation": "customs_held",
    "Expired_Other": "unknown",
    "AvailableForPickup_Other": "available_for_pickup",
    "OutForDelivery_Other": "out_for_delivery",
    "DeliveryFailure_Other": "delivery_attempted",
    "DeliveryFailure_NoBody": "delivery_attempted",
    "DeliveryFailure_Security": "customs_held",
    "DeliveryFailure_Rejected": "exception",
    "DeliveryFailure_InvalidAddress": "exception",
    "Delivered_Other": "delivered",
    "Exception_Other": "exception",
    "Exception_Returning": "returned",
    "Exception_Returned": "returned",
    "Exception_NoBody": "exception",
    "Exception_Security": "customs_held",
    "Exception_Damage": "exception",
    "Exception_Rejected": "exception",
    "Exception_Delayed": "exception",
    "Exception_Lost": "exception",
    "Exception_Destroyed": "exception",
    "Exception_Cancel": "exception",
}

#: ``stage`` (the key stage an event marks) → milestone, for events without a sub-status.
STAGES: Final[dict[str, Milestone]] = {
    "InfoReceived": "label_created",
    "PickedUp": "picked_up",
    "Departure": "departed_origin",
    "Arrival": "arrived_destination_country",
    "AvailableForPickup": "available_for_pickup",
    "OutForDelivery": "out_for_delivery",
    "Delivered": "delivered",
    "Returning": "returned",
    "Returned": "returned",
}

#: 17TRACK error codes (``rejected[].error.code``, ``data.errors[].code``) → contract error codes.
ERROR_CODES: Final[dict[int, CarrierErrorCode]] = {
    -18010001: "unauthorized",  # IP address not in the allow-list
    -18010002: "unauthorized",  # security key invalid
    -18010004: "unauthorized",  # account disabled
    -18010005: "unauthorized",  # unauthorized access
    -18019902: "not_found",  # number not registered
    -18019903: "not_found",  # carrier cannot be detected
    -18019909: "not_found",  # no tracking information at this time
}

#: Local (last-mile) provider names → the contract's adapter id for that carrier.
HANDOVER_CARRIERS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\bSF\b|SF Express|顺丰", re.IGNORECASE), "sf"),
    (re.compile(r"\bDHL\b"), "dhl"),
    (re.compile(r"\bUPS\b"), "ups"),
    (re.compile(r"\bFedEx\b", re.IGNORECASE), "fedex"),
    (re.compile(r"\bUSPS\b"), "usps"),
)


def milestone(sub_status: str | None, stage: str | None) -> Milestone:
    """The sub-status's milestone, else the stage's; an ordinary scan (neither) is ``in_transit``.

    A sub-status or stage 17TRACK adds later, unknown here, is ``unknown``.
    """
    if sub_status:
        return SUB_STATUSES.get(sub_status, "unknown")
    if stage:
        return STAGES.get(stage, "unknown")
    return "in_transit"


def error_code(code: int | None) -> CarrierErrorCode:
    """The contract error code for a 17TRACK error code (``carrier_error`` when not listed)."""
    return ERROR_CODES.get(code, "carrier_error") if code is not None else "carrier_error"


def handover_carrier(name: str | None) -> str | None:
    """The adapter id of a local provider name, or None."""
    if not name:
        return None
    return next((carrier for pattern, carrier in HANDOVER_CARRIERS if pattern.search(name)), None)
