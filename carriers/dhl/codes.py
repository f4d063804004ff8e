"""DHL Unified status codes and event texts → what the event means, in one table.

Sources:

* ``statusCode`` and its enum ``pre-transit | transit | delivered | failure | unknown``: DHL's published
  OpenAPI "Shipment Tracking – Unified" 1.3.1 (developer.dhl.com
  ``dpdhl_tracking-unified-api_1.3.1.yaml``; mirrored in GitHub ``netzoio/netzo``
  ``plugins/services-legacy/service-openapi-dhl-shipment-tracking-unified/src/openapi.v1.json``),
  schema ``supermodelIoLogisticsTrackingShipmentEvent``.
* Event texts: DHL gives no per-event code. Express events in real Unified responses carry only a
  ``description`` (carriers.md §4.3; public captures: GitHub ``AlexLjunggren/dhl-api``
  ``src/test/resources/trackingResponse.json`` and two Express shipments recorded in a public
  Laravel controller — "Shipment picked up", "Processed at …", "Departed Facility in …",
  "Arrived at Sort Facility …", "Customs status updated", "Clearance processing complete at …",
  "Shipment on hold", "With delivery courier", "Delivery attempted; recipient not home",
  "Delivered - Signed for by: …"). MyDHL event descriptions (carriers.md §4.8: "Clearance delay",
  "Further clearance processing is required") and DHL Paket's English texts as they appear in
  public client libraries ("The instruction data for this shipment have been provided by the
  sender to DHL electronically", "The shipment has been loaded onto the delivery vehicle", "The
  shipment has been successfully delivered", "The shipment has arrived in the destination
  country", "The shipment will be transported to the destination country and, from there, handed
  over to the delivery organization") complete the table. The OpenAPI's own ``remark`` example is
  "The shipment is pending completion of customs inspection."

A text maps to a :data:`Kind`: a milestone, or one of three kinds the parser settles from the
shipment's route (``departed`` / ``arrived`` become ``departed_origin`` /
``arrived_destination_country`` only at the border; ``handed_over`` marks the next leg), or
``on_hold`` (DHL's generic hold: a customs hold only when a remark says customs).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal, TypeGuard

from trace_verify.domain.model import MILESTONES, Milestone

Kind = Milestone | Literal["departed", "arrived", "handed_over", "on_hold"]

#: ``statusCode`` (OpenAPI enum) → milestone. ``transit`` and ``unknown`` say nothing specific.
STATUS_CODES: Final[dict[str, Milestone]] = {
    "pre-transit": "label_created",
    "transit": "in_transit",
    "delivered": "delivered",
    "failure": "exception",
    "unknown": "unknown",
}


def _rule(pattern: str, kind: Kind) -> tuple[re.Pattern[str], Kind]:
    return re.compile(pattern, re.IGNORECASE), kind


#: Event text rules, most specific first; the first match wins.
TEXT_RULES: Final[tuple[tuple[re.Pattern[str], Kind], ...]] = (
    _rule(
        r"\b(shipment|electronic) (information|data|notification) received\b|\binstruction data\b"
        r"|\blabel created\b|\belectronically announced\b",
        "label_created",
    ),
    _rule(r"\breturn(ed)? to (the )?(sender|shipper|origin)\b|\bbeing returned\b", "returned"),
    _rule(
        r"\brefused\b|\bdamaged?\b|\blost\b|\bundeliverable\b|\b(incorrect|wrong|insufficient|bad) address\b"
        r"|\baddress (is )?(incorrect|insufficient|unknown)\b",
        "exception",
    ),
    _rule(r"\bexport\b.*\b(clear(ed|ance)|released)\b", "export_cleared"),
    _rule(
        r"\bclearance delay\b|\bfurther clearance processing is required\b"
        r"|\b(held|detained|retained|hold)\b.*\bcustoms\b|\bcustoms\b.*\b(held|detained|retained|hold|delay(ed)?)\b"
        r"|\b(awaiting|pending) (payment of )?(duties|duty|taxes)\b",
        "customs_held",
    ),
    _rule(
        r"\bclearance processing complete\b|\bcustoms clearance (is )?complete"
        r"|\b(released|cleared) (by|from|through) customs\b|\bcustoms (release|released|cleared)\b",
        "import_cleared",
    ),
    _rule(r"\bcustoms\b|\bclearance (event|in progress|processing)\b", "customs_processing"),
    _rule(
        r"\bdelivery attempted\b|\battempted delivery\b|\bcould not be delivered\b"
        r"|\bdelivery (was )?not possible\b|\b(recipient|consignee) not (home|available)\b"
        r"|\battempt at delivery\b",
        "delivery_attempted",
    ),
    _rule(
        r"\b(ready|available) for (pick-?up|collection)\b|\bawaiting collection\b|\bdelivered for pick-?up\b"
        r"|\bcan be picked up\b",
        "available_for_pickup",
    ),
    _rule(r"^delivered\b|\bsuccessfully delivered\b|\bhas been delivered\b", "delivered"),
    _rule(
        r"\bwith delivery courier\b|\bout for delivery\b|\bloaded onto the delivery vehicle\b",
        "out_for_delivery",
    ),
    _rule(
        r"\bpicked up\b|\bshipment accepted\b|\bpick-?up was successful\b|\bposted\b|\bhanded over to DHL\b",
        "picked_up",
    ),
    _rule(
        r"\bhanded over\b|\btendered to\b"
        r"|\b(forwarded|transferred) to (the )?(local|last[- ]mile|delivery)\b",
        "handed_over",
    ),
    _rule(r"\barrived in the destination country\b", "arrived_destination_country"),
    _rule(r"\bon hold\b", "on_hold"),
    _rule(r"\bdepart(ed|ure)\b", "departed"),
    _rule(r"\barrived\b|\barrival\b", "arrived"),
    _rule(
        r"\bprocessed\b|\bin transit\b|\btransit\b|\bsorted\b|\bonward transport\b|\bon its way\b",
        "in_transit",
    ),
)

#: Carriers that DHL names when it hands a parcel to the next leg, as adapter ids of the contract.
HANDOVER_CARRIERS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (
        re.compile(r"\bUSPS\b|\bUnited States Postal Service\b|\bU\.S\. Postal Service\b", re.IGNORECASE),
        "usps",
    ),
    (re.compile(r"\bCanada Post\b", re.IGNORECASE), "canadapost"),
    (re.compile(r"\bRoyal Mail\b", re.IGNORECASE), "royalmail"),
    (re.compile(r"\bSF Express\b|顺丰", re.IGNORECASE), "sf"),
    (re.compile(r"\bFedEx\b", re.IGNORECASE), "fedex"),
    (re.compile(r"\bUPS\b"), "ups"),
)

#: ``details.references[].type`` that names the next leg's tracking number (OpenAPI 1.3.1 enum).
LOCAL_TRACKING_REFERENCE: Final = "local-tracking-number"

#: Distinct event texts memoised per process: carriers repeat the same few hundred wordings, and
#: trying every rule on each event was the largest cost of a parse. Bounded, so hostile text cannot grow it.
_MEMO_SIZE: Final = 4096


def classify_text(text: str | None) -> Kind | None:
    """The kind of the first rule matching ``text``; None when no rule matches."""
    return _classify_text(text) if text else None


@lru_cache(maxsize=_MEMO_SIZE)
def _classify_text(text: str) -> Kind | None:
    for pattern, kind in TEXT_RULES:
        if pattern.search(text):
            return kind
    return None


def handover_carrier(text: str | None) -> str | None:
    """The adapter id of a carrier named in ``text``, or None."""
    return _handover_carrier(text) if text else None


@lru_cache(maxsize=_MEMO_SIZE)
def _handover_carrier(text: str) -> str | None:
    for pattern, carrier in HANDOVER_CARRIERS:
        if pattern.search(text):
            return carrier
    return None


def is_milestone(kind: Kind) -> TypeGuard[Milestone]:
    """True for kinds that are milestones already (not departed/arrived/handed_over/on_hold)."""
    return kind in MILESTONES
