"""AfterShip tracking API answers and webhook bodies → normalized events (pure).

Wire format (AfterShip tracking API; carriers.md §6.1; the official ``AfterShip/aftership-sdk-java``
``Checkpoint`` model): ``{"meta": {"code", "message", "type"}, "data": …}`` where ``data`` is
``{"tracking": {…}}`` (API v4 to 2023), the tracking itself (2024-04 and later) or ``{"trackings": […]}``
(list); a webhook body is ``{"event": "tracking_update", "event_id", "msg": {tracking}, "ts"}``. A
tracking has ``tracking_number``, ``slug``, ``origin_country_iso3`` / ``origin_country_region``,
``destination_country_iso3`` / ``destination_country_region``, ``last_mile {tracking_number, slug}``
and ``checkpoints[]``: ``{"slug", "checkpoint_time", "city", "state", "zip", "country_iso3" |
"country_region", "country_name" | "country_region_name", "location", "message", "tag", "subtag",
"subtag_message", "raw_tag"}``, oldest first. An error is ``meta.code`` ≥ 400 (4004 "Tracking does not
exist.").

``checkpoint_time`` is the carrier's local time, "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" or with an offset
(SDK documentation): with an offset it is ``carrier_offset``; without, the place's zone
(``location_timezone``) when the city or the country fixes one, else ``assumed_utc``. Each checkpoint
keeps the slug of the courier that scanned it as ``operator``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from carriers import _wording as wording
from carriers._common import PlaceIndex, status_error
from carriers._dropped import EventDropped, each_event, keeps_warnings
from carriers._fields import JsonFields
from carriers._route import Route, Scan, as_milestone, departure_index, events_of, settle_reported, steps
from carriers._time import ResolvedTime, is_utc_stamp, location_zone, parse_timestamp, resolve_time
from carriers.aftership import codes
from carriers.base import load_json
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    ParsedShipment,
    ParseResult,
)
from trace_verify.domain.model import Handover, Location, Milestone

CARRIER: Final = "aftership"
FORMAT: Final = "AfterShip tracking JSON"
MAX_MESSAGE: Final = 300


@keeps_warnings
def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse an API answer, an API error or a webhook body; raise DocumentRejected for anything else."""
    doc = _object(load_json(data, FORMAT), "")
    if "msg" in doc and "event" in doc:
        return ParseResult(CARRIER, shipments=(_tracking(_object(doc["msg"], "/msg"), "/msg", places),))
    if "meta" in doc:
        return _answer(doc, places)
    raise _rejected("", "neither an API answer nor a webhook body")


def _answer(doc: Mapping[str, Any], places: PlaceIndex) -> ParseResult:
    meta = _object(doc["meta"], "/meta")
    code = meta.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        raise _rejected("/meta/code", "expected an integer")
    if code >= 400:
        message = _str(meta, "message", "/meta") or f"AfterShip answered meta code {code}"
        return ParseResult(CARRIER, errors=(CarrierMessage(_error_code(code), None, message[:MAX_MESSAGE]),))
    data = _object(doc.get("data"), "/data")
    if "tracking" in data:
        trackings = [(data["tracking"], "/data/tracking")]
    elif "trackings" in data:
        trackings = [(t, f"/data/trackings/{i}") for i, t in enumerate(_list(data, "trackings", "/data"))]
    elif "tracking_number" in data:
        trackings = [(data, "/data")]
    else:
        raise _rejected("/data", "no tracking in the answer")
    return ParseResult(CARRIER, tuple(_tracking(_object(t, at), at, places) for t, at in trackings))


def _error_code(code: int) -> CarrierErrorCode:
    """AfterShip ``meta.code``: 4004 / 404 not found, 401 / 403 refused key, 429 rate limited."""
    return "not_found" if code == 4004 else status_error(code)


# --- one tracking -------------------------------------------------------------------------------------


