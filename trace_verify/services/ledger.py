"""The merchants' security deposits as a double-entry ledger (rules.md §2; reliability.md §1.3).

Accounts, per merchant and currency (no conversion, ever):

=============================  =======================================================================
``deposit:<merchant>``         what the platform holds for the merchant (credit-normal; its balance
                               is the deposit's balance and is never negative)
``platform:cash``              money the platform received for deposits (top-ups debit it)
``payable:complaint:<id>``     what an upheld complaint is owed (the deduction credits the whole total)
``receivable:merchant:<id>``   a shortfall: the part of a deduction the deposit could not cover
=============================  =======================================================================

Every movement is one :class:`LedgerTransaction` whose entries balance. A deduction takes
``min(balance, total)`` from the deposit and books the rest as a shortfall; a top-up then settles
open shortfalls oldest first, each settlement its own transaction. Exactly once is held by the
database: ``UNIQUE(complaint_id, kind)`` on transactions, ``UNIQUE(complaint_id)`` on shortfalls, and
the deposit row locked (``SELECT … FOR UPDATE``; SQLite: the writer's ``BEGIN IMMEDIATE``) for the
whole computation, so two deductions never read the same balance.

Every function here works inside the caller's transaction (``Database.write_transaction``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trace_verify.contract.currencies import minor_units
from trace_verify.db.models import Deposit, LedgerEntry, LedgerTransaction, Shortfall
from trace_verify.domain.model import format_utc
from trace_verify.domain.money import ZERO, format_money
from trace_verify.services import audit

CASH = "platform:cash"


def money_text(amount: Decimal, currency: str) -> str:
    """``amount`` as text with exactly ``currency``'s decimals ("936.00")."""
    return format_money(amount, minor_units()[currency])


def deposit_account(merchant_id: str) -> str:
    """The merchant's deposit account."""
    return f"deposit:{merchant_id}"


def receivable_account(merchant_id: str) -> str:
    """What the merchant still owes after a short deduction."""
    return f"receivable:merchant:{merchant_id}"


def payable_account(complaint_id: str) -> str:
    """What an upheld complaint is owed."""
    return f"payable:complaint:{complaint_id}"


@dataclass(frozen=True, slots=True)
class Deduction:
    """What an upheld complaint's deduction did: taken from the deposit, and the shortfall left."""

    transaction_id: int
    currency: str
    total: Decimal
    deducted: Decimal
    shortfall: Decimal


