"""Deposits over HTTP: top-ups (Idempotency-Key required), balances checked against the ledger, the
ledger's balanced transactions, and who may do what (issue 13's table), on both databases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.api.support import MERCHANT_A, MERCHANT_B, World, auth, call

TOP_UPS = f"/api/v1/merchants/{MERCHANT_A}/deposit/top-ups"


def top_up(world: World, body: dict[str, Any], key: str | None, role: str = "platform") -> Any:
    headers = {**auth(role), **({"Idempotency-Key": key} if key else {})}
    return world.client.post(TOP_UPS, json=body, headers=headers)


def test_a_top_up_credits_the_deposit_with_a_balanced_transaction(world: World) -> None:
    created = top_up(world, {"amount": "500.00", "currency": "CNY", "reference": "wire-1"}, "key-top-up-0001")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["balance"] == "500.00" and body["settlements"] == []
    deposit = call(world.client, "GET", f"/api/v1/merchants/{MERCHANT_A}/deposit", "merchant").get_json()
    assert deposit["balances"] == [{"currency": "CNY", "balance": "500.00", "reconciled": True}]
    ledger = call(world.client, "GET", f"/api/v1/merchants/{MERCHANT_A}/deposit/ledger", "staff").get_json()
    [txn] = ledger["items"]
    assert txn["kind"] == "top_up" and txn["reference"] == "wire-1"
    assert sorted((e["account"], e["direction"], e["amount"]) for e in txn["entries"]) == [
        (f"deposit:{MERCHANT_A}", "credit", "500.00"),
        ("platform:cash", "debit", "500.00"),
    ]


def test_top_ups_need_an_idempotency_key_and_replay_the_first_answer(world: World) -> None:
    body = {"amount": "10.00", "currency": "CNY", "reference": "wire-2"}
    missing = top_up(world, body, None)
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    first = top_up(world, body, "key-replay-000001")
    again = top_up(world, body, "key-replay-000001")
    assert (again.status_code, again.get_json()) == (201, first.get_json())
    assert again.headers["Idempotent-Replayed"] == "true"
    other = top_up(world, {**body, "amount": "11.00"}, "key-replay-000001")
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    with world.database.transaction() as session:
        assert session.scalar(sa.text("SELECT count(*) FROM ledger_transactions")) == 1


def test_a_refused_top_up_does_not_consume_its_key(world: World) -> None:
    bad = top_up(world, {"amount": "-1", "currency": "CNY", "reference": "wire-3"}, "key-refused-00001")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "/amount"
    good = top_up(world, {"amount": "1.00", "currency": "CNY", "reference": "wire-3"}, "key-refused-00001")
    assert good.status_code == 201


def test_money_is_refused_beyond_the_currency_minor_unit_and_a_reference_books_once(world: World) -> None:
    jpy = top_up(world, {"amount": "1.5", "currency": "JPY", "reference": "wire-4"}, "key-jpy-000000001")
    assert jpy.status_code == 400 and jpy.get_json()["error"]["field"] == "/amount"
    assert (
        top_up(world, {"amount": "1", "currency": "XYZ", "reference": "r"}, "key-xyz-01").status_code == 400
    )
    first = top_up(world, {"amount": "5.00", "currency": "CNY", "reference": "wire-5"}, "key-ref-000000001")
    assert first.status_code == 201
    again = top_up(world, {"amount": "6.00", "currency": "CNY", "reference": "wire-5"}, "key-ref-000000002")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "CONFLICT"


def test_who_may_top_up_and_read(world: World) -> None:
    body = {"amount": "5.00", "currency": "CNY", "reference": "wire-6"}
    for role in ("staff", "merchant", "consumer"):
        assert top_up(world, body, f"key-role-{role}-0001", role).status_code == 403
    other = call(world.client, "GET", f"/api/v1/merchants/{MERCHANT_B}/deposit", "merchant")
    assert other.status_code == 404
    assert call(world.client, "GET", f"/api/v1/merchants/{MERCHANT_A}/deposit", "consumer").status_code == 403
