"""Calendar arithmetic at the edges of the representable range (issue 10, class 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from trace_verify.domain.instants import EARLIEST, LATEST, add_days, local_date, local_year, representable

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_local_date_past_the_last_year_is_the_last_date() -> None:
    assert local_date(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), SHANGHAI) == date.max
    assert local_year(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), SHANGHAI) == 9999
    assert local_date(datetime(1, 1, 1, tzinfo=UTC), timezone(timedelta(hours=-5))) == date.min


def test_adding_days_saturates() -> None:
    assert add_days(date(9999, 12, 1), 90) == date.max
    assert add_days(date(1, 1, 5), -90) == date.min
    assert add_days(date(2026, 3, 1), 90) == date(2026, 5, 30)


def test_representable_instants_are_a_day_inside_the_edges() -> None:
    assert representable(EARLIEST) and representable(LATEST)
    assert not representable(datetime(9999, 12, 31, tzinfo=UTC))
    assert not representable(datetime(1, 1, 1, tzinfo=UTC))
    assert not representable(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))))  # no UTC value
