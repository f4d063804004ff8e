"""17TRACK API v2.2 answers and webhook pushes → normalized events (pure).

Wire format (API documentation v2.2, https://asset.17track.net/api/document/v2.2_en/; carriers.md §6.2):

* ``POST /track/v2.2/gettrackinfo`` answers ``{"code": 0, "data": {"accepted": [{"number", "carrier",
  "tag", "track_info": {…}}], "rejected": [{"number", "error": {"code", "message"}}]}}``; a refused
  request ``{"code": …, "data": {"errors": [{"code", "message"}]}}``;
* the webhook pushes ``{"event": "TRACKING_UPDATED", "data": {"number", "carrier", "param", "tag",
  "track_info": {…}}}`` (``TRACKING_STOPPED`` carries no ``track_info``);
* ``track_info``: ``shipping_info.{shipper_address, recipient_address}.country``, ``latest_status``,
  ``misc_info.{local_number, local_provider, local_key}`` and ``tracking.providers[]``, each
  ``{"provider": {"key", "name", "country"}, "events": [{"time_iso", "time_utc", "time_raw": {"date",
  "time", "timezone"}, "description", "location", "stage", "sub_status", "address": {"country",
  "state", "city", "postal_code"}}]}``, newest first.

``time_utc`` is a UTC field (``carrier_utc``) and ``time_iso`` the local time with its offset, kept as
``local_offset_minutes``. Each event keeps the provider that scanned it (its 17TRACK carrier key) as
``operator``. ``misc_info.local_number`` names the last-mile leg: it becomes the ``handover_to`` of the
main provider's latest event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from carriers import _placetext as placetext
from carriers import _wording as wording
from carriers._common import PlaceIndex
from carriers._dropped import EventDropped, each_event, keeps_warnings
from carriers._fields import JsonFields
from carriers._route import Route, Scan, as_milestone, events_of, settle_reported, steps
from carriers._time import ResolvedTime, is_utc_stamp, location_zone, parse_timestamp, resolve_time
from carriers.base import load_json
from carriers.seventeentrack import codes
from trace_verify.domain.documents import CarrierMessage, ParsedShipment, ParseResult
from trace_verify.domain.model import Handover, Location, Milestone

CARRIER: Final = "17track"
FORMAT: Final = "17TRACK v2.2 JSON"
MAX_MESSAGE: Final = 300


@keeps_warnings
def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse an API answer or a webhook push; raise DocumentRejected for anything else."""
    doc = _object(load_json(data, FORMAT), "")
    if "event" in doc:
        return _push(doc, places)
    if "code" in doc and "data" in doc:
        return _answer(doc, places)
    raise _rejected("", "neither an API answer nor a webhook push")


def _push(doc: Mapping[str, Any], places: PlaceIndex) -> ParseResult:
    if not isinstance(doc.get("event"), str):
        raise _rejected("/event", "expected a string")
    data = doc.get("data")
    items = data if isinstance(data, list) else [data]
    found = [_tracking(_object(item, f"/data/{i}"), f"/data/{i}", places) for i, item in enumerate(items)]
    return _result(found)


def _answer(doc: Mapping[str, Any], places: PlaceIndex) -> ParseResult:
    data = _object(doc["data"], "/data")
    found: list[ParsedShipment | CarrierMessage] = [
        _tracking(_object(item, f"/data/accepted/{i}"), f"/data/accepted/{i}", places)
        for i, item in enumerate(_list(data, "accepted", "/data"))
    ]
    found += [
        _error(_object(item, f"/data/rejected/{i}"), f"/data/rejected/{i}")
        for i, item in enumerate(_list(data, "rejected", "/data"))
    ]
    found += [
        _error({"error": item}, f"/data/errors/{i}") for i, item in enumerate(_list(data, "errors", "/data"))
    ]
    code = doc.get("code")
    if code != 0 and not found:
        found.append(CarrierMessage("carrier_error", None, f"17TRACK answered code {str(code)[:20]}"))
    return _result(found)


def _result(found: Sequence[ParsedShipment | CarrierMessage]) -> ParseResult:
    shipments = tuple(s for s in found if isinstance(s, ParsedShipment))
    errors = tuple(e for e in found if isinstance(e, CarrierMessage))
    return ParseResult(CARRIER, shipments, errors)


