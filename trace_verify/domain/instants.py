"""Calendar arithmetic that stays defined at the edges of the representable range (issue 10, class 4).

Python's ``datetime`` ends at 9999-12-31T23:59:59.999999: ``?now=9999-12-31T23:59:59Z`` seen from
Shanghai is in year 10000, and a completion date near that year plus a 90-day window is past the end.
Both raised ``OverflowError`` (a 500). Here a local date or year past an edge is the edge itself, and
adding days saturates; a date that far out is already after every window and every plausible year, so
saturating never changes a decision.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Final

#: The instants the contract reader accepts: one day inside the representable range, so that every
#: time zone's wall clock of an accepted instant exists (zones are within ±1 day of UTC).
EARLIEST: Final = datetime(1, 1, 2, tzinfo=UTC)
LATEST: Final = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


def representable(moment: datetime) -> bool:
    """True when ``moment`` (aware) lies within :data:`EARLIEST` … :data:`LATEST`."""
    try:
        return EARLIEST <= moment <= LATEST
    except OverflowError:  # comparing needs its UTC value, which may itself be out of range
        return False


def local_date(moment: datetime, zone: tzinfo) -> date:
    """The calendar date of ``moment`` in ``zone``; the first or last date when it falls outside."""
    try:
        return moment.astimezone(zone).date()
    except OverflowError:
        return date.max if moment.year > 1 else date.min


def local_year(moment: datetime, zone: tzinfo) -> int:
    """The year of ``moment`` in ``zone`` (9999 or 1 past the edges)."""
    return local_date(moment, zone).year


def add_days(day: date, days: int) -> date:
    """``day`` plus ``days``, saturating at the first and last representable dates."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
