"""Canada Post VIS tracking XML (``GET /vis/track/pin/{pin}/detail``) → normalized events (pure).

Wire format (Canada Post's track XSD, vendored in ``fixtures/carriers/canadapost/xsd/``; carriers.md §4.6):
``<tracking-detail xmlns="http://www.canadapost.ca/ws/track-v2">`` with ``pin`` … and
``significant-events/occurrence*{event-identifier, event-date, event-time, event-time-zone,
event-description, signatory-name, event-site, event-province, event-retail-location-id,
event-retail-name}``, newest first; or an error body ``<messages xmlns="http://www.canadapost.ca/ws/messages">
<message><code/><description/></message></messages>``.

What karrio gets wrong and this module gets right (carriers.md §4.6, §7):

* A single-PIN body *is* the ``<tracking-detail>`` root; karrio searches only its descendants and returns
  nothing. Here the root is read, and one ``occurrence`` is as good as many.
* Identifiers arrive zero-padded (``0174``); they are normalized before the code table is consulted.
* ``event-time-zone`` (``EST``, ``PDT``…) is a reported offset and is applied, not dropped. Foreign
  events without a zone label take the zone of their place (``location_timezone``).
* Foreign events name the country in ``event-site`` and have no province; the country is kept.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Final

from lxml import etree

from carriers._common import PlaceIndex
from carriers._route import Scan, as_milestone, to_event
from carriers._time import localize, location_zone, resolve_time
from carriers._xml import parse_xml
from carriers._xmltree import child_index, children_named, local_name, namespace_of, stripped_text
from carriers.canadapost import codes
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    DocumentRejected,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Handover, Location
from trace_verify.domain.places import Place

CARRIER: Final = "canadapost"
FORMAT: Final = "Canada Post VIS tracking XML"
MAX_MESSAGE: Final = 300
TRACK_NAMESPACES: Final = frozenset(
    {None, "http://www.canadapost.ca/ws/track-v2", "http://www.canadapost.ca/ws/track"}
)
MESSAGE_NAMESPACES: Final = TRACK_NAMESPACES | {"http://www.canadapost.ca/ws/messages"}

#: ``event-time-zone`` labels Canada Post uses: Canada's standard and daylight times, fixed offsets.
ZONE_OFFSETS: Final[dict[str, int]] = {
    "NST": -210, "NDT": -150, "AST": -240, "ADT": -180, "EST": -300, "EDT": -240,
    "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
}  # fmt: skip

#: Message codes (messages body) → contract error codes. 004 "No Pin History" and E002 "AAA
#: Authentication Failure" are karrio's test bodies; the rest follow the description.
_NOT_FOUND_CODES: Final = frozenset({"004", "002"})
_UNAUTHORIZED = re.compile(r"^E00[0-9]$|authenticat|authori[sz]", re.IGNORECASE)
_RATE_LIMITED = re.compile(r"rate.?limit|too many requests", re.IGNORECASE)
_S10 = re.compile(r"^[A-Z]{2}[0-9]{9}[A-Z]{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one VIS response body; raise DocumentRejected when it is not one."""
    root = parse_xml(data)
    name, namespace = local_name(root), namespace_of(root)
    if name == "tracking-detail" and namespace in TRACK_NAMESPACES:
        return ParseResult(CARRIER, shipments=(_shipment(root, places),))
    if name == "messages" and namespace in MESSAGE_NAMESPACES:
        return ParseResult(CARRIER, errors=_messages(root))
    raise _rejected("neither a tracking-detail nor a messages document")


# --- error bodies ----------------------------------------------------------------------------------


def _messages(root: etree._Element) -> tuple[CarrierMessage, ...]:
    found = children_named(root, "message")
    if not found:
        raise _rejected("messages document without a message")
    return tuple(_message(message) for message in found)


def _message(message: etree._Element) -> CarrierMessage:
    fields = child_index(message)
    code = stripped_text(fields, "code") or ""
    description = stripped_text(fields, "description") or ""
    return CarrierMessage(
        code=_error_code(code, description),
        tracking_number=None,  # Canada Post's messages body does not echo the PIN
        message=(f"{code} {description}".strip() or "Canada Post error")[:MAX_MESSAGE],
    )


