"""FedEx Track API v1 JSON → normalized events (pure).

Wire format (FedEx OpenAPI ``track.json``, carriers.md §4.2): ``{"transactionId", "output":
{"completeTrackResults": [{"trackingNumber", "trackResults": [{"trackingNumberInfo",
"shipperInformation", "recipientInformation", "originLocation", "destinationLocation", "scanEvents":
[{"date": "2018-02-02T12:01:00-07:00", "eventType", "eventDescription", "exceptionCode",
"exceptionDescription", "scanLocation": {"city", "stateOrProvinceCode", "postalCode", "countryCode",
"countryName"}, "locationType", "derivedStatusCode"}], "error": {"code", "message"}}]}], "alerts"}}``
with scans newest first. Errors: a number FedEx does not know is a ``trackResults[].error``
(``TRACKING.TRACKINGNUMBER.NOTFOUND``) inside an HTTP 200; 401/403/429/5xx carry a top-level
``{"transactionId", "errors": [{"code", "message"}]}``.

What karrio gets wrong and this module gets right (carriers.md §3.4, §4.2, §7):

* karrio drops the offset of ``date`` and labels the local wall time UTC; here the offset is applied and
  kept (``carrier_offset``).
* ``CC`` (customs release) is ``export_cleared`` in the origin country and ``import_cleared`` in the
  destination, not "no status"; ``CP`` is processing, ``CD`` a customs hold.
* Each event keeps its ISO country (``countryCode``, else ``countryName``).
* Several ``trackResults`` for one number are different shipments that share it: the one with the
  latest scan is read (karrio PR #587 made the same choice).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from carriers._address import AddressReader, clean
from carriers._common import PlaceIndex
from carriers._fields import JsonFields
from carriers._route import Scan, to_events
from carriers._time import ResolvedTime, is_utc_stamp, location_zone, parse_timestamp, resolve_time
from carriers.base import load_json
from carriers.fedex import codes
from trace_verify.domain.documents import CarrierMessage, ParsedShipment, ParseResult, ParseWarning
from trace_verify.domain.model import Location
from trace_verify.domain.places import Place

CARRIER: Final = "fedex"
FORMAT: Final = "FedEx Track API JSON"
#: Carrier error messages are the carrier's own words, kept short.
MAX_MESSAGE: Final = 300


def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one FedEx Track API response body; raise DocumentRejected when it is not one."""
    doc = load_json(data, FORMAT)
    if not isinstance(doc, dict):
        raise _rejected("", "top level is not a JSON object")
    if "output" in doc:
        return _output(_object(doc["output"], "/output"), places)
    if "errors" in doc:
        errors = _list(doc, "errors", "")
        if not errors:
            raise _rejected("/errors", "an error response without errors")
        return ParseResult(
            CARRIER,
            errors=tuple(
                _message(_object(e, f"/errors/{i}"), f"/errors/{i}", None) for i, e in enumerate(errors)
            ),
        )
    raise _rejected("", "neither an output nor an errors document")


def _message(raw: Mapping[str, Any], at: str, number: str | None) -> CarrierMessage:
    code = _str(raw, "code", at) or ""
    text = _str(raw, "message", at) or ""
    return CarrierMessage(
        code=codes.error_code(code, text),
        tracking_number=number,
        message=(text or f"FedEx error {code}".strip())[:MAX_MESSAGE],
    )


def _output(raw: Mapping[str, Any], places: PlaceIndex) -> ParseResult:
    shipments: list[ParsedShipment] = []
    errors: list[CarrierMessage] = []
    warnings: list[ParseWarning] = []
    complete = (
        _list(raw, "completeTrackResults", "/output") if raw.get("completeTrackResults") is not None else []
    )
    for i, item in enumerate(complete):
        at = f"/output/completeTrackResults/{i}"
        entry = _object(item, at)
        number = clean(_str(entry, "trackingNumber", at))
        found: list[tuple[ParsedShipment, Any]] = []
        for j, result in enumerate(_list(entry, "trackResults", at)):
            parsed, error = _track_result(
                _object(result, f"{at}/trackResults/{j}"), f"{at}/trackResults/{j}", number, places, warnings
            )
            if error is not None:
                errors.append(error)
            elif parsed is not None:
                found.append((parsed, parsed.events[-1].occurred_at if parsed.events else None))
        if found:
            shipments.append(_latest(found))
    if isinstance(raw.get("alerts"), str):
        # The sample on FedEx's own portal sends ``alerts`` as a string where the schema says array:
        # it is kept as words, never a reason to refuse the tracking results beside it.
        text = raw["alerts"].strip()
        warnings.append(ParseWarning("/output/alerts", "alerts is a string, not an array; read as text"))
        alerts: list[Any] = [{"message": text}] if text else []
    else:
        alerts = _list(raw, "alerts", "/output") if raw.get("alerts") is not None else []
    if not shipments and not errors:
        errors += [
            _message(_object(a, f"/output/alerts/{k}"), f"/output/alerts/{k}", None)
            for k, a in enumerate(alerts)
        ]
    return ParseResult(CARRIER, shipments=tuple(shipments), errors=tuple(errors), warnings=tuple(warnings))


