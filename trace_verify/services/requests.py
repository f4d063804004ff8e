"""Request bodies of the resource API: closed schemas, checked before anything is stored.

Order, shipment and customs bodies are the bundle's own objects, validated by the contract reader
itself (one definition of what a valid bundle is); merchants have a small closed schema here. Fields
the client may not set (ids of other objects, server-owned fields such as ``verdict`` or
``created_at``) are simply not in any schema, so they are refused as ``UNKNOWN_FIELD``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, Final

import jsonschema_rs

from trace_verify.contract.reader import read_bundle, schema_error
from trace_verify.contract.schemas import flat_schema
from trace_verify.domain.bundle import Bundle, SubmittedBundle
from trace_verify.domain.countries import is_assigned
from trace_verify.domain.numbers import normalize_number
from trace_verify.errors import InvalidInput, ServiceError, pointer_of

#: Every id a client chooses (merchant, order, consumer): ASCII letters and digits, then also ``.``,
#: ``_``, ``:`` and ``-``, at most 64 characters. No spaces, slashes, control characters or look-alike
#: letters, so an id is always one path segment that reads back with ``GET`` (issue 10, class 8).
ID_PATTERN: Final = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
_ID: Final = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"))
#: The ids of an order body that the client chooses.
ORDER_IDS: Final = ("id", "merchant_id", "consumer_id")
#: Column widths (models.py): longer values are refused here, never truncated or failed in the database.
MAX_ID, MAX_CARRIER, MAX_NUMBER, MAX_DECLARATION = 64, 32, 64, 32

ORDER_FIELDS: Final = ("order", "shipments", "customs", "trace_codes")


def _bundle_part(*path: str) -> dict[str, Any]:
    node: dict[str, Any] = flat_schema("bundle")
    for step in path:
        node = node[step]
    return copy.deepcopy(node)


@cache
def merchant_schema(create: bool) -> dict[str, Any]:
    """The closed body of ``POST /merchants`` (``create``) or ``PATCH /merchants/{id}``."""
    merchant = _bundle_part("properties", "merchant", "properties")
    properties: dict[str, Any] = {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "return_address": {"anyOf": [merchant["return_address"], {"type": "null"}]},
        "registered_importer": {"anyOf": [merchant["registered_importer"], {"type": "null"}]},
    }
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if create:
        properties = {"id": {"type": "string", "pattern": ID_PATTERN}, **properties}
        schema["required"] = ["id", "name"]
    else:
        schema["minProperties"] = 1
    schema["properties"] = properties
    return schema


@cache
def order_schema() -> dict[str, Any]:
    """The body of ``POST /orders``: a bundle without ``merchant`` (stored) and ``complaint``."""
    bundle = flat_schema("bundle")
    properties = {name: copy.deepcopy(bundle["properties"][name]) for name in ORDER_FIELDS}
    for name in ORDER_IDS:  # a pattern applies to strings only, so a null consumer_id stays valid
        properties["order"]["properties"][name]["pattern"] = ID_PATTERN
    return {
        "type": "object",
        "required": ["order", "shipments"],
        "properties": properties,
        "additionalProperties": False,
    }


@cache
def shipment_schema() -> dict[str, Any]:
    """The body of ``POST /orders/{id}/shipments``: the bundle's shipment object."""
    return _bundle_part("properties", "shipments", "items")


@cache
def customs_schema() -> dict[str, Any]:
    """The body of ``POST /orders/{id}/customs``: the bundle's customs record."""
    return _bundle_part("properties", "customs", "items")


@cache
def documents_schema() -> dict[str, Any]:
    """The body of ``PUT …/shipments/{index}/documents``: the shipment's new current documents."""
    documents = _bundle_part("properties", "shipments", "items", "properties", "documents")
    return {
        "type": "object",
        "required": ["documents"],
        "properties": {"documents": {**documents, "maxItems": 50}},
        "additionalProperties": False,
    }


@cache
def _merchant_validator(create: bool) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(merchant_schema(create), validate_formats=False)


def read_merchant(obj: Any, *, create: bool) -> dict[str, Any]:
    """A valid merchant body, or :class:`InvalidInput` naming the offending pointer."""
    try:
        _merchant_validator(create).validate(obj)
    except jsonschema_rs.ValidationError as exc:
        raise schema_error(exc, "INVALID_REQUEST") from None
    for name in ("return_address",):
        address = obj.get(name)
        if address is not None and not is_assigned(address["country"]):
            raise InvalidInput("INVALID_REQUEST", "not an assigned ISO 3166-1 code", f"/{name}/country")
    result: dict[str, Any] = obj
    return result


