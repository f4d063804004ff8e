"""Royal Mail Tracking API v2 event codes and event names → milestones, in one table.

Sources:

* Domestic ``EV…`` codes and their meaning: the event code list in the README of GitHub
  ``elliotjreed/royal-mail-tracking`` (a client of the API; "some of the event codes and their rough
  definition"), e.g. EVAIP "The sender has advised they've despatched your item", EVDAV "We have your item at
  [X] MC", EVKSP "Your item was delivered", EVNMI "went to [X] DO in error" (also the karrio community test
  body), EVKNA "tried to deliver … no one in", EVRTS "delivered back to the sender".
* International codes: EVHOE "Departure from Outward Office of Exchange", EVJIC "Presented to Import Customs",
  EVJIN "Held by Import Customs" (a public Royal Mail status table quoted in carriers.md §4.9).

A code not listed is read from its ``eventName`` with the English rules below (UPU EMSEVT wording, which Royal
Mail relays for events of the destination post); a name no rule matches is ``unknown``. Each listed code
carries the side of the border it happens on, so an event without a usable ``locationName`` still gets a
country (Royal Mail's own scans are in the origin country, the UK).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

from trace_verify.domain.model import Milestone

Side = Literal["origin", "destination"]

EVENT_CODES: Final[dict[str, tuple[Milestone, Side]]] = {
    "EVAIP": ("label_created", "origin"),
    "EVAIE": ("label_created", "origin"),
    "EVBAH": ("in_transit", "origin"),
    "EVDAC": ("in_transit", "origin"),
    "EVDAV": ("in_transit", "origin"),
    "EVIAV": ("in_transit", "origin"),
    "EVIMC": ("in_transit", "origin"),
    "EVGMI": ("in_transit", "origin"),
    "EVIPI": ("in_transit", "origin"),
    "EVNMI": ("in_transit", "origin"),
    "EVHOE": ("departed_origin", "origin"),
    "EVJIC": ("customs_processing", "destination"),
    "EVJIN": ("customs_held", "destination"),
    # Royal Mail's own delivery events: the item is in the UK (domestic, or inbound to the UK).
    "EVGPD": ("out_for_delivery", "destination"),
    "EVKAA": ("delivery_attempted", "destination"),
    "EVNAA": ("delivery_attempted", "destination"),
    "EVKNA": ("delivery_attempted", "destination"),
    "EVNDA": ("delivery_attempted", "destination"),
    "EVNDN": ("delivery_attempted", "destination"),
    "EVKSU": ("delivery_attempted", "destination"),
    "EVNAR": ("delivery_attempted", "destination"),
    "EVNKS": ("in_transit", "destination"),
    "EVNRT": ("in_transit", "destination"),
    "EVKLC": ("available_for_pickup", "destination"),
    "EVKDN": ("delivered", "destination"),
    "EVKOP": ("delivered", "destination"),
    "EVKSF": ("delivered", "destination"),
    "EVKSP": ("delivered", "destination"),
    "EVNOC": ("delivered", "destination"),
    "EVPLC": ("delivered", "destination"),
    "EVKAI": ("returned", "destination"),
    "EVKGA": ("returned", "destination"),
    "EVNGA": ("returned", "destination"),
    "EVKRF": ("returned", "destination"),
    "EVNRF": ("returned", "destination"),
    "EVRTS": ("returned", "origin"),
}


def _rule(pattern: str, milestone: Milestone) -> tuple[re.Pattern[str], Milestone]:
    return re.compile(pattern, re.IGNORECASE), milestone


#: ``eventName`` rules for codes not in the table, most specific first.
TEXT_RULES: Final[tuple[tuple[re.Pattern[str], Milestone], ...]] = (
    _rule(r"\breturn(ed)? to (the )?sender\b|\bdelivered back to the sender\b", "returned"),
    _rule(r"\b(held|retained|detained)\b.*\bcustoms\b|\bcustoms\b.*\b(held|hold|delay)", "customs_held"),
    _rule(r"\b(released|returned) from\b.*\bcustoms\b|\bcustoms clearance (is )?complete", "import_cleared"),
    _rule(r"\bcustoms\b", "customs_processing"),
    _rule(r"\b(departure|departed) from outward office of exchange\b|\bleft the UK\b", "departed_origin"),
    _rule(
        r"\barrival at inward office of exchange\b|\b(arrived|received) in (the )?destination country\b",
        "arrived_destination_country",
    ),
    _rule(r"\battempted delivery\b|\bdelivery attempted\b|\bunsuccessful delivery\b", "delivery_attempted"),
    _rule(r"\bout for (physical )?delivery\b|\bdue to be delivered today\b", "out_for_delivery"),
    _rule(r"\bready (for|to) collect|\bavailable for collection\b", "available_for_pickup"),
    _rule(r"^delivered\b|\bfinal delivery\b|\bhas been delivered\b", "delivered"),
    _rule(r"\bposting\b|\bcollection\b|\bitem received\b|\baccepted\b", "picked_up"),
    _rule(r"\bdespatching\b|\bsender\b.*\bdespatch", "label_created"),
    _rule(r"\b(arrival|departure|arrived|departed|in transit|forwarded|sorting|processed)\b", "in_transit"),
)

_DESTINATION_MILESTONES: Final = frozenset(
    {
        "arrived_destination_country",
        "customs_processing",
        "customs_held",
        "import_cleared",
        "out_for_delivery",
        "delivery_attempted",
        "available_for_pickup",
        "delivered",
    }
)


def classify(code: str | None, name: str | None) -> tuple[Milestone, Side]:
    """Milestone and border side of an event: the code table first, then the event name."""
    return _classify(code, name)


#: Distinct event texts memoised per process: carriers repeat the same few hundred wordings, and
#: trying every rule on each event was the largest cost of a parse. Bounded, so hostile text cannot grow it.
_MEMO_SIZE: Final = 4096


@lru_cache(maxsize=_MEMO_SIZE)
def _classify(code: str | None, name: str | None) -> tuple[Milestone, Side]:
    known = EVENT_CODES.get((code or "").strip().upper())
    if known is not None:
        return known
    milestone: Milestone = "unknown"
    for pattern, candidate in TEXT_RULES:
        if name and pattern.search(name):
            milestone = candidate
            break
    return milestone, "destination" if milestone in _DESTINATION_MILESTONES else "origin"
