"""``/api/v1/merchants``: registered by the platform, each merchant reads its own record."""

from __future__ import annotations

from flask import Blueprint, Response

from trace_verify.web.context import now, page_request, principal, services
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import PAGE_PARAMETERS, answer, json_body, register

bp = Blueprint("merchants", __name__)
TAGS = ("merchants",)


def list_merchants() -> Response:
    """Merchants the key may read."""
    who = principal()
    return answer(services().merchants.list(who, page_request()))


def create_merchant() -> Response:
    """Register a merchant."""
    who = principal()
    return answer(services().merchants.create(who, json_body(), now()), 201)


def get_merchant(merchant_id: str) -> Response:
    """One merchant."""
    who = principal()
    return answer(services().merchants.get(who, merchant_id))


def update_merchant(merchant_id: str) -> Response:
    """Change a merchant's name, return address or registered importer."""
    who = principal()
    return answer(services().merchants.update(who, merchant_id, json_body(), now()))


OPERATIONS = register(
    bp,
    [
        (
            Operation(
                "GET",
                "/api/v1/merchants",
                "list_merchants",
                "List merchants (a merchant key sees only itself)",
                response_schema="MerchantPage",
                errors=(400, 401, 403, 429),
                parameters=PAGE_PARAMETERS,
                tags=TAGS,
            ),
            list_merchants,
        ),
        (
            Operation(
                "POST",
                "/api/v1/merchants",
                "create_merchant",
                "Register a merchant (platform)",
                request_schema="MerchantCreate",
                response_schema="Merchant",
                response_status=201,
                errors=(400, 401, 403, 409, 413, 415, 429),
                tags=TAGS,
            ),
            create_merchant,
        ),
        (
            Operation(
                "GET",
                "/api/v1/merchants/{merchant_id}",
                "get_merchant",
                "Read a merchant",
                response_schema="Merchant",
                errors=(401, 403, 404, 429),
                tags=TAGS,
            ),
            get_merchant,
        ),
        (
            Operation(
                "PATCH",
                "/api/v1/merchants/{merchant_id}",
                "update_merchant",
                "Set a merchant's name, return address or registered importer (platform)",
                request_schema="MerchantUpdate",
                response_schema="Merchant",
                errors=(400, 401, 403, 404, 413, 415, 429),
                tags=TAGS,
            ),
            update_merchant,
        ),
    ],
)