def _error(raw: Mapping[str, Any], at: str) -> CarrierMessage:
    error = _object(raw.get("error"), f"{at}/error")
    code = error.get("code")
    number = _str(raw, "number", at)
    message = _str(error, "message", f"{at}/error") or f"17TRACK error {str(code)[:20]}"
    known = code if isinstance(code, int) and not isinstance(code, bool) else None
    return CarrierMessage(codes.error_code(known), number, message[:MAX_MESSAGE])


# --- one tracking -------------------------------------------------------------------------------------


def _tracking(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> ParsedShipment | CarrierMessage:
    number = _str(raw, "number", at)
    if not number:
        raise _rejected(f"{at}/number", "tracking has no number")
    info = raw.get("track_info")
    if info is None:
        return ParsedShipment(number, ())
    info = _object(info, f"{at}/track_info")
    scans, main_provider = _scans(info, f"{at}/track_info", places)
    status = _object(info.get("latest_status") or {}, f"{at}/track_info/latest_status")
    if not scans and _str(status, "status", at) == "NotFound":
        return CarrierMessage("not_found", number, "17TRACK has no tracking information for this number")
    route = _route(info, f"{at}/track_info", scans, places)
    handover = _handover(info, f"{at}/track_info", number)
    handover_at = _handover_index(scans, main_provider) if handover else None
    milestones = [settle_reported(as_milestone(s.kind), s.location.country, route) for s in scans]
    return ParsedShipment(number, events_of(CARRIER, number, scans, milestones, handover, handover_at))


def _scans(info: Mapping[str, Any], at: str, places: PlaceIndex) -> tuple[list[Scan], str | None]:
    """Every provider's events, oldest first, and the first (main) provider's key."""
    tracking = _object(info.get("tracking") or {}, f"{at}/tracking")
    providers = _list(tracking, "providers", f"{at}/tracking") if "providers" in tracking else []
    scans: list[Scan] = []
    main: str | None = None
    for p, raw_provider in enumerate(providers):
        pat = f"{at}/tracking/providers/{p}"
        provider = _object(raw_provider, pat)
        key = _provider_key(_object(provider.get("provider") or {}, f"{pat}/provider"))
        main = key if p == 0 else main
        items = _list(provider, "events", pat) if provider.get("events") is not None else []
        scans += each_event(items, _event_reader(pat, len(scans), key, places), "event")
    newest_first = len(scans) > 1 and scans[0].at > scans[-1].at
    scans.sort(key=lambda s: (s.at, -s.index if newest_first else s.index))
    return scans, main


def _event_reader(pat: str, start: int, key: str | None, places: PlaceIndex) -> Callable[[int, Any], Scan]:
    """Reads the ``i``-th event of the provider at ``pat`` (its scans numbered from ``start``)."""
    return lambda i, item: _scan(
        _object(item, f"{pat}/events/{i}"), f"{pat}/events/{i}", start + i, key, places
    )


def _provider_key(provider: Mapping[str, Any]) -> str | None:
    key = provider.get("key")
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    return key.strip() or None if isinstance(key, str) else None


def _scan(raw: Mapping[str, Any], at: str, index: int, provider: str | None, places: PlaceIndex) -> Scan:
    location, zone = _location(raw, at, places)
    sub_status, stage = _str(raw, "sub_status", at), _str(raw, "stage", at)
    description = _str(raw, "description", at) or ""
    return Scan.timed(
        index,
        _time(raw, at, location, zone),
        location,
        _worded(codes.milestone(sub_status, stage), description),
        sub_status or stage,
        description,
        operator=provider,
    )


def _worded(milestone: Milestone, description: str) -> Milestone:
    """A generic milestone (``InTransit_Other``, none) refined by the carrier's own border wording."""
    if milestone not in ("in_transit", "unknown"):
        return milestone
    return wording.border_milestone(description) or milestone


def _time(raw: Mapping[str, Any], at: str, location: Location, zone: str | None) -> ResolvedTime:
    """``time_utc`` (UTC field) with ``time_iso``'s offset; else ``time_iso``; else ``time_raw``."""
    utc_text, iso_text = _str(raw, "time_utc", at), _str(raw, "time_iso", at)
    try:
        local = parse_timestamp(iso_text) if iso_text else None
        if utc_text:
            utc = parse_timestamp(utc_text)
            return resolve_time(local if local and local.tzinfo else None, utc=utc)
        if local is None:
            local = _raw_time(raw, at)
        if local.tzinfo is not None and iso_text and is_utc_stamp(iso_text):
            return resolve_time(utc=local)
    except ValueError:
        raise _rejected(f"{at}/time_iso", "not an ISO 8601 time") from None
    zone = zone or (location_zone(location, local) if local.tzinfo is None else None)
    return resolve_time(local, place_zone=zone)


def _raw_time(raw: Mapping[str, Any], at: str) -> datetime:
    """``time_raw`` {date, time, timezone}: the carrier's own words, when 17TRACK gives no ISO time."""
    if raw.get("time_raw") is None:
        raise EventDropped(f"{at}/time_utc", "event has no time")
    parts = _object(raw["time_raw"], f"{at}/time_raw")
    date, clock, zone = (_str(parts, k, f"{at}/time_raw") for k in ("date", "time", "timezone"))
    if not date:
        raise _rejected(f"{at}/time_raw/date", "event has no date")
    return parse_timestamp(f"{date} {clock or '00:00'}{zone or ''}")


def _location(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> tuple[Location, str | None]:
    """``address`` {country, state, city, postal_code}; the free-text ``location`` as the city when the
    address gives none (a country alone is common: ``{"country": "CN"}`` with ``location`` "杭州市"), read
    with :mod:`carriers._placetext`; the country the description names when nothing else gives one."""
    address = _object(raw.get("address") or {}, f"{at}/address")
    country = places.country_code(_str(address, "country", f"{at}/address"))
    city = _str(address, "city", f"{at}/address")
    region = _str(address, "state", f"{at}/address")
    postal = _str(address, "postal_code", f"{at}/address")
    facility = None
    place = None
    if city is None:  # the free-text ``location`` is the city when ``address`` names none (issue 11 §3)
        text = _str(raw, "location", at)
        named = placetext.place_named(text, text, places, country) if text else None
        if named is not None and named.place is not None:
            city, place = (named.facility_city if named.is_facility else text), named.place
            facility = text if named.is_facility else None
            country = country or named.country
        else:
            facility = text or None
    if place is None and city:
        place = places.resolve(city, country, region)
    if country is None and place is not None:
        country = place.country
    if country is None:  # "快件已完成德国出口申报": the one country the description names
        country = placetext.country_of_text(_str(raw, "description", at) or "")
    return Location(city=city, region=region, postal_code=postal, country=country, facility=facility), (
        place.tz if place else None
    )


# --- route, milestones, hand-over -------------------------------------------------------------------


def _route(info: Mapping[str, Any], at: str, scans: Sequence[Scan], places: PlaceIndex) -> Route:
    """Origin and destination countries: the shipping info's addresses, else the scans'."""
    shipping = _object(info.get("shipping_info") or {}, f"{at}/shipping_info")
    ends = []
    for key in ("shipper_address", "recipient_address"):
        address = _object(shipping.get(key) or {}, f"{at}/shipping_info/{key}")
        ends.append(places.country_code(_str(address, "country", f"{at}/shipping_info/{key}")))
    return Route.of(steps(scans), ends[0], ends[1])


def _handover(info: Mapping[str, Any], at: str, number: str) -> Handover | None:
    misc = _object(info.get("misc_info") or {}, f"{at}/misc_info")
    local = _str(misc, "local_number", f"{at}/misc_info")
    if not local or local.strip() == number:
        return None
    return Handover(local.strip(), codes.handover_carrier(_str(misc, "local_provider", f"{at}/misc_info")))


def _handover_index(scans: Sequence[Scan], main: str | None) -> int | None:
    """The main provider's latest event: where the parcel left it for the local leg."""
    indexes = [i for i, s in enumerate(scans) if s.operator == main]
    return indexes[-1] if indexes else (len(scans) - 1 if scans else None)


# --- typed access -------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT, strip=True, empty_lists=True)
_rejected, _object, _list, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array, _FIELDS.text
