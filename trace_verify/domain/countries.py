"""Assigned ISO 3166-1 alpha-2 codes, from pycountry (a maintained copy of the ISO list)."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def assigned_alpha2() -> frozenset[str]:
    """Every officially assigned alpha-2 code (``ZZ`` and other user-assigned codes excluded)."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_assigned(code: str) -> bool:
    """True for an officially assigned ISO 3166-1 alpha-2 code."""
    return code in assigned_alpha2()
