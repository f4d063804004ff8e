"""Evidence as Chinese aggregators write it (issue 11 §1–2): places and border wording on whole documents.

Every phrase of the shared wording table (:mod:`carriers._wording`) is tried inside a whole Kuaidi100
document, on the side of the border it belongs to, because a phrase only means something with its route:
the same "清关" is export clearance at the origin and import clearance at the destination.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carriers._common import default_places
from carriers._placetext import countries_named, place_named
from carriers.kuaidi100 import SPEC as KUAIDI100
from carriers.registry import REGISTRY
from trace_verify.refdata import default_gazetteer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"


def _events(name: str) -> list[tuple[str, str, str | None, str | None]]:
    result = KUAIDI100.parse((FIXTURES / "kuaidi100" / name).read_bytes())
    [shipment] = result.shipments
    return [
        (e.milestone, e.occurred_at.isoformat(), e.location.country, e.location.city) for e in shipment.events
    ]


def test_sydney_document_reads_the_country_and_the_border_from_the_words() -> None:
    """【悉尼】快件已完成澳大利亚出口申报: Sydney in Australia, export cleared, then 进境 in Shanghai."""
    assert _events("query-ems-sydney-hangzhou-delivered.json") == [
        ("picked_up", "2026-03-01T07:10:00+00:00", "AU", "悉尼"),
        ("export_cleared", "2026-03-02T01:30:00+00:00", "AU", "悉尼"),
        ("departed_origin", "2026-03-02T12:05:00+00:00", "AU", "悉尼"),
        ("arrived_destination_country", "2026-03-03T00:40:00+00:00", "CN", "上海"),
        ("customs_held", "2026-03-03T02:12:00+00:00", "CN", "上海"),
        ("import_cleared", "2026-03-04T01:00:00+00:00", "CN", "上海"),
        ("in_transit", "2026-03-04T10:00:00+00:00", "CN", "杭州市"),
        ("delivered", "2026-03-05T01:30:00+00:00", "CN", "杭州市"),
    ]


def test_london_document_resolves_airports_by_name() -> None:
    """【希思罗机场】 and 【上海浦东国际机场】 resolve through the airport table by their names."""
    result = KUAIDI100.parse(
        (FIXTURES / "kuaidi100" / "query-ems-london-hangzhou-delivered.json").read_bytes()
    )
    events = result.shipments[0].events
    assert [(e.milestone, e.location.city, e.location.country, e.location.facility) for e in events[:4]] == [
        ("picked_up", "伦敦", "GB", None),
        ("export_cleared", "London", "GB", "希思罗机场"),  # the city the airport serves
        ("departed_origin", "London", "GB", "伦敦希思罗机场"),
        ("arrived_destination_country", "上海浦东", "CN", "上海浦东国际机场"),
    ]


@pytest.mark.parametrize(
    ("name", "country"),
    [("悉尼", "AU"), ("伦敦", "GB"), ("法兰克福", "DE"), ("墨尔本", "AU"), ("仁川", "KR"), ("洛杉矶", "US")],
)
def test_exonyms_resolve_to_the_dominant_place(name: str, country: str) -> None:
    place = default_gazetteer().resolve(name)
    assert place is not None and place.country == country


def test_an_exonym_without_a_dominant_place_needs_its_country() -> None:
    """温哥华: Vancouver CA (0.66 M) is not 10× Vancouver WA (0.20 M): only a named country decides."""
    assert default_gazetteer().resolve("温哥华") is None
    named = place_named("温哥华", "【温哥华】快件已离开加拿大", default_places())
    assert named is not None and named.country == "CA"
    named = place_named("温哥华", "【温哥华】快件已离开美国", default_places())
    assert named is not None and named.country == "US"


def test_latin_names_without_a_country_are_never_guessed() -> None:
    assert default_gazetteer().resolve("London") is None


@pytest.mark.parametrize("name", ["EMS HUB", "DHL SVC CTR", "ABC DEF GATEWAY"])
def test_words_in_a_facility_are_not_taken_for_airport_codes(name: str) -> None:
    assert place_named(name, name, default_places()) is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("【悉尼】快件已完成澳大利亚出口申报", ("AU",)),
        ("快件已从日本发往中国", ("JP",)),  # 发往中国 is where it goes, not where it is
        ("已交中国邮政处理", ()),  # a carrier's name is no place
        ("国際交換局から発送 日本", ("JP",)),
        ("대한민국 항공기 출발", ("KR",)),
        ("Departed from Germany to China", ("DE",)),
        ("Atlanta, Georgia", ()),  # a US state, not the country
    ],
)
def test_countries_named_in_chinese_japanese_korean_and_english(text: str, named: tuple[str, ...]) -> None:
    assert countries_named(text) == named


@pytest.mark.parametrize(
    ("name", "country", "key"),
    [
        ("上海浦东国际机场", "CN", "CN-310115"),
        ("仁川机场", "KR", "IATA-ICN"),
        ("仁川国际机场", "KR", "IATA-ICN"),
        ("HEATHROW WORLDWIDE DC", "GB", "IATA-LHR"),
        ("LHR", "GB", "IATA-LHR"),
        ("PVG GATEWAY", "CN", "IATA-PVG"),  # an IATA code in a facility
        ("ICN HUB", "KR", "IATA-ICN"),
    ],
)
def test_airports_and_facilities_by_name_and_code(name: str, country: str, key: str) -> None:
    named = place_named(name, name, default_places())
    assert named is not None and named.place is not None
    assert (named.country, named.place.key) == (country, key)


# --- every phrase on a whole document -------------------------------------------------------------------

ORIGIN, DESTINATION = "【东京】", "【上海市】"


def _document(phrase: str, bracket: str) -> bytes:
    """A Kuaidi100 EMS answer Tokyo → Hangzhou with ``phrase`` as a generic (在途) event on one side."""
    data = [
        ("2026-03-02 10:00:00", "【东京】日本邮政已收寄", "揽收", "1"),
        (
            "2026-03-03 09:00:00" if bracket == ORIGIN else "2026-03-05 09:00:00",
            bracket + phrase,
            "在途",
            "0",
        ),
        ("2026-03-04 08:00:00", "【东京】离开东京国际交换局", "在途", "0"),
        ("2026-03-06 10:00:00", "【上海市】到达上海邮区中心局", "在途", "0"),
        ("2026-03-07 15:00:00", "【杭州市】已签收", "本人签收", "301"),
    ]
    items = [{"time": t, "ftime": t, "context": c, "status": s, "statusCode": k} for t, c, s, k in data]
    doc = {"message": "ok", "nu": "EB204817360JP", "ischeck": "1", "com": "ems", "state": "3",
           "status": "200", "data": list(reversed(items))}  # fmt: skip
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("phrase", "bracket", "milestone"),
    [
        ("快件已完成日本出口申报", ORIGIN, "export_cleared"),
        ("出口清关", ORIGIN, "export_cleared"),
        ("快件已完成出口报关", ORIGIN, "export_cleared"),
        ("航班起飞", ORIGIN, "departed_origin"),
        ("快件已离开日本", ORIGIN, "departed_origin"),
        ("国際交換局から発送", ORIGIN, "departed_origin"),
        ("항공기 출발", ORIGIN, "departed_origin"),
        ("进境", DESTINATION, "arrived_destination_country"),
        ("快件已抵达中国，进境", DESTINATION, "arrived_destination_country"),
        ("到达上海国际邮件处理中心（进境）", DESTINATION, "arrived_destination_country"),
        ("상대국 도착", DESTINATION, "arrived_destination_country"),
        ("海关查验", DESTINATION, "customs_held"),
        ("待清关", DESTINATION, "customs_processing"),
        ("清关中", DESTINATION, "customs_processing"),
        ("通関手続中", DESTINATION, "customs_processing"),
        ("已清关", DESTINATION, "import_cleared"),
        ("海关放行", DESTINATION, "import_cleared"),
        ("통관 완료", DESTINATION, "import_cleared"),
    ],
)
def test_every_border_phrase_on_a_whole_document(phrase: str, bracket: str, milestone: str) -> None:
    [shipment] = KUAIDI100.parse(_document(phrase, bracket)).shipments
    worded = [e for e in shipment.events if e.description == bracket + phrase]
    assert [e.milestone for e in worded] == [milestone]
    assert worded[0].location.country == ("JP" if bracket == ORIGIN else "CN")


# --- 17TRACK and Cainiao: the same words through other aggregators -------------------------------------


def _seventeen(description: str, location: str | None, address: dict[str, str | None]) -> tuple[str, object]:
    """The Frankfurt 17TRACK document with its first foreign event rewritten; (milestone, location)."""
    doc = json.loads(
        (FIXTURES / "17track" / "gettrackinfo-dpost-frankfurt-hangzhou-delivered.json").read_text()
    )
    events = doc["data"]["accepted"][0]["track_info"]["tracking"]["providers"][0]["events"]
    events[0].update(description=description, location=location, address=address)  # newest first
    [shipment] = REGISTRY.read("17track", json.dumps(doc, ensure_ascii=False).encode()).shipments
    departed = [e for e in shipment.events if e.description == description]
    return departed[0].milestone, departed[0].location.to_json()


def test_17track_location_is_the_city_when_the_address_gives_only_a_country() -> None:
    assert _seventeen("航班起飞", "法兰克福", {"country": "DE"}) == (
        "departed_origin",
        {"city": "法兰克福", "country": "DE"},
    )


def test_17track_reads_the_country_from_the_description_when_nothing_else_gives_one() -> None:
    assert _seventeen("快件已离开德国", None, {}) == ("departed_origin", {"country": "DE"})


def test_17track_korean_postal_wording_passed_through() -> None:
    milestone, location = _seventeen("항공기 출발(예정,한국시간)", "INCHEON", {"country": "KR"})
    assert milestone == "departed_origin"
    assert location == {"city": "INCHEON", "country": "KR"}


def test_17track_a_specific_code_is_not_overridden_by_words() -> None:
    """Only generic codes (InTransit_Other, none) are refined: the carrier's own code prevails."""
    doc = json.loads(
        (FIXTURES / "17track" / "gettrackinfo-dpost-frankfurt-hangzhou-delivered.json").read_text()
    )
    first = doc["data"]["accepted"][0]["track_info"]["tracking"]["providers"][0]["events"][-1]
    first["description"] = "快件已完成德国出口申报"  # on the pick-up event, coded InTransit_PickedUp
    [shipment] = REGISTRY.read("17track", json.dumps(doc, ensure_ascii=False).encode()).shipments
    assert shipment.events[0].milestone == "picked_up"


