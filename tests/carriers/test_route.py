"""carriers._route and carriers._common: the carrier-neutral border rules (one rule set, no per-carrier
options), and independence.

Countries are ISO alpha-2; a story reads oldest first. JP → CN is the cross-border shipment, HK the
third country it passes through.
"""

from __future__ import annotations

import ast
import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from carriers._common import first_significant_byte
from carriers._route import (
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


def _settle(steps: list[Step], origin: str | None = None, destination: str | None = None) -> list[Milestone]:
    return settle(steps, Route.of(steps, origin, destination))


def test_one_rule_set_without_per_carrier_options() -> None:
    assert list(inspect.signature(settle).parameters) == ["steps", "route"]


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


# Decision 1: the border departure is the last DEPARTURE scanned in the origin country.


def test_a_later_customs_scan_in_the_origin_keeps_the_departure() -> None:
    steps = _steps(("departed", "JP"), ("customs_processing", "JP"), ("arrived", "CN"), ("delivered", "CN"))
    assert _settle(steps) == ["departed_origin", "in_transit", "arrived_destination_country", "delivered"]


def test_a_later_processed_scan_and_release_in_the_origin_keep_the_departure() -> None:
    steps = _steps(
        ("picked_up", "JP"), ("departed", "JP"), ("in_transit", "JP"), ("cleared", "JP"),
        ("arrived", "CN"), ("delivered", "CN"),
    )  # fmt: skip
    assert _settle(steps) == [
        "picked_up", "departed_origin", "in_transit", "export_cleared",
        "arrived_destination_country", "delivered",
    ]  # fmt: skip


def test_only_the_last_of_several_origin_departures_is_the_border() -> None:
    steps = _steps(("departed", "JP"), ("in_transit", "JP"), ("departed", "JP"), ("arrived", "CN"))
    assert _settle(steps, destination="CN")[:3] == ["in_transit", "in_transit", "departed_origin"]


def test_no_departure_in_the_origin_means_no_border_departure() -> None:
    steps = _steps(("picked_up", "JP"), ("departed", "HK"), ("arrived", "CN"), ("delivered", "CN"))
    assert _settle(steps, "JP", "CN")[1] == "in_transit"  # HK is a third country, not the origin


# Decision 2: the border arrival is the first ARRIVAL scanned in the destination after a scan elsewhere.


def test_a_customs_scan_just_before_the_arrival_keeps_the_arrival() -> None:
    steps = _steps(("departed", "JP"), ("customs_processing", "CN"), ("arrived", "CN"), ("delivered", "CN"))
    assert _settle(steps) == [
        "departed_origin", "customs_processing", "arrived_destination_country", "delivered",
    ]  # fmt: skip


def test_only_the_first_destination_arrival_is_the_border() -> None:
    steps = _steps(("departed", "JP"), ("in_transit", "CN"), ("arrived", "CN"), ("arrived", "CN"))
    assert _settle(steps, "JP", "CN")[2:] == ["arrived_destination_country", "in_transit"]


# Decision 5: a shipment whose declared origin is its destination crosses no border.


def test_a_domestic_shipment_has_no_border_milestones() -> None:
    steps = _steps(("departed", "CN"), ("arrived", "CN"), ("cleared", "CN"), ("delivered", "CN"))
    assert _settle(steps) == ["in_transit", "in_transit", "import_cleared", "delivered"]


def test_a_declared_domestic_shipment_turns_carrier_coded_border_milestones_to_transit() -> None:
    steps = [
        Step("export_cleared", "CN"), Step("departed", "CN"), Step("cleared", None, "export"),
        Step("arrived_destination_country", "CN"), Step("import_cleared", "CN"), Step("delivered", "CN"),
    ]  # fmt: skip
    assert _settle(steps, "CN", "CN") == [
        "in_transit", "in_transit", "in_transit", "in_transit", "import_cleared", "delivered",
    ]  # fmt: skip


def test_a_declared_domestic_shipment_wins_over_scans_abroad() -> None:
    steps = _steps(("departed", "CN"), ("arrived", "HK"), ("departed", "HK"), ("arrived", "CN"))
    assert _settle(steps, "CN", "CN") == ["in_transit"] * 4


def test_same_country_scans_without_a_declared_origin_are_not_a_domestic_shipment() -> None:
    """The first scan's country is where tracking starts: a carrier-coded crossing is kept."""
    steps = [Step("arrived_destination_country", "CN"), Step("delivered", "CN")]
    route = Route.of(steps, None, "CN")
    assert route.origin == "CN" and route.origin_inferred and not route.domestic()
    assert settle(steps, route) == ["arrived_destination_country", "delivered"]


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


# Decision 3: customs in a third country are transit (import customs belong to the destination).


def test_a_hong_kong_release_on_a_japan_to_china_parcel_is_transit() -> None:
    steps = _steps(
        ("departed", "JP"), ("arrived", "HK"), ("import_cleared", "HK"), ("customs_processing", "HK"),
        ("cleared", "HK"), ("customs_held", "HK"), ("arrived", "CN"), ("import_cleared", "CN"),
        ("delivered", "CN"),
    )  # fmt: skip
    assert _settle(steps) == [
        "departed_origin", "in_transit", "in_transit", "in_transit",
        "in_transit", "customs_held", "arrived_destination_country", "import_cleared",
        "delivered",
    ]  # fmt: skip


def test_a_release_the_route_cannot_place_follows_the_carriers_word() -> None:
    """No crossing established (no destination, inferred origin): FedEx's "- Export" still says export."""
    steps = [Step("cleared", "JP", "export"), Step("departed", "JP"), Step("in_transit", "CN")]
    assert _settle(steps) == ["export_cleared", "in_transit", "in_transit"]
    assert _settle([Step("cleared", "JP")]) == ["import_cleared"]  # no word, no side: import


# Decision 4: with no destination known, only a DECLARED origin and a scan abroad make a crossing.


def test_no_destination_and_an_inferred_origin_invent_no_border() -> None:
    steps = _steps(("departed", "HK"), ("import_cleared", "HK"), ("in_transit", "CN"))
    route = Route.of(steps, None, None)
    assert (route.origin, route.destination, route.origin_inferred) == ("HK", None, True)
    assert not route.crosses_border()
    assert settle(steps, route) == ["in_transit", "import_cleared", "in_transit"]


def test_no_destination_and_a_declared_origin_with_a_scan_abroad_is_a_crossing() -> None:
    steps = _steps(("departed", "HK"), ("import_cleared", "HK"), ("in_transit", "CN"))
    assert _settle(steps, "HK") == ["departed_origin", "export_cleared", "in_transit"]


def test_no_destination_and_a_declared_origin_without_a_scan_abroad_is_no_crossing() -> None:
    steps = _steps(("departed", "JP"), ("in_transit", None))
    assert _settle(steps, "JP") == ["in_transit", "in_transit"]


def test_a_known_destination_still_settles_an_inferred_origin() -> None:
    steps = _steps(("departed", "JP"), ("arrived", "CN"))
    assert _settle(steps, None, "CN") == ["departed_origin", "arrived_destination_country"]


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


def test_reported_border_milestones_on_a_declared_domestic_shipment_are_transit() -> None:
    steps = [
        Step("departed_origin", "CN"),
        Step("arrived_destination_country", "CN"),
        Step("delivered", "CN"),
    ]
    domestic, gap = Route.of(steps, "CN", None), Route.of(steps, None, None)
    assert settle_reported("departed_origin", "CN", domestic) == "in_transit"
    assert settle_reported("arrived_destination_country", "CN", domestic) == "in_transit"
    assert settle_reported("delivered", "CN", domestic) == "delivered"
    assert settle_reported("departed_origin", "CN", gap) == "departed_origin"  # origin only inferred


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
