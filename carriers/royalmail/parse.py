"""Royal Mail Tracking API v2 JSON → normalized events (pure).

Wire format (carriers.md §4.9; karrio community ``plugins/royalmail`` test body;
elliotjreed/royal-mail-tracking):
``GET /mailpieces/v2/{id}/events`` answers ``{"mailPieces": {"mailPieceId", "summary": {…,
"originCountryCode": "GBR", "destinationCountryCode": "CHN"…}, "estimatedDelivery"?, "events": [{"eventCode",
"eventName", "eventDateTime" (with offset), "locationName"}], "links"}}``; the summary operation answers
``{"mailPieces": [{"mailPieceId", "summary"|"error"…}]}``; errors are IBM API Connect bodies
``{"httpCode", "httpMessage", "moreInformation", "errors": [{"errorCode", "errorDescription", …}]}``.

What karrio gets wrong and this module gets right: a body without ``estimatedDelivery`` (usual for
international items) is read, not a crash; ``eventDateTime`` offsets are applied and kept; each event gets a
country (its ``locationName``, else the side of the border its code belongs to, from the summary's ISO-3
origin and destination); customs events are milestones of their own.

Domestic items (carriers/_route.py, rule 5): when the summary *declares* both ``originCountryCode`` and
``destinationCountryCode`` and they are the same country, no event is a border milestone — a
``departed_origin``, ``arrived_destination_country`` or ``export_cleared`` reads ``in_transit``. A side
the summary leaves out (or names unreadably) is filled for locating events (origin: the UK; destination:
the origin) but is not a declaration, so it never makes an item domestic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from carriers import _placetext as placetext
from carriers._common import PlaceIndex, PlaceMemo, status_error
from carriers._fields import JsonFields
from carriers._route import Route, Scan, as_milestone, domestic_border, to_event
from carriers._time import country_zone, is_utc_stamp, parse_timestamp, resolve_time
from carriers.base import load_json
from carriers.royalmail import codes
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Location
from trace_verify.domain.places import Place

CARRIER: Final = "royalmail"
FORMAT: Final = "Royal Mail Tracking API v2 JSON"
MAX_MESSAGE: Final = 300
#: Royal Mail's own operator country: its scans without a place are in the UK.
HOME: Final = "GB"
#: "Barcode reference … isn't recognised" (elliotjreed/royal-mail-tracking README).
NOT_FOUND_ERRORS: Final = frozenset({"E1142"})
#: Royal Mail facility suffixes: delivery office, mail centre, distribution centre, hub.
_FACILITY = re.compile(
    r"\s+(?:International\s+|Worldwide\s+)?(?:DO|MC|DC|Hub|Mail Centre|Delivery Office|Distribution Centre"
    r"|Processing Centre)$",
    re.IGNORECASE,
)


def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one Tracking API v2 body; raise DocumentRejected when it is not one."""
    doc = load_json(data, FORMAT)
    if not isinstance(doc, dict):
        raise _rejected("/", "top level is not a JSON object")
    if "mailPieces" in doc:
        pieces = doc["mailPieces"]
        items = pieces if isinstance(pieces, list) else [pieces]
        shipments: list[ParsedShipment] = []
        errors: list[CarrierMessage] = []
        for i, item in enumerate(items):
            at = f"/mailPieces/{i}" if isinstance(pieces, list) else "/mailPieces"
            piece = _object(item, at)
            if "error" in piece:
                errors.append(_piece_error(piece, at))
            else:
                shipments.append(_shipment(piece, at, places))
        return ParseResult(CARRIER, shipments=tuple(shipments), errors=tuple(errors))
    if "httpCode" in doc or "errors" in doc:
        return ParseResult(CARRIER, errors=_error_body(doc))
    raise _rejected("/", "neither mailPieces nor an error body")


# --- errors ----------------------------------------------------------------------------------------


def _error_body(doc: Mapping[str, Any]) -> tuple[CarrierMessage, ...]:
    status = str(doc.get("httpCode") or "").strip()
    if status and not status.isdigit():
        raise _rejected("/httpCode", "not an HTTP status")
    entries = doc.get("errors") or []
    if not isinstance(entries, list):
        raise _rejected("/errors", "expected an array")
    fallback = _str(doc, "moreInformation", "/") or _str(doc, "httpMessage", "/") or f"HTTP {status}"
    if not entries:
        return (CarrierMessage(_error_code(status, None), None, fallback[:MAX_MESSAGE]),)
    messages = []
    for i, entry in enumerate(entries):
        error = _object(entry, f"/errors/{i}")
        code = _str(error, "errorCode", f"/errors/{i}")
        text = _str(error, "errorDescription", f"/errors/{i}") or fallback
        messages.append(CarrierMessage(_error_code(status, code), None, text[:MAX_MESSAGE]))
    return tuple(messages)


def _piece_error(piece: Mapping[str, Any], at: str) -> CarrierMessage:
    error = _object(piece["error"], f"{at}/error")
    code = _str(error, "errorCode", f"{at}/error")
    text = _str(error, "errorDescription", f"{at}/error") or "Royal Mail error"
    number = _str(piece, "mailPieceId", at)
    return CarrierMessage(_error_code("", code), number, text[:MAX_MESSAGE])


def _error_code(status: str, code: str | None) -> CarrierErrorCode:
    return "not_found" if code in NOT_FOUND_ERRORS else status_error(status)


# --- shipments -------------------------------------------------------------------------------------


