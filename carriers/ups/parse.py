"""UPS Track API v1 JSON → normalized events (pure).

Wire format (UPS OpenAPI ``Tracking.yaml``, carriers.md §4.1): ``{"trackResponse": {"shipment":
[{"inquiryNumber", "package": [{"trackingNumber", "packageAddress": [{"type": "ORIGIN" |
"DESTINATION", "address"}], "alternateTrackingNumber", "activity": [{"date": "YYYYMMDD", "time":
"HHMMSS", "gmtDate", "gmtTime", "gmtOffset", "location": {"address": {"city", "stateProvince",
"postalCode", "country", "countryCode"}, "slic"}, "status": {"type", "code", "statusCode",
"description"}}]}], "warnings": [{"code", "message"}]}]}}`` with activities newest first; or an error
body ``{"response": {"errors": [{"code", "message"}]}}``. An unknown number is an HTTP 200 whose
shipment has no package and the warning ``TW0001`` (UPS-API/api-documentation#102, #166).

What karrio gets wrong and this module gets right (carriers.md §3.4, §4.1, §7):

* karrio drops ``gmtDate`` / ``gmtTime`` / ``gmtOffset`` and labels the local ``date`` + ``time`` UTC.
  Here the UTC field wins (``carrier_utc``) and ``gmtOffset`` is kept as the reported offset; a local
  time without them is resolved through the scan's place (``location_timezone``). ``gmtTime`` comes as
  ``"20:04:35"`` in real responses and as ``"74700"`` (no leading zero) in the OpenAPI; both are read.
* ``OT`` (out for delivery) and ``OR`` (origin scan) are not ``in_transit``: the activity ``code`` is
  read before the ``type``; customs exceptions are customs milestones, not a generic hold.
* Each event keeps its ISO country; border crossings and export / import clearance are settled from
  the route (:mod:`carriers._route`: the last departure scanned in the origin country).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Final, Literal

from carriers._address import AddressReader, clean
from carriers._common import PlaceIndex
from carriers._fields import JsonFields
from carriers._route import Scan, in_order, to_events
from carriers._time import (
    ResolvedTime,
    as_utc,
    localize,
    location_zone,
    parse_gmt_offset,
    resolve_time,
)
from carriers.base import load_json
from carriers.ups import codes
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    DocumentRejected,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Handover, Location
from trace_verify.domain.places import Place

CARRIER: Final = "ups"
FORMAT: Final = "UPS Track API JSON"
#: Carrier error messages are the carrier's own words, kept short.
MAX_MESSAGE: Final = 300

_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_CLOCK = re.compile(r"(\d{1,2}):?(\d{2}):?(\d{2})", re.ASCII)
_NOT_FOUND = re.compile(r"not found|no tracking information", re.IGNORECASE)
_RATE = re.compile(r"too many requests|rate limit|quota", re.IGNORECASE)
_AUTH = re.compile(r"authenticat|authori[sz]|access license|client ?id|token", re.IGNORECASE)


def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one UPS Track API response body; raise DocumentRejected when it is not one."""
    doc = load_json(data, FORMAT)
    if not isinstance(doc, dict):
        raise _rejected("", "top level is not a JSON object")
    if "trackResponse" in doc:
        return _track_response(_object(doc["trackResponse"], "/trackResponse"), places)
    if "response" in doc:
        return ParseResult(CARRIER, errors=_error_body(_object(doc["response"], "/response")))
    raise _rejected("", "neither a trackResponse nor an error response")


# --- error bodies and warnings -----------------------------------------------------------------------


def _error_body(raw: Mapping[str, Any]) -> tuple[CarrierMessage, ...]:
    errors = _list(raw, "errors", "/response")
    if not errors:
        raise _rejected("/response/errors", "an error response without errors")
    return tuple(_message(_object(e, f"/response/errors/{i}"), f"/response/errors/{i}", None)
                 for i, e in enumerate(errors))  # fmt: skip


