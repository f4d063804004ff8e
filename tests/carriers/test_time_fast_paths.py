"""The hand-built date readers agree with ``strptime`` on every spelling, and do not depend on the locale.

``carriers._time`` and the adapters build dates from the digits they matched instead of calling
``strptime`` per event (performance); these tests pin that the values and the ValueErrors are the same.
"""

from __future__ import annotations

import locale
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers._time import parse_date_clock, parse_timestamp
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
