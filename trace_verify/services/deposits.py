"""Deposits over HTTP: the platform tops up; platform, staff and the merchant itself read the balance,
the open shortfalls and the ledger (issue 13's table). The money rules live in ``services.ledger``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from trace_verify.contract.currencies import is_currency, minor_units
from trace_verify.db.models import LedgerTransaction, Merchant
from trace_verify.db.session import Database
from trace_verify.domain.money import fits_minor_unit
from trace_verify.errors import Conflict, InvalidInput
from trace_verify.services import ledger
from trace_verify.services.access import Principal, Resource, not_found
from trace_verify.services.pages import PageRequest, page

#: ``receipt(session, body)``: records the idempotent answer in the money transaction.
Receipt = Callable[[Session, dict[str, Any]], None]

TOP_UP_FIELDS = ("amount", "currency", "reference")
MAX_AMOUNT = Decimal("1e15")


def top_up_schema() -> dict[str, Any]:
    """The body of ``POST /merchants/{id}/deposit/top-ups``."""
    return {
        "type": "object",
        "required": list(TOP_UP_FIELDS),
        "properties": {
            "amount": {"type": "string", "pattern": r"^[0-9]{1,15}(\.[0-9]{1,4})?$"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "reference": {"type": "string", "minLength": 1, "maxLength": 100},
        },
        "additionalProperties": False,
    }


def read_top_up(obj: Any) -> tuple[Decimal, str, str]:
    """(amount, currency, reference) of a valid top-up body, or 400 naming the field."""
    if not isinstance(obj, dict):
        raise InvalidInput("INVALID_REQUEST", "must be an object", "")
    for name in obj:
        if name not in TOP_UP_FIELDS:
            raise InvalidInput("UNKNOWN_FIELD", f"unknown field {str(name)[:60]!r}", f"/{name}")
    for name in TOP_UP_FIELDS:
        if not isinstance(obj.get(name), str):
            raise InvalidInput("INVALID_REQUEST", "required, a string", f"/{name}")
    currency, reference = obj["currency"], obj["reference"]
    if not is_currency(currency):
        raise InvalidInput("INVALID_REQUEST", "not an ISO 4217 currency with a minor unit", "/currency")
    if not 1 <= len(reference) <= 100 or not reference.isprintable():
        raise InvalidInput("INVALID_REQUEST", "1 to 100 printable characters", "/reference")
    text = obj["amount"]
    try:
        amount = Decimal(text) if len(text) <= 24 and text.replace(".", "", 1).isdigit() else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise InvalidInput(
            "INVALID_REQUEST", 'a positive decimal amount as a string, e.g. "500.00"', "/amount"
        )
    if not fits_minor_unit(amount, minor_units()[currency]):
        raise InvalidInput("INVALID_REQUEST", f"more decimals than {currency} allows", "/amount")
    return amount, currency, reference


class DepositService:
    """Top-ups and reads of merchants' deposits."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _merchant(self, session: Session, who: Principal, merchant_id: str, resource: Resource) -> Merchant:
        who.access(resource, write=resource is Resource.DEPOSIT_TOP_UP)
        merchant = session.get(Merchant, merchant_id)
        if merchant is None or not who.sees(resource, merchant.id, None):
            raise not_found("merchant")
        return merchant

    def top_up(
        self, who: Principal, merchant_id: str, obj: Any, now: datetime, receipt: Receipt | None = None
    ) -> dict[str, Any]:
        """Credit the deposit and settle open shortfalls oldest first (platform)."""
        who.access(Resource.DEPOSIT_TOP_UP, write=True)
        amount, currency, reference = read_top_up(obj)
        try:
            with self.db.write_transaction() as session:
                self._merchant(session, who, merchant_id, Resource.DEPOSIT_TOP_UP)
                result = ledger.top_up(session, merchant_id, currency, amount, reference, now, who.key_id)
                body = result
                if receipt is not None:
                    receipt(session, body)
                return body
        except IntegrityError:
            raise Conflict(
                "CONFLICT", "a top-up with this reference is booked for this merchant", "/reference"
            ) from None

    def deposit(self, who: Principal, merchant_id: str) -> dict[str, Any]:
        """Balances per currency (each checked against the ledger) and open shortfalls."""
        with self.db.transaction() as session:
            self._merchant(session, who, merchant_id, Resource.DEPOSITS)
            return ledger.deposit_summary(session, merchant_id)

    def ledger(self, who: Principal, merchant_id: str, request: PageRequest) -> dict[str, Any]:
        """The merchant's ledger transactions with their entries, newest first."""
        with self.db.transaction() as session:
            self._merchant(session, who, merchant_id, Resource.DEPOSITS)
            statement = (
                sa.select(LedgerTransaction)
                .where(LedgerTransaction.merchant_id == merchant_id)
                .options(selectinload(LedgerTransaction.entries))
                .order_by(LedgerTransaction.id.desc())
                .limit(request.limit + 1)
            )
            if request.after is not None:
                if not request.after.isdigit():
                    return page([], [], request)
                statement = statement.where(LedgerTransaction.id < int(request.after))
            rows = list(session.scalars(statement))
            items = [ledger.transaction_view(txn) for txn in rows[: request.limit]]
            return page(items, [str(t.id) for t in rows], request)
