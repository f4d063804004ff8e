"""USPS Tracking API v3 JSON (``GET /tracking/v3/tracking/{n}?expand=DETAIL``) → normalized events (pure).

Wire format (USPS "Package Tracking and Notification" OpenAPI 3.2.4, vendored in GitHub
``karrioapi/karrio`` ``modules/connectors/usps/karrio/providers/usps/vendor/usps-tracking.yaml``;
carriers.md §4.4): ``TrackingDetails`` ``{trackingNumber, mailType, originCountry,
destinationCountryCode, …, trackingEvents: [{eventType, eventTimestamp, GMTTimestamp, GMTOffset,
eventCountry, eventCity, eventState, eventZIP, eventCode, …}]}`` in reverse chronological order.
Live bodies send JSON ``null`` for absent strings and booleans as strings (karrio's captured body).
Errors: ``ErrorMessage`` ``{"apiVersion", "error": {"code", "message", "errors": [{status, code,
title, detail, source}]}}``; the OAuth endpoint's ``{"error": "invalid_client", "error_description"}``.

Time: ``GMTTimestamp`` (UTC, ``…Z``) wins → ``carrier_utc``, with ``GMTOffset`` kept as
``local_offset_minutes``; without it ``eventTimestamp`` + ``GMTOffset`` → ``carrier_offset``; a bare
``eventTimestamp`` → the place's zone. karrio drops ``GMTTimestamp``/``GMTOffset`` and labels the local
time UTC (carriers.md §3.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from carriers._common import PlaceIndex, status_error
from carriers._fields import JsonFields
from carriers._route import Scan, to_events
from carriers._time import localize, location_zone, parse_gmt_offset, parse_timestamp, resolve_time
from carriers.base import load_json
from carriers.usps import codes
from carriers.usps.places import resolve_usps_place
from trace_verify.domain.documents import (
    CarrierErrorCode,
    CarrierMessage,
    ParsedShipment,
    ParseResult,
)

CARRIER: Final = "usps"
FORMAT: Final = "USPS Tracking API v3 JSON"
MAX_MESSAGE: Final = 300
#: ``mailType`` values that fix the origin or destination as the United States ("DM" in live bodies).
US_ORIGIN: Final = frozenset({"INTERNATIONAL_OUTBOUND", "DOMESTIC_MAIL", "DM"})
US_DESTINATION: Final = frozenset({"INTERNATIONAL_INBOUND", "DOMESTIC_MAIL", "DM"})
#: OAuth 2.0 error codes (RFC 6749 §5.2, RFC 6750 §3.1) that mean the credentials were refused.
OAUTH_REFUSALS: Final = frozenset({"invalid_client", "invalid_token", "unauthorized_client", "invalid_grant"})


def parse_v3(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one Tracking API v3 answer; raise DocumentRejected when it is not one."""
    doc = load_json(data, FORMAT)
    if not isinstance(doc, dict):
        raise _rejected("/", "top level is not a JSON object")
    if "trackingEvents" in doc:
        return ParseResult(CARRIER, shipments=(_shipment(doc, places),))
    if "eventSummaries" in doc:
        raise _rejected("/", "a SUMMARY answer has no structured events; request expand=DETAIL")
    error = doc.get("error")
    if isinstance(error, dict):
        return ParseResult(CARRIER, errors=(_api_error(error),))
    if isinstance(error, str):
        return ParseResult(CARRIER, errors=(_oauth_error(error, doc),))
    raise _rejected("/", "neither tracking details nor a USPS error document")


# --- errors ------------------------------------------------------------------------------------------


def _api_error(error: Mapping[str, Any]) -> CarrierMessage:
    code = str(error.get("code") or "").strip()
    details = error.get("errors")
    first = details[0] if isinstance(details, list) and details and isinstance(details[0], dict) else {}
    text = _text(first.get("detail")) or _text(error.get("message")) or _text(first.get("title"))
    return CarrierMessage(status_error(code), None, (text or f"USPS error {code}")[:MAX_MESSAGE])


def _oauth_error(error: str, doc: Mapping[str, Any]) -> CarrierMessage:
    code: CarrierErrorCode = "unauthorized" if error in OAUTH_REFUSALS else "carrier_error"
    text = _text(doc.get("error_description")) or error
    return CarrierMessage(code, None, text[:MAX_MESSAGE])


# --- shipments ---------------------------------------------------------------------------------------


def _shipment(doc: Mapping[str, Any], places: PlaceIndex) -> ParsedShipment:
    number = _text(doc.get("trackingNumber"))
    if number is None:
        raise _rejected("/trackingNumber", "tracking details without a tracking number")
    mail_type = _text(doc.get("mailType")) or ""
    origin = _country(doc.get("originCountry"), places) or ("US" if mail_type in US_ORIGIN else None)
    destination = _country(doc.get("destinationCountryCode"), places) or (
        "US" if mail_type in US_DESTINATION else None
    )
    raw = doc.get("trackingEvents")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise _rejected("/trackingEvents", "expected an array")
    scans = [
        _scan(_object(e, f"/trackingEvents/{i}"), i, f"/trackingEvents/{i}", places)
        for i, e in enumerate(raw)
    ]
    return ParsedShipment(number, to_events(CARRIER, number, scans, origin, destination))


def _scan(raw: Mapping[str, Any], index: int, at: str, places: PlaceIndex) -> Scan:
    place = resolve_usps_place(
        _str(raw, "eventCity", at), _str(raw, "eventState", at), _str(raw, "eventZIP", at),
        _str(raw, "eventCountry", at), places,
    )  # fmt: skip
    local, utc = _times(raw, at)
    if utc is not None or (local is not None and local.tzinfo is not None):
        resolved = resolve_time(local, utc=utc)
    elif local is not None:
        zone = place.zone or location_zone(place.location, local)
        resolved = resolve_time(local, place_zone=zone)
    else:
        raise _rejected(at, "event has neither eventTimestamp nor GMTTimestamp")
    code, text = _str(raw, "eventCode", at), _text(raw.get("eventType"))
    return Scan.timed(index, resolved, place.location, codes.classify(code, text), code, text or code or "")


def _times(raw: Mapping[str, Any], at: str) -> tuple[datetime | None, datetime | None]:
    """(local time, aware when ``GMTOffset`` is given; UTC instant from ``GMTTimestamp``)."""
    local_text, utc_text = _str(raw, "eventTimestamp", at), _str(raw, "GMTTimestamp", at)
    try:
        offset = parse_gmt_offset(_str(raw, "GMTOffset", at))
    except ValueError as exc:
        raise _rejected(f"{at}/GMTOffset", str(exc)) from None
    local = _timestamp(local_text, f"{at}/eventTimestamp") if local_text else None
    if local is not None and local.tzinfo is None and offset is not None:
        local = localize(local, offset)
    utc = _timestamp(utc_text, f"{at}/GMTTimestamp") if utc_text else None
    if utc is not None and utc.tzinfo is None:
        raise _rejected(f"{at}/GMTTimestamp", "GMT timestamp without Z or offset")
    return local, utc


def _timestamp(text: str, at: str) -> datetime:
    try:
        return parse_timestamp(text)
    except ValueError:
        raise _rejected(at, "not an ISO 8601 timestamp") from None


def _country(value: Any, places: PlaceIndex) -> str | None:
    text = _text(value)
    code = places.country_code(text) if text else None
    return code if code and len(code) == 2 else None


# --- typed access ------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT, strip=True)
_rejected, _object, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.text


def _text(value: Any) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None
