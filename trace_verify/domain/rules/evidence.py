"""Sources that failed (documents, carriers), the return address and the promise itself."""

from __future__ import annotations

from collections.abc import Iterator

from trace_verify.domain.context import Context
from trace_verify.domain.findings import finding
from trace_verify.domain.verdict import Finding, PointerRef

#: Destination region → where the return address must be (rules.md §4).
LOCAL_REGIONS = frozenset({"CN", "HK", "TW"})


def unreadable_documents(ctx: Context) -> Iterator[Finding]:
    """DOCUMENT_UNREADABLE (warning) and CARRIER_UNAVAILABLE (warning) from documents in the bundle."""
    for shipment in ctx.bundle.shipments:
        for problem in shipment.problems:
            code = "DOCUMENT_UNREADABLE" if problem.kind == "unreadable" else "CARRIER_UNAVAILABLE"
            yield finding(code, problem.message, [PointerRef(problem.pointer)], problem.pointer)
    if ctx.bundle.complaint is not None:
        for credential in ctx.bundle.complaint.credentials:
            for problem in credential.problems:
                if problem.kind == "unreadable":
                    yield finding(
                        "DOCUMENT_UNREADABLE", problem.message, [PointerRef(problem.pointer)], problem.pointer
                    )


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