def test_declared_origin_never_fills_an_events_country() -> None:
    """A bracket the gazetteer does not know and a text naming no country give no country, whatever the
    merchant declared: an event keeps only what its document says."""
    doc = json.loads((FIXTURES / "kuaidi100" / "query-ems-sydney-hangzhou-delivered.json").read_text())
    oldest = doc["data"][-1]
    oldest["context"] = "【某某分拨点】快件已收寄"
    [shipment] = KUAIDI100.parse(json.dumps(doc, ensure_ascii=False).encode()).shipments
    assert shipment.events[0].location.to_json() == {"facility": "某某分拨点"}


def test_aftership_passes_the_border_wording_through_on_generic_checkpoints() -> None:
    """AfterShip's generic InTransit_001 checkpoint with the carrier's Chinese words is read by them."""
    path = FIXTURES / "aftership" / "tracking-2024-10-dhl-tokyo-sf-hangzhou-delivered.json"
    doc = json.loads(path.read_text())
    doc["data"]["checkpoints"][1]["message"] = "【东京】快件已完成日本出口申报"
    [shipment] = REGISTRY.read("aftership", json.dumps(doc, ensure_ascii=False).encode()).shipments
    worded = [e for e in shipment.events if e.description == "【东京】快件已完成日本出口申报"]
    assert [(e.milestone, e.location.country) for e in worded] == [("export_cleared", "JP")]
    assert "departed_origin" in [e.milestone for e in shipment.events], "the DHL departure stays the border"
