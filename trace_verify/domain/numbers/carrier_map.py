"""How this project's carrier adapters relate to tracking_number_data courier codes.

Three directions are needed: which adapter can track a number the data attributes to a courier
(``identify``), which formats a shipment of a given adapter may carry (``assess``), and which formats
an aggregator event's free-text ``operator`` names (rules.md §6a).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Adapter that tracks numbers of a courier_code. DHL Express numbers are also readable by
#: ``dhl-express``; the Unified API adapter ``dhl`` reads every DHL division, so it is named.
ADAPTER_FOR_COURIER: dict[str, str] = {
    "ups": "ups",
    "fedex": "fedex",
    "dhl": "dhl",
    "usps": "usps",
    "canada_post": "canadapost",
    "sf": "sf",
}

#: Adapter for an S10 number, by issuing country (the suffix).
ADAPTER_FOR_S10_COUNTRY: dict[str, str] = {"CA": "canadapost", "GB": "royalmail", "US": "usps"}

#: Aggregators (and EPCIS) judge a number by the formats of the operator that scanned it.
AGGREGATORS: frozenset[str] = frozenset({"17track", "aftership", "kuaidi100", "cainiao", "epcis"})

#: Formats a shipment of each adapter may carry: (courier_code, definition keys or None for all).
#: Postal adapters also carry UPU S10 items.
ADAPTER_FORMATS: dict[str, tuple[tuple[str, frozenset[str] | None], ...]] = {
    "dhl": (("dhl", None),),
    "dhl-express": (("dhl", frozenset({"dhl_express", "dhl_express_piece_id"})),),
    "ups": (("ups", None),),
    "fedex": (("fedex", None),),
    "usps": (("usps", None), ("s10", None)),
    "canadapost": (("canada_post", None), ("s10", None)),
    "royalmail": (("s10", None),),
    "sf": (("sf", None),),
}

#: Operator spellings (folded: lower case, letters and digits only) beyond adapter ids and courier
#: codes: courier names, kuaidi100 company codes and Chinese short names. China Post also issues S10.
_OPERATOR_ALIASES: dict[str, tuple[tuple[str, frozenset[str] | None], ...]] = {
    "dhlexpress": ADAPTER_FORMATS["dhl-express"],
    "unitedstatespostalservice": ADAPTER_FORMATS["usps"],
    "canadapost": ADAPTER_FORMATS["canadapost"],
    "postescanada": ADAPTER_FORMATS["canadapost"],
    "royalmail": ADAPTER_FORMATS["royalmail"],
    "sfexpress": ADAPTER_FORMATS["sf"],
    "shunfeng": ADAPTER_FORMATS["sf"],
    "顺丰": ADAPTER_FORMATS["sf"],
    "顺丰速运": ADAPTER_FORMATS["sf"],
    "ytoexpress": (("yto", None),),
    "yuantong": (("yto", None),),
    "圆通": (("yto", None),),
    "圆通速递": (("yto", None),),
    "ztoexpress": (("zto", None),),
    "zhongtong": (("zto", None),),
    "中通": (("zto", None),),
    "中通快递": (("zto", None),),
    "stoexpress": (("sto", None),),
    "shentong": (("sto", None),),
    "申通": (("sto", None),),
    "申通快递": (("sto", None),),
    "yundaexpress": (("yunda", None),),
    "韵达": (("yunda", None),),
    "韵达快递": (("yunda", None),),
    "jdlogistics": (("jd", None),),
    "jingdong": (("jd", None),),
    "京东": (("jd", None),),
    "京东物流": (("jd", None),),
    "chinapost": (("chinapost", None), ("s10", None)),
    "ems": (("chinapost", None), ("s10", None)),
    "chinaems": (("chinapost", None), ("s10", None)),
    "youzhengguonei": (("chinapost", None), ("s10", None)),
    "中国邮政": (("chinapost", None), ("s10", None)),
    "邮政": (("chinapost", None), ("s10", None)),
    "菜鸟": (("cainiao", None),),
    "yunexpress": (("yunexpress", None),),
    "amazonlogistics": (("amazon", None),),
}

_NOT_FOLDED = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


def fold_operator(operator: str) -> str:
    """Operator names compare without case, spaces or punctuation ("DHL Express" = "dhl-express")."""
    return _NOT_FOLDED.sub("", operator.casefold())


_COURIER_CODES = (
    "amazon",
    "canada_post",
    "canpar",
    "dhl",
    "dpd",
    "fedex",
    "gofo",
    "landmark",
    "lasership",
    "old_dominion",
    "ontrac",
    "purolator",
    "s10",
    "speedee",
    "ups",
    "usps",
    "yodel",
    "yunexpress",
    "sf",
    "yto",
    "zto",
    "sto",
    "yunda",
    "jd",
    "chinapost",
    "cainiao",
)

#: Folded operator name → formats: courier codes, then adapter ids, then the aliases above.
_OPERATOR_TABLE: dict[str, tuple[tuple[str, frozenset[str] | None], ...]] = {
    **{fold_operator(code): ((code, None),) for code in _COURIER_CODES},
    **{fold_operator(adapter): formats for adapter, formats in ADAPTER_FORMATS.items()},
    **_OPERATOR_ALIASES,
}


def formats_for_operator(operator: str) -> tuple[tuple[str, frozenset[str] | None], ...]:
    """Formats named by an event's operator; empty when the operator is unknown."""
    return _OPERATOR_TABLE.get(fold_operator(operator), ())


def formats_for_operators(operators: Iterable[str]) -> tuple[tuple[str, frozenset[str] | None], ...]:
    """The union of the operators' formats, in first-seen order."""
    out: list[tuple[str, frozenset[str] | None]] = []
    for operator in operators:
        for item in formats_for_operator(operator):
            if item not in out:
                out.append(item)
    return tuple(out)
