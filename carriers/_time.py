"""Carrier timestamps to UTC instants, in the contract's order of precedence (README, "Timestamps").

Carriers report time in four ways: a UTC field, a local time with an offset, a local time in the
carrier's documented zone (SF and Kuaidi100 use Beijing time), or a bare local time at the scan's
place (DHL Unified: ``2026-03-01T18:20:00`` at ``OSAKA - JAPAN``). :func:`resolve_time` takes
whatever a document offers and picks the first of

1. a UTC field → ``carrier_utc``;
2. a local time with an offset → ``carrier_offset`` (the offset is kept as ``local_offset_minutes``);
3. a naive local time and the carrier's documented zone → ``carrier_timezone``;
4. a naive local time and the place's zone → ``location_timezone``;
5. a naive local time and nothing else → ``assumed_utc``.

``local_offset_minutes`` is only ever the offset the carrier *reported*; a zone we looked up is not
a report, so bases 3–5 leave it ``None``.

Daylight-saving edges are resolved the PEP 495 way with ``fold=0``, always: a wall time that occurs
twice (the autumn fold) is the *earlier* instant; a wall time that never occurs (the spring gap) is
read with the offset in force *before* the transition, i.e. as if the clock had not yet been moved
(02:30 in New York on a spring-forward day is 07:30Z, which is 03:30 EDT). Same input, same instant.

Everything here is pure: no clock, no environment.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from importlib import resources
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry

from trace_verify.domain.model import Location, TimeBasis, value_object

#: States, provinces and regions → zones (issue 11 §4); see trace_verify/data/SOURCES.md.
REGION_ZONES: Final = "region_zones.csv"

#: The contract's bound on ``local_offset_minutes`` (event.schema.json): UTC-14:00 … UTC+14:00.
MAX_OFFSET_MINUTES: Final = 840

#: Countries whose ``zone.tab`` lists several zones but whose clocks, and carriers' stamps, follow one
#: legal time. China has one national standard time, Beijing Time (``zone.tab`` labels Asia/Shanghai
#: "Beijing Time"; Asia/Urumqi's "Xinjiang Time" is local usage, not what carriers stamp; the
#: gazetteer gives every Mainland place Asia/Shanghai for the same reason).
LEGAL_TIME: Final[dict[str, str]] = {"CN": "Asia/Shanghai"}

_TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII,
)
_CLOCK_12H = re.compile(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?(?::(?P<second>\d{2}))?\s*(?P<half>[AaPp])\.?\s*[Mm]\.?",
    re.ASCII,
)
_CLOCK_24H = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?", re.ASCII)
_DATE_CLOCK = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})", re.ASCII)
#: The forms carriers almost always send, in the subset ``datetime.fromisoformat`` reads exactly as
#: :data:`_TIMESTAMP` does: two-digit fields in range, ``T`` or a space, up to six fraction digits,
#: ``Z`` or ``±hh:mm`` within ±14:00. Anything else takes the general path.
_PLAIN_STAMP = re.compile(
    r"\d{4}-\d\d-\d\d[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,6})?)?"
    r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?",
    re.ASCII,
)

#: The Unix epoch, naive and in UTC. Instants are made by arithmetic from these (``wall - _EPOCH`` is
#: an exact timedelta): ``datetime.replace(tzinfo=…)`` parses nine keyword arguments and costs about
#: three times as much, per event. The values are identical.
_EPOCH: Final = datetime(1970, 1, 1)
_EPOCH_UTC: Final = datetime(1970, 1, 1, tzinfo=UTC)
#: The epoch's wall time in each zone met so far (bounded: cleared when full).
_EPOCHS: dict[tzinfo, datetime] = {UTC: _EPOCH_UTC}


@value_object  # frozen to mypy; a plain slots class at run time (built per event)
class ResolvedTime:
    """A UTC instant with the basis it was derived from and the offset the carrier reported."""

    occurred_at: datetime
    time_basis: TimeBasis
    local_offset_minutes: int | None = None


def parse_timestamp(text: str) -> datetime:
    """Read an ISO 8601 / RFC 3339 timestamp as carriers write it; naive when it carries no offset.

    Accepts ``T`` or a space between date and time, optional seconds, fractions of up to nine digits
    (DHL eCommerce sends nanoseconds, karrio issue #439; cut to microseconds), ``Z`` or ``±hh``,
    ``±hhmm``, ``±hh:mm``. A bare date is midnight. Raises ValueError for anything else, including
    week dates and compact forms that ``datetime.fromisoformat`` would let through, and offsets
    beyond ±14:00. The common forms (:data:`_PLAIN_STAMP`) are read by ``fromisoformat`` itself, the
    rest from the digits of the general pattern.
    """
    if _PLAIN_STAMP.fullmatch(text) is not None:
        return datetime.fromisoformat(text)
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        raise ValueError("not an ISO 8601 timestamp")
    date, hour, minute, second, fraction, zone = match.groups()
    # Built from the matched digits (strptime costs ~7 µs a call and reads the process locale).
    year, month, day = int(date[:4]), int(date[5:7]), int(date[8:])
    if hour is None:
        return datetime(year, month, day)
    micro = int(fraction.ljust(6, "0")[:6]) if fraction else 0
    tzinfo = None if zone is None else _fixed_offset(zone)
    return datetime(year, month, day, int(hour), int(minute), int(second or 0), micro, tzinfo)


def parse_date_clock(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` as a naive datetime: exactly what ``strptime`` with that format reads.

    The common two-digit form is built from its digits (``strptime`` costs ~7 µs a call); any other
    spelling ``strptime`` accepts (one-digit fields, other whitespace) still goes through it, so the
    same text gives the same value or the same ValueError.
    """
    match = _DATE_CLOCK.fullmatch(text)
    if match is None:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    year, month, day, hour, minute, second = match.groups()
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))


