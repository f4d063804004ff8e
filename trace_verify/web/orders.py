"""``/api/v1/orders``: stored orders with their shipments, documents, customs records and verdicts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from trace_verify.web.context import now, page_request, principal, services
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import NOW_PARAMETER, PAGE_PARAMETERS, answer, json_body, register, request_now

bp = Blueprint("orders", __name__)
TAGS = ("orders",)
MERCHANT_FILTER: dict[str, Any] = {
    "name": "merchant_id",
    "in": "query",
    "required": False,
    "description": "Only this merchant's orders (narrows a key's orders, never widens them)",
    "schema": {"type": "string"},
}


def list_orders() -> Response:
    """Orders the key may read."""
    who = principal()
    return answer(services().orders.list(who, page_request(), request.args.get("merchant_id")))


def create_order() -> Response:
    """Store an order with its shipments and customs records."""
    who = principal()
    return answer(services().orders.create(who, json_body(), now()), 201)


def get_order(order_id: str) -> Response:
    """One stored order."""
    who = principal()
    return answer(services().orders.get(who, order_id))


def list_shipments(order_id: str) -> Response:
    """The order's shipments."""
    who = principal()
    return answer(services().orders.shipments(who, order_id))


def add_shipment(order_id: str) -> Response:
    """Add a shipment to the order."""
    who = principal()
    return answer(services().orders.add_shipment(who, order_id, json_body(), now()), 201)


def get_shipment(order_id: str, index: int) -> Response:
    """One shipment."""
    who = principal()
    return answer(services().orders.shipment(who, order_id, index))


def replace_documents(order_id: str, index: int) -> Response:
    """Replace the shipment's current carrier documents (the old ones stay stored)."""
    who = principal()
    return answer(services().orders.replace_documents(who, order_id, index, json_body(), now()))


def list_customs(order_id: str) -> Response:
    """The order's customs records."""
    who = principal()
    return answer(services().orders.customs(who, order_id))


def add_customs(order_id: str) -> Response:
    """Add a customs declaration to the order."""
    who = principal()
    return answer(services().orders.add_customs(who, order_id, json_body(), now()), 201)


def reverify(order_id: str) -> Response:
    """Verify the stored order again, refreshing tracking from the carriers first."""
    who = principal()
    return answer(services().verdicts.reverify(who, order_id, request_now()))


def list_verdicts(order_id: str) -> Response:
    """The order's stored verdicts, newest first."""
    who = principal()
    return answer(services().verdicts.history(who, order_id, page_request()))


def _op(method: str, path: str, op_id: str, summary: str, **kwargs: Any) -> Operation:
    return Operation(method, path, op_id, summary, tags=TAGS, **kwargs)


_ORDER = "/api/v1/orders/{order_id}"
_WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 429)
_READ_ERRORS = (401, 404, 429)

OPERATIONS = register(
    bp,
    [
        (
            _op(
                "GET",
                "/api/v1/orders",
                "list_orders",
                "List the orders the key may read",
                response_schema="StoredOrderPage",
                errors=(400, 401, 429),
                parameters=(*PAGE_PARAMETERS, MERCHANT_FILTER),
            ),
            list_orders,
        ),
        (
            _op(
                "POST",
                "/api/v1/orders",
                "create_order",
                "Store an order (platform key: the platform issues order ids; the same order again: 201)",
                request_schema="OrderCreate",
                response_schema="StoredOrder",
                response_status=201,
                errors=(400, 401, 403, 409, 413, 415, 422, 429),
            ),
            create_order,
        ),
        (
            _op(
                "GET",
                _ORDER,
                "get_order",
                "Read a stored order",
                response_schema="StoredOrder",
                errors=_READ_ERRORS,
            ),
            get_order,
        ),
        (
            _op(
                "GET",
                f"{_ORDER}/shipments",
                "list_shipments",
                "The order's shipments",
                response_schema="ShipmentPage",
                errors=_READ_ERRORS,
            ),
            list_shipments,
        ),
        (
            _op(
                "POST",
                f"{_ORDER}/shipments",
                "add_shipment",
                "Add a shipment (with its documents and events)",
                request_schema="ShipmentCreate",
                response_schema="Shipment",
                response_status=201,
                errors=_WRITE_ERRORS,
            ),
            add_shipment,
        ),
        (
            _op(
                "GET",
                f"{_ORDER}/shipments/{{index}}",
                "get_shipment",
                "One shipment",
                response_schema="Shipment",
                errors=_READ_ERRORS,
            ),
            get_shipment,
        ),
        (
            _op(
                "PUT",
                f"{_ORDER}/shipments/{{index}}/documents",
                "replace_documents",
                "Replace the shipment's current carrier documents (replaced ones stay stored as evidence)",
                request_schema="DocumentsReplace",
                response_schema="Shipment",
                errors=_WRITE_ERRORS,
            ),
            replace_documents,
        ),
        (
            _op(
                "GET",
                f"{_ORDER}/customs",
                "list_customs",
                "The order's customs declarations",
                response_schema="CustomsPage",
                errors=_READ_ERRORS,
            ),
            list_customs,
        ),
        (
            _op(
                "POST",
                f"{_ORDER}/customs",
                "add_customs",
                "Add a customs declaration",
                request_schema="CustomsCreate",
                response_schema="Customs",
                response_status=201,
                errors=_WRITE_ERRORS,
            ),
            add_customs,
        ),
        (
            _op(
                "POST",
                f"{_ORDER}/verdict",
                "reverify_order",
                "Verify the stored order from its evidence, refreshing tracking from the carriers; stored",
                response_schema="Verdict",
                errors=(400, 401, 403, 404, 429),
                parameters=(NOW_PARAMETER,),
            ),
            reverify,
        ),
        (
            _op(
                "GET",
                f"{_ORDER}/verdicts",
                "list_verdicts",
                "The order's stored verdicts with their rules_version, newest first",
                response_schema="StoredVerdictPage",
                errors=(400, 401, 403, 404, 429),
                parameters=PAGE_PARAMETERS,
            ),
            list_verdicts,
        ),
    ],
)
