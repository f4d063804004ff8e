"""OpenAPI component schemas of the resource API: request bodies are the very schemas the services
validate with (``services.requests``); responses describe ``services.views``."""

from __future__ import annotations

from typing import Any

from trace_verify.services.requests import (
    customs_schema,
    documents_schema,
    merchant_schema,
    order_schema,
    shipment_schema,
)

_TIME = {"type": "string", "format": "date-time"}
_TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
_OBJECT_OR_NULL = {"type": ["object", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _page(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "next": {"type": ["string", "null"], "description": "pass as ?after= for the next page"},
        },
    }


def _closed(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


MERCHANT = _closed(
    ["id", "name", "return_address", "registered_importer", "created_at", "updated_at"],
    {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "return_address": _OBJECT_OR_NULL,
        "registered_importer": _OBJECT_OR_NULL,
        "created_at": _TIME,
        "updated_at": _TIME,
    },
)

#: Who vouches for stored evidence (rules.md §8), set by the service from how it arrived.
_SOURCE = {
    "enum": ["carrier_api", "carrier_push", "platform", "merchant", "consumer"],
    "description": "who vouches for it (rules.md §8): set by the service, never by a request body",
}

DOCUMENT = _closed(
    ["id", "pointer", "carrier", "origin", "source", "sha256", "size", "received_at", "superseded_at"],
    {
        "id": {"type": "integer"},
        "pointer": {"type": ["string", "null"], "description": "where verdicts cite it; null once replaced"},
        "carrier": {"type": "string"},
        "origin": {"enum": ["submitted", "refresh", "push"]},
        "source": _SOURCE,
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "size": {"type": "integer"},
        "received_at": _TIME,
        "superseded_at": _TIME_OR_NULL,
    },
)

SHIPMENT = _closed(
    ["index", "carrier", "tracking_number", "documents", "events"],
    {
        "index": {"type": "integer"},
        "carrier": {"type": "string"},
        "tracking_number": {"type": "string"},
        "declared_origin_country": {"type": ["string", "null"]},
        "courier_code": {
            "type": ["string", "null"],
            "description": "an aggregator's code for the courier (Kuaidi100 company code, AfterShip slug)",
        },
        "dispatch": _OBJECT_OR_NULL,
        "handover_from": _OBJECT_OR_NULL,
        "handover_from_index": {"type": ["integer", "null"], "description": "the stored earlier leg"},
        "documents": {"type": "array", "items": _ref("StoredDocument")},
        "events": {
            "type": "array",
            "items": {"type": "object"},
            "description": "normalized, de-duplicated; each with its origin and source (rules.md §8)",
        },
        "source": _SOURCE,
        "created_at": _TIME,
    },
)

CUSTOMS = _closed(
    ["index", "record", "created_at"],
    {"index": {"type": "integer"}, "record": customs_schema(), "source": _SOURCE, "created_at": _TIME},
)

VERDICT_SUMMARY = _closed(
    ["id", "verdict", "path", "rules_version", "checked_at"],
    {
        "id": {"type": "integer"},
        "verdict": {"enum": ["met", "not_met", "insufficient_evidence"]},
        "path": {"type": ["string", "null"]},
        "rules_version": {"type": "string"},
        "checked_at": _TIME,
    },
)

STORED_VERDICT = {
    **VERDICT_SUMMARY,
    "required": [*VERDICT_SUMMARY["required"], "body"],
    "properties": {**VERDICT_SUMMARY["properties"], "body": _ref("Verdict")},
}

STORED_ORDER = _closed(
    [
        "id",
        "merchant_id",
        "consumer_id",
        "order",
        "trace_codes",
        "shipments",
        "customs",
        "verdict",
        "created_at",
    ],
    {
        "id": {"type": "string"},
        "merchant_id": {"type": "string"},
        "consumer_id": {"type": ["string", "null"]},
        "order": {"type": "object", "description": "the bundle's order object as submitted"},
        "trace_codes": {"type": "array"},
        "shipments": {"type": "array", "items": _ref("Shipment")},
        "customs": {"type": "array", "items": _ref("Customs")},
        "verdict": {"anyOf": [_ref("VerdictSummary"), {"type": "null"}]},
        "created_at": _TIME,
    },
)

WEBHOOK_RECEIPT = _closed(
    ["push_id", "duplicate", "deliveries", "shipments_matched", "events_added"],
    {
        "push_id": {"type": "integer"},
        "duplicate": {"type": "boolean", "description": "this exact body was received before"},
        "deliveries": {"type": "integer"},
        "shipments_matched": {"type": "integer"},
        "events_added": {"type": "integer"},
    },
)


_TEXT_OR_NULL = {"type": ["string", "null"]}
TRACE_CODE_INPUT = {
    "type": "object",
    "required": [
        "origin_country",
        "departure_country",
        "import_port",
        "declaration_number",
        "importer",
        "supervision_mode",
    ],
    "additionalProperties": False,
    "properties": {
        "merchant_id": {"type": "string", "description": "the key's own merchant (may be omitted)"},
        "gtin": {**_TEXT_OR_NULL, "description": "GTIN-8/12/13/14, GS1 check digit verified"},
        "product": {**_TEXT_OR_NULL, "maxLength": 200},
        "origin_country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
        "departure_country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
        "import_port": {"type": "string", "description": "customs district code (4 digits) or CN UN/LOCODE"},
        "declaration_number": {
            "type": "string",
            "description": "import declaration or inventory-list number",
        },
        "importer": {
            "type": "object",
            "required": ["name", "id"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"},
                "id": {"type": "string", "description": "unified social credit code (18, check character)"},
            },
        },
        "supervision_mode": {"type": "string", "description": "customs supervision mode, e.g. 0110"},
    },
}
TRACE_CODE = _closed(
    ["id", "url", "gs1_url", "merchant_id", "batch", "kid", "state", "created_at", "withdrawn_at"],
    {
        "id": {"type": "string", "pattern": "^[A-Z2-7]{1,12}$"},
        "url": {**_TEXT_OR_NULL, "description": "what the QR encodes (null once its key was revoked)"},
        "gs1_url": {**_TEXT_OR_NULL, "description": "GS1 Digital Link form (codes with a GTIN)"},
        "merchant_id": {"type": "string"},
        "batch": {"type": "string"},
        "kid": {"type": "string"},
        "gtin": _TEXT_OR_NULL,
        "product": _TEXT_OR_NULL,
        "origin_country": {"type": "string"},
        "departure_country": {"type": "string"},
        "import_port": {"type": "string"},
        "declaration_number": {"type": "string"},
        "importer": {"type": "object"},
        "supervision_mode": {"type": "string"},
        "state": {"enum": ["registered", "withdrawn"]},
        "created_at": _TIME,
        "withdrawn_at": _TIME_OR_NULL,
    },
)
TRACE_CODE_BATCH = _closed(
    ["batch", "codes"],
    {
        "batch": {"type": "string", "description": "this registration; GET /api/v1/label-sheets/{batch}"},
        "registered": {"type": "integer"},
        "codes": {"type": "array", "items": {"type": "object", "required": ["id", "url"]}},
    },
)


# -- deposits and complaints (issue 13) ------------------------------------------------------------

_MONEY = {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"}

TOP_UP = _closed(
    [
        "transaction_id",
        "merchant_id",
        "currency",
        "amount",
        "reference",
        "settlements",
        "balance",
        "created_at",
    ],
    {
        "transaction_id": {"type": "integer"},
        "merchant_id": {"type": "string"},
        "currency": {"type": "string"},
        "amount": _MONEY,
        "reference": {"type": "string"},
        "settlements": {
            "type": "array",
            "description": "open shortfalls this top-up settled, oldest first",
            "items": _closed(
                ["transaction_id", "complaint_id", "amount"],
                {"transaction_id": {"type": "integer"}, "complaint_id": {"type": "string"}, "amount": _MONEY},
            ),
        },
        "balance": _MONEY,
        "created_at": _TIME,
    },
)

SHORTFALL = _closed(
    ["id", "complaint_id", "currency", "amount", "settled", "outstanding", "created_at", "settled_at"],
    {
        "id": {"type": "integer"},
        "complaint_id": {"type": "string"},
        "currency": {"type": "string"},
        "amount": _MONEY,
        "settled": _MONEY,
        "outstanding": _MONEY,
        "created_at": _TIME,
        "settled_at": _TIME_OR_NULL,
    },
)

DEPOSIT = _closed(
    ["merchant_id", "balances", "open_shortfalls"],
    {
        "merchant_id": {"type": "string"},
        "balances": {
            "type": "array",
            "items": _closed(
                ["currency", "balance", "reconciled"],
                {
                    "currency": {"type": "string"},
                    "balance": _MONEY,
                    "reconciled": {"type": "boolean", "description": "the balance equals the ledger's sum"},
                },
            ),
        },
        "open_shortfalls": {"type": "array", "items": _ref("Shortfall")},
    },
)

LEDGER_TRANSACTION = _closed(
    ["id", "kind", "currency", "complaint_id", "shortfall_id", "reference", "created_at", "entries"],
    {
        "id": {"type": "integer"},
        "kind": {"enum": ["top_up", "deduction", "settlement"]},
        "currency": {"type": "string"},
        "complaint_id": {"type": ["string", "null"]},
        "shortfall_id": {"type": ["integer", "null"]},
        "reference": {"type": ["string", "null"]},
        "created_at": _TIME,
        "entries": {
            "type": "array",
            "items": _closed(
                ["account", "direction", "amount"],
                {"account": {"type": "string"}, "direction": {"enum": ["debit", "credit"]}, "amount": _MONEY},
            ),
        },
    },
)


STORED_COMPLAINT = _closed(
    [
        "id",
        "order_id",
        "merchant_id",
        "consumer_id",
        "type",
        "status",
        "complaint",
        "decision",
        "reasons",
        "decided_by",
        "decision_reason",
        "rules_version",
        "verdict",
        "deduction",
        "recheck_at",
        "filed_at",
        "created_at",
        "updated_at",
    ],
    {
        "id": {"type": "string"},
        "order_id": {"type": "string"},
        "merchant_id": {"type": "string"},
        "consumer_id": {"type": ["string", "null"], "description": "null for a merchant's key"},
        "type": {"enum": ["direct_supply", "genuine_goods"]},
        "status": {"enum": ["upheld", "rejected", "manual_review", "inadmissible"]},
        "complaint": {
            "type": "object",
            "description": "the complaint as filed (a merchant sees no personal data)",
        },
        "decision": {
            "type": "object",
            "description": "the contract's complaint decision with its compensation",
        },
        "reasons": {"type": "array", "items": {"type": "object"}, "description": "why a person reviews it"},
        "decided_by": {"enum": ["automatic", "staff"]},
        "decision_reason": {"type": ["string", "null"]},
        "rules_version": {"type": "string"},
        "verdict": {"anyOf": [_ref("Verdict"), {"type": "null"}]},
        "deduction": {"anyOf": [_ref("LedgerTransaction"), {"type": "null"}]},
        "recheck_at": _TIME_OR_NULL,
        "filed_at": _TIME,
        "created_at": _TIME,
        "updated_at": _TIME,
    },
)


def complaint_schemas() -> dict[str, Any]:
    """The component schemas of deposits and complaints."""
    from trace_verify.services.complaints import complaint_schema, decision_schema
    from trace_verify.services.deposits import top_up_schema

    return {
        "ComplaintCreate": complaint_schema(),
        "ComplaintDecision": decision_schema(),
        "StoredComplaint": STORED_COMPLAINT,
        "StoredComplaintPage": _page("StoredComplaint"),
        "TopUpCreate": top_up_schema(),
        "TopUp": TOP_UP,
        "Shortfall": SHORTFALL,
        "Deposit": DEPOSIT,
        "LedgerTransaction": LEDGER_TRANSACTION,
        "LedgerPage": _page("LedgerTransaction"),
    }


def resource_schemas() -> dict[str, Any]:
    """Every component schema the resource operations name."""
    return {
        "MerchantCreate": merchant_schema(True),
        "MerchantUpdate": merchant_schema(False),
        "Merchant": MERCHANT,
        "MerchantPage": _page("Merchant"),
        "OrderCreate": order_schema(),
        "StoredOrder": STORED_ORDER,
        "StoredOrderPage": _page("StoredOrder"),
        "ShipmentCreate": shipment_schema(),
        "Shipment": SHIPMENT,
        "ShipmentPage": _page("Shipment"),
        "StoredDocument": DOCUMENT,
        "DocumentsReplace": documents_schema(),
        "CustomsCreate": customs_schema(),
        "Customs": CUSTOMS,
        "CustomsPage": _page("Customs"),
        "VerdictSummary": VERDICT_SUMMARY,
        "StoredVerdict": STORED_VERDICT,
        "StoredVerdictPage": _page("StoredVerdict"),
        "WebhookReceipt": WEBHOOK_RECEIPT,
        "TraceCodeRegistration": {
            "type": "object",
            "required": ["codes"],
            "additionalProperties": False,
            "properties": {
                "codes": {"type": "array", "minItems": 1, "maxItems": 1000, "items": TRACE_CODE_INPUT}
            },
        },
        "TraceCode": TRACE_CODE,
        "TraceCodePage": _page("TraceCode"),
        "TraceCodeBatch": TRACE_CODE_BATCH,
        **complaint_schemas(),
    }