def _tracking(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> ParsedShipment:
    number = _str(raw, "tracking_number", at)
    if not number:
        raise _rejected(f"{at}/tracking_number", "tracking has no number")
    slug = _str(raw, "slug", at)
    items = _list(raw, "checkpoints", at)
    scans = each_event(
        items,
        lambda i, c: _scan(_object(c, f"{at}/checkpoints/{i}"), f"{at}/checkpoints/{i}", i, slug, places),
        "checkpoint",
    )
    scans.sort(key=lambda s: (s.at, s.index))
    route_steps = steps(scans)
    route = Route.of(
        route_steps, _country(raw, "origin", at, places), _country(raw, "destination", at, places)
    )
    departed_at = departure_index(route, [s.kind for s in route_steps])
    handover, handover_at = _handover(raw, at, number, scans)
    milestones = [_milestone(scan, i, route, departed_at) for i, scan in enumerate(scans)]
    return ParsedShipment(number, events_of(CARRIER, number, scans, milestones, handover, handover_at))


def _country(raw: Mapping[str, Any], end: str, at: str, places: PlaceIndex) -> str | None:
    """``origin_country_region`` (2024 and later) or ``origin_country_iso3`` (earlier) → alpha-2."""
    text = _str(raw, f"{end}_country_region", at) or _str(raw, f"{end}_country_iso3", at)
    return places.country_code(text) if text else None


def _scan(raw: Mapping[str, Any], at: str, index: int, slug: str | None, places: PlaceIndex) -> Scan:
    location, zone = _location(raw, at, places)
    tag, subtag = _str(raw, "tag", at), _str(raw, "subtag", at)
    message = _str(raw, "message", at) or _str(raw, "subtag_message", at) or ""
    return Scan.timed(
        index,
        _time(raw, at, location, zone),
        location,
        _worded(codes.kind(tag, subtag), message),
        subtag or tag,
        message,
        operator=_str(raw, "slug", at) or slug,
    )


def _worded(kind: codes.Kind, message: str) -> codes.Kind:
    """A generic kind (InTransit, InTransit_001, none) refined by the carrier's own border wording, which
    AfterShip passes through (Chinese, Japanese, Korean postal texts); a departure stays a ``departed``
    kind so that the route still picks the border one."""
    if kind not in ("in_transit", "unknown"):
        return kind
    worded = wording.border_milestone(message)
    if worded is None:
        return kind
    return "departed" if worded == "departed_origin" else worded


def _time(raw: Mapping[str, Any], at: str, location: Location, zone: str | None) -> ResolvedTime:
    stamp = _str(raw, "checkpoint_time", at)
    if not stamp:
        raise EventDropped(f"{at}/checkpoint_time", "checkpoint has no time")
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        raise _rejected(f"{at}/checkpoint_time", "not an ISO 8601 time") from None
    if local.tzinfo is not None:
        return resolve_time(utc=local) if is_utc_stamp(stamp) else resolve_time(local)
    return resolve_time(local, place_zone=zone or location_zone(location, local))


def _location(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> tuple[Location, str | None]:
    """City, state, zip and the alpha-3 (or region) code; the country name when no code is given."""
    code = _str(raw, "country_region", at) or _str(raw, "country_iso3", at)
    name = _str(raw, "country_region_name", at) or _str(raw, "country_name", at)
    country = places.country_code(code) if code else places.country_code(name)
    city, region = _str(raw, "city", at), _str(raw, "state", at)
    facility = None
    if city is None:
        text = _str(raw, "location", at)
        place = places.resolve(text, country) if text else None
        city, facility = (text, None) if place else (None, text)
    place = places.resolve(city, country, region) if city else None
    if country is None and place is not None:
        country = place.country
    location = Location(
        city=city, region=region, postal_code=_str(raw, "zip", at), country=country, facility=facility
    )
    return location, place.tz if place else None


# --- route, milestones, hand-over -------------------------------------------------------------------


def _milestone(scan: Scan, i: int, route: Route, departed_at: int | None) -> Milestone:
    """Only the border departure (:func:`carriers._route.departure_index`) is ``departed_origin``; the
    rest is settled by side (:func:`carriers._route.settle_reported`): clearance outside the destination
    is export."""
    if scan.kind == "departed":
        return "departed_origin" if i == departed_at else "in_transit"
    return settle_reported(as_milestone(scan.kind), scan.location.country, route)


def _handover(
    raw: Mapping[str, Any], at: str, number: str, scans: Sequence[Scan]
) -> tuple[Handover | None, int | None]:
    """``last_mile`` names the next leg: it hangs on the last checkpoint before the last-mile courier's."""
    if raw.get("last_mile") is None or not scans:
        return None, None
    last_mile = _object(raw["last_mile"], f"{at}/last_mile")
    next_number = _str(last_mile, "tracking_number", f"{at}/last_mile")
    next_slug = _str(last_mile, "slug", f"{at}/last_mile")
    if not next_number or next_number == number:
        return None, None
    first_leg = [i for i, s in enumerate(scans) if s.operator != next_slug] if next_slug else []
    at_index = first_leg[-1] if first_leg else len(scans) - 1
    return Handover(next_number, codes.SLUG_ADAPTERS.get(next_slug or "")), at_index


# --- typed access -------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT, strip=True, empty_lists=True)
_rejected, _object, _list, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array, _FIELDS.text
