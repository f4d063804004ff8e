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
    """A carrier's scans are carriers._route.Scan; its error statuses go through status_error."""
    offenders = []
    for path in sorted(CARRIERS.rglob("*.py")):
        if path.name in ("_route.py", "_common.py") or "simulator" in path.parts or "_fetch" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and "Scan" in node.name:
                offenders.append(f"{path.relative_to(CARRIERS)}: class {node.name}")
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value in (429, "429") for c in node.comparators
            ):
                offenders.append(f"{path.relative_to(CARRIERS)}:{node.lineno}: compares a status with 429")
    assert offenders == []
