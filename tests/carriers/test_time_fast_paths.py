"""The hand-built date readers agree with ``strptime`` on every spelling, and do not depend on the locale.

``carriers._time`` and the adapters build dates from the digits they matched instead of calling
``strptime`` per event (performance); these tests pin that the values and the ValueErrors are the same.
"""

from __future__ import annotations

import locale
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers._time import (
    _TIMESTAMP,
    _fixed_offset,
    as_utc,
    localize,
    parse_date_clock,
    parse_timestamp,
    wall_to_utc,
)
from carriers.usps.webtools import _event_date

DATE_CLOCKS = [
    "2026-03-01 13:26:00",
    "2026-3-1 13:26:00",  # strptime takes one-digit fields
    "2026-03-01  13:26:00",
    "2026-03-01 1:2:3",
    "2024-02-29 00:00:00",
    "2026-02-30 00:00:00",
    "2026-03-01 24:00:00",
    "2026-03-01 23:59:60",
    "2026-13-01 00:00:00",
    "2026-00-10 10:10:10",
    "0000-01-01 00:00:00",
    "2026-03-01T13:26:00",
    "2026-03-01 13:26:00\n",
    "",
]

EVENT_DATES = [
    "March 9, 2015",
    "march 9, 2015",
    "MAY 5, 2026",
    "May  5, 2026",
    "May 05, 2026",
    "May 5,  2026",
    "May\xa05,\u20032026",
    "January 31, 2026",
    "February 29, 2024",
    "February 30, 2026",
    "May 5,2026",
    "May 5 2026",
    "Sept 5, 2026",
    "May 32, 2026",
    "May 0, 2026",
    "May 5, 2026 ",
    "ſeptember 1, 2026",
    "",
]


def _outcome(read: object, text: str) -> object:
    try:
        return read(text)  # type: ignore[operator]
    except ValueError:
        return ValueError


@pytest.mark.parametrize("text", DATE_CLOCKS)
def test_parse_date_clock_is_strptime(text: str) -> None:
    expected = _outcome(lambda t: datetime.strptime(t, "%Y-%m-%d %H:%M:%S"), text)
    assert _outcome(parse_date_clock, text) == expected


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_parse_date_clock_round_trips(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    text = f"{moment.year:04d}-{moment:%m-%d %H:%M:%S}"
    assert parse_date_clock(text) == moment


@pytest.mark.parametrize("text", EVENT_DATES)
def test_usps_event_date_is_strptime_in_an_english_locale(text: str) -> None:
    expected = _outcome(lambda t: datetime.strptime(t, "%B %d, %Y").date(), text)
    assert _outcome(_event_date, text) == expected


@pytest.fixture
def german_time_locale() -> Iterator[None]:
    """LC_TIME set to German, where ``strptime("%B")`` reads "März", not "March"; skipped if absent."""
    saved = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "de_DE.utf8", "de_DE"):
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    else:
        pytest.skip("no German locale installed")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_TIME, saved)


@pytest.mark.usefixtures("german_time_locale")
def test_usps_event_date_ignores_the_process_locale() -> None:
    assert _event_date("March 9, 2015") == date(2015, 3, 9)


