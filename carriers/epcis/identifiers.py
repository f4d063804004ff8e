"""GS1 identifiers in EPCIS events: places as keys, shipments as tracking numbers.

EPCIS writes one identifier in two syntaxes: the EPC URN of the Tag Data Standard
(``urn:epc:id:sgln:0614141.07346.1234``) and the GS1 Digital Link URI
(``https://id.gs1.org/414/0614141073467/254/1234``, domain.md §5.1; any domain may serve it).
Comparing places (an event's read point against header master data) needs one key for both, and a
tracking number needs the digits a label carries (an SSCC, a GSIN), not a URN. Everything here is
pure string work; values that fit no known form are kept as written, never guessed at.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final
from urllib.parse import unquote, urlsplit

_EPC_URN: Final = re.compile(r"urn:epc:id:(?P<scheme>[a-z]+):(?P<body>.+)", re.IGNORECASE)
_DIGITS: Final = re.compile(r"\d+")
#: Digital Link primary keys this module reads (AI → meaning): 414 GLN of a physical location
#: (254 its extension), 00 SSCC, 402 GSIN, 401 GINC.
_DL_LOCATION: Final = re.compile(r"/414/(?P<gln>\d{13})(?:/254/(?P<ext>[^/]+))?/?$")
_DL_SHIPMENT: Final = re.compile(r"/(?P<ai>00|401|402)/(?P<value>[^/]+)/?$")
_DL_LENGTHS: Final = {"00": 18, "402": 17}
#: CBV business transaction identifier: ``urn:epcglobal:cbv:bt:<GLN>:<document id>``.
_CBV_BT: Final = re.compile(r"urn:epcglobal:cbv:bt:(?P<gln>\d{13}):(?P<id>.+)", re.IGNORECASE)


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of ``digits`` (weights 3,1,3… from the right; domain.md §5.1)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def location_key(uri: str) -> str:
    """One key for a place however it is written: ``gln:<13 digits>:<extension>``, else the URI.

    An SGLN without extension has extension ``0`` (TDS), as has a Digital Link without AI 254.
    """
    return _location_key(uri)


@lru_cache(maxsize=4096)
def _location_key(uri: str) -> str:
    """Memoised: every event names its read point and business location, and a flow has few."""
    text = uri.strip()
    epc = _EPC_URN.fullmatch(text)
    if epc and epc["scheme"].lower() == "sgln":
        parts = epc["body"].split(".")
        if (
            len(parts) == 3
            and all(_DIGITS.fullmatch(p) for p in parts[:2])
            and len(parts[0] + parts[1]) == 12
        ):
            base = parts[0] + parts[1]
            return f"gln:{base}{check_digit(base)}:{parts[2]}"
        return text
    path = _dl_path(text)
    match = _DL_LOCATION.search(path) if path else None
    if match:
        return f"gln:{match['gln']}:{unquote(match['ext'] or '0')}"
    return text


def site_key(key: str) -> str | None:
    """The key of the site a sub-location belongs to (same GLN, extension 0), or None."""
    if key.startswith("gln:") and not key.endswith(":0"):
        return key.rsplit(":", 1)[0] + ":0"
    return None


def bol_number(value: str) -> str:
    """The tracking number a ``bol`` business transaction names.

    ``urn:epcglobal:cbv:bt:<GLN>:<id>`` → id; a GSIN/GINC/SSCC (URN or Digital Link) → its digits;
    any other http(s) URI → its last path segment (``…/waybill/s10/EE471108151FR`` → the S10
    number); anything else as written.
    """
    text = value.strip()
    bt = _CBV_BT.fullmatch(text)
    if bt:
        return bt["id"]
    shipment = shipment_number(text)
    if shipment is not None:
        return shipment
    if urlsplit(text).scheme.lower() in ("http", "https"):
        segments = [s for s in urlsplit(text).path.split("/") if s]
        if segments:
            return unquote(segments[-1])
    return text


def object_number(value: str) -> str:
    """The tracking number an object identifier gives: an SSCC's 18 digits, else the URI as written."""
    text = value.strip()
    return shipment_number(text) or text


def shipment_number(text: str) -> str | None:
    """Digits of an SSCC, GSIN or GINC written as EPC URN or Digital Link; None for anything else."""
    epc = _EPC_URN.fullmatch(text)
    if epc:
        return _epc_shipment(epc["scheme"].lower(), epc["body"])
    path = _dl_path(text)
    match = _DL_SHIPMENT.search(path) if path else None
    if match is None:
        return None
    value = unquote(match["value"])
    expected = _DL_LENGTHS.get(match["ai"])
    if expected is not None and not (len(value) == expected and value.isdigit()):
        return None
    return value


def _epc_shipment(scheme: str, body: str) -> str | None:
    """TDS §6: SSCC = extension digit + company prefix + serial reference + check digit; GSIN =
    company prefix + shipper reference + check digit; GINC = company prefix + consignment reference."""
    parts = body.split(".")
    if len(parts) != 2:
        return None
    prefix, reference = parts
    if scheme == "sscc" and (prefix + reference).isdigit() and len(prefix + reference) == 17:
        base = reference[0] + prefix + reference[1:]
        return base + check_digit(base)
    if scheme == "gsin" and (prefix + reference).isdigit() and len(prefix + reference) == 16:
        return prefix + reference + check_digit(prefix + reference)
    if scheme == "ginc" and prefix.isdigit():
        return prefix + unquote(reference)
    return None


def _dl_path(text: str) -> str | None:
    """The path of an http(s) URI (where Digital Link keys live), or None."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return parts.path
