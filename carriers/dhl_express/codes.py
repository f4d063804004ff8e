"""DHL Express checkpoint codes → what the event means, in one table for both formats.

The XML-PI ``ServiceEvent/EventCode`` and the MyDHL API ``events[].typeCode`` carry the same
two-letter Express checkpoint codes.

Source: DHL's Express status list as published with the DHL developer portal's tracking
documentation, vendored in GitHub ``karrioapi/karrio`` ``modules/connectors/mydhl/vendors/status_1.csv``
(rows ``express;<code>;<meaning>``): AD Agreed delivery, AF Arrived facility, AR Arrival in delivery
facility, BA Bad address, BN Customer broker notified, BR Broker release, CA Closed on arrival,
CC Awaiting cnee collection, CD Controllable clearance delay, CM Customer moved, CR Clearance
release, CS Closed shipment, DD Delivered damaged, DF Depart facility, DS Destroyed / disposal,
FD Forward destination, HP Held for payment, IC In clearance processing, MC Miscode, MD Missed
delivery cycle, MS Mis-sort, ND Not delivered, NH Not home, OH On hold, OK Delivery, PD Partial
delivery, PL Processed at location, PU Shipment pick up, RD Refused delivery, RR Response received,
RT Returned to consignor, SA Shipment acceptance, SC Service changed, SS Shipment stopped, TP
Forwarded to 3rd party, TR Record of transfer, UD Uncontrollable clearance delay, WC With delivering
courier. RR appears in Express tracking as "Customs status updated" (carriers.md §4.3 captures), so
it is a customs step.

karrio (carriers.md §4.7–4.8) reads CR as in transit with the reason ``consignee_refused`` (MyDHL)
or as nothing (XML-PI), and CC/CD/CR/IC as plain transit: here they are customs milestones.
``OH`` (DHL's generic hold) is a customs hold only when its own description speaks of customs or
clearance; otherwise the shipment is simply still moving. ``SC`` and ``CS`` are data changes,
not scans, and stay ``unknown`` like every code not listed.
"""

from __future__ import annotations

import re
from typing import Final

from carriers._route import Kind

EVENT_CODES: Final[dict[str, Kind]] = {
    "PU": "picked_up",
    "SA": "picked_up",
    "PL": "in_transit",
    "TR": "in_transit",
    "TP": "in_transit",
    "FD": "in_transit",
    "AD": "in_transit",
    "MD": "in_transit",
    "MS": "in_transit",
    "MC": "in_transit",
    "DF": "departed",
    "AF": "arrived",
    "AR": "arrived",
    "BN": "customs_processing",
    "IC": "customs_processing",
    "RR": "customs_processing",
    "CD": "customs_held",
    "UD": "customs_held",
    "HP": "customs_held",
    "CR": "import_cleared",
    "BR": "import_cleared",
    "WC": "out_for_delivery",
    "CC": "available_for_pickup",
    "NH": "delivery_attempted",
    "CA": "delivery_attempted",
    "ND": "delivery_attempted",
    "OK": "delivered",
    "PD": "delivered",
    "DD": "delivered",
    "RT": "returned",
    "BA": "exception",
    "CM": "exception",
    "RD": "exception",
    "DS": "exception",
    "SS": "exception",
}

#: DHL's generic hold; see the module docstring.
ON_HOLD: Final = "OH"
_CUSTOMS_WORDS: Final = re.compile(r"\bcustoms\b|\bclearance\b|\bduties\b|\bduty\b", re.IGNORECASE)


def classify(code: str | None, description: str | None) -> Kind:
    """The kind of an Express checkpoint; ``unknown`` for codes not in :data:`EVENT_CODES`."""
    key = (code or "").strip().upper()
    if key == ON_HOLD:
        return "customs_held" if _CUSTOMS_WORDS.search(description or "") else "in_transit"
    return EVENT_CODES.get(key, "unknown")
