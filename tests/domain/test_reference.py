"""Bonded zones, customs districts and supervision modes: coverage of domain.md and the lookups rules use."""

from __future__ import annotations

import pytest

from trace_verify.domain.reference import PATHS, BondedZone, BondedZones
from trace_verify.refdata import bonded_zones, customs_districts, default_gazetteer, supervision_modes

# domain.md §2.2: every directly subordinate office and sub-office code listed there.
DOMAIN_OFFICES = [
    "01",
    "02",
    "04",
    "08",
    "09",
    "15",
    "19",
    "22",
    "23",
    "29",
    "31",
    "35",
    "37",
    "40",
    "42",
    "43",
    "46",
    "47",
    "49",
    "51",
    "52",
    "53",
    "57",
    "60",
    "64",
    "67",
    "68",
    "72",
    "79",
    "80",
    "83",
    "86",
    "88",
    "90",
    "94",
    "95",
    "96",
    "99",
]
DOMAIN_DISTRICTS = [
    "0201", "0202", "0204", "2201", "2244", "2246", "2248", "2249", "2901", "2928", "2921", "2943", "3101",
    "4240", "4254", "4258", "4604", "4605", "4606", "4612", "5349", "5345", "5320", "5354", "8001", "8003",
    "8010", "8011", "8013",
]  # fmt: skip
# domain.md §3: every zone in the table, by a name as the reference writes it.
DOMAIN_ZONES = {
    "洋山保税港区": "CN-SH-YANGSHAN",
    "洋山特殊综合保税区": "CN-SH-YANGSHAN",
    "外高桥保税区": "CN-SH-WAIGAOQIAO",
    "上海保税物流园区": "CN-SH-WAIGAOQIAO",
    "杭州综合保税区": "CN-ZJ-HANGZHOU",
    "宁波梅山保税港区": "CN-ZJ-NINGBO-MEISHAN",
    "宁波保税区": "CN-ZJ-NINGBO-FTZ",
    "舟山港综合保税区": "CN-ZJ-ZHOUSHAN",
    "郑州新郑综合保税区": "CN-HA-ZHENGZHOU-XINZHENG",
    "广州南沙保税港区": "CN-GD-GUANGZHOU-NANSHA",
    "南沙综保区": "CN-GD-GUANGZHOU-NANSHA",
    "深圳前海湾保税港区": "CN-GD-SHENZHEN-QIANHAI",
    "天津东疆保税港区": "CN-TJ-DONGJIANG",
    "重庆西永综合保税区": "CN-CQ-XIYONG",
    "重庆两路寸滩综合保税区": "CN-CQ-LIANGLU-CUNTAN",
    "青岛前湾保税港区": "CN-SD-QINGDAO-QIANWAN",
    "青岛保税物流中心": "CN-SD-QINGDAO-BLC",
    "厦门象屿保税区": "CN-FJ-XIAMEN-XIANGYU",
    "厦门海沧保税港区": "CN-FJ-XIAMEN-HAICANG",
    "平潭综合实验区": "CN-FJ-PINGTAN",
    "成都高新综合保税区": "CN-SC-CHENGDU-HITECH",
    "海口综合保税区": "CN-HI-HAIKOU",
    "洋浦保税港区": "CN-HI-YANGPU",
}


# -- bonded zones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "zone_id"), sorted(DOMAIN_ZONES.items()))
def test_every_zone_of_the_reference_is_recognised(name: str, zone_id: str) -> None:
    zone = bonded_zones().match(name)
    assert zone is not None and zone.id == zone_id


@pytest.mark.parametrize(
    ("text", "zone_id"),
    [
        ("Hangzhou Comprehensive Bonded Zone Warehouse 3", "CN-ZJ-HANGZHOU"),
        ("HANGZHOU COMPREHENSIVE BONDED ZONE", "CN-ZJ-HANGZHOU"),
        ("杭州综合保税区 3号仓", "CN-ZJ-HANGZHOU"),
        ("下沙综保区", "CN-ZJ-HANGZHOU"),
        ("yangshan   bonded port area", "CN-SH-YANGSHAN"),
        ("Shanghai Waigaoqiao Free Trade Zone, Gate 2", "CN-SH-WAIGAOQIAO"),
        ("郑州综保区跨境仓", "CN-HA-ZHENGZHOU-XINZHENG"),
        ("Qingdao Bonded Logistics Center (Type B)", "CN-SD-QINGDAO-BLC"),
    ],
)
def test_match_by_alias_case_spacing_and_contained_full_name(text: str, zone_id: str) -> None:
    zone = bonded_zones().match(text)
    assert zone is not None and zone.id == zone_id


