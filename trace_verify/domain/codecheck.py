"""Which of a bundle's traceability codes count, once the registry was asked (rules.md §5).

Offline every presented record counts on its fields. In the service every code id of the order (its
lines and its records) is looked up: an unknown id, a withdrawn code or a presented signature that
fails is ``TRACE_CODE_FORGED``; a code issued to another merchant is ``TRACE_CODE_OTHER_MERCHANT``;
a genuine code of the order's merchant counts with the registry's record, whatever the bundle says.
"""

from __future__ import annotations

from trace_verify.domain.bundle import Bundle, TraceCodeRecord
from trace_verify.domain.findings import finding
from trace_verify.domain.model import value_object
from trace_verify.domain.registry import CodeRegistry, RegisteredCode
from trace_verify.domain.verdict import EvidenceRef, Finding, PointerRef, RegistryRef

REGISTRY_NAME = "trace_code"


@value_object
class CodeCheck:
    """The records that count for the order, and what the registry said against the others."""

    records: tuple[TraceCodeRecord, ...]
    findings: tuple[Finding, ...] = ()


def code_ref(code: TraceCodeRecord, field: str | None = None) -> EvidenceRef:
    """Evidence for a record or one of its fields: the registry's record, or the bundle's pointer."""
    if code.registry_id is not None:
        return RegistryRef(REGISTRY_NAME, code.registry_id)
    return PointerRef(f"{code.pointer}/{field}" if field else code.pointer)


def check_codes(bundle: Bundle, registry: CodeRegistry | None) -> CodeCheck:
    """Offline: the bundle's records as they are. With a registry: the genuine codes of the merchant."""
    if registry is None:
        return CodeCheck(bundle.trace_codes)
    presented = {record.code: record for record in bundle.trace_codes}
    kept: list[TraceCodeRecord] = []
    findings: list[Finding] = []
    for code_id, where in _code_ids(bundle):
        record = presented.get(code_id)
        registered = registry.lookup(code_id)
        problem = _problem(bundle, registry, code_id, record, registered, where)
        if problem is not None:
            findings.append(problem)
        elif registered is not None:
            kept.append(_from_registry(registered, record.index if record else -1))
    return CodeCheck(tuple(kept), tuple(findings))


def _code_ids(bundle: Bundle) -> list[tuple[str, PointerRef]]:
    """Every code id of the order once, with where the bundle names it (its record first)."""
    seen: dict[str, PointerRef] = {}
    for record in bundle.trace_codes:
        seen.setdefault(record.code, PointerRef(record.pointer))
    for i, line in enumerate(bundle.order.items):
        for j, code_id in enumerate(line.trace_codes):
            seen.setdefault(code_id, PointerRef(f"/order/items/{i}/trace_codes/{j}"))
    return list(seen.items())


def _problem(
    bundle: Bundle,
    registry: CodeRegistry,
    code_id: str,
    record: TraceCodeRecord | None,
    registered: RegisteredCode | None,
    where: PointerRef,
) -> Finding | None:
    subject = f"trace_code:{code_id}"
    shown = repr(code_id[:40])
    if registered is None:
        return finding(
            "TRACE_CODE_FORGED", f"Traceability code {shown} is unknown to the registry.", [where], subject
        )
    cited = RegistryRef(REGISTRY_NAME, registered.id)
    if registered.merchant_id != bundle.order.merchant_id:
        return finding(
            "TRACE_CODE_OTHER_MERCHANT",
            f"Traceability code {shown} was issued to a different merchant.",
            [where, cited],
            subject,
        )
    if registered.withdrawn:
        return finding(
            "TRACE_CODE_FORGED",
            f"Traceability code {shown} was withdrawn by its merchant and certifies nothing.",
            [where, cited],
            subject,
        )
    signature = record.signature if record is not None else None
    if record is not None and signature is not None and not registry.signature_valid(code_id, signature):
        return finding(
            "TRACE_CODE_FORGED",
            f"The signature presented for traceability code {shown} is not this service's.",
            [PointerRef(f"{record.pointer}/signature"), cited],
            subject,
        )
    return None


def _from_registry(code: RegisteredCode, index: int) -> TraceCodeRecord:
    return TraceCodeRecord(
        index=index,
        code=code.id,
        signature=None,
        merchant_id=code.merchant_id,
        gtin=code.gtin,
        origin_country=code.origin_country,
        departure_country=code.departure_country,
        import_port=code.import_port,
        declaration_number=code.declaration_number,
        importer=code.importer,
        supervision_mode=code.supervision_mode,
        registry_id=code.id,
    )
