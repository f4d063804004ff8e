"""DHL Shipment Tracking – Unified JSON → normalized events (pure).

Wire format (OpenAPI 1.3.1, carriers.md §4.3): ``{"shipments": [{"id", "service", "origin",
"destination", "status", "details": {"references"…}, "events": [{"timestamp", "location":
{"address": {"addressLocality", "countryCode", "postalCode"}}, "statusCode", "status",
"description", "remark", "nextSteps"}]}]}``, events newest first; or an RFC 7807 problem body
``{"status", "title", "detail", "instance"…}``.

What karrio gets wrong and this module gets right (carriers.md §3.4, §4.3, §7):

* DHL's timestamps carry no offset (``2026-03-01T18:20:00``): they are wall time at the scan's
  place, resolved through the place's zone (``location_timezone``), not labelled UTC. A timestamp
  that does carry ``Z`` or an offset is used as given.
* The country comes from ``countryCode`` (``addressCountryCode`` is accepted too) or from the
  "CITY - COUNTRY NAME" locality (``SHANGHAI - CHINA MAINLAND`` → CN), never dropped.
* Customs, border crossings and handovers are events of their own.
* A problem body with extra members (RFC 7807 ``type``, extensions) is still an error body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Final

from carriers._common import PlaceIndex, PlaceMemo, status_error
from carriers._fields import JsonFields
from carriers._route import Kind, Scan, in_order, to_events
from carriers._time import ResolvedTime, is_utc_stamp, location_zone, parse_timestamp, resolve_time
from carriers.base import load_json
from carriers.dhl import codes
from trace_verify.domain.documents import (
    CarrierMessage,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Handover, Location
from trace_verify.domain.places import Place

CARRIER: Final = "dhl"
FORMAT: Final = "DHL Unified JSON"
#: Carrier error messages are the carrier's own words, kept short.
MAX_MESSAGE: Final = 300

_REGION_SUFFIX = re.compile(r"^(?P<base>.+?),\s*(?P<region>[A-Z]{2,3})$")
_SERVICE_AREA_SUFFIX = re.compile(
    r"\s*(?:&\s*SURROUNDING AREA|CITY GATEWAY|GATEWAY|HUB|SERVICE AREA)$", re.IGNORECASE
)
_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_INSTANCE_NUMBER = re.compile(r"^/shipments?/(?P<number>[A-Za-z0-9-]{4,40})$")


def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one DHL Unified response body; raise DocumentRejected when it is not one."""
    doc = load_json(data, FORMAT)
    if not isinstance(doc, dict):
        raise _rejected("", "top level is not a JSON object")
    if "shipments" in doc:
        shipments = _list(doc, "shipments", "")
        return ParseResult(
            CARRIER,
            shipments=tuple(
                _shipment(_object(raw, f"/shipments/{i}"), f"/shipments/{i}", places)
                for i, raw in enumerate(shipments)
            ),
        )
    if any(key in doc for key in ("status", "title", "detail")):
        return ParseResult(CARRIER, errors=(_problem(doc),))
    raise _rejected("", "neither a shipments document nor a problem detail")


# --- error bodies ----------------------------------------------------------------------------------


def _problem(doc: Mapping[str, Any]) -> CarrierMessage:
    """An RFC 7807 problem body: code from ``status``; members beyond the known ones are ignored."""
    status = doc.get("status")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or status < 400):
        raise _rejected("/status", "problem status is not an HTTP error status")
    title = _str(doc, "title", "")
    detail = _str(doc, "detail", "")
    instance = _str(doc, "instance", "")
    match = _INSTANCE_NUMBER.match(instance or "")
    message = detail or title or f"DHL answered HTTP {status}"
    return CarrierMessage(
        code=status_error(status),
        tracking_number=match["number"] if match else None,
        message=message[:MAX_MESSAGE],
    )


# --- shipments ---------------------------------------------------------------------------------------


