"""DHL Express MyDHL API tracking JSON → normalized events (pure).

Wire format (DHL Express MyDHL API OpenAPI 3.1.1, schema ``supermodelIoLogisticsExpressTrackingResponse``,
vendored in GitHub ``karrioapi/karrio`` ``modules/connectors/mydhl/vendors/``; example body
``modules/connectors/mydhl/schemas/tracking_response.json``): ``{"shipments": [{"shipmentTrackingNumber",
"status", "shipmentTimestamp", "productCode", "shipperDetails": {"postalAddress": {"countryCode"}},
"receiverDetails": {…}, "events": [{"date": "2020-06-10", "time": "13:06:00", "GMTOffset":
"+09:00", "typeCode": "PU", "description", "serviceArea": [{"code": "BNE", "description":
"Brisbane-AU"}], "signedBy"}]}]}``. ``GMTOffset`` is present when the request asks for it
(``requestGMTOffsetPerEvent=true``, which :mod:`carriers.dhl_express.client` always sends).
Errors are problem documents ``{"instance", "detail", "title", "message", "status": "404"}`` with
``status`` as a string in DHL's own examples (a number is accepted too).

Time: ``date`` + ``time`` with ``GMTOffset`` → ``carrier_offset``; without it, the service area's
zone (``location_timezone``). karrio drops the offset and labels the wall time UTC (carriers.md §3.4).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timezone
from typing import Any, Final

from carriers._common import PlaceIndex, status_error
from carriers._fields import JsonFields
from carriers._route import Scan, to_events
from carriers._time import country_zone, localize, parse_date_clock, parse_gmt_offset, resolve_time
from carriers.base import load_json
from carriers.dhl_express import codes
from carriers.dhl_express.service_area import ServiceArea, resolve_service_area
from trace_verify.domain.documents import (
    CarrierMessage,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Location

CARRIER: Final = "dhl-express"
FORMAT: Final = "MyDHL API tracking JSON"
MAX_MESSAGE: Final = 300
_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_INSTANCE_NUMBER = re.compile(r"/shipments/(?P<number>[A-Za-z0-9]{4,40})/")


def parse_mydhl(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one MyDHL tracking answer; raise DocumentRejected when it is not one."""
    doc = load_json(data, FORMAT)
    if not isinstance(doc, dict):
        raise _rejected("/", "top level is not a JSON object")
    if "shipments" in doc:
        raw = doc["shipments"]
        if not isinstance(raw, list):
            raise _rejected("/shipments", "expected an array")
        return ParseResult(
            CARRIER,
            shipments=tuple(
                _shipment(_object(s, f"/shipments/{i}"), f"/shipments/{i}", places) for i, s in enumerate(raw)
            ),
        )
    if any(key in doc for key in ("status", "title", "detail")):
        return ParseResult(CARRIER, errors=(_problem(doc),))
    raise _rejected("/", "neither a shipments document nor a problem detail")


# --- errors ------------------------------------------------------------------------------------------


def _problem(doc: Mapping[str, Any]) -> CarrierMessage:
    status = _status(doc.get("status"))
    detail, title, message = (_str(doc, k, "") for k in ("detail", "title", "message"))
    match = _INSTANCE_NUMBER.search(_str(doc, "instance", "") or "")
    text = detail or title or message or f"MyDHL answered HTTP {status}"
    return CarrierMessage(status_error(status), match["number"] if match else None, text[:MAX_MESSAGE])


def _status(value: Any) -> int | None:
    """``"404"`` (DHL's examples) or ``404``; anything else is not an HTTP error status."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise _rejected("/status", "problem status is not an HTTP error status")
    return value


# --- shipments ---------------------------------------------------------------------------------------


def _shipment(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> ParsedShipment:
    number = _FIELDS.tracking_number(raw, "shipmentTrackingNumber", at)
    origin = _party_country(raw, "shipperDetails", at, places)
    destination = _party_country(raw, "receiverDetails", at, places)
    events = raw.get("events") or []
    if not isinstance(events, list):
        raise _rejected(f"{at}/events", "expected an array")
    scans = [
        _scan(_object(e, f"{at}/events/{i}"), i, f"{at}/events/{i}", places) for i, e in enumerate(events)
    ]
    return ParsedShipment(number, to_events(CARRIER, number, scans, origin, destination))


def _party_country(raw: Mapping[str, Any], key: str, at: str, places: PlaceIndex) -> str | None:
    party = raw.get(key)
    if party is None:
        return None
    address = _object(_object(party, f"{at}/{key}").get("postalAddress") or {}, f"{at}/{key}/postalAddress")
    code = places.country_code(_str(address, "countryCode", f"{at}/{key}/postalAddress"))
    return code if code and _ALPHA2.match(code) else None


def _scan(raw: Mapping[str, Any], index: int, at: str, places: PlaceIndex) -> Scan:
    date, clock = _str(raw, "date", at), _str(raw, "time", at)
    if not date or not clock:
        raise _rejected(at, "event has no date or time")
    try:
        wall = parse_date_clock(f"{date.strip()} {clock.strip()}")
    except ValueError:
        raise _rejected(at, "date/time not in YYYY-MM-DD HH:MM:SS") from None
    area = _service_area(raw, at, places)
    offset = _offset(_str(raw, "GMTOffset", at), at)
    if offset is not None:
        resolved = resolve_time(localize(wall, offset))
    else:
        resolved = resolve_time(wall, place_zone=area.zone or country_zone(area.location.country, wall))
    code = _str(raw, "typeCode", at)
    description = " ".join((_str(raw, "description", at) or "").split())
    return Scan.timed(
        index, resolved, area.location, codes.classify(code, description), code, description or code or ""
    )


def _service_area(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> ServiceArea:
    areas = raw.get("serviceArea")
    if not areas:
        return ServiceArea(Location(), None)
    if not isinstance(areas, list):
        raise _rejected(f"{at}/serviceArea", "expected an array")
    first = _object(areas[0], f"{at}/serviceArea/0")
    return resolve_service_area(
        _str(first, "code", f"{at}/serviceArea/0"), _str(first, "description", f"{at}/serviceArea/0"), places
    )


def _offset(text: str | None, at: str) -> timezone | None:
    try:
        return parse_gmt_offset(text)
    except ValueError as exc:
        raise _rejected(f"{at}/GMTOffset", str(exc)) from None


# --- typed access ------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT)
_rejected, _object, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.text