def is_utc_stamp(text: str) -> bool:
    """True for a timestamp written in UTC (``…Z``): a UTC field, not a report of the local offset.

    ``+00:00`` is different: it reports a local offset of zero (London in winter), RFC 3339 §4.2.
    """
    return text.strip().endswith(("Z", "z"))


@lru_cache(maxsize=256)
def _fixed_offset(zone: str) -> timezone:
    """``Z`` / ``±hh[[:]mm]`` as a fixed-offset tzinfo, bounded by the contract's ±14:00 (memoised)."""
    if zone in ("Z", "z"):
        return UTC
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    if minutes > MAX_OFFSET_MINUTES or int(digits[2:4] or 0) >= 60:
        raise ValueError("offset out of range")
    return timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))


def parse_clock(text: str) -> time:
    """A wall-clock time written ``15:12``, ``15:12:05``, ``3:12 pm``, ``3 PM`` or ``03:12 P.M.``.

    12 am is midnight and 12 pm is noon. Raises ValueError for anything else (``15:12 pm``, ``0 am``).
    Exists because karrio reads "3:12 pm" with ``%H:%M %p`` and loses the afternoon (carriers.md §3.4).
    """
    stripped = text.strip()
    match = _CLOCK_12H.fullmatch(stripped)
    if match is not None:
        hour = int(match["hour"])
        if not 1 <= hour <= 12:
            raise ValueError("12-hour clock hour must be 1-12")
        hour = hour % 12 + (12 if match["half"] in "Pp" else 0)
        return time(hour, int(match["minute"] or 0), int(match["second"] or 0))
    match = _CLOCK_24H.fullmatch(stripped)
    if match is None:
        raise ValueError("not a clock time")
    return time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0))


