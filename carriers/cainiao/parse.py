"""Cainiao global tracking JSON → normalized events (pure). Format not verified against a specification.

Wire format, as served by ``GET https://global.cainiao.com/global/detail.json?mailNos=…&lang=en-US`` and
captured by public clients (see :mod:`carriers.cainiao.codes` for the sources): ``{"module": [{"mailNo",
"mailNoSource", "originCountry", "destCountry", "status", "statusDesc", "copyRealMailNo", "realMailNo",
"destCpInfo": {"cpName", "cpCode"}, "latestTrace", "detailList": [{"time" (epoch milliseconds),
"timeStr" ("YYYY-MM-DD HH:MM:SS", local), "timeZone" ("GMT+08:00", "GMT+2"), "desc", "standerdDesc",
"descTitle", "actionCode", "group": {"nodeCode", "nodeDesc"}}]}], "success": true}``, events newest
first. A number Cainiao does not know is a success with ``"mailNoSource": "EXTERNAL"`` and an empty
``detailList`` (verbatim capture): that is ``not_found``.

``time`` is an instant (``carrier_utc``); ``timeZone`` is the offset the local ``timeStr`` was written in,
kept as ``local_offset_minutes``. Events carry no place: the country is the route's country on the
side of the border the action code belongs to (origin warehouse … line-haul departure; destination
arrival … delivery), and a leading ``[Xiaoshan District]`` in the text names the city. ``operator`` is
the leg's carrier: the destination courier (``destCpInfo``) for its own ``GTMS_*`` scans, Cainiao for
the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timezone
from typing import Any, Final

from carriers import _placetext as placetext
from carriers import _wording as wording
from carriers._common import PlaceIndex
from carriers._dropped import EventDropped, each_event, keeps_warnings
from carriers._fields import JsonFields
from carriers._route import (
    Route,
    Scan,
    as_milestone,
    chronological,
    domestic_border,
    events_of,
    settle_reported,
)
from carriers._time import (
    ResolvedTime,
    localize,
    location_zone,
    parse_gmt_offset,
    parse_timestamp,
    resolve_time,
)
from carriers.base import load_json
from carriers.cainiao import codes
from trace_verify.domain.documents import CarrierMessage, ParsedShipment, ParseResult
from trace_verify.domain.model import Handover, Location

CARRIER: Final = "cainiao"
FORMAT: Final = "Cainiao global tracking JSON"
#: The operator of the legs Cainiao runs itself (warehouse, sorting, line-haul, clearance).
CAINIAO: Final = "cainiao"
MAX_MESSAGE: Final = 300
#: Milliseconds since 1970 for 2001-09-09 … 2286-11-20: anything else is not a Cainiao ``time``.
_MS_RANGE: Final = (1_000_000_000_000, 9_999_999_999_999)

_LEADING_BRACKET = re.compile(r"^\s*[\[【](?P<name>[^\]】]{1,60})[\]】]")
_NUMBER = re.compile(r"[A-Za-z0-9]{6,40}")


@keeps_warnings
def parse_document(data: bytes, places: PlaceIndex) -> ParseResult:
    """Parse one ``detail.json`` answer; raise DocumentRejected for anything else."""
    doc = _object(load_json(data, FORMAT), "")
    success = doc.get("success")
    if success is False:
        message = _str(doc, "errorMsg", "") or _str(doc, "errorCode", "") or "Cainiao answered success=false"
        return ParseResult(CARRIER, errors=(CarrierMessage("carrier_error", None, message[:MAX_MESSAGE]),))
    if success is not True or "module" not in doc:
        raise _rejected("", "not a Cainiao detail answer (success, module)")
    shipments: list[ParsedShipment] = []
    errors: list[CarrierMessage] = []
    for i, item in enumerate(_list(doc, "module", "")):
        found = _module(_object(item, f"/module/{i}"), f"/module/{i}", places)
        if isinstance(found, ParsedShipment):
            shipments.append(found)
        else:
            errors.append(found)
    return ParseResult(CARRIER, tuple(shipments), tuple(errors))


def _module(raw: Mapping[str, Any], at: str, places: PlaceIndex) -> ParsedShipment | CarrierMessage:
    number = _str(raw, "mailNo", at)
    if not number:
        raise _rejected(f"{at}/mailNo", "entry has no mailNo")
    details = _list(raw, "detailList", at)
    if not details:
        return CarrierMessage("not_found", number, "Cainiao has no tracking information for this number")
    origin = places.country_code(_str(raw, "originCountry", at))
    destination = places.country_code(_str(raw, "destCountry", at))
    last_mile = _last_mile_operator(raw, at)
    scans = each_event(
        details,
        lambda i, d: _scan(
            _object(d, f"{at}/detailList/{i}"),
            f"{at}/detailList/{i}",
            i,
            (origin, destination),
            last_mile,
            places,
        ),
        "event",
    )
    scans = chronological(scans, lambda s: s.at)
    handover, handover_at = _handover(raw, at, number, scans)
    route = Route(origin, destination, ())
    milestones = [domestic_border(as_milestone(s.kind), route) for s in scans]
    return ParsedShipment(number, events_of(CARRIER, number, scans, milestones, handover, handover_at))


def _scan(
    raw: Mapping[str, Any],
    at: str,
    index: int,
    route: tuple[str | None, str | None],
    last_mile: str | None,
    places: PlaceIndex,
) -> Scan:
    action = _str(raw, "actionCode", at)
    group = _object(raw.get("group") or {}, f"{at}/group")
    milestone, side = codes.classify(action, _str(group, "nodeCode", f"{at}/group"))
    country = route[0] if side == "origin" else route[1] if side == "destination" else None
    description = _str(raw, "desc", at) or _str(raw, "standerdDesc", at) or ""
    location = _location(description, _str(raw, "standerdDesc", at), country, places)
    if milestone == "unknown":  # a code Cainiao's table lacks: the carrier's own border wording decides
        worded = wording.border_milestone(description)
        if worded is not None:
            milestone = settle_reported(worded, location.country, Route(route[0], route[1], ()))
    operator = last_mile if codes.is_last_mile(action) else CAINIAO
    return Scan.timed(
        index, _time(raw, at, location), location, milestone, action, description, operator=operator
    )


def _time(raw: Mapping[str, Any], at: str, location: Location) -> ResolvedTime:
    """``time`` (epoch ms, UTC) with ``timeZone``'s offset; else ``timeStr`` with it; else a zone."""
    offset = _offset(_str(raw, "timeZone", at))
    millis = raw.get("time")
    stamp = _str(raw, "timeStr", at)
    if millis is not None:
        if (
            isinstance(millis, bool)
            or not isinstance(millis, int)
            or not _MS_RANGE[0] <= millis <= _MS_RANGE[1]
        ):
            raise _rejected(f"{at}/time", "not epoch milliseconds")
        utc = datetime.fromtimestamp(millis / 1000, tz=UTC)
        return resolve_time(utc.astimezone(offset) if offset else None, utc=utc)
    if not stamp:
        raise EventDropped(f"{at}/time", "event has no time")
    try:
        local = parse_timestamp(stamp)
    except ValueError:
        raise _rejected(f"{at}/timeStr", "not a 'YYYY-MM-DD HH:MM:SS' time") from None
    if offset is not None and local.tzinfo is None:
        return resolve_time(localize(local, offset))
    return resolve_time(local, place_zone=location_zone(location, local) if local.tzinfo is None else None)


