"""The one place ``now`` is read: RFC 3339 with an offset, else the clock's instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from trace_verify.errors import InvalidInput
from trace_verify.services.clock import Clock

FIXED = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def test_without_text_the_clock_answers() -> None:
    clock = Clock(lambda: FIXED)
    assert clock.now() == FIXED and clock.at(None) == FIXED


def test_an_instant_with_an_offset_is_read_as_given() -> None:
    moment = Clock(lambda: FIXED).at("2026-03-06T08:30:00+08:00")
    assert moment == datetime(2026, 3, 6, 8, 30, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize("text", ["2026-03-05 12:00", "2026-03-05T12:00:00", "yesterday", ""])
def test_anything_else_is_invalid_argument_at_now(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Clock(lambda: FIXED).at(text)
    assert (caught.value.code, caught.value.pointer) == ("INVALID_ARGUMENT", "/now")