def _message(raw: Mapping[str, Any], at: str, number: str | None) -> CarrierMessage:
    """One UPS ``{code, message}`` as the contract's carrier error."""
    code = _str(raw, "code", at) or ""
    text = _str(raw, "message", at) or ""
    return CarrierMessage(
        code=error_code(code, text),
        tracking_number=number,
        message=(text or f"UPS error {code}".strip())[:MAX_MESSAGE],
    )


def error_code(code: str, message: str) -> CarrierErrorCode:
    """UPS's error code (table in :mod:`carriers.ups.codes`), else what its message says."""
    known = codes.ERROR_CODES.get(code.strip().upper())
    if known == "not_found" or (known is None and _NOT_FOUND.search(message)):
        return "not_found"
    if known == "rate_limited" or (known is None and _RATE.search(message)):
        return "rate_limited"
    if known == "unauthorized" or (known is None and _AUTH.search(message)):
        return "unauthorized"
    return "carrier_error"


def _track_response(raw: Mapping[str, Any], places: PlaceIndex) -> ParseResult:
    shipments: list[ParsedShipment] = []
    errors: list[CarrierMessage] = []
    for i, item in enumerate(_list(raw, "shipment", "/trackResponse")):
        at = f"/trackResponse/shipment/{i}"
        shipment = _object(item, at)
        inquiry = _number(shipment, "inquiryNumber", at)
        packages = _list(shipment, "package", at) if shipment.get("package") is not None else []
        if packages:
            shipments += [
                _package(_object(p, f"{at}/package/{j}"), f"{at}/package/{j}", inquiry, places)
                for j, p in enumerate(packages)
            ]
            continue
        warnings = _list(shipment, "warnings", at) if shipment.get("warnings") is not None else []
        errors += [_message(_object(w, f"{at}/warnings/{j}"), f"{at}/warnings/{j}", inquiry)
                   for j, w in enumerate(warnings)]  # fmt: skip
    return ParseResult(CARRIER, shipments=tuple(shipments), errors=tuple(errors))


# --- packages ------------------------------------------------------------------------------------------


def _package(raw: Mapping[str, Any], at: str, inquiry: str | None, places: PlaceIndex) -> ParsedShipment:
    number = _number(raw, "trackingNumber", at) or inquiry
    if number is None:
        raise _rejected(f"{at}/trackingNumber", "package has no tracking number")
    origin, destination = _route_countries(raw, at, places)
    activities = _list(raw, "activity", at) if raw.get("activity") is not None else []
    read = []
    for i, a in enumerate(activities):
        scan = _plain_scan(a, i, places)
        if scan is None:  # something to refuse or to read tolerantly: the checked reader decides
            scan = _scan(_object(a, f"{at}/activity/{i}"), i, f"{at}/activity/{i}", places)
        read.append(scan)
    scans = in_order(read, [s.at for s in read])
    handover_at, handover = _handover(raw, at, scans)
    events = to_events(
        CARRIER, number, scans, origin, destination, handover=handover, handover_at=handover_at
    )
    return ParsedShipment(tracking_number=number, events=events)


