"""AfterShip delivery statuses (``tag``) and sub-statuses (``subtag``) → milestones, in one table.

Sources: AfterShip's enum pages https://www.aftership.com/docs/tracking/enum/delivery-statuses and
https://www.aftership.com/docs/tracking/enum/delivery-sub-statuses (2025-04 and 2026-07 versions),
summarised in shared/reference/carriers.md §6.1: tags ``Pending, InfoReceived, InTransit,
OutForDelivery, AttemptFail, Delivered, AvailableForPickup, Exception, Expired``; verified subtags
Delivered_001…005, AvailableForPickup_001, Exception_001…013 (Exception_004 "Delayed (Customs
clearance)"), Exception_016…018 (Exception_018 "Incorrect / missing documents"), InTransit_007 (departure
scan). The other InTransit subtags (002 acceptance scan, 003 arrival scan, 004 arrived at destination
country, 005 customs clearance completed, 006 customs clearance started, 008 problem resolved, 009
forwarded) are listed in the same pages but flagged unverified in carriers.md; they are used here as
named and marked ``# [U]``.

``InTransit_007`` (departure scan) is a ``departed`` kind: the parser makes it ``departed_origin`` only
for the last departure in the origin country of a border-crossing shipment.
"""

from __future__ import annotations

from typing import Final, Literal

from trace_verify.domain.model import Milestone

Kind = Milestone | Literal["departed"]

#: ``tag`` → milestone, for a checkpoint whose subtag is absent or unknown.
TAGS: Final[dict[str, Kind]] = {
    "Pending": "unknown",
    "InfoReceived": "label_created",
    "InTransit": "in_transit",
    "OutForDelivery": "out_for_delivery",
    "AttemptFail": "delivery_attempted",
    "Delivered": "delivered",
    "AvailableForPickup": "available_for_pickup",
    "Exception": "exception",
    "Expired": "unknown",
}

#: ``subtag`` → kind. Subtags not listed fall back to their tag.
SUBTAGS: Final[dict[str, Kind]] = {
    "InTransit_002": "picked_up",  # Acceptance scan [U]
    "InTransit_004": "arrived_destination_country",  # Arrived at destination country [U]
    "InTransit_005": "import_cleared",  # Customs clearance completed [U]
    "InTransit_006": "customs_processing",  # Customs clearance started [U]
    "InTransit_007": "departed",  # Departure scan
    "Exception_004": "customs_held",  # Delayed (Customs clearance)
    "Exception_010": "returned",  # Returning to sender
    "Exception_011": "returned",  # Returned to sender
    "Exception_018": "customs_held",  # Incorrect / missing documents (regulatory)
}


def kind(tag: str | None, subtag: str | None) -> Kind:
    """The subtag's kind, else the tag's, else ``unknown``."""
    if subtag and subtag in SUBTAGS:
        return SUBTAGS[subtag]
    return TAGS.get(tag or "", "unknown")


#: AfterShip courier slugs → the contract's adapter id of that carrier, for ``handover_to``.
SLUG_ADAPTERS: Final[dict[str, str]] = {
    "dhl": "dhl",
    "ups": "ups",
    "fedex": "fedex",
    "usps": "usps",
    "sf-express": "sf",
    "canada-post": "canadapost",
    "royal-mail": "royalmail",
}
