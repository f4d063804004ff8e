"""Kuaidi100 real-time query responses and subscription pushes → normalized events (pure).

Wire formats (carriers.md §6.3; Kuaidi100's documentation and its official demo SDK
``kuaidi100-api/java-demo`` ``QueryTrackResp`` / ``QueryTrackData`` / ``SubscribePushParamResp``):

* query answer ``{"message", "nu", "ischeck", "condition", "com", "status", "state", "data": [{"time",
  "ftime", "context", "location", "areaCode", "areaName", "status", "statusCode"}], "routeInfo"}``
  (``area*`` and ``status`` only with ``resultv2``), newest first unless ``order=asc``;
* query refusal ``{"result": false, "returnCode": "500", "message": "查询无结果，请隔段时间再查"}``;
* push: a form POST ``param=<JSON>&sign=…`` whose JSON is ``{"status": "polling|shutdown|abort|updateall",
  "billstatus", "message", "autoCheck", "comOld", "comNew", "lastResult": {query answer},
  "destResult": {query answer of the destination country's carrier, interCom=1 only}}``. The raw form
  body and the bare ``param`` JSON are both read.

Times are Beijing time without an offset (``carrier_timezone`` Asia/Shanghai, the carrier's documented
zone). The city comes from ``areaName`` / ``areaCode`` (GB/T 2260) when present, else from the
leading ``[深圳市]`` / ``【深圳市】`` of the text when the gazetteer knows it, read with the countries the
text names (:mod:`carriers._placetext`: 【悉尼】…澳大利亚…, an airport 【仁川机场】); otherwise that bracket
names a facility. With no country anywhere else, the one country the text names is the event's.
Each event keeps the courier that scanned it (the result's ``com``) as ``operator``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final, Protocol
from urllib.parse import parse_qs

from carriers import _common as common
from carriers import _placetext as placetext
from carriers._dropped import EventDropped, each_event, keeps_warnings
from carriers._fields import JsonFields
from carriers._route import Route, Scan, as_milestone, settle_reported, to_event
from carriers._time import parse_timestamp, resolve_time
from carriers.base import MAX_DOCUMENT_BYTES, load_json
from carriers.kuaidi100 import codes
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    DocumentRejected,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Handover, Location, Milestone
from trace_verify.domain.places import Place

CARRIER: Final = "kuaidi100"
FORMAT: Final = "Kuaidi100 JSON"
#: Kuaidi100 documents its times as Beijing time (carriers.md §6.3; contract README "Timestamps").
CARRIER_ZONE: Final = "Asia/Shanghai"
MAX_MESSAGE: Final = 300

#: ``returnCode`` of a refused query → contract error code. 500 ("查询无结果") is the documented
#: not-found answer; 503 (signature check failed) and 601 (key expired / no quota) refuse the account.
RETURN_CODES: Final[dict[str, CarrierErrorCode]] = {
    "500": "not_found",
    "503": "unauthorized",
    "601": "unauthorized",
}

_LEADING_BRACKET = re.compile(r"^\s*[\[【](?P<name>[^\]】]{1,40})[\]】]")
_AREA_CODE = re.compile(r"^(?P<cc>[A-Z]{2})(?P<digits>\d{6})\d*$")


class PlaceIndex(common.PlaceIndex, Protocol):
    """The gazetteer port, plus places by GB/T 2260 key (``CN-440300``) for ``areaCode``."""

    def place(self, key: str) -> Place | None: ...


@keeps_warnings
def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse a query answer, a refusal or a push body; raise DocumentRejected for anything else."""
    doc = _object(load_json(_json_bytes(data), FORMAT), "")
    if "lastResult" in doc:
        return _push(doc, places)
    if "data" in doc or "nu" in doc:
        shipment = _shipment([(_object(doc, ""), "")], places)
        return ParseResult(CARRIER, shipments=(shipment,))
    if "returnCode" in doc or doc.get("result") is False:
        return ParseResult(CARRIER, errors=(_refusal(doc),))
    raise _rejected("", "neither a query answer, a refusal nor a push body")