def _offset(text: str | None) -> timezone | None:
    """``GMT+08:00`` / ``GMT+8`` / ``GMT-5`` → a fixed offset; None when absent or unreadable."""
    try:
        return parse_gmt_offset(text)
    except ValueError:
        return None


def _location(desc: str, standard: str | None, country: str | None, places: PlaceIndex) -> Location:
    """The side's country; the city when the text starts with a known ``[place]`` (read with the
    countries the text names, or as an airport: ``[仁川机场]``); with no side country, the one country
    the text names (:mod:`carriers._placetext`)."""
    for text in (standard or "", desc):
        bracket = _LEADING_BRACKET.match(text)
        named = placetext.place_named(bracket["name"], text, places, country) if bracket else None
        if bracket and named is not None and named.place is not None:
            name = bracket["name"].strip()
            if named.is_facility:
                return Location(city=named.facility_city, country=country or named.country, facility=name)
            return Location(city=name, country=country or named.country)
    return Location(country=country or placetext.country_of_text(desc))


def _last_mile_operator(raw: Mapping[str, Any], at: str) -> str | None:
    info = _object(raw.get("destCpInfo") or {}, f"{at}/destCpInfo")
    return _str(info, "cpCode", f"{at}/destCpInfo") or _str(info, "cpName", f"{at}/destCpInfo")


def _handover(
    raw: Mapping[str, Any], at: str, number: str, scans: Sequence[Scan]
) -> tuple[Handover | None, int | None]:
    """``copyRealMailNo`` (or the number in ``realMailNo``): the destination courier's number, named on
    the last Cainiao scan before that courier's first."""
    next_number = _str(raw, "copyRealMailNo", at)
    if not next_number:
        found = _NUMBER.findall(_str(raw, "realMailNo", at) or "")
        next_number = found[-1] if found else None
    if not next_number or next_number == number or not scans:
        return None, None
    first_last_mile = next((i for i, s in enumerate(scans) if codes.is_last_mile(s.code)), len(scans))
    info = _object(raw.get("destCpInfo") or {}, f"{at}/destCpInfo")
    name = (_str(info, "cpName", f"{at}/destCpInfo") or "").upper()
    return Handover(next_number, codes.CP_ADAPTERS.get(name)), max(first_last_mile - 1, 0)


# --- typed access -------------------------------------------------------------------------------------


_FIELDS: Final = JsonFields(FORMAT, strip=True, empty_lists=True)
_rejected, _object, _list, _str = _FIELDS.rejected, _FIELDS.obj, _FIELDS.array, _FIELDS.text
