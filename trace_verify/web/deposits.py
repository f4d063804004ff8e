"""``/api/v1/merchants/{merchant_id}/deposit``: a merchant's security deposit, its top-ups and ledger."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from trace_verify.web.context import now, page_request, principal, services
from trace_verify.web.idempotency import receipt
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import PAGE_PARAMETERS, answer, json_body, register

bp = Blueprint("deposits", __name__)
TAGS = ("deposits",)
_DEPOSIT = "/api/v1/merchants/{merchant_id}/deposit"


def top_up(merchant_id: str) -> Response:
    """Credit the deposit; open shortfalls are settled oldest first."""
    who = principal()
    return answer(services().deposits.top_up(who, merchant_id, json_body(), now(), receipt(201)), 201)


def get_deposit(merchant_id: str) -> Response:
    """Balances per currency and open shortfalls."""
    who = principal()
    return answer(services().deposits.deposit(who, merchant_id))


def get_ledger(merchant_id: str) -> Response:
    """The deposit's ledger transactions, newest first."""
    who = principal()
    return answer(services().deposits.ledger(who, merchant_id, page_request()))


def _op(method: str, path: str, op_id: str, summary: str, **kwargs: Any) -> Operation:
    return Operation(method, path, op_id, summary, tags=TAGS, **kwargs)


OPERATIONS = register(
    bp,
    [
        (
            _op(
                "POST",
                f"{_DEPOSIT}/top-ups",
                "top_up_deposit",
                "Top up a merchant's deposit (platform); settles open shortfalls oldest first",
                request_schema="TopUpCreate",
                response_schema="TopUp",
                response_status=201,
                errors=(400, 401, 403, 404, 409, 413, 415, 422, 429),
                idempotency_required=True,
            ),
            top_up,
        ),
        (
            _op(
                "GET",
                _DEPOSIT,
                "get_deposit",
                "A merchant's deposit: balance per currency (checked against the ledger) and open shortfalls",
                response_schema="Deposit",
                errors=(401, 403, 404, 429),
            ),
            get_deposit,
        ),
        (
            _op(
                "GET",
                f"{_DEPOSIT}/ledger",
                "get_deposit_ledger",
                "The deposit's ledger: balanced transactions with their entries, newest first",
                response_schema="LedgerPage",
                errors=(401, 403, 404, 429),
                parameters=PAGE_PARAMETERS,
            ),
            get_ledger,
        ),
    ],
)
