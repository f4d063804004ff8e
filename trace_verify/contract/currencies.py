"""ISO 4217 minor units, read from the shipped table (``trace_verify/data/currency_minor_units.csv``).

Reference data is loaded here, outside the pure domain; the reader records each order's minor unit
on the domain's ``Order`` so the domain's money arithmetic needs no table.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def minor_units() -> dict[str, int]:
    """Currency code → number of decimals, from the shipped ISO 4217 table."""
    text = resources.files("trace_verify").joinpath("data/currency_minor_units.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: int(row["minor_unit"]) for row in rows}


def is_currency(code: str) -> bool:
    """True for an ISO 4217 currency that has a minor unit."""
    return code in minor_units()
