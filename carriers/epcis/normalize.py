"""EPCIS events (format-neutral) → normalized events grouped by tracking number.

Everything that interprets an EPCIS event lives here, once for both syntaxes:

* **Time.** ``eventTime`` already carries its zone (``…-06:00`` or ``…Z``); the UTC instant is
  ``eventTime`` converted, and ``eventTimeZoneOffset`` is kept as ``local_offset_minutes``. The
  offset is never applied a second time (51 official events pair a ``Z`` time with a non-zero
  offset; conformance README). Basis ``carrier_offset``: the document reports the local offset. A
  zone-less ``eventTime`` is read in ``eventTimeZoneOffset``; with neither, the event is unreadable.
* **Tracking number**: the ``bol`` business transaction, else ``parentID``, the first EPC, the first
  output EPC, ``eventID``, the first quantity element's class (then inputs, for a transformation
  that names nothing else; an event naming nothing at all gets a stable stand-in). See
  :mod:`carriers.epcis.identifiers` for how each is written down.
* **Milestone**: :mod:`carriers.epcis.vocabulary`. An event carrying an ``errorDeclaration``, and
  an event that a declaration in the same document retracts, are ``unknown``: they are no evidence
  of custody.
* **Place**: ``readPoint`` (else ``bizLocation``) as ``facility``; country, city, region, postal
  code and UN/LOCODE from the event's project extension (``urn:trace-verify:epcis:countryCode``…)
  or from the document's location master data (CBV ``urn:epcglobal:cbv:mda:countryCode``…) for the
  read point, the business location or their site. ``sourceList``/``destinationList`` name the two
  ends of a transfer, not the place of the event, so they never set it; nothing is guessed (a GS1
  company prefix is not a country, domain.md §5.1).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, timedelta, timezone
from typing import Final, Protocol

from carriers._time import MAX_OFFSET_MINUTES, ResolvedTime, localize, parse_timestamp
from carriers.epcis import vocabulary
from carriers.epcis.identifiers import bol_number, location_key, object_number, site_key
from carriers.epcis.model import EpcisEvent, MasterData
from trace_verify.domain.documents import CarrierMessage, DocumentRejected, ParsedShipment, ParseResult
from trace_verify.domain.model import Event, Location, Milestone

CARRIER: Final = "epcis"
_OFFSET: Final = re.compile(r"(?P<sign>[+-])(?P<hours>0\d|1[0-4]):(?P<minutes>[0-5]\d)")
_ALPHA2: Final = re.compile(r"[A-Z]{2}")
_LOCODE: Final = re.compile(r"[A-Z]{2}[A-Z0-9]{3}")
_ERROR_REASON_PREFIXES: Final = ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-")
#: Place attributes read from the project extension and from CBV location master data (CBV names).
PLACE_FIELDS: Final = ("countryCode", "city", "state", "postalCode", "locode")


class CountryIndex(Protocol):
    """The part of the gazetteer (``trace_verify.domain.places``) this module needs."""

    def country_code(self, text: str | None) -> str | None:
        """ISO alpha-2 for a country code or name; None when unknown."""
        ...


def to_result(
    events: Sequence[EpcisEvent],
    master: MasterData,
    errors: Iterable[CarrierMessage],
    countries: CountryIndex,
    what: str,
) -> ParseResult:
    """One shipment per tracking number (in order of first appearance), events oldest first."""
    retracted = {e.event_id for e in events if e.error_declaration is not None and e.event_id}
    grouped: dict[str, list[tuple[int, Event]]] = {}
    for event in events:
        normalized = _event(event, master, countries, retracted, what)
        grouped.setdefault(normalized.tracking_number, []).append((event.index, normalized))
    shipments = tuple(
        ParsedShipment(number, tuple(e for _, e in sorted(items, key=lambda p: (p[1].occurred_at, p[0]))))
        for number, items in grouped.items()
    )
    return ParseResult(CARRIER, shipments=shipments, errors=tuple(errors))


def _event(
    event: EpcisEvent, master: MasterData, countries: CountryIndex, retracted: set[str], what: str
) -> Event:
    resolved = event_instant(event, what)
    step = vocabulary.read_term(event.biz_step, "bizstep") if event.biz_step else None
    disposition = vocabulary.read_term(event.disposition, "disp") if event.disposition else None
    milestone: Milestone = vocabulary.milestone(step, disposition)
    retraction = event.error_declaration is None and event.event_id in retracted
    if event.error_declaration is not None or retraction:
        milestone = "unknown"
    carrier_code = step.iri if step else disposition.iri if disposition else None
    return Event(
        carrier=CARRIER,
        tracking_number=tracking_number(event, what),
        occurred_at=resolved.occurred_at,
        milestone=milestone,
        location=place(event, master, countries),
        description=_description(event, step, disposition, retraction),
        time_basis=resolved.time_basis,
        local_offset_minutes=resolved.local_offset_minutes,
        carrier_code=carrier_code,
    )


# --- time --------------------------------------------------------------------------------------------


def event_instant(event: EpcisEvent, what: str) -> ResolvedTime:
    """``eventTime`` as a UTC instant, with ``eventTimeZoneOffset`` as the reported local offset."""
    at = f"event {event.index}"
    try:
        stamp = parse_timestamp(event.event_time)
    except ValueError:
        raise rejected(what, at, "eventTime is not an ISO 8601 date-time") from None
    offset = _offset_minutes(event.time_zone_offset, what, at)
    if stamp.tzinfo is None:
        if offset is None:
            raise rejected(what, at, "eventTime has no zone and there is no eventTimeZoneOffset")
        stamp = localize(stamp, timezone(timedelta(minutes=offset)))
    elif offset is None:
        own = stamp.utcoffset()
        if event.event_time.strip().endswith(("Z", "z")) or own is None:
            return ResolvedTime(stamp.astimezone(UTC), "carrier_utc", None)
        offset = int(own.total_seconds() // 60)
    return ResolvedTime(stamp.astimezone(UTC), "carrier_offset", offset)


def _offset_minutes(text: str | None, what: str, at: str) -> int | None:
    """``eventTimeZoneOffset`` (``±hh:mm``, at most ±14:00, EPCIS JSON Schema) in minutes."""
    if text is None:
        return None
    match = _OFFSET.fullmatch(text.strip())
    minutes = int(match["hours"]) * 60 + int(match["minutes"]) if match else MAX_OFFSET_MINUTES + 1
    if match is None or minutes > MAX_OFFSET_MINUTES:
        raise rejected(what, at, "eventTimeZoneOffset is not ±hh:mm within ±14:00")
    return -minutes if match["sign"] == "-" else minutes


# --- tracking number -----------------------------------------------------------------------------------


def tracking_number(event: EpcisEvent, what: str) -> str:
    """The number this event is filed under (module docstring for the order)."""
    for type_, value in event.biz_transactions:
        if vocabulary.is_bol(type_) and value.strip():
            return bol_number(value)
    candidates: tuple[tuple[str, ...], ...] = (
        (event.parent_id,) if event.parent_id else (),
        event.epcs[:1],
        event.output_epcs[:1],
    )
    for found in candidates:
        if found and found[0].strip():
            return object_number(found[0])
    for text in (event.event_id, *event.quantity_classes[:1]):
        if text and text.strip():
            return text.strip()
    if event.input_epcs and event.input_epcs[0].strip():
        return object_number(event.input_epcs[0])
    if event.input_quantity_classes and event.input_quantity_classes[0].strip():
        return event.input_quantity_classes[0].strip()
    return unidentified_number(event, what)


def unidentified_number(event: EpcisEvent, what: str) -> str:
    """A stable stand-in for an event that names nothing to track (a sensor reading with an empty
    ``epcList``, as in the official sensor examples): ``urn:trace-verify:epcis:unidentified:<hash>``.

    The hash covers what the event states in either syntax (type, UTC instant, action, business step,
    disposition, places), so the XML and JSON-LD renderings of one event agree, and two different
    documents' unidentified events do not merge into one shipment.
    """
    step = vocabulary.read_term(event.biz_step, "bizstep").iri if event.biz_step else ""
    disposition = vocabulary.read_term(event.disposition, "disp").iri if event.disposition else ""
    places = [location_key(p) if p else "" for p in (event.read_point, event.biz_location)]
    instant = event_instant(event, what).occurred_at.isoformat()
    text = "\n".join([event.kind, instant, event.action or "", step, disposition, *places])
    return f"urn:trace-verify:epcis:unidentified:{hashlib.sha256(text.encode()).hexdigest()[:20]}"


# --- place ---------------------------------------------------------------------------------------------


def place(event: EpcisEvent, master: MasterData, countries: CountryIndex) -> Location:
    """Where the event happened, from what the document states about its read point (docstring)."""
    facility = (event.read_point or event.biz_location or "").strip() or None
    sources: list[Mapping[str, str]] = [event.extension]
    keys = [location_key(i) for i in (event.read_point, event.biz_location) if i]
    keys += [s for s in map(site_key, keys) if s is not None]
    sources += [master[k] for k in dict.fromkeys(keys) if k in master]
    fields = {name: _first(sources, name) for name in PLACE_FIELDS}
    locode = _locode(fields["locode"])
    country = _country(fields["countryCode"], countries)
    if country is None and locode is not None:
        country = _country(locode[:2], countries)
    return Location(
        city=fields["city"],
        region=fields["state"],
        postal_code=fields["postalCode"],
        country=country,
        facility=facility,
        locode=locode,
    )


def _first(sources: Sequence[Mapping[str, str]], name: str) -> str | None:
    for source in sources:
        value = (source.get(name) or "").strip()
        if value:
            return value
    return None


def _country(text: str | None, countries: CountryIndex) -> str | None:
    """ISO alpha-2 for a stated code or name (alpha-2, alpha-3, names); None when unknown, never fuzzy."""
    if text is None:
        return None
    code = countries.country_code(text)
    return code if code is not None and _ALPHA2.fullmatch(code) else None


def _locode(text: str | None) -> str | None:
    """UN/LOCODE written ``CNSHA`` or ``CN SHA``; None when it is not one."""
    if text is None:
        return None
    code = text.replace(" ", "").upper()
    return code if _LOCODE.fullmatch(code) else None


# --- description ---------------------------------------------------------------------------------------


def _description(
    event: EpcisEvent,
    step: vocabulary.Term | None,
    disposition: vocabulary.Term | None,
    retraction: bool,
) -> str:
    """``ObjectEvent OBSERVE; bizStep shipping; disposition in_transit`` – the same for XML and JSON-LD."""
    parts = [f"{event.kind} {event.action}" if event.action else event.kind]
    if step is not None:
        parts.append(f"bizStep {step.label}")
    if disposition is not None:
        parts.append(f"disposition {disposition.label}")
    if event.error_declaration is not None:
        reason = _error_reason(event.error_declaration.reason)
        parts.append(f"error declaration ({reason})" if reason else "error declaration")
    elif retraction:
        parts.append("declared erroneous in this document")
    return "; ".join(parts)


def _error_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    for prefix in _ERROR_REASON_PREFIXES:
        if reason.startswith(prefix):
            return reason[len(prefix) :]
    return reason


def rejected(what: str, at: str, message: str) -> DocumentRejected:
    """DOCUMENT_UNREADABLE naming the format and the place in it, never echoing content."""
    return DocumentRejected("DOCUMENT_UNREADABLE", f"{what}: {at}: {message}")