def test_usps_event_date_reads_every_english_month() -> None:
    names = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
    names += ["October", "November", "December"]
    for number, name in enumerate(names, start=1):
        assert _event_date(f"{name} 1, 2026") == date(2026, number, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", datetime(2026, 3, 1)),
        ("2026-03-01T18:20:00", datetime(2026, 3, 1, 18, 20)),
        ("2026-03-01 18:20", datetime(2026, 3, 1, 18, 20)),
        ("2026-03-01T18:20:00.123456789Z", datetime(2026, 3, 1, 18, 20, 0, 123456, UTC)),
        ("2026-03-01T18:20:00,5+0900", datetime(2026, 3, 1, 18, 20, 0, 500000, timezone(timedelta(hours=9)))),
        ("2026-03-01T18:20:00-05", datetime(2026, 3, 1, 18, 20, tzinfo=timezone(timedelta(hours=-5)))),
    ],
)
def test_parse_timestamp_values(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected
    assert parse_timestamp(text).tzinfo == expected.tzinfo


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01T00:00:00", "0000-01-01", "2026-03-01T24:00:00"])
def test_parse_timestamp_refuses_impossible_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


# --- the fromisoformat fast path and the arithmetic conversions (issue 16) ----------------------------

_FIELDS = st.tuples(
    st.sampled_from(["2026", "0001", "9999", "0000", "2024"]),
    st.sampled_from(["01", "02", "12", "13", "00"]),
    st.sampled_from(["01", "28", "29", "30", "31", "32"]),
    st.sampled_from(["T", " ", "t"]),
    st.sampled_from(["00", "09", "23", "24"]),
    st.sampled_from(["00", "59", "60"]),
    st.sampled_from(["", ":00", ":59", ":60"]),
    st.sampled_from(["", ".5", ",123", ".123456", ".1234567"]),
    st.sampled_from(
        ["", "Z", "z", "+08:00", "-05:30", "+14:00", "+14:01", "-13:59", "+0800", "+08", "+08:60"]
    ),
)


def _general(text: str) -> object:
    """The general reader: the digits of ``_TIMESTAMP`` (what every form went through before)."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        return ValueError
    day, hour, minute, second, fraction, zone = match.groups()
    try:
        if hour is None:
            return datetime(int(day[:4]), int(day[5:7]), int(day[8:]))
        micro = int(fraction.ljust(6, "0")[:6]) if fraction else 0
        tzinfo = None if zone is None else _fixed_offset(zone)
        return datetime(
            int(day[:4]), int(day[5:7]), int(day[8:]), int(hour), int(minute), int(second or 0), micro, tzinfo
        )
    except ValueError:
        return ValueError


@given(_FIELDS)
def test_parse_timestamp_fast_path_reads_as_the_general_one(fields: tuple[str, ...]) -> None:
    y, mo, d, sep, h, mi, s, fraction, zone = fields
    text = f"{y}-{mo}-{d}{sep}{h}:{mi}{s}{fraction if s else ''}{zone}"
    expected, got = _general(text), _outcome(parse_timestamp, text)
    assert got == expected
    if isinstance(expected, datetime) and isinstance(got, datetime):
        assert got.utcoffset() == expected.utcoffset()
        assert (got.tzinfo is None) == (expected.tzinfo is None)


_ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"]


@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(_ZONES),
)
def test_wall_to_utc_is_localize_then_astimezone(wall: datetime, name: str) -> None:
    zone = ZoneInfo(name)
    wall = wall.replace(fold=0)
    assert wall_to_utc(wall, zone) == wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    assert wall_to_utc(wall, zone).tzinfo is UTC
    attached = localize(wall, zone)
    assert (attached, attached.tzinfo, attached.fold) == (wall.replace(tzinfo=zone), zone, 0)
    assert as_utc(wall) == wall.replace(tzinfo=UTC) and as_utc(wall).tzinfo is UTC


def test_wall_to_utc_on_daylight_saving_edges() -> None:
    """The spring gap and the autumn fold, every quarter hour of a year: fold=0, as localize says."""
    for name in _ZONES:
        zone, wall = ZoneInfo(name), datetime(2026, 1, 1)
        while wall.year == 2026:
            assert wall_to_utc(wall, zone) == wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
            wall += timedelta(minutes=15)


def test_wall_to_utc_overflows_as_astimezone_does() -> None:
    with pytest.raises(OverflowError):
        wall_to_utc(datetime(1, 1, 1), ZoneInfo("Asia/Tokyo"))
    with pytest.raises(OverflowError):
        wall_to_utc(datetime(9999, 12, 31, 23), ZoneInfo("America/New_York"))
