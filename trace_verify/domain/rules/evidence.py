"""Sources that failed (documents, carriers), the return address and the promise itself."""

from __future__ import annotations

from collections.abc import Iterator

from trace_verify.domain.bundle import DocumentProblem
from trace_verify.domain.context import Context
from trace_verify.domain.findings import finding
from trace_verify.domain.verdict import Finding, PointerRef

#: Destination region → where the return address must be (rules.md §4).
LOCAL_REGIONS = frozenset({"CN", "HK", "TW"})


def unreadable_documents(ctx: Context) -> Iterator[Finding]:
    """DOCUMENT_UNREADABLE (warning) and CARRIER_UNAVAILABLE (warning) from documents in the bundle.

    One finding per code and subject (output rules): the subject is the shipment or the credential,
    so a shipment with several failed documents gets one finding citing each of them.
    """
    for shipment in ctx.bundle.shipments:
        if shipment.problems:
            yield from _per_subject(
                shipment.pointer, shipment.problems, ("unreadable", "carrier_error", "refresh_failed")
            )
    if ctx.bundle.complaint is not None:
        for credential in ctx.bundle.complaint.credentials:
            if credential.problems:
                yield from _per_subject(credential.pointer, credential.problems, ("unreadable",))


_PROBLEM_CODES = {
    "unreadable": "DOCUMENT_UNREADABLE",
    "carrier_error": "CARRIER_UNAVAILABLE",
    "refresh_failed": "CARRIER_UNAVAILABLE",
}


def _per_subject(
    subject: str, problems: tuple[DocumentProblem, ...], kinds: tuple[str, ...]
) -> Iterator[Finding]:
    """One finding per code of failure of one subject, citing every document that failed that way."""
    for code in dict.fromkeys(_PROBLEM_CODES[kind] for kind in kinds):
        found = [p for p in problems if p.kind in kinds and _PROBLEM_CODES[p.kind] == code]
        if found:
            pointers = dict.fromkeys(p.pointer for p in found)
            message = " ".join(dict.fromkeys(p.message for p in found))
            yield finding(code, message, [PointerRef(p) for p in pointers], subject)


def return_address(ctx: Context) -> Iterator[Finding]:
    """RETURN_ADDRESS_NOT_LOCAL (warning): selling to CN, HK or TW needs a return address there."""
    region = ctx.order.destination.country
    merchant = ctx.bundle.merchant
    if region not in LOCAL_REGIONS or merchant is None or merchant.return_address is None:
        return
    if merchant.return_address.country != region:
        yield finding(
            "RETURN_ADDRESS_NOT_LOCAL",
            f"Selling to {region}, the merchant's return address is in {merchant.return_address.country}.",
            [PointerRef("/merchant/return_address/country")],
        )


def no_promise(ctx: Context) -> Iterator[Finding]:
    """NO_ODS_PROMISE (info) whenever the order was not sold with the promise."""
    if ctx.order.promise == "none":
        yield finding(
            "NO_ODS_PROMISE",
            "The order was not sold with the Overseas Direct Supply promise; it is verified for information.",
            [PointerRef("/order/promise")],
        )


RULES = (unreadable_documents, return_address, no_promise)