def _json_bytes(data: bytes) -> bytes:
    """The JSON document: the body itself, or the ``param`` field of a form-encoded push."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRejected("DOCUMENT_UNSAFE", f"{FORMAT}: larger than {MAX_DOCUMENT_BYTES} bytes")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") or (not stripped.startswith(b"param=") and b"&param=" not in stripped):
        return data
    try:
        fields = parse_qs(stripped.decode("utf-8"), strict_parsing=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise _rejected("", "not a form-encoded push") from None
    params = fields.get("param", [])
    if len(params) != 1:
        raise _rejected("/param", "a push carries exactly one param field")
    return params[0].encode("utf-8")


# --- refusals and pushes ------------------------------------------------------------------------------


def _refusal(doc: Mapping[str, Any]) -> CarrierMessage:
    code = _scalar(doc, "returnCode", "")
    message = _scalar(doc, "message", "") or f"Kuaidi100 refused the query (returnCode {code})"
    return CarrierMessage(RETURN_CODES.get(code or "", "carrier_error"), None, message[:MAX_MESSAGE])


def _push(doc: Mapping[str, Any], places: PlaceIndex) -> ParseResult:
    """A subscription push: the origin result (``lastResult``) and, with interCom, ``destResult``."""
    results = [(_object(doc["lastResult"], "/lastResult"), "/lastResult")]
    if doc.get("destResult") is not None:
        results.append((_object(doc["destResult"], "/destResult"), "/destResult"))
    shipment = _shipment(results, places)
    if shipment.events or _scalar(doc, "status", "") != "abort":
        return ParseResult(CARRIER, shipments=(shipment,))
    # "3天查询无记录" / "60天无变化": monitoring aborted without a single event — Kuaidi100 found nothing.
    message = _scalar(doc, "message", "") or "Kuaidi100 stopped monitoring without any event"
    return ParseResult(CARRIER, errors=(CarrierMessage("not_found", shipment.tracking_number, message),))


# --- events -------------------------------------------------------------------------------------------


def _shipment(results: Sequence[tuple[Mapping[str, Any], str]], places: PlaceIndex) -> ParsedShipment:
    scans: list[Scan] = []
    numbers: list[str] = []
    for raw, at in results:
        number = _scalar(raw, "nu", at)
        if not number:
            raise _rejected(f"{at}/nu", "result has no tracking number")
        numbers.append(number)
        scans += _result_scans(raw, at, number, places, start=len(scans))
    ordered = sorted(scans, key=lambda s: (s.at, s.index))
    route = _route(ordered)
    return ParsedShipment(
        numbers[0],
        tuple(to_event(CARRIER, numbers[0], s, _milestone(s, route), _handover(s)) for s in ordered),
    )


def _result_scans(raw: Mapping[str, Any], at: str, number: str, places: PlaceIndex, start: int) -> list[Scan]:
    com = _scalar(raw, "com", at)
    items = _list(raw, "data", at) if raw.get("data") is not None else []
    scans = each_event(
        items,
        lambda i, item: _scan(
            _object(item, f"{at}/data/{i}"), f"{at}/data/{i}", start + i, number, com, places
        ),
        "event",
    )
    state = codes.kind_of_code(_scalar(raw, "state", at))
    if scans and state is not None:
        newest = max(scans, key=lambda s: (s.at, -s.index))
        if newest.kind == "unknown":  # the shipment's state speaks for its latest event
            scans[scans.index(newest)] = replace(
                newest, kind=_route_kind(state), handed_over=state == "handed_over"
            )
    return scans


def _scan(
    raw: Mapping[str, Any], at: str, index: int, number: str, com: str | None, places: PlaceIndex
) -> Scan:
    stamp = _scalar(raw, "ftime", at) or _scalar(raw, "time", at)
    if not stamp:
        raise EventDropped(f"{at}/ftime", "event has no time")
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        raise _rejected(f"{at}/ftime", "not a 'YYYY-MM-DD HH:MM:SS' time") from None
    resolved = resolve_time(local, carrier_zone=CARRIER_ZONE)
    text = _scalar(raw, "context", at) or ""
    status_code, status_name = _scalar(raw, "statusCode", at), _scalar(raw, "status", at)
    kind = _kind(status_code, status_name, text)
    return Scan(
        index,
        resolved.occurred_at,
        resolved.time_basis,
        resolved.local_offset_minutes,
        _location(raw, at, text, places),
        _route_kind(kind),
        status_code or status_name,
        text,
        None,
        com,
        number,
        kind == "handed_over",
    )


def _route_kind(kind: codes.Kind) -> Milestone:
    """A hand-over (转投) is movement to the route; :attr:`Scan.handed_over` keeps what it was."""
    return "in_transit" if kind == "handed_over" else kind


def _kind(status_code: str | None, status_name: str | None, text: str) -> codes.Kind:
    """The event's code first; its text where the code is generic (在途) or absent; else unknown."""
    coded = codes.kind_of_code(status_code) or codes.kind_of_name(status_name)
    worded = codes.classify_text(text)
    if coded in (None, "in_transit"):
        return worded or coded or "unknown"
    if coded == "customs_processing" and worded in ("customs_held", "import_cleared", "export_cleared"):
        return worded
    if coded == "import_cleared" and worded == "export_cleared":
        return worded
    return coded