def _route_countries(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> tuple[str | None, str | None]:
    """Countries of the ``ORIGIN`` and ``DESTINATION`` package addresses."""
    found: dict[str, str | None] = {}
    items = _list(raw, "packageAddress", at) if raw.get("packageAddress") is not None else []
    for i, item in enumerate(items):
        entry = _object(item, f"{at}/packageAddress/{i}")
        kind = (_str(entry, "type", f"{at}/packageAddress/{i}") or "").upper()
        address = _object(entry.get("address") or {}, f"{at}/packageAddress/{i}/address")
        found.setdefault(kind, _country(address, f"{at}/packageAddress/{i}/address", places))
    return found.get("ORIGIN"), found.get("DESTINATION")


def _scan(raw: Mapping[str, Any], index: int, at: str, places: PlaceIndex) -> Scan:
    where = f"{at}/status"
    status = _object(raw.get("status") or {}, where)
    status_type, code, status_code = (
        _str(status, "type", where),
        _str(status, "code", where),
        _str(status, "statusCode", where),
    )
    description = (_str(status, "description", where) or "").strip()
    simplified = (_str(status, "simplifiedTextDescription", where) or "").strip()
    location, place = _location(raw.get("location"), f"{at}/location", places)
    return Scan.timed(
        index,
        _time(raw, at, location, place),
        location,
        codes.classify(status_type, code, status_code),
        code or status_code,
        description or simplified or code or "",
    )


def _plain_scan(raw: object, index: int, places: PlaceIndex) -> Scan | None:
    """:func:`_scan` for an activity whose fields all have their documented types; None for any other.

    The per-event cost of a parse (issue 16): fields are read once, without building a JSON pointer
    for an error that will not happen or calling a typed accessor per field. An activity this declines
    goes through :func:`_scan`, which refuses it with the pointer or reads it as before.
    """
    if raw.__class__ is not dict:
        return None
    get = raw.get
    status = get("status") or {}
    if status.__class__ is not dict:
        return None
    texts = tuple(map(status.get, _STATUS_KEYS)) + tuple(map(get, _TIME_KEYS))
    if not all(map(_TEXT_OR_NULL.__contains__, map(type, texts))):
        return None
    status_type, code, status_code, description, simplified, date, clock, gmt_date, gmt_time, offset = texts
    value = get("location")
    if value is None:
        location, place = _NOWHERE, None
    else:
        address = value.get("address") or {} if value.__class__ is dict else None
        if address.__class__ is not dict:
            return None
        try:
            location, place = _ADDRESS.location(address, "", places)
        except DocumentRejected:  # a field of the wrong type: the checked reader names it
            return None
    local, utc = _plain_wall(date, clock), _plain_wall(gmt_date, gmt_time)
    if local is False or utc is False or (local is None and utc is None):
        return None
    try:
        zone = parse_gmt_offset(offset)
    except ValueError:
        return None
    return Scan.timed(
        index,
        _resolved(local, utc, zone, location, place),
        location,
        codes.classify(status_type, code, status_code),
        code or status_code,
        (description or "").strip() or (simplified or "").strip() or code or "",
    )


def _plain_wall(date_text: str | None, clock_text: str | None) -> datetime | Literal[False] | None:
    """:func:`_wall` without the pointer: None when both are absent, False for what it would refuse."""
    if not date_text and not clock_text:
        return None
    day_text, clock = (date_text or "").strip(), (clock_text or "").strip()
    if len(day_text) == 8 and len(clock) == 6 and (day_text + clock).isdigit() and clock.isascii():
        try:  # YYYYMMDD and HHMMSS, the form UPS sends: ISO 8601's basic format, read in C
            return datetime.fromisoformat(f"{day_text}T{clock}")
        except ValueError:
            return False
    date_match = _DATE.fullmatch(day_text)
    clock_match = _CLOCK.fullmatch(clock)
    if date_match is None or clock_match is None:
        return False
    year, month, day = date_match.groups()
    hour, minute, second = clock_match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return False


#: ``status`` fields, then the activity's time fields, in the order :func:`_plain_scan` reads them.
_STATUS_KEYS: Final = ("type", "code", "statusCode", "description", "simplifiedTextDescription")
_TIME_KEYS: Final = ("date", "time", "gmtDate", "gmtTime", "gmtOffset")
#: JSON value types a plain field holds.
_TEXT_OR_NULL: Final = frozenset({str, type(None)})
#: An activity without a location.
_NOWHERE: Final = Location()


# --- time ----------------------------------------------------------------------------------------------


def _time(raw: Mapping[str, Any], at: str, location: Location, place: Place | None) -> ResolvedTime:
    """UTC field > local time with ``gmtOffset`` > local time at the scan's place (module docstring)."""
    local = _wall(raw, "date", "time", at)
    utc = _wall(raw, "gmtDate", "gmtTime", at)
    offset = _offset(raw, at)
    if local is None and utc is None:
        raise _rejected(at, "activity has neither date and time nor gmtDate and gmtTime")
    return _resolved(local, utc, offset, location, place)


def _resolved(
    local: datetime | None,
    utc: datetime | None,
    offset: timezone | None,
    location: Location,
    place: Place | None,
) -> ResolvedTime:
    """The instant from the walls read (at least one given) and the offset (module docstring)."""
    if utc is not None:
        reported = localize(local, offset) if local and offset else None
        if reported is None and offset is not None:
            reported = as_utc(utc).astimezone(offset)
        return resolve_time(reported, utc=utc)
    assert local is not None
    if offset is not None:
        return resolve_time(localize(local, offset))
    zone = place.tz if place is not None else location_zone(location, local)
    return resolve_time(local, place_zone=zone)


def _wall(raw: Mapping[str, Any], date_key: str, clock_key: str, at: str) -> datetime | None:
    """``"20240202"`` + ``"120435"`` / ``"12:04:35"`` / ``"74700"`` as a naive datetime."""
    date_text, clock_text = _str(raw, date_key, at), _str(raw, clock_key, at)
    if not date_text and not clock_text:
        return None
    date_match = _DATE.fullmatch((date_text or "").strip())
    clock_match = _CLOCK.fullmatch((clock_text or "").strip())
    if date_match is None or clock_match is None:
        raise _rejected(f"{at}/{date_key}", f"{date_key} and {clock_key} are not YYYYMMDD and HHMMSS")
    try:
        year, month, day = date_match.groups()
        hour, minute, second = clock_match.groups()
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        raise _rejected(f"{at}/{date_key}", "not a calendar date and clock time") from None


def _offset(raw: Mapping[str, Any], at: str) -> timezone | None:
    """``gmtOffset`` (``"-05:00"``) as a fixed offset, bounded by the contract's ±14:00."""
    try:
        return parse_gmt_offset(_str(raw, "gmtOffset", at))
    except ValueError as exc:
        raise _rejected(f"{at}/gmtOffset", str(exc)) from None


# --- places --------------------------------------------------------------------------------------------


def _location(value: Any, at: str, places: PlaceIndex) -> tuple[Location, Place | None]:
    """A UPS ``location.address`` → Location and the resolved place (for its zone), if any."""
    if value is None:
        return Location(), None
    where = f"{at}/address"
    address = _object(_object(value, at).get("address") or {}, where)
    return _ADDRESS.location(address, where, places)


# --- the next leg --------------------------------------------------------------------------------------


def _handover(raw: Mapping[str, Any], at: str, scans: Sequence[Scan]) -> tuple[int | None, Handover | None]:
    """A USPS number in ``alternateTrackingNumber`` (UPS SurePost / Mail Innovations) names the next leg.

    It goes on the latest event that speaks of the post office or delivery partner, else the latest.
    """
    items = (
        _list(raw, "alternateTrackingNumber", at) if raw.get("alternateTrackingNumber") is not None else []
    )
    for i, item in enumerate(items):
        entry = _object(item, f"{at}/alternateTrackingNumber/{i}")
        carrier = codes.handover_carrier(_str(entry, "type", f"{at}/alternateTrackingNumber/{i}"))
        number = clean(_str(entry, "number", f"{at}/alternateTrackingNumber/{i}"))
        if carrier and number and scans:
            named = [j for j, s in enumerate(scans) if codes.HANDOVER_TEXT.search(s.description)]
            return (named[-1] if named else len(scans) - 1), Handover(tracking_number=number, carrier=carrier)
    return None, None


# --- typed access --------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT)
_rejected, _object, _list, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array, _FIELDS.text

#: UPS's names for the address fields a Location is read from (carriers._address).
_ADDRESS: Final = AddressReader(
    _FIELDS, city="city", region="stateProvince", postal="postalCode", countries=("countryCode", "country")
)
_country = _ADDRESS.country


def _number(parent: Mapping[str, Any], key: str, at: str) -> str | None:
    """A tracking number: a non-empty string, trimmed."""
    return clean(_str(parent, key, at))
