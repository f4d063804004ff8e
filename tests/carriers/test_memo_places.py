"""``carriers._common.default_places``: the shipped gazetteer with memoised country codes, same answers."""

from __future__ import annotations

import pytest

from carriers import _common
from carriers._common import MemoPlaces, default_places
from trace_verify.domain.places import default_gazetteer

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
