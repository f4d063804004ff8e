"""The OpenAPI 3.1 document, generated from the contract's own schemas and the declared operations.

Each blueprint declares its operations (:class:`Operation`); the document lists exactly those, with the
request and response schemas the endpoint validates with, so the description cannot drift from code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trace_verify.contract.schemas import flat_schema

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["INVALID_BUNDLE"]},
                "message": {"type": "string"},
                "field": {"type": ["string", "null"], "description": "JSON pointer into the request"},
            },
        }
    },
}

STATUS_TEXT = {
    400: "The request breaks the schema or is not valid JSON",
    401: "Missing or unknown credentials",
    403: "Not allowed for this role or tenant",
    404: "No such resource",
    405: "Method not allowed",
    409: "Conflict",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Unprocessable",
    429: "Too many requests (see Retry-After)",
    500: "Internal error",
}


@dataclass(frozen=True)
class Operation:
    """One documented HTTP operation."""

    method: str
    path: str
    operation_id: str
    summary: str
    request_schema: str | None = None
    response_schema: str | dict[str, Any] | None = None
    response_status: int = 200
    errors: tuple[int, ...] = ()
    parameters: tuple[dict[str, Any], ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)
    response_media: str = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schema(spec: str | dict[str, Any]) -> dict[str, Any]:
    return _ref(spec) if isinstance(spec, str) else spec


def _operation(op: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if op.response_schema is not None:
        responses[str(op.response_status)] = {
            "description": "Success",
            "content": {op.response_media: {"schema": _schema(op.response_schema)}},
        }
    else:
        responses[str(op.response_status)] = {"description": "Success"}
    for status in op.errors:
        responses[str(status)] = {
            "description": STATUS_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    doc: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "responses": responses}
    if op.tags:
        doc["tags"] = list(op.tags)
    if op.parameters:
        doc["parameters"] = list(op.parameters)
    if op.request_schema is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.request_schema)}},
        }
    return doc


def build_document(operations: list[Operation], version: str) -> dict[str, Any]:
    """The OpenAPI document for ``operations``."""
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "trace_verify",
            "version": version,
            "description": (
                "Verifies Overseas Direct Supply claims and complaints from logistics and customs evidence."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Bundle": flat_schema("bundle"),
                "Verdict": flat_schema("verdict"),
                "Event": flat_schema("event"),
                "Error": ERROR_SCHEMA,
            }
        },
    }