def _route(scans: Sequence[Scan]) -> Route:
    """Kuaidi100 names no ends: the destination is the last delivery's country, else the newest scan's
    with one; the origin stays unknown (so clearance outside the destination is export)."""
    countries = tuple(s.location.country for s in scans)
    delivered = [s.location.country for s in scans if s.kind == "delivered" and s.location.country]
    known = [c for c in countries if c]
    return Route(None, delivered[-1] if delivered else known[-1] if known else None, countries)


def _milestone(scan: Scan, route: Route) -> Milestone:
    """A hand-over (转投) is movement; border and customs kinds are settled by side."""
    if scan.handed_over:
        return "in_transit"
    return settle_reported(as_milestone(scan.kind), scan.location.country, route)


def _handover(scan: Scan) -> Handover | None:
    """State 7 (转投): the next leg, when the text names its number."""
    if not scan.handed_over:
        return None
    number = codes.handover_number(scan.description)
    if number is None or number == scan.number:
        return None
    return Handover(tracking_number=number, carrier=codes.handover_carrier(scan.description))


# --- places -------------------------------------------------------------------------------------------


def _location(raw: Mapping[str, Any], at: str, text: str, places: PlaceIndex) -> Location:
    """City, region and country from ``areaName``/``areaCode``, ``location``, or the text's bracket."""
    area_country, area_place = _area_code(_scalar(raw, "areaCode", at), places)
    region, city, named_country = _area_name(_scalar(raw, "areaName", at), places)
    country = area_country or named_country
    facility = None
    if city is None:
        city = _scalar(raw, "location", at) or None
    place = area_place or (places.resolve(city, country) if city else None)
    bracket = _LEADING_BRACKET.match(text)
    if bracket is not None:
        name = bracket["name"].strip()
        named = placetext.place_named(name, text, places, country)
        if named is None or named.is_facility:
            facility = name
        if named is not None and city is None:
            city = named.facility_city if named.is_facility else name
            place = named.place
    if country is None and place is not None:
        country = place.country
    if country is None:  # "…已完成澳大利亚出口申报": the one country the text names as the event's place
        country = placetext.country_of_text(text)
    return Location(city=city, region=region, country=country, facility=facility)


def _area_code(code: str | None, places: PlaceIndex) -> tuple[str | None, Place | None]:
    """``CN440300000000`` → ("CN", Shenzhen): a country prefix and a GB/T 2260 division code."""
    match = _AREA_CODE.match(code or "")
    if match is None:
        return None, None
    country = places.country_code(match["cc"])
    if country != "CN":
        return country, None
    digits = match["digits"]
    for key in (digits, digits[:4] + "00", digits[:2] + "0000"):
        place = places.place(f"CN-{key}")
        if place is not None:
            return country, place
    return country, None


def _area_name(name: str | None, places: PlaceIndex) -> tuple[str | None, str | None, str | None]:
    """``"广东,深圳市,东城街道"`` → (region "广东", city "深圳市", None).

    A leading country name ("美国,洛杉矶") is split off as the country.
    """
    parts = [p.strip() for p in (name or "").split(",") if p.strip()]
    country = places.country_code(parts[0]) if parts else None
    if country is not None and len(parts) > 1:
        parts = parts[1:]
    if not parts:
        return None, None, country
    if len(parts) == 1:
        return None, parts[0], country
    return parts[0], parts[1], country


# --- typed access -------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT)
_rejected, _object, _list = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array


def _scalar(parent: Mapping[str, Any], key: str, at: str) -> str | None:
    """A string field; Kuaidi100 sends some numbers (``state``, ``status``) as JSON numbers too."""
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _rejected(f"{at}/{key}", "expected a string")
    return str(value).strip()