def _only(obj: Any, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise InvalidInput("INVALID_REQUEST", "must be an object", "")
    for key in obj:
        if key not in allowed:
            raise InvalidInput("UNKNOWN_FIELD", f"unknown field {key[:60]!r}", pointer_of([key]))
    return obj


def read_order(obj: Any) -> SubmittedBundle:
    """A valid order body, read as a bundle (merchant and complaint are not part of it)."""
    _only(obj, ORDER_FIELDS)
    bundle = read_bundle(obj)
    check_widths(bundle)
    check_ids(bundle.bundle)
    return bundle


def check_ids(bundle: Bundle) -> None:
    """Refuse order, merchant and consumer ids outside :data:`ID_PATTERN`, with the id's pointer."""
    order = bundle.order
    for name in ORDER_IDS:
        value = getattr(order, name)
        if value is not None and _ID.fullmatch(value) is None:
            raise InvalidInput(
                "INVALID_BUNDLE",
                "an id is 1 to 64 of A-Z a-z 0-9 . _ : - and starts with a letter or digit",
                f"/order/{name}",
            )


def _rebased(error: ServiceError, prefix: str) -> ServiceError:
    pointer = error.pointer
    if pointer is not None and pointer.startswith(prefix):
        pointer = pointer[len(prefix) :]
    return error.at(pointer)


def read_part(order_data: Mapping[str, Any], part: str, obj: Any) -> SubmittedBundle:
    """Validate ``obj`` as one shipment (``part="shipments"``) or customs record of the stored order.

    The object is checked inside a bundle of the stored order, so the rules are the reader's own;
    error pointers are made relative to the request body.
    """
    if not isinstance(obj, dict):
        raise InvalidInput("INVALID_BUNDLE", "must be an object", "")
    bundle_obj: dict[str, Any] = {"order": order_data, "shipments": []}
    bundle_obj[part] = [obj]
    try:
        bundle = read_bundle(bundle_obj)
    except ServiceError as exc:
        raise _rebased(exc, f"/{part}/0") from None
    check_widths(bundle, relative_to=f"/{part}/0")
    return bundle


def check_widths(submitted: SubmittedBundle, relative_to: str = "") -> None:
    """Refuse values wider than their column (``INVALID_BUNDLE``), with the pointer of the value."""

    def fail(pointer: str, limit: int) -> InvalidInput:
        if relative_to and pointer.startswith(relative_to):
            pointer = pointer[len(relative_to) :]
        return InvalidInput("INVALID_BUNDLE", f"longer than {limit} characters", pointer)

    bundle = submitted.bundle
    order = bundle.order
    for name, value in (
        ("id", order.id),
        ("merchant_id", order.merchant_id),
        ("consumer_id", order.consumer_id),
    ):
        if value is not None and len(value) > MAX_ID:
            raise fail(f"/order/{name}", MAX_ID)
    for shipment in bundle.shipments:
        if len(shipment.carrier) > MAX_CARRIER:
            raise fail(f"{shipment.pointer}/carrier", MAX_CARRIER)
        number = shipment.tracking_number
        if len(number) > MAX_NUMBER or len(normalize_number(number)) > MAX_NUMBER:
            raise fail(f"{shipment.pointer}/tracking_number", MAX_NUMBER)
        handover = shipment.handover_from
        if handover is not None and (
            len(handover.tracking_number) > MAX_NUMBER or len(handover.carrier or "") > MAX_CARRIER
        ):
            raise fail(f"{shipment.pointer}/handover_from", MAX_NUMBER)
        for document in submitted.documents_of_shipment(shipment.index):
            if len(document.carrier) > MAX_CARRIER:
                raise fail(f"{document.pointer}/carrier", MAX_CARRIER)
    for record in bundle.customs:
        if record.declaration_number is not None and len(record.declaration_number) > MAX_DECLARATION:
            raise fail(f"{record.pointer}/declaration_number", MAX_DECLARATION)


def read_documents_body(obj: Any, carrier: str, number: str) -> list[dict[str, Any]]:
    """A valid ``{"documents": […]}`` body for a shipment of ``carrier`` / ``number``."""
    body = _only(obj, ("documents",))
    if "documents" not in body or not isinstance(body["documents"], list):
        raise InvalidInput("INVALID_BUNDLE", "required field is missing", "/documents")
    if len(body["documents"]) > 50:
        raise InvalidInput("INVALID_BUNDLE", "at most 50 documents", "/documents")
    shipment = {"carrier": carrier, "tracking_number": number, "documents": body["documents"]}
    order = {
        "id": "x",
        "merchant_id": "x",
        "placed_at": "2000-01-01T00:00:00Z",
        "destination": {"country": "CN"},
        "amount_paid": "0",
        "currency": "CNY",
    }
    read_part(order, "shipments", shipment)
    documents: list[dict[str, Any]] = body["documents"]
    return documents


# -- courier codes (an orders-API extension of the contract's shipment) ------------------------------

#: Kuaidi100 company codes and AfterShip slugs: lower-case letters, digits and hyphens.
_COURIER_CODE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def take_courier_code(shipment: Any, at: str) -> tuple[Any, str | None]:
    """``shipment`` without its ``courier_code``, and the code (validated; pointer ``{at}/courier_code``).

    The orders API stores an aggregator's code for the courier with a shipment (what a refresh through
    Kuaidi100 or AfterShip needs); the contract's closed shipment schema does not know the field, so it
    is taken out before the bundle is read.
    """
    if not isinstance(shipment, dict) or "courier_code" not in shipment:
        return shipment, None
    rest = {k: v for k, v in shipment.items() if k != "courier_code"}
    code = shipment["courier_code"]
    if code is None:
        return rest, None
    if not isinstance(code, str) or not _COURIER_CODE.fullmatch(code):
        raise InvalidInput(
            "INVALID_BUNDLE",
            "courier_code must be 1 to 64 lower-case letters, digits and hyphens (e.g. shunfeng, sf-express)",
            f"{at}/courier_code",
        )
    return rest, code


def take_courier_codes(obj: Any) -> tuple[Any, list[str | None]]:
    """The order body without its shipments' ``courier_code`` fields, and the codes by position."""
    if not isinstance(obj, dict) or not isinstance(obj.get("shipments"), list):
        return obj, []
    taken = [take_courier_code(s, f"/shipments/{i}") for i, s in enumerate(obj["shipments"])]
    return {**obj, "shipments": [s for s, _ in taken]}, [code for _, code in taken]
