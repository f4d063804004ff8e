"""``carriers._common.default_places``: the shipped gazetteer with memoised country codes, same answers."""

from __future__ import annotations

import pytest

from carriers import _common
from carriers._common import MemoPlaces, PlaceMemo, default_places
from trace_verify.refdata import default_gazetteer

NAMES = [
    "CN",
    "CHN",
    "CHINA MAINLAND",
    "China",
    "Germany",
    "USA",
    "JP",
    "Hong Kong",
    "",
    "not a country",
    "XX",
]


@pytest.mark.parametrize("text", [*NAMES, None])
def test_country_codes_are_the_gazetteers(text: str | None) -> None:
    places = default_places()
    assert places.country_code(text) == default_gazetteer().country_code(text)
    assert places.country_code(text) == default_gazetteer().country_code(text)  # memoised answer


def test_resolve_and_place_are_the_gazetteers() -> None:
    places = default_places()
    assert places.resolve("HANGZHOU", "CN") == default_gazetteer().resolve("HANGZHOU", "CN")
    assert places.place("CN-330100") == default_gazetteer().place("CN-330100")


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_COUNTRY_MEMO_LIMIT", 3)
    places = MemoPlaces(default_gazetteer())
    for name in NAMES:
        assert places.country_code(name) == default_gazetteer().country_code(name)
    assert len(places._codes) <= 3


def test_place_memo_answers_once_per_gazetteer_and_key() -> None:
    memo: PlaceMemo[str] = PlaceMemo()
    first, second = object(), object()
    calls: list[str] = []

    def compute(answer: str) -> str:
        calls.append(answer)
        return answer

    assert memo.get(first, ("SHANGHAI", "CN"), lambda: compute("a")) == "a"
    assert memo.get(first, ("SHANGHAI", "CN"), lambda: compute("b")) == "a"  # memoised
    assert memo.get(second, ("SHANGHAI", "CN"), lambda: compute("c")) == "c"  # another gazetteer
    assert memo.get(first, ("SHANGHAI", None), lambda: compute("d")) == "d"  # another key
    assert calls == ["a", "c", "d"]
    assert memo.get(second, ("SHANGHAI", "CN"), lambda: compute("e")) == "e"  # only the last one's kept


def test_place_memo_keeps_no_failure_and_is_bounded() -> None:
    memo: PlaceMemo[int] = PlaceMemo(limit=2)
    places = object()

    def fail() -> int:
        raise ValueError("unreadable")

    with pytest.raises(ValueError):
        memo.get(places, "x", fail)
    assert memo.get(places, "x", lambda: 1) == 1  # the failure was not remembered
    for i in range(5):
        memo.get(places, i, lambda i=i: i)  # type: ignore[misc]
    assert len(memo._state[1]) <= 2
