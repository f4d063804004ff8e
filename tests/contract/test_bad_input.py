"""Bad bundles: exit 2 on the command line, HTTP 400 over HTTP, each error naming its JSON pointer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import bundle, run_cli

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def apply(obj: dict[str, Any]) -> None:
        *parents, last = path.strip("/").split("/")
        node: Any = obj
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _delete(path: str) -> Mutation:
    def apply(obj: dict[str, Any]) -> None:
        *parents, last = path.strip("/").split("/")
        node: Any = obj
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return apply


EVENT = "/shipments/0/events/0"

# (case id, mutation, expected code, expected pointer)
CASES: list[tuple[str, Mutation, str, str]] = [
    ("missing-placed-at", _delete("/order/placed_at"), "INVALID_BUNDLE", "/order/placed_at"),
    ("missing-shipments", _delete("/shipments"), "INVALID_BUNDLE", "/shipments"),
    ("missing-event-milestone", _delete(f"{EVENT}/milestone"), "INVALID_BUNDLE", f"{EVENT}/milestone"),
    ("unknown-order-field", _set("/order/discount", "5.00"), "UNKNOWN_FIELD", "/order/discount"),
    ("unknown-top-field", _set("/notes", "x"), "UNKNOWN_FIELD", "/notes"),
    (
        "unknown-location-field",
        _set(f"{EVENT}/location/planet", "Mars"),
        "UNKNOWN_FIELD",
        f"{EVENT}/location/planet",
    ),
    ("amount-number", _set("/order/amount_paid", 468), "INVALID_BUNDLE", "/order/amount_paid"),
    ("amount-abc", _set("/order/amount_paid", "abc"), "INVALID_BUNDLE", "/order/amount_paid"),
    ("amount-negative", _set("/order/amount_paid", "-1"), "INVALID_BUNDLE", "/order/amount_paid"),
    (
        "amount-three-decimals-cny",
        _set("/order/amount_paid", "1.001"),
        "INVALID_BUNDLE",
        "/order/amount_paid",
    ),
    (
        "delivery-cost-three-decimals",
        _set("/order/buyer_delivery_cost", "0.005"),
        "INVALID_BUNDLE",
        "/order/buyer_delivery_cost",
    ),
    ("naive-date", _set("/order/placed_at", "2026-03-01T02:14:00"), "INVALID_BUNDLE", "/order/placed_at"),
    ("malformed-date", _set("/order/placed_at", "yesterday"), "INVALID_BUNDLE", "/order/placed_at"),
    (
        "impossible-date",
        _set("/order/placed_at", "2026-02-30T10:00:00Z"),
        "INVALID_BUNDLE",
        "/order/placed_at",
    ),
    (
        "impossible-hour",
        _set("/order/placed_at", "2026-02-10T25:00:00Z"),
        "INVALID_BUNDLE",
        "/order/placed_at",
    ),
    (
        "event-time-not-utc",
        _set(f"{EVENT}/occurred_at", "2026-03-01T18:20:00+09:00"),
        "INVALID_BUNDLE",
        f"{EVENT}/occurred_at",
    ),
    ("country-ZZ", _set("/order/destination/country", "ZZ"), "INVALID_BUNDLE", "/order/destination/country"),
    (
        "country-lowercase",
        _set("/order/destination/country", "cn"),
        "INVALID_BUNDLE",
        "/order/destination/country",
    ),
    (
        "event-country-ZZ",
        _set(f"{EVENT}/location/country", "ZZ"),
        "INVALID_BUNDLE",
        f"{EVENT}/location/country",
    ),
    ("currency-unknown", _set("/order/currency", "ZZZ"), "INVALID_BUNDLE", "/order/currency"),
    ("promise-enum", _set("/order/promise", "maybe"), "INVALID_BUNDLE", "/order/promise"),
    ("milestone-enum", _set(f"{EVENT}/milestone", "teleported"), "INVALID_BUNDLE", f"{EVENT}/milestone"),
    ("complaint-type-enum", _set("/complaint/type", "refund"), "INVALID_BUNDLE", "/complaint/type"),
    ("shipments-object", _set("/shipments", {}), "INVALID_BUNDLE", "/shipments"),
    ("quantity-zero", _set("/order/items/0/quantity", 0), "INVALID_BUNDLE", "/order/items/0/quantity"),
    (
        "offset-out-of-range",
        _set(f"{EVENT}/local_offset_minutes", 900),
        "INVALID_BUNDLE",
        f"{EVENT}/local_offset_minutes",
    ),
]


def _mutated(mutation: Mutation) -> bytes:
    obj = bundle("direct-met")
    mutation(obj)
    return json.dumps(obj).encode()


@pytest.mark.parametrize(("case", "mutation", "code", "pointer"), CASES, ids=[c[0] for c in CASES])
def test_cli_refuses_with_pointer(
    case: str, mutation: Mutation, code: str, pointer: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{case}.json"
    path.write_bytes(_mutated(mutation))
    result = run_cli("verify", str(path))
    assert result.status == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith(f"error: {code}: {pointer}: "), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("case", "mutation", "code", "pointer"), CASES, ids=[c[0] for c in CASES])
def test_http_refuses_with_pointer(
    case: str, mutation: Mutation, code: str, pointer: str, client: FlaskClient
) -> None:
    response = client.post("/api/v1/verify", data=_mutated(mutation), content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {"code": code, "message": response.get_json()["error"]["message"], "field": pointer}
    }


RAW_CASES = [
    ("not-json", b"{not json", "INVALID_JSON"),
    ("empty", b"", "INVALID_JSON"),
    ("trailing-garbage", b"{} x", "INVALID_JSON"),
    ("nan", b'{"order": NaN, "shipments": []}', "INVALID_JSON"),
    ("duplicate-keys", b'{"shipments": [], "shipments": []}', "INVALID_JSON"),
    ("invalid-utf8", b'{"order": "\xff"}', "INVALID_JSON"),
    ("lone-surrogate", b'{"order": {"id": "\\ud800"}, "shipments": []}', "INVALID_JSON"),
    ("deep-nesting", b"[" * 100_000 + b"]" * 100_000, "INVALID_JSON"),
    ("top-level-array", b"[]", "INVALID_BUNDLE"),
    ("huge-integer", b'{"x": ' + b"9" * 5000 + b"}", "INVALID_JSON"),
]


@pytest.mark.parametrize(("case", "raw", "code"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_cli_refuses_raw_input(case: str, raw: bytes, code: str) -> None:
    result = run_cli("verify", "-", stdin=raw)
    assert result.status == 2
    assert result.stderr.startswith(f"error: {code}: "), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("case", "raw", "code"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_http_refuses_raw_input(case: str, raw: bytes, code: str, client: FlaskClient) -> None:
    response = client.post("/api/v1/verify", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_utf8_bom_is_tolerated() -> None:
    raw = b"\xef\xbb\xbf" + json.dumps(bundle("direct-met")).encode()
    result = run_cli("verify", "-", "--now", "2026-03-05T12:00:00Z", stdin=raw)
    assert result.status == 0, result.stderr


def test_cli_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("verify", str(tmp_path / "absent.json"))
    assert result.status == 2
    assert result.stderr.startswith("error: INPUT_UNREADABLE: ")


def test_cli_bad_now_is_refused() -> None:
    result = run_cli("verify", "-", "--now", "2026-03-05 12:00", stdin=b"{}")
    assert result.status == 2
    assert result.stderr.startswith("error: INVALID_ARGUMENT: --now: ")


@pytest.mark.parametrize("spelling", [b"540.0", b"5.4e2", b"54E1"])
def test_an_integer_written_as_a_fraction_is_read_as_that_integer(
    spelling: bytes, client: FlaskClient
) -> None:
    """JSON Schema counts 540.0 as an integer; it once reached the verdict writer as a Decimal (a crash)."""
    base = bundle("direct-met")
    base["order"].setdefault("items", [{"sku": "A"}])[0]["quantity"] = 2
    plain = json.dumps(base).encode()
    raw = plain.replace(b'"local_offset_minutes": 540', b'"local_offset_minutes": ' + spelling, 1)
    raw = raw.replace(b'"quantity": 2', b'"quantity": 2.0', 1)
    assert raw.count(spelling) == 1 and b'"quantity": 2.0' in raw
    expected = run_cli("verify", "-", "--now", "2026-03-05T12:00:00Z", stdin=plain)
    result = run_cli("verify", "-", "--now", "2026-03-05T12:00:00Z", stdin=raw)
    assert result.status == expected.status == 0, result.stderr
    assert result.stdout == expected.stdout  # the timeline echoes 540, as if it had been written so
    response = client.post(
        "/api/v1/verify?now=2026-03-05T12:00:00Z", data=raw, content_type="application/json"
    )
    assert response.status_code == 200, response.get_json()
