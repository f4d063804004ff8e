"""DHL Express XML-PI ``TrackingResponse`` (answer to ``KnownTrackingRequest``) → normalized events (pure).

Wire format (carriers.md §4.7; karrio ``dhl_express`` test bodies and ``track-err-res.xsd``):
``<req:TrackingResponse xmlns:req="http://www.dhl.com">`` with unqualified children
``Response/ServiceHeader`` and one ``AWBInfo`` per waybill: ``AWBNumber``, ``Status/ActionStatus``
(``success`` or ``No Shipments Found``) with optional ``Condition/{ConditionCode, ConditionData}``,
and ``ShipmentInfo/{OriginServiceArea, DestinationServiceArea, ShipmentEvent*}``. Each
``ShipmentEvent`` has ``Date`` (``2009-08-28``), ``Time`` (``13:26:00``) — wall time at the service
area, no zone — ``ServiceEvent/{EventCode, Description}``, ``Signatory`` and
``ServiceArea/{ServiceAreaCode, Description}``. Request-level failures come as
``<req:ShipmentTrackingErrorResponse>`` with ``Response/Status/Condition``.

Times are resolved in the service area's zone (``location_timezone``), never labelled UTC.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from lxml import etree

from carriers._common import PlaceIndex
from carriers._route import Scan, to_events
from carriers._time import country_zone, resolve_time
from carriers._xml import parse_xml
from carriers.dhl_express import codes
from carriers.dhl_express.service_area import resolve_service_area
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    DocumentRejected,
    ParsedShipment,
    ParseResult,
)

CARRIER: Final = "dhl-express"
FORMAT: Final = "DHL Express XML-PI TrackingResponse"
MAX_MESSAGE: Final = 300
#: Condition codes that mean "no such waybill": 103 in karrio's captured not-found body, 101 as the
#: issue brief names it (no capture seen). ``ActionStatus`` "No Shipments Found" says the same.
NOT_FOUND_CODES: Final = frozenset({"101", "103"})
_NOT_FOUND_TEXT = re.compile(r"\bno shipments? found\b", re.IGNORECASE)
_AWB_IN_TEXT = re.compile(r"\bAWB ?Number\s+(?P<number>[A-Za-z0-9]{4,40})\b", re.IGNORECASE)


def parse_xmlpi(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one XML-PI tracking answer; raise DocumentRejected when it is not one."""
    root = parse_xml(data)
    name = _local(root)
    if name == "ShipmentTrackingErrorResponse":
        return ParseResult(CARRIER, errors=_request_errors(root))
    if name != "TrackingResponse":
        raise _rejected(f"root element is {name[:40]!r}, not TrackingResponse")
    shipments: list[ParsedShipment] = []
    errors: list[CarrierMessage] = []
    for info in _children(root, "AWBInfo"):
        number = _text(info, "AWBNumber")
        shipment_info = _child(info, "ShipmentInfo")
        if shipment_info is not None:
            if not number:
                raise _rejected("AWBInfo with shipment data has no AWBNumber")
            shipments.append(_shipment(number, shipment_info, places))
        else:
            errors.append(_awb_error(info, number))
    return ParseResult(CARRIER, shipments=tuple(shipments), errors=tuple(errors))


# --- errors ------------------------------------------------------------------------------------------


def _request_errors(root: etree._Element) -> tuple[CarrierMessage, ...]:
    status = _child(_child(root, "Response"), "Status")
    conditions = _children(status, "Condition")
    if not conditions:
        return (CarrierMessage("carrier_error", None, "DHL XML-PI answered with an error response"),)
    return tuple(CarrierMessage("carrier_error", None, _condition_text(c)) for c in conditions)


def _awb_error(info: etree._Element, number: str | None) -> CarrierMessage:
    status = _child(info, "Status")
    action = _text(status, "ActionStatus") or ""
    condition = _child(status, "Condition")
    code_text = _text(condition, "ConditionCode") or ""
    data = _text(condition, "ConditionData") or ""
    not_found = code_text in NOT_FOUND_CODES or bool(_NOT_FOUND_TEXT.search(f"{action} {data}"))
    code: CarrierErrorCode = "not_found" if not_found else "carrier_error"
    if not number:
        match = _AWB_IN_TEXT.search(data)
        number = match["number"] if match else None
    message = (
        _condition_text(condition) if condition is not None else action or "DHL XML-PI: no shipment data"
    )
    return CarrierMessage(code, number, message)


def _condition_text(condition: etree._Element | None) -> str:
    code = _text(condition, "ConditionCode") or ""
    data = " ".join((_text(condition, "ConditionData") or "").split())
    return (f"{code}: {data}" if code and data else code or data or "DHL XML-PI error")[:MAX_MESSAGE]


# --- shipments ---------------------------------------------------------------------------------------


def _shipment(number: str, info: etree._Element, places: PlaceIndex) -> ParsedShipment:
    origin = _area_country(_child(info, "OriginServiceArea"), places)
    destination = _area_country(_child(info, "DestinationServiceArea"), places)
    scans = [_scan(i, event, places) for i, event in enumerate(_children(info, "ShipmentEvent"))]
    return ParsedShipment(number, to_events(CARRIER, number, scans, origin, destination))


def _area_country(area: etree._Element | None, places: PlaceIndex) -> str | None:
    if area is None:
        return None
    code, description = _text(area, "ServiceAreaCode"), _text(area, "Description")
    return resolve_service_area(code, description, places).location.country


def _scan(index: int, event: etree._Element, places: PlaceIndex) -> Scan:
    wall = _wall_time(_text(event, "Date"), _text(event, "Time"), index)
    service = _child(event, "ServiceEvent")
    code = _text(service, "EventCode")
    description = " ".join((_text(service, "Description") or "").split())
    area_el = _child(event, "ServiceArea")
    area = resolve_service_area(_text(area_el, "ServiceAreaCode"), _text(area_el, "Description"), places)
    zone = area.zone or country_zone(area.location.country, wall)
    resolved = resolve_time(wall, place_zone=zone)
    return Scan(
        index=index,
        at=resolved.occurred_at,
        basis=resolved.time_basis,
        offset=resolved.local_offset_minutes,
        location=area.location,
        kind=codes.classify(code, description),
        code=code,
        description=description or code or "",
    )


def _wall_time(date: str | None, clock: str | None, index: int) -> datetime:
    if not date or not clock:
        raise _rejected(f"ShipmentEvent {index} has no Date or Time")
    try:
        return datetime.strptime(f"{date.strip()} {clock.strip()}", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise _rejected(f"ShipmentEvent {index}: Date/Time not in YYYY-MM-DD HH:MM:SS") from None


# --- namespace-agnostic access (XML-PI qualifies only the root) ----------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    if parent is None:
        return []
    return [c for c in parent if isinstance(c.tag, str) and _local(c) == name]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(parent, name)
    return found[0] if found else None


def _text(parent: etree._Element | None, name: str) -> str | None:
    element = _child(parent, name)
    text = element.text.strip() if element is not None and element.text else ""
    return text or None


def _rejected(message: str) -> DocumentRejected:
    return DocumentRejected("DOCUMENT_UNREADABLE", f"{FORMAT}: {message}")