def _shipment(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> ParsedShipment:
    number = _FIELDS.tracking_number(raw, "id", at)  # a string in the OpenAPI, a number in DHL's example
    origin = _route_country(raw, "origin", at, places)
    destination = _route_country(raw, "destination", at, places)
    raw_events = _list(raw, "events", at) if "events" in raw else []
    if raw_events:
        seen: dict[tuple[object, ...], tuple[Location, str | None]] = {}
        scans = []
        for i, e in enumerate(raw_events):
            scan = _plain_scan(e, i, places, raw, seen)
            if scan is None:  # something to refuse or to read tolerantly: the checked reader decides
                scan = _scan(_object(e, f"{at}/events/{i}"), i, f"{at}/events/{i}", places, raw)
            scans.append(scan)
    elif isinstance(raw.get("status"), dict) and "timestamp" in raw["status"]:
        scans = [_scan(raw["status"], 0, f"{at}/status", places, raw)]
    else:
        scans = []
    ordered = in_order(scans, [s.at for s in scans])
    handover = _handover_number(raw, at)
    handover_at = _handover_index(ordered, handover)
    events = to_events(
        CARRIER,
        number,
        ordered,
        origin,
        destination,
        handover=_handover(ordered[handover_at], handover) if handover_at is not None else None,
        handover_at=handover_at,
    )
    return ParsedShipment(tracking_number=number, events=events)


def _route_country(raw: Mapping[str, Any], key: str, at: str, places: PlaceIndex) -> str | None:
    place = raw.get(key)
    if place is None:
        return None
    return _location(_object(place, f"{at}/{key}"), f"{at}/{key}", places)[0].country


def _scan(
    raw: Mapping[str, Any], index: int, at: str, places: PlaceIndex, shipment: Mapping[str, Any]
) -> Scan:
    stamp = _str(raw, "timestamp", at)
    if stamp is None:
        raise _rejected(f"{at}/timestamp", "event has no timestamp")
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        raise _rejected(f"{at}/timestamp", "not an ISO 8601 timestamp") from None
    location, zone = _event_place(raw, at, places, shipment)
    resolved = _resolved(stamp, local, location, zone)
    status_code = _str(raw, "statusCode", at)
    description, status, remark = (_str(raw, k, at) for k in ("description", "status", "remark"))
    return _built(
        index, resolved, location, status_code, description, status, remark, _str(raw, "nextSteps", at)
    )


def _resolved(stamp: str, local: datetime, location: Location, zone: str | None) -> ResolvedTime:
    """The instant: a ``Z`` stamp is UTC, else the wall time at the place's zone (or its country's)."""
    if zone is None and local.tzinfo is None:
        zone = location_zone(location, local)
    return resolve_time(utc=local) if is_utc_stamp(stamp) else resolve_time(local, place_zone=zone)


def _built(
    index: int,
    resolved: ResolvedTime,
    location: Location,
    status_code: str | None,
    description: str | None,
    status: str | None,
    remark: str | None,
    next_steps: str | None,
) -> Scan:
    """The Scan of an event whose fields are read (by :func:`_scan` or :func:`_plain_scan`)."""
    kind = _kind(description, status, remark, status_code)
    return Scan(
        index,
        resolved.occurred_at,
        resolved.time_basis,
        resolved.local_offset_minutes,
        location,
        _route_kind(kind),
        status_code,
        description or status or status_code or "",
        None,
        None,
        None,
        kind == "handed_over",
        tuple([t for t in (description, status, remark, next_steps) if t]),
    )


def _plain_scan(
    raw: object,
    index: int,
    places: PlaceIndex,
    shipment: Mapping[str, Any],
    seen: dict[tuple[object, ...], tuple[Location, str | None]],
) -> Scan | None:
    """:func:`_scan` for an event whose fields all have their documented types; None for any other.

    The per-event cost of a parse (issue 16): fields are read once, without building a JSON pointer
    for an error that will not happen, and the place is resolved once per distinct address in the
    document (``seen``). An event this declines goes through :func:`_scan`, which refuses it with the
    pointer or reads it as before, so outputs and errors are the same.
    """
    if raw.__class__ is not dict:
        return None
    get = raw.get
    stamp, status_code, description = get("timestamp"), get("statusCode"), get("description")
    status, remark, next_steps = get("status"), get("remark"), get("nextSteps")
    if stamp.__class__ is not str or not (
        (status_code is None or status_code.__class__ is str)
        and (description is None or description.__class__ is str)
        and (status is None or status.__class__ is str)
        and (remark is None or remark.__class__ is str)
        and (next_steps is None or next_steps.__class__ is str)
    ):
        return None
    where = _plain_place(get("location"), places, shipment, seen)
    if where is None:
        return None
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        return None
    location, zone = where
    resolved = _resolved(stamp, local, location, zone)
    return _built(index, resolved, location, status_code, description, status, remark, next_steps)


def _plain_place(
    raw: object,
    places: PlaceIndex,
    shipment: Mapping[str, Any],
    seen: dict[tuple[object, ...], tuple[Location, str | None]],
) -> tuple[Location, str | None] | None:
    """:func:`_event_place` for a location whose address fields are strings (or absent), once per
    distinct address in the document; None for any other (the checked reader decides)."""
    if raw is None:
        return _NOWHERE, None
    if raw.__class__ is not dict:
        return None
    address = raw.get("address") or {}
    if address.__class__ is not dict:
        return None
    locality, code = address.get("addressLocality"), address.get("countryCode")
    other_code, postal = address.get("addressCountryCode"), address.get("postalCode")
    if not (
        (locality is None or locality.__class__ is str)
        and (code is None or code.__class__ is str)
        and (other_code is None or other_code.__class__ is str)
        and (postal is None or postal.__class__ is str)
    ):
        return None
    key = (locality, code or other_code, postal)
    found = seen.get(key)
    if found is None:
        found = seen[key] = _event_place({"location": raw}, "", places, shipment)
    return found


#: An event without a location.
_NOWHERE: Final = Location()


@lru_cache(maxsize=4096)
def _kind(
    description: str | None, status: str | None, remark: str | None, status_code: str | None
) -> codes.Kind:
    """What the event means: its own words first, ``statusCode`` where the words are generic.

    A remark only refines a generic hold or customs event ("Shipment on hold" + "pending completion
    of customs inspection" is a customs hold); an unknown code with unknown words is ``unknown``.
    """
    kind = codes.classify_text(description) or codes.classify_text(status)
    refined = codes.classify_text(remark)
    if kind == "on_hold":
        kind = "customs_held" if refined in ("customs_held", "customs_processing") else "in_transit"
    elif kind == "customs_processing" and refined == "customs_held":
        kind = "customs_held"
    from_code = codes.STATUS_CODES.get(status_code or "")
    if kind is not None and kind != "in_transit":
        return kind
    if from_code is not None and from_code not in ("in_transit", "unknown"):
        return from_code
    return kind or from_code or "unknown"


# --- places ------------------------------------------------------------------------------------------


def _event_place(
    raw: Mapping[str, Any], at: str, places: PlaceIndex, shipment: Mapping[str, Any]
) -> tuple[Location, str | None]:
    """The event's Location and zone; a locality without a country borrows the route's (see below)."""
    if raw.get("location") is None:
        return Location(), None
    location, zone = _location(_object(raw["location"], f"{at}/location"), f"{at}/location", places)
    if location.country is None:
        location = _country_from_route(location, shipment, places)
        place = places.resolve(location.city, location.country) if location.country else None
        zone = place.tz if place else None
    return location, zone


def _location(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> tuple[Location, str | None]:
    """A DHL place → Location and the place's IANA zone (None when the place is not known)."""
    where = f"{at}/address"
    address = _object(raw.get("address") or {}, where)
    locality = _str(address, "addressLocality", where)
    code = _str(address, "countryCode", where) or _str(address, "addressCountryCode", where)
    postal = _str(address, "postalCode", where)
    return _LOCATIONS.get(places, (locality, code, postal), lambda: _place(locality, code, postal, places))


#: DHL names the same facilities on every event: their Locations, memoised (carriers._common.PlaceMemo).
_LOCATIONS: Final[PlaceMemo[tuple[Location, str | None]]] = PlaceMemo()


def _place(
    locality: str | None, code: str | None, postal: str | None, places: PlaceIndex
) -> tuple[Location, str | None]:
    """Location and zone from the address texts alone (pure, so :data:`_LOCATIONS` may keep it)."""
    parts, country_name = _split_locality(locality or "", places)
    country = places.country_code(code) if code else None
    country = country if country and _ALPHA2.match(country) else places.country_code(country_name)
    city, region, facility, place = _city(parts, country, places)
    if country is None and place is not None:
        country = place.country
    location = Location(city=city, region=region, postal_code=postal, country=country, facility=facility)
    return location, place.tz if place else None


def _split_locality(locality: str, places: PlaceIndex) -> tuple[list[str], str | None]:
    """``"NEW YORK CITY GATEWAY, NY - USA"`` → (["NEW YORK CITY GATEWAY, NY"], "USA").

    In DHL's " - " form the last part is the country name. Express origins repeat or add a city part
    (``"OSAKA - OSAKA - JAPAN"``, ``"SOUTHERN ALBERTA, AB - CALGARY - CANADA"``); repeats are
    dropped. A single part is a place (``"CALGARY"``), or a country when the gazetteer knows it as
    one and not as a place (``"Germany"``, but not ``"SINGAPORE"``).
    """
    parts: list[str] = []
    for part in (p.strip() for p in locality.split(" - ")):
        if part and part not in parts:
            parts.append(part)
    if len(parts) > 1:
        return parts[:-1], parts[-1]
    country = places.country_code(parts[0]) if parts else None
    if country and places.resolve(parts[0], country) is None:
        return [], parts[0]
    return parts, None


def _city(
    parts: Sequence[str], country: str | None, places: PlaceIndex
) -> tuple[str | None, str | None, str | None, Place | None]:
    """City, region, facility and resolved place from the locality's place parts.

    Each part is tried as written, then without DHL's service-area suffixes ("& SURROUNDING AREA",
    "GATEWAY", "HUB"); the first name the gazetteer resolves is the city (else the first part,
    suffixes removed). The service-area text is kept as ``facility`` when it is more than the city.
    """
    bases, region = [], None
    for part in parts:
        base, part_region = _split_region(part)
        bases.append(base)
        region = region or part_region
    candidates: list[str] = []
    for base in bases:
        for name in (base, _strip_service_area(base)):
            if name not in candidates:
                candidates.append(name)
    place = None
    city = _strip_service_area(bases[0]) if bases else None
    for candidate in candidates:
        place = places.resolve(candidate, country, region)
        if place is not None:
            city = candidate
            break
    service_area = " - ".join(bases) or None
    return city, region, service_area if service_area != city else None, place


def _split_region(part: str) -> tuple[str, str | None]:
    """``"CINCINNATI HUB, OH"`` → ("CINCINNATI HUB", "OH"); ``"Oderweg 2, AMSTERDAM"`` → ("AMSTERDAM", None).

    The second form is OpenAPI's own example of a street before the city.
    """
    match = _REGION_SUFFIX.match(part)
    if match:
        return match["base"], match["region"]
    if "," in part:
        return part.rsplit(",", 1)[1].strip(), None
    return part, None


def _strip_service_area(name: str) -> str:
    return _SERVICE_AREA_SUFFIX.sub("", name).strip() or name


def _country_from_route(location: Location, shipment: Mapping[str, Any], places: PlaceIndex) -> Location:
    """A bare ``"CALGARY"`` takes the country of the shipment's origin or destination that names it."""
    if location.country is not None or location.city is None:
        return location
    for key in ("destination", "origin"):
        parts, country_name = _split_locality(_locality(shipment.get(key)), places)
        names = {_strip_service_area(_split_region(p)[0]).casefold() for p in parts}
        if country_name and location.city.casefold() in names:
            return replace(location, country=places.country_code(country_name))
    return location


def _locality(place: Any) -> str:
    """``place.address.addressLocality`` when every step has the right type, else ""."""
    address = place.get("address") if isinstance(place, dict) else None
    locality = address.get("addressLocality") if isinstance(address, dict) else None
    return locality if isinstance(locality, str) else ""


# --- ordering, route and milestones ------------------------------------------------------------------


def _route_kind(kind: codes.Kind) -> Kind:
    """DHL's own kinds the route does not know (a handover, a generic hold) are movement: in transit."""
    if kind == "handed_over" or kind == "on_hold":
        return "in_transit"
    return kind


# --- the next leg ------------------------------------------------------------------------------------


def _handover_number(raw: Mapping[str, Any], at: str) -> str | None:
    """The ``local-tracking-number`` reference: the number the last-mile carrier tracks it under."""
    details = raw.get("details")
    if details is None:
        return None
    references = _object(details, f"{at}/details").get("references")
    if references is None:
        return None
    # The OpenAPI types ``references`` as an array but gives a single object as its example.
    items = references if isinstance(references, list) else [references]
    for j, item in enumerate(items):
        reference = _object(item, f"{at}/details/references/{j}")
        if reference.get("type") == codes.LOCAL_TRACKING_REFERENCE:
            number = _str(reference, "number", f"{at}/details/references/{j}")
            if number and number.strip():
                return number.strip()
    return None


def _handover_index(scans: Sequence[Scan], number: str | None) -> int | None:
    """The event that hands over (the latest such); the latest event when DHL names no handover."""
    if number is None or not scans:
        return None
    handed = [i for i, s in enumerate(scans) if s.handed_over]
    return handed[-1] if handed else len(scans) - 1


def _handover(scan: Scan, number: str | None) -> Handover | None:
    if number is None:
        return None
    carrier = next((c for c in map(codes.handover_carrier, scan.texts) if c), None)
    return Handover(tracking_number=number, carrier=carrier)


# --- typed access ------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT)
_rejected, _object, _list, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array, _FIELDS.text