def _shipment(piece: Mapping[str, Any], at: str, places: PlaceIndex) -> ParsedShipment:
    number = _str(piece, "mailPieceId", at)
    if not number:
        raise _rejected(f"{at}/mailPieceId", "mail piece without an id")
    summary = _object(piece.get("summary") or {}, f"{at}/summary")
    declared_origin = places.country_code(_str(summary, "originCountryCode", f"{at}/summary"))
    declared_destination = places.country_code(_str(summary, "destinationCountryCode", f"{at}/summary"))
    origin = declared_origin or HOME
    destination = declared_destination or origin
    # Only what the summary declares decides domestic: the fills above are for locating events.
    route = Route(declared_origin, declared_destination, countries=())
    if "events" in piece:
        raw = piece["events"]
        if not isinstance(raw, list):
            raise _rejected(f"{at}/events", "expected an array")
        scans = [(_object(e, f"{at}/events/{i}"), f"{at}/events/{i}") for i, e in enumerate(raw)]
    elif "lastEventDateTime" in summary:  # a summary answer: its latest event only
        last = {k[4].lower() + k[5:]: v for k, v in summary.items() if k.startswith("lastEvent")}
        scans = [(last, f"{at}/summary")]
    else:
        scans = []
    sides = {"origin": origin, "destination": destination}
    read = [
        _plain_scan(raw_event, i, sides, route, places) or _scan(raw_event, where, i, sides, route, places)
        for i, (raw_event, where) in enumerate(scans)
    ]
    # Royal Mail lists newest first: reverse, then a stable sort keeps same-instant events in order.
    ordered = sorted(reversed(read), key=lambda s: s.at)
    events = tuple(to_event(CARRIER, number, scan, as_milestone(scan.kind)) for scan in ordered)
    return ParsedShipment(tracking_number=number, events=events)


def _scan(
    raw: Mapping[str, Any],
    at: str,
    index: int,
    sides: Mapping[str, str],
    route: Route,
    places: PlaceIndex,
) -> Scan:
    """One event, its milestone settled already (Royal Mail's codes name the side of the border)."""
    code = _str(raw, "eventCode", at)
    name = _str(raw, "eventName", at)
    milestone, side = codes.classify(code, name)
    milestone = domestic_border(milestone, route)
    location, place = _location(_str(raw, "locationName", at), sides[side], places)
    stamp = _str(raw, "eventDateTime", at)
    if not stamp:
        raise _rejected(f"{at}/eventDateTime", "event without a time")
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        raise _rejected(f"{at}/eventDateTime", "not an ISO 8601 timestamp") from None
    if is_utc_stamp(stamp):
        resolved = resolve_time(utc=local)
    else:
        zone = place.tz if place is not None else country_zone(location.country, local)
        resolved = resolve_time(local, place_zone=zone)
    return Scan.timed(index, resolved, location, milestone, code, name or code or "")


def _plain_scan(
    raw: Mapping[str, Any], index: int, sides: Mapping[str, str], route: Route, places: PlaceIndex
) -> Scan | None:
    """:func:`_scan` for an event whose fields are strings (or absent) and whose time reads; None for
    any other, which :func:`_scan` refuses with its pointer or reads as before (numbers as digits).

    The per-event cost of a parse (issue 16): no typed accessor per field.
    """
    get = raw.get
    code, name, place_name, stamp = (
        get("eventCode"),
        get("eventName"),
        get("locationName"),
        get("eventDateTime"),
    )
    if not (
        (code is None or code.__class__ is str)
        and (name is None or name.__class__ is str)
        and (place_name is None or place_name.__class__ is str)
        and stamp.__class__ is str
    ):
        return None
    code, name, stamp = (code and code.strip()) or None, (name and name.strip()) or None, stamp.strip()
    if not stamp:
        return None
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        return None
    milestone, side = codes.classify(code, name)
    location, place = _location((place_name and place_name.strip()) or None, sides[side], places)
    if stamp.endswith(("Z", "z")):  # is_utc_stamp
        resolved = resolve_time(utc=local)
    else:
        zone = place.tz if place is not None else country_zone(location.country, local)
        resolved = resolve_time(local, place_zone=zone)
    return Scan.timed(index, resolved, location, domestic_border(milestone, route), code, name or code or "")


def _location(name: str | None, side_country: str, places: PlaceIndex) -> tuple[Location, Place | None]:
    """A country name is a country; a place is looked up in the country of the event's side of the border.

    Memoised (:data:`_LOCATIONS`): Royal Mail names the same few offices on every event.
    """
    return _LOCATIONS.get(places, (name, side_country), lambda: _read_location(name, side_country, places))


#: Locations per (location name, side country), per gazetteer (carriers._common.PlaceMemo).
_LOCATIONS: Final[PlaceMemo[tuple[Location, Place | None]]] = PlaceMemo()


def _read_location(name: str | None, side_country: str, places: PlaceIndex) -> tuple[Location, Place | None]:
    """:func:`_location`, computed (pure in its arguments, so it may be memoised)."""
    if not name:
        return Location(country=side_country), None
    named = places.country_code(name)
    if named is not None and places.resolve(name, named) is None:
        return Location(country=named), None
    base = _FACILITY.sub("", name).strip()
    place = places.resolve(base, side_country) or places.resolve(name, side_country)
    facility = name if base != name or place is None else None
    city = base if place is not None else None
    if place is None:  # "Heathrow Worldwide DC": an airport named by its name (issue 11 §1)
        airport = placetext.place_named(name, name, places, side_country)
        if airport is not None and airport.place is not None:
            city, place = airport.facility_city, airport.place
    return Location(city=city, country=side_country, facility=facility), place


# --- typed access ----------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT, strip=True, numbers=True)
_rejected, _object, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.text