def zone_named(name: str | None) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None when absent or unknown (never raises)."""
    if not name:
        return None
    return _zone(name)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    """Memoised: a ZoneInfo lookup per event (key checks, cache probe, exceptions) adds up in bulk."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def localize(wall: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone`` to a naive wall time with ``fold=0`` (see the module docstring for DST edges).

    Equal to ``wall.replace(tzinfo=zone, fold=0)``: aware arithmetic is wall-clock arithmetic and
    yields ``fold=0``, so the epoch's wall time in ``zone`` plus ``wall``'s distance from the epoch is
    ``wall`` in ``zone``.
    """
    epoch = _EPOCHS.get(zone)
    if epoch is None:
        if len(_EPOCHS) >= 4096:
            _EPOCHS.clear()
        epoch = _EPOCHS[zone] = datetime(1970, 1, 1, tzinfo=zone)
    return epoch + (wall - _EPOCH)


def as_utc(wall: datetime) -> datetime:
    """A naive time read as UTC: ``wall.replace(tzinfo=UTC)``, by arithmetic (see :data:`_EPOCH`)."""
    return _EPOCH_UTC + (wall - _EPOCH)


def wall_to_utc(wall: datetime, zone: tzinfo) -> datetime:
    """The UTC instant of naive ``wall`` in ``zone``: ``localize(wall, zone).astimezone(UTC)``.

    The zone's offset for the wall time with ``fold=0`` (as :func:`localize` attaches it), subtracted
    by arithmetic; an instant outside datetime's range raises OverflowError, as ``astimezone`` does.
    """
    if wall.fold:
        return localize(wall, zone).astimezone(UTC)
    offset = zone.utcoffset(wall)
    if offset is None:  # pragma: no cover - every zone the adapters pass has an offset
        return as_utc(wall)
    return _EPOCH_UTC + (wall - _EPOCH - offset)


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, tuple[str, ...]]:
    """ISO country code → IANA zones, from ``zone.tab`` of the maintained ``tzdata`` package."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            zones.setdefault(fields[0], []).append(fields[2])
    return {country: tuple(names) for country, names in zones.items()}


@lru_cache(maxsize=1)
def _region_rows() -> dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]:
    """(country, region code) → (zone, postal prefixes) rows of ``trace_verify/data/region_zones.csv``."""
    text = resources.files("trace_verify").joinpath("data", REGION_ZONES).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = {}
    for country, region, zone, postal, *_ in csv.reader(lines[1:]):
        prefixes = tuple(p.strip().upper() for p in postal.split("|") if p.strip())
        rows.setdefault((country, region), []).append((zone, prefixes))
    return {key: tuple(value) for key, value in rows.items()}


@lru_cache(maxsize=1)
def _region_codes() -> dict[tuple[str, str], str]:
    """(country, folded name or code) → ISO 3166-2 region code, from pycountry's subdivisions."""
    codes: dict[tuple[str, str], str] = {}
    countries = {country for country, _ in _region_rows()}
    for sub in pycountry.subdivisions:
        if sub.country_code in countries:
            region = sub.code.split("-", 1)[1]
            codes[(sub.country_code, region.casefold())] = region
            codes.setdefault((sub.country_code, _fold_region(sub.name)), region)
    return codes


def _fold_region(text: str) -> str:
    return re.sub(r"[\s.\-']+", "", text).casefold()


def region_zone(country: str | None, region: str | None, postal: str | None = None) -> str | None:
    """The IANA zone of a state, province or region (``TX``, ``Texas``, ``NSW``, ``Ontario``), or None.

    Issue 11 §4: a town the gazetteer lacks still tells its zone by its region. Where a region spans
    two zones (Texas: El Paso is Mountain) the postal code's prefix decides; without one the region
    names no zone (``assumed_utc``, never a guessed hour). Data: ``trace_verify/data/region_zones.csv``.
    """
    if not country or not region:
        return None
    cc = country.upper()
    code = _region_codes().get((cc, region.strip().casefold())) or _region_codes().get(
        (cc, _fold_region(region))
    )
    rows = _region_rows().get((cc, code or region.strip().upper()))
    if not rows:
        return None
    plain = [zone for zone, prefixes in rows if not prefixes]
    split = [(zone, prefixes) for zone, prefixes in rows if prefixes]
    if not split:
        return plain[0] if plain else None
    wanted = (postal or "").replace(" ", "").upper()
    if not wanted:
        return None
    for zone, prefixes in split:
        if wanted.startswith(prefixes):
            return zone
    return plain[0] if plain else None


def country_zone(
    country: str | None, wall: datetime, region: str | None = None, postal: str | None = None
) -> str | None:
    """A zone for a naive ``wall`` time somewhere in ``country`` when the country's zones agree on it.

    A country with one zone (JP → Asia/Tokyo) always qualifies; a country with several qualifies when
    they all give ``wall`` the same UTC offset (DE: Europe/Berlin and Europe/Busingen), so the
    instant is the same whichever zone the place is in; a country in :data:`LEGAL_TIME` has its legal
    zone. The US or Canada do not qualify on the country alone: there the ``region`` (and, in a region
    spanning two zones, the ``postal`` code) decides through :func:`region_zone`. Returns the first
    zone ``zone.tab`` lists for a country that qualifies.
    """
    if not country:
        return None
    if country.upper() in LEGAL_TIME:
        return LEGAL_TIME[country.upper()]
    names = _country_zones().get(country.upper(), ())
    if len(names) == 1:
        return names[0]
    if _zones_agree(names, wall):
        return names[0]
    return region_zone(country, region, postal)


