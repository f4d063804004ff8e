"""Money in exact decimals: ISO 4217 minor units and half-up rounding (rules.md §3, last paragraph)."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

ZERO = Decimal("0")


@cache
def minor_units() -> dict[str, int]:
    """Currency code → number of decimals, from the shipped ISO 4217 table."""
    text = resources.files("trace_verify").joinpath("data/currency_minor_units.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: int(row["minor_unit"]) for row in rows}


def is_currency(code: str) -> bool:
    """True for an ISO 4217 currency that has a minor unit."""
    return code in minor_units()


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency`` (0.01 for CNY, 1 for JPY)."""
    return Decimal(1).scaleb(-minor_units()[currency])


def fits_minor_unit(amount: Decimal, currency: str) -> bool:
    """True when ``amount`` has no more decimals than the currency allows."""
    exponent = amount.as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= minor_units()[currency]


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """Plain decimal text with exactly the currency's decimals ("936.00")."""
    return f"{round_money(amount, currency):f}"
