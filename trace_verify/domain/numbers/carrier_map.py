"""How the carriers relate to tracking_number_data courier codes: the domain's port for carrier facts.

The domain knows no carrier: :class:`CarrierNumbers` is built by the composition root from the carrier
specs (``carriers.registry``) and reaches the rules through the reference port (``Reference.carriers``).
Three directions are needed: which carrier can track a number the data attributes to a courier
(``identify``), which formats a shipment of a given carrier may carry (``assess``), and which formats
an aggregator event's free-text ``operator`` names (rules.md §6a).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from trace_verify.domain.numbers.definitions import Definition

#: ``(courier_code, definition keys or None for all)`` pairs: the formats a shipment may carry.
Formats = tuple[tuple[str, frozenset[str] | None], ...]


@dataclass(frozen=True, slots=True)
class CarrierNumbering:
    """One carrier's row: the formats its shipments carry, the courier codes and S10 suffixes it
    tracks, other spellings of it in an ``operator`` field, and whether it is an aggregator."""

    carrier: str
    formats: Formats = ()
    couriers: tuple[str, ...] = ()
    s10_countries: tuple[str, ...] = ()
    operator_names: tuple[str, ...] = ()
    aggregator: bool = False


class CarrierNumbers:
    """Number attribution for a set of carriers (one instance per process, shared by every verification)."""

    def __init__(self, rows: Iterable[CarrierNumbering], definitions: tuple[Definition, ...]) -> None:
        self.rows: Final = tuple(rows)
        #: Every tracking-number format known (data order), compiled by ``trace_verify.refdata``.
        self.definitions: Final = definitions
        #: Carrier that tracks numbers of a courier_code.
        self.for_courier: Final = {c: r.carrier for r in self.rows for c in r.couriers}
        #: Carrier for an S10 number, by issuing country (the suffix).
        self.for_s10_country: Final = {c: r.carrier for r in self.rows for c in r.s10_countries}
        #: Aggregators (and EPCIS) judge a number by the formats of the operator that scanned it.
        self.aggregators: Final = frozenset(r.carrier for r in self.rows if r.aggregator)
        #: Formats a shipment of each carrier may carry.
        self.formats: Final = {r.carrier: r.formats for r in self.rows if r.formats}
        #: (carrier, operators) → the definitions to judge by, memoised by ``assess``.
        self.scopes: Final[dict[tuple[str, tuple[str, ...]], Any]] = {}

    @cached_property
    def operator_table(self) -> dict[str, Formats]:
        """Folded operator name → formats: courier codes, then carrier ids, then aliases."""
        return {
            **{
                fold_operator(code): ((code, None),)
                for code in dict.fromkeys(d.courier for d in self.definitions)
            },
            **{fold_operator(carrier): formats for carrier, formats in self.formats.items()},
            **_COURIER_ALIASES,
            **{fold_operator(name): r.formats for r in self.rows for name in r.operator_names},
        }

    def formats_for_operator(self, operator: str) -> Formats:
        """Formats named by an event's operator; empty when the operator is unknown."""
        return self.operator_table.get(fold_operator(operator), ())

    def formats_for_operators(self, operators: Iterable[str]) -> Formats:
        """The union of the operators' formats, in first-seen order."""
        out: list[tuple[str, frozenset[str] | None]] = []
        for operator in operators:
            for item in self.formats_for_operator(operator):
                if item not in out:
                    out.append(item)
        return tuple(out)


#: Spellings (folded: lower case, letters and digits only) of couriers no carrier spec names, beyond
#: their courier codes: kuaidi100 company codes and Chinese short names. China Post also issues S10.
_COURIER_ALIASES: dict[str, Formats] = {
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
    "yunexpress": (("yunexpress", None),),
    "amazonlogistics": (("amazon", None),),
}

_NOT_FOLDED = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


def fold_operator(operator: str) -> str:
    """Operator names compare without case, spaces or punctuation ("DHL Express" = "dhl-express")."""
    return _NOT_FOLDED.sub("", operator.casefold())