def lock_deposit(session: Session, merchant_id: str, currency: str, now: datetime) -> Deposit:
    """The merchant's deposit row in ``currency`` (created at 0 when missing), locked until commit."""
    dialect = session.get_bind().dialect.name
    values = {"merchant_id": merchant_id, "currency": currency, "balance": ZERO, "updated_at": now}
    insert = postgresql.insert(Deposit) if dialect == "postgresql" else sqlite.insert(Deposit)
    session.execute(
        insert.values(**values).on_conflict_do_nothing(index_elements=["merchant_id", "currency"])
    )
    statement = (
        sa.select(Deposit)
        .where(Deposit.merchant_id == merchant_id, Deposit.currency == currency)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(statement).one()


def _book(
    session: Session,
    kind: str,
    merchant_id: str,
    currency: str,
    now: datetime,
    entries: list[tuple[str, str, Decimal]],
    **links: Any,
) -> LedgerTransaction:
    """One balanced transaction: ``entries`` are (account, direction, amount); zero amounts are left out."""
    kept = [(a, d, amount) for a, d, amount in entries if amount > 0]
    debits = sum((amount for _, d, amount in kept if d == "debit"), ZERO)
    credits = sum((amount for _, d, amount in kept if d == "credit"), ZERO)
    if debits != credits or not kept:
        raise ValueError(f"unbalanced {kind}: debits {debits} != credits {credits}")
    txn = LedgerTransaction(kind=kind, merchant_id=merchant_id, currency=currency, created_at=now, **links)
    session.add(txn)
    session.flush()
    for account, direction, amount in kept:
        session.add(
            LedgerEntry(
                transaction_id=txn.id, account=account, direction=direction, amount=amount, currency=currency
            )
        )
    session.flush()
    return txn


def deduct(
    session: Session,
    complaint_id: str,
    merchant_id: str,
    currency: str,
    total: Decimal,
    now: datetime,
    actor: str,
) -> Deduction:
    """Take an upheld complaint's compensation from the deposit, once; the rest is a shortfall."""
    deposit = lock_deposit(session, merchant_id, currency, now)
    taken = min(deposit.balance, total)
    short = total - taken
    txn = _book(
        session,
        "deduction",
        merchant_id,
        currency,
        now,
        [
            (deposit_account(merchant_id), "debit", taken),
            (receivable_account(merchant_id), "debit", short),
            (payable_account(complaint_id), "credit", total),
        ],
        complaint_id=complaint_id,
    )
    deposit.balance = deposit.balance - taken
    deposit.updated_at = now
    if short > 0:
        session.add(
            Shortfall(
                complaint_id=complaint_id,
                merchant_id=merchant_id,
                currency=currency,
                amount=short,
                settled=ZERO,
                created_at=now,
            )
        )
    session.flush()
    details = {
        "complaint_id": complaint_id,
        "currency": currency,
        "total": money_text(total, currency),
        "deducted": money_text(taken, currency),
        "shortfall": money_text(short, currency),
        "transaction_id": txn.id,
    }
    audit.append(session, "deposit.deduction", actor, f"merchant:{merchant_id}", details, now)
    return Deduction(txn.id, currency, total, taken, short)


def top_up(
    session: Session,
    merchant_id: str,
    currency: str,
    amount: Decimal,
    reference: str,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """Credit the deposit, then settle open shortfalls in that currency, oldest first."""
    deposit = lock_deposit(session, merchant_id, currency, now)
    txn = _book(
        session,
        "top_up",
        merchant_id,
        currency,
        now,
        [(CASH, "debit", amount), (deposit_account(merchant_id), "credit", amount)],
        reference=reference,
    )
    balance = deposit.balance + amount
    settlements = []
    for shortfall in _open_shortfalls(session, merchant_id, currency):
        part = min(balance, shortfall.amount - shortfall.settled)
        if part <= 0:
            break
        settled = _book(
            session,
            "settlement",
            merchant_id,
            currency,
            now,
            [
                (deposit_account(merchant_id), "debit", part),
                (receivable_account(merchant_id), "credit", part),
            ],
            shortfall_id=shortfall.id,
        )
        balance -= part
        shortfall.settled = shortfall.settled + part
        if shortfall.settled == shortfall.amount:
            shortfall.settled_at = now
        settlements.append(
            {
                "transaction_id": settled.id,
                "complaint_id": shortfall.complaint_id,
                "amount": money_text(part, currency),
            }
        )
    deposit.balance = balance
    deposit.updated_at = now
    session.flush()
    result = {
        "transaction_id": txn.id,
        "merchant_id": merchant_id,
        "currency": currency,
        "amount": money_text(amount, currency),
        "reference": reference,
        "settlements": settlements,
        "balance": money_text(balance, currency),
        "created_at": format_utc(now),
    }
    audit.append(session, "deposit.top_up", actor, f"merchant:{merchant_id}", result, now)
    return result


def _open_shortfalls(session: Session, merchant_id: str, currency: str) -> list[Shortfall]:
    statement = (
        sa.select(Shortfall)
        .where(
            Shortfall.merchant_id == merchant_id,
            Shortfall.currency == currency,
            Shortfall.settled < Shortfall.amount,
        )
        .order_by(Shortfall.id)  # the order they were recorded in (under the deposit's lock)
        .with_for_update()
    )
    return list(session.scalars(statement))


def ledger_balance(session: Session, merchant_id: str, currency: str) -> Decimal:
    """The deposit account's balance as the ledger says: credits − debits."""
    account = deposit_account(merchant_id)
    signed = sa.case((LedgerEntry.direction == "credit", LedgerEntry.amount), else_=-LedgerEntry.amount)
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(signed), 0)).where(
            LedgerEntry.account == account, LedgerEntry.currency == currency
        )
    )
    return Decimal(total or 0)


def deposit_summary(session: Session, merchant_id: str) -> dict[str, Any]:
    """Balances per currency (checked against the ledger) and the open shortfalls, oldest first."""
    balances = []
    deposits = session.scalars(
        sa.select(Deposit).where(Deposit.merchant_id == merchant_id).order_by(Deposit.currency)
    )
    for deposit in deposits:
        from_ledger = ledger_balance(session, merchant_id, deposit.currency)
        balances.append(
            {
                "currency": deposit.currency,
                "balance": money_text(deposit.balance, deposit.currency),
                "reconciled": from_ledger == deposit.balance,
            }
        )
    shortfalls = session.scalars(
        sa.select(Shortfall)
        .where(Shortfall.merchant_id == merchant_id, Shortfall.settled < Shortfall.amount)
        .order_by(Shortfall.id)
    )
    return {
        "merchant_id": merchant_id,
        "balances": balances,
        "open_shortfalls": [shortfall_view(s) for s in shortfalls],
    }


def shortfall_view(shortfall: Shortfall) -> dict[str, Any]:
    """A shortfall as the API shows it."""
    currency = shortfall.currency
    return {
        "id": shortfall.id,
        "complaint_id": shortfall.complaint_id,
        "currency": currency,
        "amount": money_text(shortfall.amount, currency),
        "settled": money_text(shortfall.settled, currency),
        "outstanding": money_text(shortfall.amount - shortfall.settled, currency),
        "created_at": format_utc(shortfall.created_at),
        "settled_at": format_utc(shortfall.settled_at) if shortfall.settled_at else None,
    }


def transaction_view(txn: LedgerTransaction) -> dict[str, Any]:
    """A ledger transaction with its entries."""
    return {
        "id": txn.id,
        "kind": txn.kind,
        "currency": txn.currency,
        "complaint_id": txn.complaint_id,
        "shortfall_id": txn.shortfall_id,
        "reference": txn.reference,
        "created_at": format_utc(txn.created_at),
        "entries": [
            {
                "account": e.account,
                "direction": e.direction,
                "amount": money_text(e.amount, e.currency),
            }
            for e in txn.entries
        ],
    }
