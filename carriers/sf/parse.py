"""SF Express route query (``EXP_RECE_SEARCH_ROUTES``) → normalized events (pure).

Wire format (carriers.md §4.10): the open platform's envelope ``{"apiResultCode": "A1000", "apiErrorMsg",
"apiResponseID", "apiResultData": "<JSON string>"}`` whose decoded string is ``{"success", "errorCode":
"S0000", "errorMsg", "msgData": {"routeResps": [{"mailNo", "routes": [{"acceptTime": "2026-03-21
10:30:00", "acceptAddress": "深圳市", "remark", "opCode", "firstStatusCode"?, "firstStatusName"?,
"secondaryStatusCode"?, "secondaryStatusName"?}]}]}}``. The decoded object alone is read too.

What karrio gets wrong and this module gets right: karrio-sf-express reads ``msgData`` at the top level and
never decodes ``apiResultData``, so the real envelope yields an empty error; here the string is decoded with
the same strict JSON rules as the envelope. ``acceptTime`` is Beijing time (SF's documented zone,
``carrier_timezone``); Chinese place names resolve through the gazetteer (深圳市 → Shenzhen, CN).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from carriers._common import PlaceIndex
from carriers._fields import JsonFields
from carriers._route import Route, Scan, events_of, settle, steps
from carriers._time import parse_timestamp, resolve_time
from carriers.base import load_json
from carriers.sf import codes
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Event, Location

CARRIER: Final = "sf"
FORMAT: Final = "SF Express route query JSON"
MAX_MESSAGE: Final = 300
#: SF stamps every route in Beijing time (carriers.md §4.10; the contract README names SF's zone).
SF_ZONE: Final = "Asia/Shanghai"
API_OK: Final = "A1000"
#: Platform result codes: A1003 IP not allowed, A1004 no permission for the service, A1006 invalid signature
#: (A1001 a required parameter, e.g. partnerID, missing — treated as credentials by the Eagle1 client); A1005
#: traffic controlled.
UNAUTHORIZED_CODES: Final = frozenset({"A1001", "A1003", "A1004", "A1006"})
RATE_LIMITED_CODES: Final = frozenset({"A1005"})
_NOT_FOUND_TEXT = re.compile(r"不存在|未找到|查无|not (exist|found)|no (record|route)", re.IGNORECASE)


def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one route query answer (envelope or decoded ``apiResultData``); reject anything else."""
    doc = _object(load_json(data, FORMAT), "/")
    if "apiResultCode" in doc:
        code = _str(doc, "apiResultCode", "/") or ""
        if code != API_OK:
            message = _str(doc, "apiErrorMsg", "/") or "SF open platform error"
            return ParseResult(CARRIER, errors=(CarrierMessage(_api_error(code), None, _cut(code, message)),))
        inner_raw = doc.get("apiResultData")
        if isinstance(inner_raw, str):
            inner = _object(load_json(inner_raw.encode("utf-8"), f"{FORMAT} apiResultData"), "/apiResultData")
        else:
            inner = _object(inner_raw, "/apiResultData")
        return _result(inner, "/apiResultData", places)
    if "msgData" in doc or "success" in doc:
        return _result(doc, "", places)
    raise _rejected("/", "neither an SF envelope nor route query data")


def _api_error(code: str) -> CarrierErrorCode:
    if code in UNAUTHORIZED_CODES:
        return "unauthorized"
    if code in RATE_LIMITED_CODES:
        return "rate_limited"
    return "carrier_error"


def _result(inner: Mapping[str, Any], at: str, places: PlaceIndex) -> ParseResult:
    success = inner.get("success")
    if success is not True:
        if success is not False:
            raise _rejected(f"{at}/success", "expected true or false")
        code = _str(inner, "errorCode", at) or ""
        message = _str(inner, "errorMsg", at) or "SF route query failed"
        kind: CarrierErrorCode = "not_found" if _NOT_FOUND_TEXT.search(message) else "carrier_error"
        return ParseResult(CARRIER, errors=(CarrierMessage(kind, None, _cut(code, message)),))
    data = _object(inner.get("msgData"), f"{at}/msgData")
    responses = _list(data, "routeResps", f"{at}/msgData")
    shipments: list[ParsedShipment] = []
    errors: list[CarrierMessage] = []
    for i, raw in enumerate(responses):
        where = f"{at}/msgData/routeResps/{i}"
        response = _object(raw, where)
        number = _str(response, "mailNo", where)
        if not number:
            raise _rejected(f"{where}/mailNo", "route response without a waybill number")
        routes = _list(response, "routes", where)
        if not routes:
            errors.append(CarrierMessage("not_found", number, "SF returned no routes for this waybill"))
            continue
        scans = [
            _scan(_object(r, f"{where}/routes/{j}"), j, f"{where}/routes/{j}", places)
            for j, r in enumerate(routes)
        ]
        shipments.append(ParsedShipment(number, tuple(_events(_chronological(scans), number))))
    return ParseResult(CARRIER, shipments=tuple(shipments), errors=tuple(errors))


# --- routes ----------------------------------------------------------------------------------------


def _scan(raw: Mapping[str, Any], index: int, at: str, places: PlaceIndex) -> Scan:
    stamp = _str(raw, "acceptTime", at)
    if not stamp:
        raise _rejected(f"{at}/acceptTime", "route without a time")
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        raise _rejected(f"{at}/acceptTime", "not a 'YYYY-MM-DD HH:MM:SS' time") from None
    resolved = resolve_time(local, carrier_zone=SF_ZONE)
    remark = _str(raw, "remark", at)
    names = tuple(
        t for t in (remark, _str(raw, "secondaryStatusName", at), _str(raw, "firstStatusName", at)) if t
    )
    op_code = _str(raw, "opCode", at)
    kind = codes.classify(
        op_code, _str(raw, "firstStatusCode", at), _str(raw, "secondaryStatusCode", at), names
    )
    return Scan(
        index,
        resolved.occurred_at,
        resolved.time_basis,
        resolved.local_offset_minutes,
        _location(_str(raw, "acceptAddress", at), places),
        kind,
        op_code,
        remark or (names[0] if names else op_code or ""),
    )


def _location(address: str | None, places: PlaceIndex) -> Location:
    """深圳市 → Shenzhen (CN); 日本 → a country; an address the gazetteer does not know keeps no country."""
    if not address:
        return Location()
    named = places.country_code(address)
    if named is not None and places.resolve(address, named) is None:
        return Location(country=named)
    place = places.resolve(address)
    return Location(city=address, country=place.country if place else None)


def _chronological(scans: Sequence[Scan]) -> list[Scan]:
    """SF lists routes oldest first; a stable sort keeps that order for equal times."""
    return sorted(scans, key=lambda s: s.at)


def _events(scans: Sequence[Scan], number: str) -> tuple[Event, ...]:
    """Milestones settled (:func:`carriers._route.settle`) against the route SF's scans draw: first known
    country to last known. SF declares neither end, so the origin is an inferred one."""
    countries = tuple(s.location.country for s in scans)
    known = [c for c in countries if c]
    route = Route(known[0] if known else None, known[-1] if known else None, countries, origin_inferred=True)
    return events_of(CARRIER, number, scans, settle(steps(scans), route))


# --- typed access ----------------------------------------------------------------------------------


def _cut(code: str, message: str) -> str:
    return f"{code} {message}".strip()[:MAX_MESSAGE]


_FIELDS: Final = JsonFields(FORMAT, strip=True, numbers=True)
_rejected, _object, _list, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array, _FIELDS.text