def _error_code(code: str, description: str) -> CarrierErrorCode:
    if code in _NOT_FOUND_CODES or "no pin history" in description.lower():
        return "not_found"
    if _RATE_LIMITED.search(code) or _RATE_LIMITED.search(description):
        return "rate_limited"
    if _UNAUTHORIZED.search(code) or _UNAUTHORIZED.search(description):
        return "unauthorized"
    return "carrier_error"


# --- events ----------------------------------------------------------------------------------------


def _shipment(root: etree._Element, places: PlaceIndex) -> ParsedShipment:
    fields = child_index(root)
    pin = stripped_text(fields, "pin")
    if not pin:
        raise _rejected("tracking-detail without a pin")
    raw = children_named(fields.get("significant-events"), "occurrence")
    read = [_scan(o, i, pin, places) for i, o in enumerate(raw)]
    # Canada Post lists newest first: reverse, then a stable sort keeps same-instant events in order.
    ordered = sorted(reversed(read), key=lambda s: s.at)
    handover = Handover(tracking_number=pin)
    events = tuple(
        to_event(CARRIER, pin, s, as_milestone(s.kind), handover if s.handed_over else None) for s in ordered
    )
    return ParsedShipment(tracking_number=pin, events=events)


def _scan(occurrence: etree._Element, index: int, pin: str, places: PlaceIndex) -> Scan:
    """One ``occurrence`` (its milestone is the code's own); a hand-over of an S10 item keeps its number."""
    fields = child_index(occurrence)
    identifier = stripped_text(fields, "event-identifier")
    location, place = _location(fields, places)
    local = _local_time(fields)
    label = (stripped_text(fields, "event-time-zone") or "").upper()
    if label in ZONE_OFFSETS:
        resolved = resolve_time(localize(local, timezone(timedelta(minutes=ZONE_OFFSETS[label]))))
    else:
        zone = place.tz if place is not None else location_zone(location, local)
        resolved = resolve_time(local, place_zone=zone)
    code = codes.normalize(identifier) if identifier else None
    return Scan(
        index,
        resolved.occurred_at,
        resolved.time_basis,
        resolved.local_offset_minutes,
        location,
        codes.milestone_for(identifier),
        identifier,
        stripped_text(fields, "event-description") or "",
        None,
        None,
        None,
        code in codes.HANDOVER_CODES and bool(_S10.match(pin)),
    )


def _local_time(fields: _Fields) -> datetime:
    day = stripped_text(fields, "event-date") or ""
    clock = stripped_text(fields, "event-time") or ""
    if not _DATE.match(day) or not _TIME.match(clock):
        raise _rejected("occurrence without a readable event-date and event-time")
    try:
        return datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:
        raise _rejected("occurrence with an impossible date or time") from None


def _location(fields: _Fields, places: PlaceIndex) -> tuple[Location, Place | None]:
    """Canadian events: site + province; foreign ones: a country name or a city in ``event-site``."""
    site = stripped_text(fields, "event-site")
    province = stripped_text(fields, "event-province")
    facility = stripped_text(fields, "event-retail-name")
    if province:
        place = places.resolve(site, "CA", province)
        return Location(city=site, region=province, country="CA", facility=facility), place
    if not site:
        return Location(facility=facility), None
    country = places.country_code(site)
    if country is not None and places.resolve(site, country) is None:
        return Location(country=country, facility=facility), None
    place = places.resolve(site)
    return Location(city=site, country=place.country if place else None, facility=facility), place


# --- namespace-agnostic access (carriers._xmltree) -------------------------------------------------

#: An element's children by local name (the first of each), read once per element.
_Fields = dict[str, etree._Element]


def _rejected(message: str) -> DocumentRejected:
    return DocumentRejected("DOCUMENT_UNREADABLE", f"{FORMAT}: {message}")
