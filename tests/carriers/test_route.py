"""carriers._route and carriers._common: the carrier-neutral border rules, each option, and independence.

Countries are ISO alpha-2; a story reads oldest first. JP → CN is the cross-border shipment, HK the
third country it passes through.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from carriers._common import first_significant_byte
from carriers._route import (
    Arrival,
    Departure,
    Kind,
    Route,
    Scan,
    Step,
    chronological,
    domestic_border,
    settle,
    settle_reported,
    to_events,
)
from carriers._time import parse_gmt_offset
from trace_verify.domain.model import Location, Milestone

CARRIERS = Path(__file__).resolve().parents[2] / "carriers"


def _steps(*pairs: tuple[Kind, str | None]) -> list[Step]:
    return [Step(kind, country) for kind, country in pairs]


def _settle(
    steps: list[Step],
    origin: str | None = None,
    destination: str | None = None,
    *,
    departure: Departure = "last_scan",
    arrival: Arrival = "first_arrival",
    transit_customs: bool = True,
) -> list[Milestone]:
    route = Route.of(steps, origin, destination)
    return settle(steps, route, departure=departure, arrival=arrival, transit_customs=transit_customs)


# --- the route -----------------------------------------------------------------------------------------


def test_route_prefers_declared_ends_and_infers_the_rest() -> None:
    steps = _steps(("picked_up", None), ("departed", "JP"), ("arrived", "HK"), ("delivered", "CN"))
    inferred = Route.of(steps, None, None)
    assert (inferred.origin, inferred.destination) == ("JP", "CN")
    declared = Route.of(steps, "KR", "US")
    assert (declared.origin, declared.destination) == ("KR", "US")
    assert Route.of(_steps(("in_transit", "JP")), None, None).destination is None


def test_border_crossing_with_and_without_a_known_destination() -> None:
    assert Route("JP", "CN", ()).crosses_border()
    assert not Route("CN", "CN", ("CN", "HK")).crosses_border()  # declared domestic wins over scans
    assert Route("JP", None, ("JP", "HK")).crosses_border()  # no destination: a scan abroad says so
    assert not Route("JP", None, ("JP", None)).crosses_border()
    assert not Route(None, "CN", ("CN",)).crosses_border()
    assert not Route("JP", None, ("JP", "HK")).ends_differ()  # aftership's stricter test
    assert Route("CN", "CN", ()).domestic() and not Route("JP", "CN", ()).domestic()


def test_sides() -> None:
    route = Route("JP", "CN", ())
    assert [route.side(c) for c in ("JP", "HK", "CN", None)] == ["export", "transit", "import", "import"]
    assert Route("CN", "CN", ()).side("CN") == "import"
    assert [route.abroad(c) for c in ("JP", "CN", None)] == [True, False, False]


# --- settle: movements ---------------------------------------------------------------------------------


def test_only_the_border_departure_and_arrival_are_milestones() -> None:
    steps = _steps(
        ("departed", "JP"), ("arrived", "JP"), ("departed", "JP"),
        ("arrived", "HK"), ("departed", "HK"),
        ("arrived", "CN"), ("departed", "CN"), ("arrived", "CN"), ("delivered", "CN"),
    )  # fmt: skip
    assert _settle(steps) == [
        "in_transit", "in_transit", "departed_origin",
        "in_transit", "in_transit",
        "arrived_destination_country", "in_transit", "in_transit", "delivered",
    ]  # fmt: skip


def test_departure_rules_differ_when_the_last_origin_scan_is_not_a_departure() -> None:
    steps = _steps(("departed", "JP"), ("customs_processing", "JP"), ("arrived", "CN"), ("delivered", "CN"))
    assert _settle(steps)[0] == "in_transit"  # last scan in JP is customs: no border departure
    assert _settle(steps, departure="last_departure")[0] == "departed_origin"  # UPS / FedEx


def test_arrival_rules_differ_when_the_first_destination_scan_is_not_an_arrival() -> None:
    steps = _steps(("departed", "JP"), ("customs_processing", "CN"), ("arrived", "CN"), ("delivered", "CN"))
    assert _settle(steps)[2] == "arrived_destination_country"
    assert _settle(steps, arrival="first_scan")[2] == "in_transit"  # SF: the first scan in CN was customs


def test_a_domestic_shipment_has_no_border_milestones() -> None:
    steps = _steps(("departed", "CN"), ("arrived", "CN"), ("cleared", "CN"), ("delivered", "CN"))
    assert _settle(steps) == ["in_transit", "in_transit", "import_cleared", "delivered"]


def test_an_arrival_needs_a_scan_elsewhere_first() -> None:
    steps = _steps(("arrived", "CN"), ("delivered", "CN"))
    assert _settle(steps, "JP", "CN") == ["in_transit", "delivered"]


# --- settle: customs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "country", "expected"),
    [
        ("import_cleared", "JP", "export_cleared"),
        ("import_cleared", "HK", "in_transit"),
        ("import_cleared", "CN", "import_cleared"),
        ("import_cleared", None, "import_cleared"),
        ("customs_processing", "JP", "in_transit"),
        ("customs_processing", "HK", "in_transit"),
        ("customs_processing", "CN", "customs_processing"),
        ("customs_held", "JP", "customs_held"),
        ("customs_held", "HK", "customs_held"),
        ("cleared", "JP", "export_cleared"),
        ("cleared", "HK", "in_transit"),
        ("cleared", "CN", "import_cleared"),
        ("cleared", None, "import_cleared"),
    ],
)
def test_customs_by_side(kind: Kind, country: str | None, expected: Milestone) -> None:
    assert _settle([Step(kind, country)], "JP", "CN") == [expected]


def test_a_release_without_a_country_follows_the_carriers_word() -> None:
    assert _settle([Step("cleared", None, "export")], "JP", "CN") == ["export_cleared"]
    assert _settle([Step("cleared", None, "import")], "JP", "CN") == ["import_cleared"]
    assert _settle([Step("cleared", "CN", "export")], "JP", "CN") == ["import_cleared"]  # the country wins


def test_sf_keeps_third_country_customs() -> None:
    steps = _steps(("import_cleared", "HK"), ("customs_processing", "HK"), ("import_cleared", "JP"))
    assert _settle(steps, "JP", "CN", transit_customs=False) == [
        "import_cleared", "customs_processing", "export_cleared",
    ]  # fmt: skip


# --- aggregators ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("milestone", "country", "origin", "expected"),
    [
        ("arrived_destination_country", "HK", "JP", "in_transit"),
        ("arrived_destination_country", "CN", "JP", "arrived_destination_country"),
        ("departed_origin", "CN", "JP", "in_transit"),
        ("departed_origin", "JP", "JP", "departed_origin"),
        ("import_cleared", "JP", "JP", "export_cleared"),
        ("import_cleared", "HK", "JP", "in_transit"),
        ("import_cleared", "HK", None, "export_cleared"),  # kuaidi100: no origin known
        ("import_cleared", "CN", "JP", "import_cleared"),
        ("customs_processing", "JP", "JP", "in_transit"),
        ("customs_held", "JP", "JP", "customs_held"),
        ("delivered", "CN", "JP", "delivered"),
    ],
)
def test_reported_milestones_on_the_wrong_side(
    milestone: Milestone, country: str, origin: str | None, expected: Milestone
) -> None:
    assert settle_reported(milestone, country, Route(origin, "CN", ())) == expected


def test_domestic_border_milestones_are_transit() -> None:
    assert domestic_border("departed_origin", Route("CN", "CN", ())) == "in_transit"
    assert domestic_border("export_cleared", Route("CN", "CN", ())) == "in_transit"
    assert domestic_border("import_cleared", Route("CN", "CN", ())) == "import_cleared"
    assert domestic_border("departed_origin", Route("JP", "CN", ())) == "departed_origin"
    assert domestic_border("departed_origin", Route(None, None, ())) == "departed_origin"


# --- order and events ----------------------------------------------------------------------------------


T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_chronological_keeps_ties_in_document_order() -> None:
    at = [T0 + timedelta(hours=h) for h in (2, 1, 1, 0)]  # newest first: ties read reversed
    assert chronological(list(range(4)), lambda i: at[i]) == [3, 2, 1, 0]
    at = [T0 + timedelta(hours=h) for h in (0, 1, 1, 2)]  # oldest first: ties kept
    assert chronological(list(range(4)), lambda i: at[i]) == [0, 1, 2, 3]
    assert chronological([], lambda i: T0) == []


def test_to_events_orders_and_settles() -> None:
    def scan(i: int, hours: int, kind: Kind, country: str) -> Scan:
        return Scan(
            i, T0 + timedelta(hours=hours), "carrier_utc", None, Location(country=country), kind, f"C{i}", ""
        )

    events = to_events(
        "x",
        "N1",
        [scan(0, 5, "delivered", "CN"), scan(1, 3, "arrived", "CN"), scan(2, 1, "departed", "JP")],
        None,
        None,
    )
    assert [(e.milestone, e.carrier_code) for e in events] == [
        ("departed_origin", "C2"), ("arrived_destination_country", "C1"), ("delivered", "C0"),
    ]  # fmt: skip
    assert {e.carrier for e in events} == {"x"} and {e.tracking_number for e in events} == {"N1"}


# --- _common and _time helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("+09:00", 540), ("-05:00", -300), ("+9:00", 540), ("+0900", 540), ("GMT+08:00", 480),
     ("GMT+8", 480), ("GMT-5", -300), ("UTC+05:30", 330), ("+14:00", 840)],
)  # fmt: skip
def test_gmt_offsets(text: str, minutes: int) -> None:
    zone = parse_gmt_offset(text)
    assert zone is not None and zone.utcoffset(None) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["+15:00", "+09:60", "09:00", "GMT", "+9:0", "EST"])
def test_bad_gmt_offsets_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_gmt_offset(text)


def test_empty_gmt_offset_is_none() -> None:
    assert parse_gmt_offset(None) is None and parse_gmt_offset("  ") is None


@pytest.mark.parametrize(
    ("data", "first"),
    [(b'  {"a": 1}', b"{"), (b"\xef\xbb\xbf<?xml?>", b"<"), ("<a/>".encode("utf-16"), b"<"),
     (b"\r\n[1]", b"["), (b"", b""), (b"   ", b"")],
)  # fmt: skip
def test_first_significant_byte(data: bytes, first: bytes) -> None:
    assert first_significant_byte(data) == first


# --- independence --------------------------------------------------------------------------------------


def _carrier_packages() -> set[str]:
    return {
        p.name
        for p in CARRIERS.iterdir()
        if (p / "__init__.py").exists() and p.name != "simulator" and not p.name.startswith("_")
    }


def test_no_carrier_package_imports_another() -> None:
    """The import-linter independence contract, checked in the suite as well."""
    packages = _carrier_packages()
    crossings = []
    for package in sorted(packages):
        for path in (CARRIERS / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                for name in names:
                    parts = name.split(".")
                    if len(parts) > 1 and parts[0] == "carriers" and parts[1] in packages - {package}:
                        crossings.append(f"{path.relative_to(CARRIERS)}: {name}")
    assert crossings == []
