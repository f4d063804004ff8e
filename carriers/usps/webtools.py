"""USPS Web Tools TrackV2 XML (``TrackFieldRequest`` with ``<Revision>1</Revision>``) → events (pure).

Wire format (carriers.md §4.5; karrio-usps 2023.9.2 ``track_response`` schema; captured bodies in
public client tests): ``<TrackResponse><TrackInfo ID="…">`` with ``Class``, ``MailTypeCode``,
``OriginCity``/``OriginState``/``OriginZip``, ``OriginCountryCode``, ``DestinationCountryCode`` …,
``TrackSummary`` (the latest event) and ``TrackDetail``* (older events, newest first), each with
``EventTime`` ("9:24 am"), ``EventDate`` ("March 9, 2015"), ``Event``, ``EventCity``, ``EventState``,
``EventZIPCode``, ``EventCountry``, ``EventCode``. No zone anywhere: the time is wall time at the
event's place (``location_timezone``). ``EventTime`` is a 12-hour clock read with
:func:`carriers._time.parse_clock` ("3:12 pm" is 15:12; karrio-usps 2023.9.2 reads it as 03:12).
Some pre-shipment events come without ``EventTime``; their day is kept at 00:00 local time.

Errors: per item ``<TrackInfo ID><Error><Number>-2147219283</Number><Description>…`` (not found /
no status yet); request-level ``<Error><Number>80040B1A</Number><Description>Authorization
failure…</Description><Source>USPSCOM::DoAuth</Source></Error>``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Final

from lxml import etree

from carriers._common import PlaceIndex
from carriers._route import Scan, to_events
from carriers._time import location_zone, parse_clock, resolve_time
from carriers._xml import parse_xml
from carriers.usps import codes
from carriers.usps.places import resolve_usps_place
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    DocumentRejected,
    ParsedShipment,
    ParseResult,
    ParseWarning,
)

CARRIER: Final = "usps"
FORMAT: Final = "USPS Web Tools TrackV2 XML"
MAX_MESSAGE: Final = 300
#: Item errors that mean "USPS has nothing for this number" (captured bodies: "could not locate the
#: tracking information", "A status update is not yet available").
NOT_FOUND_NUMBERS: Final = frozenset({"-2147219283", "-2147219302"})
#: Request errors that mean the USERID was refused (``USPSCOM::DoAuth``).
UNAUTHORIZED_NUMBERS: Final = frozenset({"80040B1A"})
#: ``EventDate`` month names. USPS writes English months; ``strptime("%B")`` would read them in the
#: process's LC_TIME locale (a German locale refuses "March"), so the names are spelled out here.
MONTHS: Final[dict[str, int]] = {
    name: number
    for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"),
        start=1,
    )
}  # fmt: skip
#: ``EventDate`` ("March 9, 2015"), spelled as ``strptime("%B %d, %Y")`` reads it in an English
#: locale: any case, a one- or two-digit day (or a space and one digit), whitespace after the comma.
_EVENT_DATE: Final = re.compile(
    r"(?P<month>" + "|".join(MONTHS) + r")\s+(?P<day>3[01]|[12]\d|0[1-9]|[1-9]| [1-9]),\s+(?P<year>\d\d\d\d)",
    re.IGNORECASE,
)


def parse_webtools(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one TrackV2 answer; raise DocumentRejected when it is not one."""
    root = parse_xml(data)
    if root.tag == "Error":
        return ParseResult(CARRIER, errors=(_error(root, None),))
    if root.tag != "TrackResponse":
        raise _rejected(f"root element is {str(root.tag)[:40]!r}, not TrackResponse")
    shipments: list[ParsedShipment] = []
    errors: list[CarrierMessage] = []
    warnings: list[ParseWarning] = []
    for k, info in enumerate(root.iterchildren("TrackInfo")):
        number = (info.get("ID") or "").strip() or None
        error = info.find("Error")
        if error is not None:
            errors.append(_error(error, number))
        elif number is None:
            raise _rejected("TrackInfo without an ID")
        else:
            shipments.append(_shipment(number, info, places, f"/TrackResponse/TrackInfo[{k + 1}]", warnings))
    return ParseResult(CARRIER, shipments=tuple(shipments), errors=tuple(errors), warnings=tuple(warnings))


