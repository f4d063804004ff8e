"""Canada Post VIS event identifiers → milestones, in one table.

Source: Canada Post's message/event code table
(https://www.canadapost-postescanada.ca/info/mc/business/productsservices/developers/messagescodetables.jsf),
with the English descriptions as transcribed in a karrio-derived ``canadapost/units.py``
(``TRACKING_STATUS_MAPPING``, an unnamed public code file) and carriers.md §4.6. Live payloads send the
identifiers zero-padded to four digits (``0100``, ``0174``; karrio's own test body and the
``thejacer87/php-canadapost-api`` mock ``tracking-details-success.xml``), so every lookup goes through
:func:`normalize`. A code not listed here is ``unknown``: the verifier must not guess.

Canada Post speaks as the *origin* post for an outbound item (4311 "arrived in a foreign country" is the
destination country) and as the destination post for an inbound one (701 "arrived in Canada").
"""

from __future__ import annotations

import re
from typing import Final

from trace_verify.domain.model import Milestone

_GROUPS: Final[tuple[tuple[Milestone, tuple[str, ...]], ...]] = (
    ("label_created", ("3000", "3002")),  # Electronic information submitted by shipper; Return label created
    ("picked_up", ("1300", "1301", "1302", "1303", "2300", "4000")),  # accepted / picked up / mailed abroad
    (
        "in_transit",
        (
            "100", "102", "104", "105", "106", "107", "113", "114", "115", "116", "170", "171", "172", "175",
            "400", "405", "410", "804", "815", "4100", "4550", "4600", "4700", "4900", "4950", "8901",
            "1240", "1241", "1244", "2500", "2501", "159", "160", "161", "162", "163", "1484", "1494",
        ),
    ),  # processed, arrived/departed a facility, being prepared for export (815), weather or labour delays
    # 4202: International item has left the origin country and is en route to Canada
    ("departed_origin", ("4202",)),
    # 4310/4311: arrived in a foreign country (outbound); 700/701: arrived in Canada (inbound)
    ("arrived_destination_country", ("4310", "4311", "701", "700")),
    # 4330: Presented to Import Customs; 4400: sent to customs in destination; 800: presented to CBSA
    ("customs_processing", ("4330", "4400", "800")),
    # 810: Item held by Customs; 127: held at customs; 117: documentation irregularity; 1487: duties appeal
    ("customs_held", ("810", "127", "117", "1487")),
    ("import_cleared", ("4450", "4500", "130", "900", "910", "5201")),  # released / returned from Customs
    ("out_for_delivery", ("174", "500")),
    ("delivery_attempted", ("1411", "2411", "1443", "1414", "2414")),
    ("available_for_pickup", ("1407", "1435", "1436", "1437", "1438", "1479", "1488", "1701", "2407")),
    (
        "delivered",
        (
            "1405", "1406", "1408", "1409", "1421", "1422", "1423", "1424", "1425", "1426", "1427", "1428",
            "1429", "1430", "1431", "1432", "1433", "1434", "1441", "1442", "1461", "1462", "1463", "1465",
            "1466", "1467", "1468", "1469", "1471", "1472", "1473", "1475", "1476", "1496", "1498",
            "20", "21", "2001",  # signature / photo of the delivery recorded
        ),
    ),
    (
        "returned",
        (
            "1100", "1415", "1416", "1417", "1418", "1419", "1420", "1481", "1482", "1491", "1492", "1495",
            "167", "168", "169", "181", "182", "183", "184", "2600", "2601", "2802", "3001",
        ),
    ),  # 1100: Refused by Customs, item being returned to sender
    # address problems, refused or unclaimed, undeliverable, disposed of
    ("exception", ("120", "121", "173", "179", "1483", "1493", "4650", "150")),
)  # fmt: skip

#: Event identifier (without leading zeros) → milestone.
EVENT_CODES: Final[dict[str, Milestone]] = {code: milestone for milestone, codes in _GROUPS for code in codes}

#: 4500 hands the item to the destination country's post, which tracks it under the same S10 number.
HANDOVER_CODES: Final = frozenset({"4500"})

_DIGITS = re.compile(r"[0-9]{1,6}")


def normalize(identifier: str) -> str:
    """``"0174"`` → ``"174"``: the table is keyed by the unpadded number (karrio's lists miss padded ones)."""
    text = identifier.strip()
    return str(int(text)) if _DIGITS.fullmatch(text) else text


def milestone_for(identifier: str | None) -> Milestone:
    """The milestone of an event identifier, padded or not; ``unknown`` for codes not in the table."""
    if not identifier:
        return "unknown"
    return EVENT_CODES.get(normalize(identifier), "unknown")