@pytest.mark.parametrize(
    "text", [None, "", "Pudong Gateway", "Kansai Gateway", "Hangzhou", "Bonded Zone", "保税区", "综保区"]
)
def test_no_zone_for_places_or_generic_words(text: str | None) -> None:
    assert bonded_zones().match(text) is None


def test_the_longer_name_wins_over_a_name_it_contains() -> None:
    assert bonded_zones().match("宁波梅山保税港区") == bonded_zones().get("CN-ZJ-NINGBO-MEISHAN")
    assert bonded_zones().match("宁波保税区") == bonded_zones().get("CN-ZJ-NINGBO-FTZ")


def test_a_name_two_zones_share_names_neither() -> None:
    a = BondedZone(
        "A", "甲综合保税区", "Alpha Zone", ("Shared Name Zone",), "Hangzhou", "CN-330100", (), "S", "U"
    )
    b = BondedZone(
        "B", "乙综合保税区", "Beta Zone", ("Shared Name Zone",), "Ningbo", "CN-330200", (), "S", "U"
    )
    zones = BondedZones([a, b])
    assert zones.match("Shared Name Zone") is None
    assert zones.match("Alpha Zone") == a


def test_zone_cities_resolve_to_the_zone_city_key() -> None:
    g = default_gazetteer()
    for zone in bonded_zones():
        place = g.resolve(zone.city, "CN")
        assert place is not None and place.country == "CN", zone.id
        assert place.city_key == zone.city_key, zone.id
        assert zone.confidence in {"V", "S", "U"} and zone.code_confidence in {"V", "S", "U"}
        for code in zone.customs_codes:
            assert customs_districts().district_known(code), (zone.id, code)


def test_zone_matching_is_cheap() -> None:
    import time

    zones = bonded_zones()
    start = time.perf_counter()
    for _ in range(2000):
        zones.match("Some Logistics Warehouse, Building 12, Pudong, Shanghai")
    assert (time.perf_counter() - start) / 2000 < 0.001  # measured ~10 µs


# -- customs districts ------------------------------------------------------------------------------


def test_all_42_directly_subordinate_offices_are_known() -> None:
    districts = customs_districts()
    offices = {d.office for d in districts if d.code.endswith("00")}
    assert len(offices) == 42
    for office in [*DOMAIN_OFFICES, "05", "06", "07", "33"]:
        assert districts.office_known(office), office
        assert districts.district_known(office + "00"), office


@pytest.mark.parametrize("code", DOMAIN_DISTRICTS)
def test_sub_office_codes_from_the_reference(code: str) -> None:
    districts = customs_districts()
    assert districts.district_known(code)
    assert districts.office_known(code[:2])
    assert districts.name(code)


def test_unknown_codes() -> None:
    districts = customs_districts()
    assert not districts.office_known("98")
    assert not districts.office_known("00")
    assert not districts.district_known("2999")  # known office, unknown sub-office: a warning upstream
    assert districts.office_known("29")
    assert districts.name("2999") is None
    assert districts.name("2928") == "杭关电商"
    assert districts.name("2200") == "上海海关"


def test_district_cities_resolve_and_rows_are_well_formed() -> None:
    g = default_gazetteer()
    for d in customs_districts():
        assert len(d.code) == 4 and d.code.isdigit() and d.office == d.code[:2], d
        assert d.confidence in {"V", "S", "U"}, d
        place = g.resolve(d.city, "CN")
        assert place is not None and place.country == "CN", d
        assert place.city_key == d.city_key, d


# -- supervision modes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "path"),
    [
        ("9610", "direct_international"),
        ("1210", "bonded_zone"),
        ("1239", "bonded_zone"),
        ("0110", "general_trade"),
        ("110", "general_trade"),
        (" 0110 ", "general_trade"),
        ("9710", "export"),
        ("9810", "export"),
        ("1233", "none"),
        ("6033", "none"),
        ("9999", None),
        ("", None),
        ("abcd", None),
    ],
)
def test_supervision_mode_paths(mode: str, path: str | None) -> None:
    assert supervision_modes().path_of(mode) == path


def test_every_mode_of_the_reference_is_listed_with_a_known_path() -> None:
    modes = {m.code: m for m in supervision_modes()}
    for code in (
        "9610",
        "1210",
        "1239",
        "9710",
        "9810",
        "0110",
        "1233",
        "6033",
        "5033",
        "1200",
        "4561",
        "4500",
    ):
        assert code in modes
    assert all(m.path in PATHS for m in modes.values())


def test_tables_are_loaded_once() -> None:
    assert bonded_zones() is bonded_zones()
    assert customs_districts() is customs_districts()
    assert supervision_modes() is supervision_modes()
