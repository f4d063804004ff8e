"""The deposit ledger on both databases: deductions to zero with shortfalls, top-ups settling them
oldest first, every transaction balanced, the balance equal to the ledger, a complaint deducted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trace_verify.db.models import Complaint, ComplaintStatus, Merchant, Order
from trace_verify.db.session import Database
from trace_verify.services import ledger

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
MERCHANT = "M-LEDGER"


def _complaint(session: Session, n: int) -> str:
    """A stored upheld complaint (its own order) to deduct for."""
    order_id, complaint_id = f"ORD-L-{n}", f"cmp_ledger_{n}"
    data = {"id": order_id, "merchant_id": MERCHANT}
    session.add(Order(id=order_id, merchant_id=MERCHANT, placed_at=T0, data=data, created_at=T0))
    session.flush()
    session.add(
        Complaint(
            id=complaint_id,
            order_id=order_id,
            merchant_id=MERCHANT,
            consumer_id=None,
            type="genuine_goods",
            active_type="genuine_goods",
            status=ComplaintStatus.UPHELD,
            data={},
            filed_at=T0,
            filed_by="t",
            filed_by_role="platform",
            rules_version="test",
            reasons=[],
            decided_by="automatic",
            recheck_attempts=0,
            created_at=T0,
            updated_at=T0,
        )
    )
    session.flush()
    return complaint_id


@pytest.fixture
def db(database: Database) -> Database:
    with database.write_transaction() as session:
        session.add(Merchant(id=MERCHANT, name="Ledger test", created_at=T0, updated_at=T0))
    return database


def _check_books(session: Session) -> None:
    """Every transaction balances; the cached balance equals the ledger's."""
    rows = session.execute(
        sa.text(
            "SELECT transaction_id, SUM(CASE WHEN direction = 'debit' THEN amount ELSE -amount END) "
            "FROM ledger_entries GROUP BY transaction_id"
        )
    ).all()
    assert rows and all(Decimal(total) == 0 for _, total in rows)
    summary = ledger.deposit_summary(session, MERCHANT)
    assert all(b["reconciled"] for b in summary["balances"])


def test_a_short_deposit_is_deducted_to_zero_and_top_ups_settle_oldest_first(db: Database) -> None:
    with db.write_transaction() as session:
        ledger.top_up(session, MERCHANT, "CNY", Decimal("150.00"), "wire-1", T0, "t")
        first = ledger.deduct(session, _complaint(session, 1), MERCHANT, "CNY", Decimal("100.00"), T0, "t")
        second = ledger.deduct(
            session, _complaint(session, 2), MERCHANT, "CNY", Decimal("100.00"), T0 + timedelta(1), "t"
        )
        third = ledger.deduct(
            session, _complaint(session, 3), MERCHANT, "CNY", Decimal("30.00"), T0 + timedelta(2), "t"
        )
    assert (first.deducted, first.shortfall) == (Decimal("100.00"), 0)
    assert (second.deducted, second.shortfall) == (Decimal("50.00"), Decimal("50.00"))
    assert (third.deducted, third.shortfall) == (0, Decimal("30.00"))
    with db.write_transaction() as session:
        settled = ledger.top_up(session, MERCHANT, "CNY", Decimal("60.00"), "wire-2", T0 + timedelta(3), "t")
        summary = ledger.deposit_summary(session, MERCHANT)
        _check_books(session)
    assert [(s["complaint_id"], s["amount"]) for s in settled["settlements"]] == [
        ("cmp_ledger_2", "50.00"),
        ("cmp_ledger_3", "10.00"),
    ]
    assert summary["balances"] == [{"currency": "CNY", "balance": "0.00", "reconciled": True}]
    [still_open] = summary["open_shortfalls"]
    assert (still_open["complaint_id"], still_open["outstanding"]) == ("cmp_ledger_3", "20.00")


def test_no_deposit_in_the_currency_makes_the_whole_amount_a_shortfall(db: Database) -> None:
    with db.write_transaction() as session:
        ledger.top_up(session, MERCHANT, "CNY", Decimal("500.00"), "wire-1", T0, "t")
        result = ledger.deduct(session, _complaint(session, 1), MERCHANT, "USD", Decimal("12.50"), T0, "t")
        _check_books(session)
    assert (result.deducted, result.shortfall) == (0, Decimal("12.50"))


def test_a_complaint_is_deducted_once_whatever_the_application_does(db: Database) -> None:
    with db.write_transaction() as session:
        ledger.top_up(session, MERCHANT, "CNY", Decimal("500.00"), "wire-1", T0, "t")
        complaint_id = _complaint(session, 1)
        ledger.deduct(session, complaint_id, MERCHANT, "CNY", Decimal("100.00"), T0, "t")
    with pytest.raises(IntegrityError), db.write_transaction() as session:
        ledger.deduct(session, complaint_id, MERCHANT, "CNY", Decimal("100.00"), T0, "t")
    with db.transaction() as session:
        assert ledger.deposit_summary(session, MERCHANT)["balances"][0]["balance"] == "400.00"
