"""The steps every adapter shares are written once: one Scan type, one HTTP status → error mapping."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from carriers._common import status_error

CARRIERS = Path(__file__).resolve().parents[2] / "carriers"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (404, "not_found"),
        ("404", "not_found"),
        (401, "unauthorized"),
        ("403", "unauthorized"),
        (429, "rate_limited"),
        ("429", "rate_limited"),
        (500, "carrier_error"),
        ("4xx", "carrier_error"),
        (None, "carrier_error"),
    ],
)
def test_status_error_maps_http_statuses_as_numbers_or_digits(status: int | str | None, code: str) -> None:
    assert status_error(status) == code


def test_no_adapter_keeps_a_private_scan_type_or_status_table() -> None:
    """A carrier's scans are carriers._route.Scan and to_event writes its events (EPCIS, which has no
    scans but EPCIS events, normalizes its own); its error statuses go through status_error."""
    offenders = []
    for path in sorted(CARRIERS.rglob("*.py")):
        if path.name in ("_route.py", "_common.py") or "simulator" in path.parts or "_fetch" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and "Scan" in node.name:
                offenders.append(f"{path.relative_to(CARRIERS)}: class {node.name}")
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Name) and called.id == "Event" and "epcis" not in path.parts:
                offenders.append(f"{path.relative_to(CARRIERS)}:{node.lineno}: builds an Event by hand")
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value in (429, "429") for c in node.comparators
            ):
                offenders.append(f"{path.relative_to(CARRIERS)}:{node.lineno}: compares a status with 429")
    assert offenders == []


def test_an_aggregator_fetch_uses_the_stored_courier_else_the_derived_one_else_refuses() -> None:
    from carriers.spec import ByCourier, CourierUnknown

    asked: list[tuple[str, str]] = []

    class Client:
        def fetch(self, courier: str, tracking_number: str) -> bytes:
            asked.append((courier, tracking_number))
            return b"{}"

    fetcher = ByCourier(Client(), lambda number: "shunfeng" if number.startswith("SF") else None)
    fetcher.fetch("SF1608234471925", "sf-override")
    fetcher.fetch("SF1608234471925")
    assert asked == [("sf-override", "SF1608234471925"), ("shunfeng", "SF1608234471925")]
    with pytest.raises(CourierUnknown) as caught:
        fetcher.fetch("4312345678901")
    assert caught.value.code == "courier_unknown"


def test_courier_codes_follow_from_the_number_only_when_it_names_one_courier() -> None:
    from carriers.aftership import slug_of
    from carriers.kuaidi100 import company_code

    assert company_code("SF1608234471925") == "shunfeng"
    assert company_code("EB316209571JP") == "ems"  # Kuaidi100 tracks inbound S10 items as China EMS
    assert slug_of("EB316209571JP") == "japan-post"
    assert slug_of("1Z879E930346834440") == "ups"
    assert company_code("4312345678901") is None and slug_of("4312345678901") is None
