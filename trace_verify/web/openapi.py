"""The OpenAPI 3.1 document, generated from the contract's own schemas and the declared operations.

Each blueprint declares its operations (:class:`Operation`); the document lists exactly those, with the
request and response schemas the endpoint validates with, so the description cannot drift from code.
"""

from __future__ import annotations

import re
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
    401: "Missing, unknown, revoked or expired key (webhooks: signature missing or wrong)",
    403: "Not allowed for this role or tenant",
    404: "No such resource",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone: no longer kept (a bulk job's results after the retention period)",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Unprocessable",
    429: "Too many requests (see Retry-After)",
    500: "Internal error",
    503: "Not ready: a dependency (database, migrations, Redis) failed; see checks",
}


@dataclass(frozen=True)
class Operation:
    """One documented HTTP operation."""

    method: str
    path: str
    operation_id: str
    summary: str
    request_schema: str | dict[str, Any] | None = None
    response_schema: str | dict[str, Any] | None = None
    response_status: int = 200
    errors: tuple[int, ...] = ()
    parameters: tuple[dict[str, Any], ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)
    response_media: str = "application/json"
    request_media: str = "application/json"
    #: False for operations anyone may call (this document, health, carrier webhooks).
    security: bool = True
    #: Error statuses a page for people may also answer as HTML (the scan page's 429).
    html_errors: tuple[int, ...] = ()
    #: ``Idempotency-Key`` must be sent (complaint filing, top-ups); every other keyed POST accepts it.
    idempotency_required: bool = False
    #: False for a POST whose body is streamed, not read whole (a bulk upload of up to gigabytes):
    #: the key would need the whole body to compare requests.
    accepts_idempotency_key: bool = True

    @property
    def idempotent(self) -> bool:
        """True when the operation honours ``Idempotency-Key`` (every POST made with an API key)."""
        return self.method == "POST" and self.security and self.accepts_idempotency_key

    @property
    def flask_rule(self) -> str:
        """The path as a Flask rule (``{order_id}`` → ``<order_id>``, ``{index}`` → ``<int:index>``)."""
        return _PARAM.sub(lambda m: f"<int:{m[1]}>" if m[1] in INT_PARAMETERS else f"<{m[1]}>", self.path)


IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "description": (
        "Retries with the same key and body get the first answer (status and body), kept 24 h per API key; "
        "another body: 422 IDEMPOTENCY_KEY_REUSED; first still running: 409 IDEMPOTENCY_IN_FLIGHT"
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}
_PARAM = re.compile(r"\{([a-z_]+)\}")
#: Path parameters that are integers.
INT_PARAMETERS = frozenset({"index"})
PARAMETER_TEXT = {
    "merchant_id": "The merchant's id",
    "order_id": "The order's id",
    "index": "The shipment's index in the order (its pointer /shipments/{index})",
    "carrier": "Carrier adapter id (trace-verify carriers)",
    "job_id": "The validation job's id",
    "code_id": "The traceability code's id (up to 12 base32 characters)",
    "batch": "A registration's batch id",
    "token": "The QR's key id and code id ({kid}{id}, up to 13 base32 characters)",
    "gtin": "The code's GTIN, 14 digits",
    "complaint_id": "The complaint's id",
}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": PARAMETER_TEXT.get(name, name),
            "schema": {"type": "integer", "minimum": 0} if name in INT_PARAMETERS else {"type": "string"},
        }
        for name in _PARAM.findall(path)
    ]


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
    # Every operation can refuse an undeclared query parameter (400 UNKNOWN_PARAMETER); an idempotent
    # one answers 409 IDEMPOTENCY_IN_FLIGHT and 422 IDEMPOTENCY_KEY_REUSED.
    extra = {409, 422} if op.idempotent else set()
    for status in sorted({*op.errors, 400, *extra}):
        content: dict[str, Any] = {"application/json": {"schema": _ref("Error")}}
        if status in op.html_errors:
            content["text/html"] = {"schema": {"type": "string"}}
        responses[str(status)] = {"description": STATUS_TEXT.get(status, "Error"), "content": content}
    doc: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "responses": responses}
    if op.tags:
        doc["tags"] = list(op.tags)
    parameters = [*_path_parameters(op.path), *op.parameters]
    if op.idempotent:
        parameters.append(IDEMPOTENCY_PARAMETER | {"required": op.idempotency_required})
    if parameters:
        doc["parameters"] = parameters
    if op.request_schema is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {op.request_media: {"schema": _schema(op.request_schema)}},
        }
    doc["security"] = [{"bearerAuth": []}] if op.security else []
    return doc


def build_document(
    operations: list[Operation], version: str, schemas: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The OpenAPI document for ``operations``, with ``schemas`` added to the components."""
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
                **(schemas or {}),
            },
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key from `trace-verify keys create` (README, Roles and keys)",
                }
            },
        },
    }