def _error(error: etree._Element, number: str | None) -> CarrierMessage:
    code_text = (error.findtext("Number") or "").strip().upper()
    description = " ".join((error.findtext("Description") or "").split())
    code: CarrierErrorCode = "carrier_error"
    if code_text in NOT_FOUND_NUMBERS:
        code = "not_found"
    elif code_text in UNAUTHORIZED_NUMBERS:
        code = "unauthorized"
    return CarrierMessage(code, number, (description or f"USPS error {code_text}")[:MAX_MESSAGE])


def _shipment(
    number: str, info: etree._Element, places: PlaceIndex, at: str, warnings: list[ParseWarning]
) -> ParsedShipment:
    origin = _country(info.findtext("OriginCountryCode"), places)
    if origin is None and (info.findtext("OriginZip") or info.findtext("MailTypeCode") == "DM"):
        origin = "US"
    destination = _country(info.findtext("DestinationCountryCode"), places)
    if destination is None and info.findtext("MailTypeCode") == "DM":
        destination = "US"
    elements = [*info.iterchildren("TrackSummary"), *info.iterchildren("TrackDetail")]
    scans: list[Scan] = []
    for i, element in enumerate(elements):
        if len(element) and not (element.findtext("EventDate") or "").strip():
            # A "timeless" event (Shopify's USPS client meets them in production): the rest is readable.
            pointer = f"{at}/{element.tag}[{_position(element)}]/EventDate"
            warnings.append(ParseWarning(pointer, f"event {i} has no EventDate; it was left out"))
            continue
        scans.append(_scan(i, element, places))
    if elements and not scans:
        raise _rejected("no event has an EventDate")
    return ParsedShipment(number, to_events(CARRIER, number, scans, origin, destination))


def _position(element: etree._Element) -> int:
    """1-based position of ``element`` among its parent's children of the same tag (an XPath index)."""
    return 1 + sum(1 for _ in element.itersiblings(str(element.tag), preceding=True))


def _scan(index: int, element: etree._Element, places: PlaceIndex) -> Scan:
    if len(element) == 0:
        raise _rejected("a text-only TrackSummary/TrackDetail (Revision 0) has no event fields")
    fields = _texts(element)
    wall = _wall_time(_field(fields, "EventDate"), _field(fields, "EventTime"), index)
    place = resolve_usps_place(
        _field(fields, "EventCity"), _field(fields, "EventState"), _field(fields, "EventZIPCode"),
        _field(fields, "EventCountry"), places,
    )  # fmt: skip
    zone = place.zone or location_zone(place.location, wall)
    resolved = resolve_time(wall, place_zone=zone)
    code, text = _field(fields, "EventCode"), _field(fields, "Event")
    return Scan.timed(index, resolved, place.location, codes.classify(code, text), code, text or code or "")


def _wall_time(day_text: str | None, clock: str | None, index: int) -> datetime:
    if not day_text:
        raise _rejected(f"event {index} has no EventDate")
    try:
        day = _event_date(day_text)
        at = parse_clock(clock) if clock else time(0, 0)
    except ValueError:
        raise _rejected(f"event {index}: EventDate/EventTime not like 'May 5, 2026' / '3:12 pm'") from None
    return datetime.combine(day, at)


def _event_date(text: str) -> date:
    """``"March 9, 2015"`` → that day, whatever the process locale; ValueError when not such a date."""
    match = _EVENT_DATE.fullmatch(text)
    if match is None:
        raise ValueError("not an EventDate")
    month = MONTHS.get(match["month"].lower())
    if month is None:  # a non-ASCII case variant re.IGNORECASE lets through ("ſeptember"): not a month
        raise ValueError("not an English month name")
    return date(int(match["year"]), month, int(match["day"]))


def _texts(element: etree._Element) -> dict[str, str]:
    """The text of the first child of each tag, in one pass (a ``findtext`` per field scanned the
    children eight times per event). Qualified tags keep their ``{ns}``, so they never match a field."""
    found: dict[str, str] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in found:
            found[tag] = child.text or ""
    return found


def _field(fields: dict[str, str], name: str) -> str | None:
    text = " ".join(fields.get(name, "").split())
    return text or None


def _country(text: str | None, places: PlaceIndex) -> str | None:
    code = places.country_code(text.strip()) if text and text.strip() else None
    return code if code and len(code) == 2 else None


def _rejected(message: str) -> DocumentRejected:
    return DocumentRejected("DOCUMENT_UNREADABLE", f"{FORMAT}: {message}")
