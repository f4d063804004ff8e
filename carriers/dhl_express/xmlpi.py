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
from carriers._time import country_zone, parse_date_clock, resolve_time
from carriers._xml import parse_xml
from carriers._xmltree import child_index, children_named, local_name, stripped_text
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
    name = local_name(root)
    if name == "ShipmentTrackingErrorResponse":
        return ParseResult(CARRIER, errors=_request_errors(root))
    if name != "TrackingResponse":
        raise _rejected(f"root element is {name[:40]!r}, not TrackingResponse")
    shipments: list[ParsedShipment] = []
    errors: list[CarrierMessage] = []
    for info in children_named(root, "AWBInfo"):
        fields = child_index(info)
        number = stripped_text(fields, "AWBNumber")
        shipment_info = fields.get("ShipmentInfo")
        if shipment_info is not None:
            if not number:
                raise _rejected("AWBInfo with shipment data has no AWBNumber")
            shipments.append(_shipment(number, shipment_info, places))
        else:
            errors.append(_awb_error(fields, number))
    return ParseResult(CARRIER, shipments=tuple(shipments), errors=tuple(errors))


# --- errors ------------------------------------------------------------------------------------------


def _request_errors(root: etree._Element) -> tuple[CarrierMessage, ...]:
    status = child_index(child_index(root).get("Response")).get("Status")
    conditions = children_named(status, "Condition")
    if not conditions:
        return (CarrierMessage("carrier_error", None, "DHL XML-PI answered with an error response"),)
    return tuple(CarrierMessage("carrier_error", None, _condition_text(c)) for c in conditions)


def _awb_error(info: _Fields, number: str | None) -> CarrierMessage:
    status = child_index(info.get("Status"))
    action = stripped_text(status, "ActionStatus") or ""
    condition = status.get("Condition")
    condition_fields = child_index(condition)
    code_text = stripped_text(condition_fields, "ConditionCode") or ""
    data = stripped_text(condition_fields, "ConditionData") or ""
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
    fields = child_index(condition)
    code = stripped_text(fields, "ConditionCode") or ""
    data = " ".join((stripped_text(fields, "ConditionData") or "").split())
    return (f"{code}: {data}" if code and data else code or data or "DHL XML-PI error")[:MAX_MESSAGE]


# --- shipments ---------------------------------------------------------------------------------------


def _shipment(number: str, info: etree._Element, places: PlaceIndex) -> ParsedShipment:
    fields = child_index(info)
    origin = _area_country(fields.get("OriginServiceArea"), places)
    destination = _area_country(fields.get("DestinationServiceArea"), places)
    scans = [_scan(i, event, places) for i, event in enumerate(children_named(info, "ShipmentEvent"))]
    return ParsedShipment(number, to_events(CARRIER, number, scans, origin, destination))


def _area_country(area: etree._Element | None, places: PlaceIndex) -> str | None:
    if area is None:
        return None
    fields = child_index(area)
    code, description = stripped_text(fields, "ServiceAreaCode"), stripped_text(fields, "Description")
    return resolve_service_area(code, description, places).location.country


def _scan(index: int, event: etree._Element, places: PlaceIndex) -> Scan:
    fields = child_index(event)
    wall = _wall_time(stripped_text(fields, "Date"), stripped_text(fields, "Time"), index)
    service = child_index(fields.get("ServiceEvent"))
    code = stripped_text(service, "EventCode")
    description = " ".join((stripped_text(service, "Description") or "").split())
    area_fields = child_index(fields.get("ServiceArea"))
    area = resolve_service_area(
        stripped_text(area_fields, "ServiceAreaCode"), stripped_text(area_fields, "Description"), places
    )
    zone = area.zone or country_zone(area.location.country, wall)
    resolved = resolve_time(wall, place_zone=zone)
    return Scan.timed(
        index, resolved, area.location, codes.classify(code, description), code, description or code or ""
    )


def _wall_time(date: str | None, clock: str | None, index: int) -> datetime:
    if not date or not clock:
        raise _rejected(f"ShipmentEvent {index} has no Date or Time")
    try:
        return parse_date_clock(f"{date.strip()} {clock.strip()}")
    except ValueError:
        raise _rejected(f"ShipmentEvent {index}: Date/Time not in YYYY-MM-DD HH:MM:SS") from None


# --- namespace-agnostic access (XML-PI qualifies only the root; carriers._xmltree) -------------------

#: An element's children by local name (the first of each), read once per element.
_Fields = dict[str, etree._Element]


def _rejected(message: str) -> DocumentRejected:
    return DocumentRejected("DOCUMENT_UNREADABLE", f"{FORMAT}: {message}")
