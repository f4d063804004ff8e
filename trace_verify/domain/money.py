"""Money in exact decimals: minor units and half-up rounding (rules.md §3, last paragraph).

Pure arithmetic: each function takes the currency's minor unit (its number of decimals, ISO 4217).
The table of minor units is reference data read outside the domain (``contract/currencies.py``); the
reader records each order's minor unit on the :class:`~trace_verify.domain.bundle.Order`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")


def quantum(minor_unit: int) -> Decimal:
    """The smallest amount of a currency with ``minor_unit`` decimals (0.01 for CNY, 1 for JPY)."""
    return Decimal(1).scaleb(-minor_unit)


def fits_minor_unit(amount: Decimal, minor_unit: int) -> bool:
    """True when ``amount`` has no more decimals than the currency allows."""
    exponent = amount.as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= minor_unit


def round_money(amount: Decimal, minor_unit: int) -> Decimal:
    """Round half-up to the currency's minor unit."""
    return amount.quantize(quantum(minor_unit), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, minor_unit: int) -> str:
    """Plain decimal text with exactly the currency's decimals ("936.00")."""
    return f"{round_money(amount, minor_unit):f}"
