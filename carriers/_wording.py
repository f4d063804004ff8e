"""Border and customs milestones as carriers word them in Chinese, Japanese and Korean: one table.

Chinese aggregators pass each carrier's own text through (Kuaidi100 ``context``, Cainiao ``desc``,
17TRACK ``description``) and their codes are generic for the foreign legs (在途, ``InTransit_Other``),
so the words are the evidence. Every phrase here is taken from a public example named in
``fixtures/SOURCES.md`` ("Wording tables") and tested on a whole document there. Rules are tried in
order, most specific first; the first that matches decides. The route still settles each milestone
against the side of the border the event is on (:mod:`carriers._route`), so a word never moves a
border by itself.

Chinese (China Post / EMS and the couriers, as Kuaidi100 and 17TRACK pass them through):
出口申报 / 出口清关 / 完成…出口 → ``export_cleared``; 进境 / 抵达…进境 / 到达…国际邮件处理中心（进境）→
``arrived_destination_country``; 海关查验 / 扣留 / 清关异常 → ``customs_held``; 已清关 / 海关放行 / 清关完成
→ ``import_cleared``; 待清关 / 清关中 / 海关 → ``customs_processing``; 航班起飞 / 已交航 / 离开<国家> /
出境 → ``departed_origin``.
Japanese (Japan Post): 国際交換局から発送 → ``departed_origin``; 通関手続中 → ``customs_processing``;
税関検査 / 税関保留 → ``customs_held``; 通関済 / 輸入許可 → ``import_cleared``.
Korean (Korea Post EMS): 항공기 출발 → ``departed_origin``; 상대국 도착 → ``arrived_destination_country``;
통관 보류 → ``customs_held``; 통관 완료 → ``import_cleared``; 통관 → ``customs_processing``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from carriers._placetext import countries_named
from trace_verify.domain.model import Milestone


def _rule(pattern: str, milestone: Milestone) -> tuple[re.Pattern[str], Milestone]:
    return re.compile(pattern, re.IGNORECASE), milestone


#: Border and customs wording, most specific first.
BORDER_RULES: Final[tuple[tuple[re.Pattern[str], Milestone], ...]] = (
    # a hold before anything that names the office it is held at
    _rule(
        r"(海关|清关|通关).{0,8}(查验|扣留|扣押|暂扣|异常|退运|待缴|补充)|(补充|提供).{0,6}(资料|身份证)"
        r"|(缴纳|待缴|补缴).{0,4}(税|关税)|税関(検査|保留)|通関(保留|検査)|통관\s*(보류|검사)|세관\s*검사"
        r"|customs.{0,20}(held|hold|detained|delay|inspection)",
        "customs_held",
    ),
    _rule(
        r"出口(申报|报关|清关(?!中|异常)|海关放行|放行)|完成.{0,12}出口|出口.{0,8}(清关完成|已清关)"
        r"|輸出(許可|通関済)|수출\s*(신고|통관)\s*완료|export.{0,20}(released|cleared|declaration)",
        "export_cleared",
    ),
    _rule(
        r"[（(]\s*进境\s*[)）]|(抵达|到达).{0,20}进境|进境|入境(?!前)|到达.{0,12}(寄达国|目的国|互换局|交换局)"
        r"|상대국\s*도착|arrived.{0,20}destination country",
        "arrived_destination_country",
    ),
    _rule(
        r"(进口|入境|海关).{0,8}(放行|清关完成|已清关)|海关放行|清关完成|已清关|通関(済|完了)|輸入許可"
        r"|통관\s*(완료|통과)|(released|cleared) (by|from) customs|customs clearance complete",
        "import_cleared",
    ),
    _rule(
        r"待清关|清关中|通関手続|税関|통관|세관|(?<!出口)(海关|清关|报关)|customs",
        "customs_processing",
    ),
    _rule(
        r"(航班|飞机).{0,6}(起飞|启运)|已交航|(?<!待)出境|离开.{0,12}(寄达国|互换局|交换局)"
        r"|国際交換局から発送|항공기\s*출발|departed.{0,20}origin",
        "departed_origin",
    ),
)

#: 离开<country> / 已离开<country>: leaving a named country is the departure from it.
_LEAVING: Final = re.compile(
    r"(离开|離開|已离开|已離開|leaving|departed from)\s*(?P<rest>.{1,20})", re.IGNORECASE
)

#: Non-border Japanese and Korean postal wording (Japan Post, Korea Post), for adapters that classify
#: whole texts (Kuaidi100): acceptance, delivery, out for delivery.
POSTAL_RULES: Final[tuple[tuple[re.Pattern[str], Milestone], ...]] = (
    _rule(r"お届け済み|お届け先にお届け|배달\s*완료", "delivered"),
    _rule(r"持ち出し中|配達局から出発|배달\s*준비|배달\s*중", "out_for_delivery"),
    _rule(r"^\s*引受|^\s*접수", "picked_up"),
)


def border_milestone(text: str | None) -> Milestone | None:
    """The border or customs milestone ``text`` words, or None when it words none."""
    return _border(text) if text else None


#: Leaving customs is movement after a clearance, not customs processing ("Leaving customs", 离开海关).
_LEFT_CUSTOMS: Final = re.compile(
    r"(leaving|left|departed from)\s+(the\s+)?customs|离开.{0,4}海关", re.IGNORECASE
)


@lru_cache(maxsize=4096)
def _border(text: str) -> Milestone | None:
    if _LEFT_CUSTOMS.search(text):
        return None
    for pattern, milestone in BORDER_RULES:
        if pattern.search(text):
            return milestone
    leaving = _LEAVING.search(text)
    if leaving is not None and countries_named(leaving["rest"]):
        return "departed_origin"
    return None


def postal_milestone(text: str | None) -> Milestone | None:
    """A Japanese or Korean postal milestone other than the border's, or None."""
    if not text:
        return None
    return next((m for p, m in POSTAL_RULES if p.search(text)), None)