def _latest(found: list[tuple[ParsedShipment, Any]]) -> ParsedShipment:
    """Of several results for one number (FedEx reuses numbers), the one with the latest scan."""
    dated = [(at, i) for i, (_, at) in enumerate(found) if at is not None]
    return found[max(dated)[1]][0] if dated else found[0][0]


# --- one track result ---------------------------------------------------------------------------------


def _track_result(
    raw: Mapping[str, Any], at: str, number: str | None, places: PlaceIndex, warnings: list[ParseWarning]
) -> tuple[ParsedShipment | None, CarrierMessage | None]:
    info = _object(raw.get("trackingNumberInfo") or {}, f"{at}/trackingNumberInfo")
    number = clean(_str(info, "trackingNumber", f"{at}/trackingNumberInfo")) or number
    if raw.get("error") is not None:
        return None, _message(_object(raw["error"], f"{at}/error"), f"{at}/error", number)
    if number is None:
        raise _rejected(f"{at}/trackingNumberInfo", "track result has no tracking number")
    events = _list(raw, "scanEvents", at) if raw.get("scanEvents") is not None else []
    scans: list[Scan] = []
    for i, e in enumerate(events):
        item = _object(e, f"{at}/scanEvents/{i}")
        if not _str(item, "date", f"{at}/scanEvents/{i}"):  # one timeless scan does not sink the rest
            warnings.append(
                ParseWarning(f"{at}/scanEvents/{i}/date", "scan event has no date; it was left out")
            )
            continue
        scans.append(_scan(item, i, f"{at}/scanEvents/{i}", places))
    if events and not scans:
        raise _rejected(f"{at}/scanEvents", "no scan event has a date")
    origin = _party_country(raw, ("shipperInformation", "originLocation"), at, places)
    destination = _party_country(raw, ("recipientInformation", "destinationLocation"), at, places)
    return ParsedShipment(number, to_events(CARRIER, number, scans, origin, destination)), None


def _scan(raw: Mapping[str, Any], index: int, at: str, places: PlaceIndex) -> Scan:
    description = (_str(raw, "eventDescription", at) or "").strip()
    exception = (_str(raw, "exceptionDescription", at) or "").strip()
    event_type = clean(_str(raw, "eventType", at))
    derived = clean(_str(raw, "derivedStatusCode", at))
    location, place = _location(raw.get("scanLocation"), f"{at}/scanLocation", places)
    kind = codes.classify(event_type, derived, description, exception)
    return Scan.timed(
        index,
        _time(raw, at, location, place),
        location,
        kind,
        event_type or derived,
        _description(description, exception),
        hint=codes.clearance_side(description) if kind == "cleared" else None,
    )


def _description(description: str, exception: str) -> str:
    """FedEx's event words, with the exception's words when they add something."""
    if exception and exception.casefold() != description.casefold():
        return f"{description} - {exception}" if description else exception
    return description


def _time(raw: Mapping[str, Any], at: str, location: Location, place: Place | None) -> ResolvedTime:
    stamp = _str(raw, "date", at)
    if not stamp:
        raise _rejected(f"{at}/date", "scan event has no date")
    try:
        moment = parse_timestamp(stamp)
    except ValueError:
        raise _rejected(f"{at}/date", "not an ISO 8601 timestamp") from None
    if is_utc_stamp(stamp):
        return resolve_time(utc=moment)
    if moment.tzinfo is not None:
        return resolve_time(moment)
    zone = place.tz if place is not None else location_zone(location, moment)
    return resolve_time(moment, place_zone=zone)


# --- places --------------------------------------------------------------------------------------------


def _location(value: Any, at: str, places: PlaceIndex) -> tuple[Location, Place | None]:
    if value is None:
        return Location(), None
    return _ADDRESS.location(_object(value, at), at, places)


def _party_country(raw: Mapping[str, Any], keys: tuple[str, str], at: str, places: PlaceIndex) -> str | None:
    """The shipper's / recipient's country, else the origin / destination location's."""
    contact_key, location_key = keys
    contact = raw.get(contact_key)
    if contact is not None:
        address = _object(
            _object(contact, f"{at}/{contact_key}").get("address") or {}, f"{at}/{contact_key}/address"
        )
        country = _country(address, f"{at}/{contact_key}/address", places)
        if country:
            return country
    location = raw.get(location_key)
    if location is not None:
        lca = _object(_object(location, f"{at}/{location_key}").get("locationContactAndAddress") or {}, at)
        return _country(_object(lca.get("address") or {}, at), at, places)
    return None


# --- typed access --------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT)
_rejected, _object, _list, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array, _FIELDS.text

#: FedEx's names for the address fields a Location is read from (carriers._address).
_ADDRESS: Final = AddressReader(
    _FIELDS,
    city="city",
    region="stateOrProvinceCode",
    postal="postalCode",
    countries=("countryCode", "countryName"),
)
_country = _ADDRESS.country
