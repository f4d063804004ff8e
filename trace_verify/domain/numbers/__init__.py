"""Tracking-number intelligence: formats, check digits and issuing countries of tracking numbers.

Pure and offline: the format data (tracking_number_data plus sourced Chinese courier formats) is
read once from package data on first use and compiled; no call does I/O after that.

* :func:`identify` — every courier format a number fits (``trace-verify number``).
* :func:`assess` — valid / invalid / unrecognised / no_formats for a shipment's carrier (rules §6a).
* :func:`s10_country` — the issuing country of a UPU S10 number with a right check digit.
* :func:`normalize_number` — the canonical form all of them use.
"""

from __future__ import annotations

from trace_verify.domain.numbers.assess import Assessment, Status, assess, s10_country
from trace_verify.domain.numbers.identify import Candidate, Identification, identify
from trace_verify.domain.numbers.normalize import normalize_number

__all__ = [
    "Assessment",
    "Candidate",
    "Identification",
    "Status",
    "assess",
    "identify",
    "normalize_number",
    "s10_country",
]
