"""USPS event codes and event texts → what the event means, in one table for both USPS formats.

Sources:

* ``eventCode`` / ``EventCode``: USPS Publication 199, Appendix G-4 "USPS Domestic Tracking Scan
  Events" (the code list the Tracking API v3 OpenAPI 3.2.4 and Web Tools point to). The codes below
  are zero-padded two-character strings exactly as the APIs send them ("01", not "1" — karrio-usps
  2023.9.2 compares unpadded codes and misses them, carriers.md §4.5). Seen with their texts in
  published bodies: GX "Shipping Label Created", 03 "USPS in possession of item" / "Picked up by
  Request", 10 "Arrived at USPS (Regional) Origin Facility", A1 "Arrived at USPS Regional Facility",
  T1 "Departed USPS Regional Facility", TL "In Transit to Next Facility", EF "Departed USPS
  Facility", SF "Departed Post Office", 07 "Arrived at Post Office", PC "Sorting Complete",
  OF "Out for Delivery", 01 "Delivered…" (karrio ``usps`` test body; a Web Tools TrackV2 capture in
  a public Perl test). The remaining G-4 codes listed are 02 Notice Left, 04 Refused, 05
  Undeliverable as Addressed, 09 Return to Sender, 16 Available for Pickup, 17 Picked Up at Postal
  Facility, MA Pre-Shipment Info Sent to USPS.
* International events (Appendix G-5) are read from their texts, because their codes were not
  verified (carriers.md §4.4 [U]): "Inbound Into Customs", "Customs Clearance", "Held in Customs",
  "Inbound Out of Customs", "Customs Clearance Processing Complete", "Processed Through Facility",
  "Departed", "Arrived", "Origin Post is Preparing Shipment" (strings seen in public code). A
  customs text wins over any code: karrio reads "Held in Customs" as in transit (§4.4).

Unknown codes with unknown texts are ``unknown``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from carriers._route import Kind

EVENT_CODES: Final[dict[str, Kind]] = {
    "GX": "label_created",
    "MA": "label_created",
    "03": "picked_up",
    "10": "in_transit",
    "A1": "in_transit",
    "T1": "in_transit",
    "TL": "in_transit",
    "EF": "in_transit",
    "SF": "in_transit",
    "07": "in_transit",
    "PC": "in_transit",
    "OF": "out_for_delivery",
    "02": "delivery_attempted",
    "16": "available_for_pickup",
    "01": "delivered",
    "17": "delivered",
    "04": "exception",
    "05": "exception",
    "09": "returned",
}


def _rule(pattern: str, kind: Kind) -> tuple[re.Pattern[str], Kind]:
    return re.compile(pattern, re.IGNORECASE), kind


#: Customs texts: checked before the code (see the module docstring). First match wins.
CUSTOMS_TEXTS: Final[tuple[tuple[re.Pattern[str], Kind], ...]] = (
    _rule(r"\bheld (in|by) customs\b|\bcustoms (delay|hold)\b", "customs_held"),
    _rule(
        r"\binbound out of customs\b|\bcustoms clearance processing complete\b|\breleased from customs\b",
        "import_cleared",
    ),
    _rule(r"\binbound into customs\b|\bcustoms clearance\b|\bpresented to customs\b", "customs_processing"),
)

#: Other texts, used when the code is absent or not in :data:`EVENT_CODES`. First match wins.
OTHER_TEXTS: Final[tuple[tuple[re.Pattern[str], Kind], ...]] = (
    _rule(r"^delivered\b", "delivered"),
    _rule(r"^out for delivery\b", "out_for_delivery"),
    _rule(r"\bavailable for pickup\b", "available_for_pickup"),
    _rule(r"\bnotice left\b|\bdelivery attempted\b", "delivery_attempted"),
    _rule(r"\breturn(ed)? to sender\b", "returned"),
    _rule(r"\bshipping label created\b|\bpre-shipment\b|\bpreparing shipment\b", "label_created"),
    _rule(r"\baccepted at usps\b|\bin possession of item\b|\bpicked up\b|\bacceptance\b", "picked_up"),
    _rule(r"^depart(ed)?\b", "departed"),
    _rule(r"^arrived?\b|^arrival\b", "arrived"),
    _rule(r"\bprocessed\b|\bin transit\b|\bsorting complete\b", "in_transit"),
)


def classify(code: str | None, text: str | None) -> Kind:
    """Customs texts first, then the code, then the other texts; ``unknown`` when nothing matches."""
    return _classify(code, text)


#: Distinct event texts memoised per process: carriers repeat the same few hundred wordings, and
#: trying every rule on each event was the largest cost of a parse. Bounded, so hostile text cannot grow it.
_MEMO_SIZE: Final = 4096


@lru_cache(maxsize=_MEMO_SIZE)
def _classify(code: str | None, text: str | None) -> Kind:
    wording = " ".join((text or "").split())
    for pattern, kind in CUSTOMS_TEXTS:
        if pattern.search(wording):
            return kind
    known = EVENT_CODES.get((code or "").strip().upper())
    if known is not None:
        return known
    for pattern, kind in OTHER_TEXTS:
        if pattern.search(wording):
            return kind
    return "unknown"
