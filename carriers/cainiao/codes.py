"""Cainiao global tracking ``actionCode`` → milestone and side of the border, in one table.

There is no primary public specification of Cainiao's global tracking JSON. The codes and their meaning
come from Cainiao's own English ``standerdDesc`` texts as captured in public clients of
``global.cainiao.com/global/detail.json``: a real AliExpress response quoted in a TypeScript postal-API
client ("CC_IM_SUCCESS — Import customs clearance complete", "CC_HO_OUT_SUCCESS — Departed from customs",
"CC_HO_IN_SUCCESS — Arrived at customs", "LH_ARRIVE — Arrived at linehaul office", "LH_DEPART — Departed
from departure country/region", "CC_IM_START — Import customs clearance started", "LH_HO_AIRLINE —
Leaving from departure country/region", "CC_EX_SUCCESS — Export customs clearance complete",
"CC_EX_START — Export customs clearance started", "LH_HO_IN_SUCCESS — Arrived at departure transport
hub", "SC_OUTBOUND_SUCCESS / SC_INBOUND_SUCCESS — sorting center", "PU_PICKUP_SUCCESS — Received by
logistics company", "GWMS_ACCEPT / GWMS_PACKAGE / GWMS_OUTBOUND — warehouse"), redacted real payloads in
a Home-Assistant-style Cainiao integration's test samples (``GTMS_SIGNED`` "Package delivered",
``GTMS_DO_DEPART`` "Out for delivery", ``GTMS_OE_DEPART``, ``LH_POST_COLLECTION``, ``COMMON_INTRANSIT``,
group codes ``AE_GROUP_EX_CLEARING_CUSTOMS`` / ``AE_GROUP_IM_CLEARING_CUSTOMS``) and a German label table
("LH_ARRIVE — Im Zielland angekommen", "GTMS_ACCEPT — Vom lokalen Zustelldienst übernommen").

Each code also says on which side of the border it happens (``origin`` warehouse, pick-up, sorting,
export, line-haul departure; ``destination`` arrival, import, last mile) — the event's country is the
route's country on that side, since the JSON gives no place per event.
"""

from __future__ import annotations

from typing import Final, Literal

from trace_verify.domain.model import Milestone

Side = Literal["origin", "destination"]

#: actionCode → (milestone, side). Codes not listed are ``unknown`` with no side.
ACTION_CODES: Final[dict[str, tuple[Milestone, Side | None]]] = {
    "GWMS_ACCEPT": ("label_created", "origin"),
    "GWMS_PACKAGE": ("in_transit", "origin"),
    "GWMS_OUTBOUND": ("in_transit", "origin"),
    "CW_INBOUND": ("in_transit", "origin"),
    "CW_OUTBOUND": ("in_transit", "origin"),
    "PU_PICKUP_SUCCESS": ("picked_up", "origin"),
    "SC_INBOUND_SUCCESS": ("in_transit", "origin"),
    "SC_OUTBOUND_SUCCESS": ("in_transit", "origin"),
    "LH_HO_IN_SUCCESS": ("in_transit", "origin"),
    "LH_HO_AIRLINE": ("in_transit", "origin"),
    "CC_EX_START": ("in_transit", "origin"),
    "CC_EX_SUCCESS": ("export_cleared", "origin"),
    "LH_DEPART": ("departed_origin", "origin"),
    "LH_ARRIVE": ("arrived_destination_country", "destination"),
    "CC_HO_IN_SUCCESS": ("customs_processing", "destination"),
    "CC_IM_START": ("customs_processing", "destination"),
    "CC_IM_SUCCESS": ("import_cleared", "destination"),
    "CC_IM_FAILURE": ("customs_held", "destination"),
    "CC_IM_EXCEPTION": ("customs_held", "destination"),
    "CC_HO_OUT_SUCCESS": ("in_transit", None),  # "Departed from customs": export or import (group says)
    "LH_POST_COLLECTION": ("in_transit", "destination"),
    "COMMON_INTRANSIT": ("in_transit", None),
    "GTMS_ACCEPT": ("in_transit", "destination"),
    "GTMS_SC_ARRIVE": ("in_transit", "destination"),
    "GTMS_SC_DEPART": ("in_transit", "destination"),
    "GTMS_OE_DEPART": ("in_transit", "destination"),
    "GTMS_DO_DEPART": ("out_for_delivery", "destination"),
    "GTMS_DELIVERING": ("out_for_delivery", "destination"),
    "GTMS_STA_SIGNED": ("available_for_pickup", "destination"),
    "GTMS_SIGNED": ("delivered", "destination"),
}

#: ``group.nodeCode`` that fixes the side where the action code does not.
GROUP_SIDES: Final[dict[str, Side]] = {
    "AE_GROUP_EX_CLEARING_CUSTOMS": "origin",
    "AE_GROUP_IM_CLEARING_CUSTOMS": "destination",
    "AE_GROUP_DELIVERING": "destination",
    "AE_GROUP_DELIVERED": "destination",
}

#: Last-mile courier names (``destCpInfo.cpName``) → the contract's adapter id, for ``handover_to``.
CP_ADAPTERS: Final[dict[str, str]] = {
    "SF": "sf",
    "SF EXPRESS": "sf",
    "顺丰速运": "sf",
    "DHL": "dhl",
    "UPS": "ups",
    "FEDEX": "fedex",
    "USPS": "usps",
    "CANADA POST": "canadapost",
    "ROYAL MAIL": "royalmail",
}


def classify(action_code: str | None, group: str | None) -> tuple[Milestone, Side | None]:
    """The milestone and side of an event; the group decides the side of ambiguous codes."""
    milestone, side = ACTION_CODES.get(action_code or "", ("unknown", None))
    return milestone, side or GROUP_SIDES.get(group or "")


def is_last_mile(action_code: str | None) -> bool:
    """True for the destination courier's own scans (``GTMS_*``): the leg after the hand-over."""
    return (action_code or "").startswith("GTMS_")