def _zones_agree(names: tuple[str, ...], wall: datetime) -> bool:
    """True when every zone gives ``wall`` (``fold=0``) the same UTC offset (none for no zones).

    The zones come memoised (:func:`_zone`): ``ZoneInfo``'s own cache keeps only a few strongly, so a
    country with thirty zones re-read them from disk on every event. Stops at the first disagreement.
    """
    if wall.fold:
        wall = wall.replace(fold=0)
    first = None
    for i, name in enumerate(names):
        zone = _zone(name)
        offset = zone.utcoffset(wall) if zone is not None else None
        if i == 0:
            first = offset
        elif offset != first:
            return False
    return bool(names)


def location_zone(location: Location, wall: datetime) -> str | None:
    """:func:`country_zone` for an event's place: its country, region and postal code."""
    return country_zone(location.country, wall, location.region, location.postal_code)


def resolve_time(
    local: datetime | None = None,
    *,
    utc: datetime | None = None,
    carrier_zone: str | None = None,
    place_zone: str | None = None,
) -> ResolvedTime:
    """Pick the UTC instant by the contract's order of precedence (module docstring).

    ``utc`` is a UTC field (a naive value is read as UTC); ``local`` is the local time the document
    gives, aware when it carried an offset. Zones that zoneinfo does not know are skipped. Raises
    ValueError when neither ``local`` nor ``utc`` is given.
    """
    if utc is not None:
        instant = as_utc(utc) if utc.tzinfo is None else utc.astimezone(UTC)
        return ResolvedTime(instant, "carrier_utc", _offset_minutes(local))
    if local is None:
        raise ValueError("a local time or a UTC field is required")
    if local.tzinfo is not None:
        return ResolvedTime(local.astimezone(UTC), "carrier_offset", _offset_minutes(local))
    if carrier_zone:
        zone = _zone(carrier_zone)
        if zone is not None:
            return ResolvedTime(wall_to_utc(local, zone), "carrier_timezone")
    if place_zone:
        zone = _zone(place_zone)
        if zone is not None:
            return ResolvedTime(wall_to_utc(local, zone), "location_timezone")
    return ResolvedTime(as_utc(local), "assumed_utc")


def _offset_minutes(local: datetime | None) -> int | None:
    """The offset an aware local time carried, in whole minutes; None for a naive or absent one."""
    if local is None:
        return None
    offset = local.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


_GMT_OFFSET = re.compile(
    r"(?:(?:GMT|UTC)\s*)?(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?", re.ASCII | re.IGNORECASE
)


def parse_gmt_offset(text: str | None) -> timezone | None:
    """A carrier's UTC offset field as a fixed offset; None when empty.

    Reads every form the adapters meet: ``"+09:00"``, ``"-05:00"`` (UPS ``gmtOffset``, MyDHL and USPS
    ``GMTOffset``), ``"+9:00"``, ``"+0900"``, and Cainiao's ``"GMT+08:00"`` / ``"GMT+8"``. Raises
    ValueError for other text and for offsets beyond the contract's ±14:00, so each adapter decides
    whether a bad offset rejects the document or is ignored.
    """
    if not text or not text.strip():
        return None
    return _gmt_offset(text.strip())


@lru_cache(maxsize=256)
def _gmt_offset(text: str) -> timezone:
    """Memoised: carriers repeat a handful of offsets on every event (a ValueError is not cached)."""
    match = _GMT_OFFSET.fullmatch(text)
    if match is None:
        raise ValueError("not an offset like +09:00")
    minutes = int(match["minutes"] or 0)
    total = int(match["hours"]) * 60 + minutes
    if total > MAX_OFFSET_MINUTES or minutes >= 60:
        raise ValueError("offset out of range")
    return timezone(timedelta(minutes=-total if match["sign"] == "-" else total))
