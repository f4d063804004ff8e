"""The strict decoder bounds every number on its text, before anything converts it (issue 10, class 1)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from trace_verify.strictjson import StrictJsonError, loads

BOMBS = [
    ('{"items": [{"quantity": 1e999999999}]}', "/items/0/quantity"),
    ('{"a": 1e4300}', "/a"),
    ('{"a": -1e-999999999}', "/a"),
    ('{"a": 0e5000}', "/a"),
    ('{"a": [1, 2, ' + "9" * 5000 + "]}", "/a/2"),
    ('{"a/b": {"c~d": ' + "1" * 41 + "}}", "/a~1b/c~0d"),
    ('{"a": 1.' + "0" * 200 + "1}", "/a"),
]


@pytest.mark.parametrize(("text", "pointer"), BOMBS, ids=range(len(BOMBS)))
@pytest.mark.parametrize("duplicate_keys", ["refuse", "last"])
def test_a_number_bomb_is_refused_with_its_pointer_in_milliseconds(
    text: str, pointer: str, duplicate_keys: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(StrictJsonError) as caught:
        loads(text.encode(), duplicate_keys=duplicate_keys)
    assert caught.value.pointer == pointer
    assert time.perf_counter() - started < 0.05


def test_ordinary_numbers_keep_their_exact_values() -> None:
    assert loads('{"q": 2, "n": 1234567890123456789012, "x": 139.6917, "e": 1.5e-7, "z": -0}') == {
        "q": 2,
        "n": 1234567890123456789012,
        "x": Decimal("139.6917"),
        "e": Decimal("1.5e-7"),
        "z": 0,
    }


def test_the_bound_is_per_call_not_sticky() -> None:
    with pytest.raises(StrictJsonError):
        loads("[1e999]")
    assert loads("[1]") == [1]
