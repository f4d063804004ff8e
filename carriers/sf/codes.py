"""SF Express route codes and route texts → what a route event means, in one table.

Sources (SF's own opCode table is not public in English; each entry names where it was seen):

* ``opCode``: 50/54 "顺丰速运 已收取快件" (collected), 30 "完成分拣" (sorted), 36 "快件离开" (departed a
  facility), 31 "快件到达" (arrived at a facility) — a captured SF route list in GitHub
  ``honghua-kd/website`` ``src/views/archive/logistics/register/logisticsRoutes.ts`` and the opCode map of the
  Eagle1 SF client (``sfex.ts``: 50/54 received, 30/31/36 in transit, 105 in transit, 106 arrived at
  destination, 80 delivered); 80 "已签收" is also karrio-sf-express 2023.4's delivered code.
* ``firstStatusCode`` 1 已揽收 / 2 运送中 / 3 派送中 / 4 已签收 (a public SF route client's status table) and
  ``secondaryStatusCode`` 101 揽收, 204 清关中, 205 已清关, 301 派送中, 401 已签收 (Eagle1 ``sfex.ts``).
* Route texts (``remark``, ``secondaryStatusName``): SF's Chinese wording as in the captures above
  (已收取快件, 完成分拣, 快件离开…发往, 快件到达, 派送中, 已签收) and the customs states of SF's
  route query (清关中, 已清关, 清关异常) — the customs wording of Kuaidi100's state table (carriers.md
  §6.3: 待清关, 清关中, 已清关, 清关异常) for the rest.

A route maps to a :data:`Kind`: a milestone, or ``departed`` / ``arrived``, which the parser settles
against the route's countries (only the border crossing becomes ``departed_origin`` /
``arrived_destination_country``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

from trace_verify.domain.model import Milestone

Kind = Milestone | Literal["departed", "arrived"]

OP_CODES: Final[dict[str, Kind]] = {
    "50": "picked_up",
    "54": "picked_up",
    "30": "in_transit",
    "31": "arrived",
    "36": "departed",
    "105": "in_transit",
    "106": "arrived",
    "80": "delivered",
}

SECONDARY_STATUS: Final[dict[str, Kind]] = {
    "101": "picked_up",
    "204": "customs_processing",
    "205": "import_cleared",
    "301": "out_for_delivery",
    "401": "delivered",
}

FIRST_STATUS: Final[dict[str, Kind]] = {
    "1": "picked_up",
    "2": "in_transit",
    "3": "out_for_delivery",
    "4": "delivered",
}


def _rule(pattern: str, kind: Kind) -> tuple[re.Pattern[str], Kind]:
    return re.compile(pattern), kind


#: Text rules, most specific first; the first match wins. They outrank the codes when they say more
#: (a 运送中 route whose remark says 清关异常 is a customs hold).
TEXT_RULES: Final[tuple[tuple[re.Pattern[str], Kind], ...]] = (
    _rule(r"退回|退件|退还寄件人", "returned"),
    _rule(r"清关异常|海关扣|扣留|暂扣|补充.*资料|补交.*资料|待缴.*税|税金待付", "customs_held"),
    _rule(r"已清关|清关完成|海关放行|已放行", "import_cleared"),
    _rule(r"清关|海关|报关|查验", "customs_processing"),
    _rule(r"签收", "delivered"),
    _rule(r"派送不成功|派件不成功|无法派送|联系不上", "delivery_attempted"),
    _rule(r"自取|快递柜|丰巢|驿站|待取件|代收点", "available_for_pickup"),
    _rule(r"派送|派件", "out_for_delivery"),
    _rule(r"已收取|已揽收|收件", "picked_up"),
    _rule(r"离开|已发出|已起飞", "departed"),
    _rule(r"到达|抵达|已落地", "arrived"),
    _rule(r"运输|中转|分拣|途经", "in_transit"),
)

#: Kinds that say more than "moving": a code or a text with one of these wins over a generic one.
_GENERIC: Final = frozenset({"in_transit", "departed", "arrived"})


def classify(op_code: str | None, first: str | None, secondary: str | None, texts: tuple[str, ...]) -> Kind:
    """Texts first when specific, then the secondary and first status, then the opCode; else unknown."""
    return _classify(op_code, first, secondary, texts)


#: Distinct event texts memoised per process: carriers repeat the same few hundred wordings, and
#: trying every rule on each event was the largest cost of a parse. Bounded, so hostile text cannot grow it.
_MEMO_SIZE: Final = 4096


@lru_cache(maxsize=_MEMO_SIZE)
def _classify(op_code: str | None, first: str | None, secondary: str | None, texts: tuple[str, ...]) -> Kind:
    from_text = next((k for p, k in TEXT_RULES for t in texts if p.search(t)), None)
    from_codes = (
        SECONDARY_STATUS.get(secondary or "") or OP_CODES.get(op_code or "") or FIRST_STATUS.get(first or "")
    )
    if from_text is not None and from_text not in _GENERIC:
        return from_text
    if from_codes is not None and from_codes not in _GENERIC:
        return from_codes
    return from_text or from_codes or "unknown"
