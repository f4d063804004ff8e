"""Kuaidi100 (快递100) state codes, state names and Chinese event texts → milestones, in one table.

Sources:

* ``state`` (shipment) and ``data[].status`` / ``statusCode`` (event, with ``resultv2``):
  Kuaidi100's real-time query documentation,
  https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc ("0在途, 1揽收, 2疑难, 3签收, 4退签,
  5派件, 6退回, 7转单, 10待清关, 11清关中, 12已清关, 13清关异常, 14收件人拒签"), its apifox mirror
  https://apifox.com/apidoc/project-514987/api-8562559 (table "运单快递状态(state)说明":
  101 已下单, 102 待揽收, 103 已揽收, 1001 到达派件城市, 1002 干线, 1003 转递, 501 投柜或驿站,
  301 本人签收, 302 派件异常后签收, 303 代签, 304 投柜或站签收, 401 已销单, 14 拒签, 7 转投) and
  the push documentation https://apifox.com/apidoc/project-514987/api-55500331
  (``lastResult.state`` "…5派件, 8清关, 14拒签…"), all
  summarised in shared/reference/carriers.md §6.3. State 8 (清关) appears only in the push page.
* Border and customs wording in Chinese, Japanese and Korean is the shared table of
  :mod:`carriers._wording` (tried first); the rules below cover the rest.
* Chinese event wording (customs, departures, hand-overs) is the carriers' own, passed through by Kuaidi100
  in ``context``; the rules below match the forms China Post/EMS and the domestic couriers use
  ("进口海关放行", "海关查验", "已转投…单号…"). They refine events whose code is generic.

A code maps to a :data:`Kind`: a milestone, or ``handed_over`` (state 7 转投: the parcel went to another
carrier; the event stays ``in_transit`` and names the next leg when its text gives the number).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

from carriers import _wording as wording
from trace_verify.domain.model import Milestone

Kind = Milestone | Literal["handed_over"]

#: ``state`` / ``statusCode`` values (as strings, the wire type varies) → kind.
STATE_CODES: Final[dict[str, Kind]] = {
    "0": "in_transit",  # 在途
    "1": "picked_up",  # 揽收
    "2": "exception",  # 疑难
    "3": "delivered",  # 签收
    "4": "returned",  # 退签
    "5": "out_for_delivery",  # 派件
    "6": "returned",  # 退回
    "7": "handed_over",  # 转单 / 转投
    "8": "customs_processing",  # 清关 (push documentation only)
    "10": "customs_processing",  # 待清关
    "11": "customs_processing",  # 清关中
    "12": "import_cleared",  # 已清关
    "13": "customs_held",  # 清关异常
    "14": "exception",  # 收件人拒签
    "101": "label_created",  # 已下单
    "102": "label_created",  # 待揽收
    "103": "picked_up",  # 已揽收
    "1001": "in_transit",  # 到达派件城市
    "1002": "in_transit",  # 干线
    "1003": "in_transit",  # 转递
    "501": "available_for_pickup",  # 投柜或驿站
    "301": "delivered",  # 本人签收
    "302": "delivered",  # 派件异常后签收
    "303": "delivered",  # 代签
    "304": "delivered",  # 投柜或站签收
    "401": "exception",  # 已销单
}

#: ``data[].status`` as a name (``resultv2=1`` sends names, ``resultv2=4`` names plus ``statusCode``).
STATE_NAMES: Final[dict[str, Kind]] = {
    "在途": "in_transit",
    "揽收": "picked_up",
    "疑难": "exception",
    "签收": "delivered",
    "退签": "returned",
    "派件": "out_for_delivery",
    "退回": "returned",
    "转单": "handed_over",
    "转投": "handed_over",
    "清关": "customs_processing",
    "待清关": "customs_processing",
    "清关中": "customs_processing",
    "已清关": "import_cleared",
    "清关异常": "customs_held",
    "拒签": "exception",
    "收件人拒签": "exception",
    "已下单": "label_created",
    "待揽收": "label_created",
    "已揽收": "picked_up",
    "到达派件城市": "in_transit",
    "干线": "in_transit",
    "转递": "in_transit",
    "投柜或驿站": "available_for_pickup",
    "本人签收": "delivered",
    "派件异常后签收": "delivered",
    "代签": "delivered",
    "投柜或站签收": "delivered",
    "已销单": "exception",
}


def _rule(pattern: str, kind: Kind) -> tuple[re.Pattern[str], Kind]:
    return re.compile(pattern, re.IGNORECASE), kind


#: Event text rules, most specific first; they refine a generic code (在途) and classify events without one.
TEXT_RULES: Final[tuple[tuple[re.Pattern[str], Kind], ...]] = (
    _rule(r"出口.{0,8}(放行|清关完成|已清关)|export.{0,20}(released|cleared)", "export_cleared"),
    _rule(
        r"(海关|清关).{0,8}(查验|扣留|扣押|暂扣|异常|退运)|(补充|提供).{0,6}(资料|身份证)|(缴纳|待缴|补缴).{0,4}(税|关税)"
        r"|customs.{0,20}(held|hold|detained|delay)",
        "customs_held",
    ),
    _rule(
        r"(进口|入境|海关).{0,8}(放行|清关完成|已清关)|清关完成|已清关"
        r"|(released|cleared) (by|from) customs|customs clearance complete",
        "import_cleared",
    ),
    _rule(r"(待清关|清关中|海关|清关|报关)|customs", "customs_processing"),
    _rule(r"(已|快件)?(转投|转单|转寄)|改由|交由.{0,20}(派送|配送)", "handed_over"),
    _rule(
        r"(航班|飞机).{0,6}(起飞|启运)|已交航|离开.{0,12}(寄达国|出境|互换局)|departed.{0,20}origin",
        "departed_origin",
    ),
    _rule(
        r"到达.{0,12}(寄达国|目的国|进境|入境|互换局)|arrived.{0,20}destination country",
        "arrived_destination_country",
    ),
    _rule(r"退回|退件|return(ed)? to (the )?sender", "returned"),
    _rule(r"拒收|拒签|丢失|破损|地址(错误|不详)|refused|damaged|lost", "exception"),
    _rule(
        r"(已|快件)?(放入|投递到|存放至).{0,12}(快递柜|驿站|自提)|待取件|请凭取件码", "available_for_pickup"
    ),
    _rule(r"签收|妥投|已送达|delivered", "delivered"),
    _rule(r"派件|派送中|正在派送|out for delivery", "out_for_delivery"),
    _rule(r"揽收|揽件|收寄|已收件|picked up|accepted", "picked_up"),
    _rule(r"已下单|已打印|电子信息|shipment information received", "label_created"),
    _rule(r"到达|发往|离开|运输中|转运|分拨|中转|in transit|arrived|departed|processed", "in_transit"),
)

#: A hand-over text names the next courier's number; its other words (清关, 海关) do not make it customs.
_HANDOVER_FIRST: Final = re.compile(r"(已|快件)?(转投|转单|转寄)")

#: Courier names in hand-over texts → the contract's adapter id for that carrier (None: no adapter).
HANDOVER_CARRIERS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"顺丰|SF Express", re.IGNORECASE), "sf"),
    (re.compile(r"\bDHL\b"), "dhl"),
    (re.compile(r"\bUPS\b"), "ups"),
    (re.compile(r"FedEx|联邦快递", re.IGNORECASE), "fedex"),
)

#: A next leg's number in a hand-over text: "…转投 韵达快递，单号：4312…", "…new tracking number: …".
HANDOVER_NUMBER: Final = re.compile(
    r"(?:单号|运单号|新单号|tracking (?:number|no\.?))\s*(?:为|是)?\s*[:：]?\s*(?P<number>[A-Za-z0-9]{6,40})",
    re.IGNORECASE,
)


def kind_of_code(code: str | None) -> Kind | None:
    """The kind of a state or ``statusCode`` value; None for an absent or unknown code."""
    return STATE_CODES.get(code.strip()) if code else None


def kind_of_name(name: str | None) -> Kind | None:
    """The kind of a state name (``data[].status`` with ``resultv2=1``); None when unknown."""
    return STATE_NAMES.get(name.strip()) if name else None


def classify_text(text: str | None) -> Kind | None:
    """The kind of the first text rule matching ``text``; None when none matches."""
    return _classify_text(text) if text else None


#: Distinct event texts memoised per process: carriers repeat the same few hundred wordings, and
#: trying every rule on each event was the largest cost of a parse. Bounded, so hostile text cannot grow it.
_MEMO_SIZE: Final = 4096


@lru_cache(maxsize=_MEMO_SIZE)
def _classify_text(text: str) -> Kind | None:
    """The shared border/customs wording (:mod:`carriers._wording`) first, then Kuaidi100's own rules."""
    worded = wording.border_milestone(text) or wording.postal_milestone(text)
    if worded is not None and not _HANDOVER_FIRST.search(text):
        return worded
    for pattern, kind in TEXT_RULES:
        if pattern.search(text):
            return kind
    return None


def handover_carrier(text: str) -> str | None:
    """The adapter id of a carrier named in a hand-over text, or None."""
    for pattern, carrier in HANDOVER_CARRIERS:
        if pattern.search(text):
            return carrier
    return None


def handover_number(text: str) -> str | None:
    """The next leg's tracking number a hand-over text names, or None."""
    match = HANDOVER_NUMBER.search(text)
    return match["number"] if match else None
