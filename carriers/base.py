"""What every carrier reader shares: the document size cap, strict JSON, and the ``parse`` output.

A carrier's reader (``CarrierSpec.read``, :mod:`carriers.spec`) is stateless: bytes in, a
:class:`ParseResult` out. It never does I/O (the optional ``client`` module next to it fetches), so the
same reader reads a live response, a webhook push and a document embedded in a bundle. A carrier's
own error body (not found, unauthorized, rate limited) is a valid document that parses into
``ParseResult.errors``; only bytes that are not that carrier's format raise :class:`DocumentRejected`.
"""

from __future__ import annotations

from typing import Any, Final

from trace_verify import strictjson
from trace_verify.domain.documents import DocumentRejected, ParseResult

#: Largest document an adapter reads. The command line caps a bundle at 16 MiB (contract README), so
#: no single carrier document inside it can be larger; anything bigger is refused before parsing.
MAX_DOCUMENT_BYTES: Final = 16 * 1024 * 1024


def parse_result_to_json(result: ParseResult) -> dict[str, Any]:
    """The contract's ``parse`` output: shipments with their events (oldest first) and carrier errors,
    plus ``warnings`` (pointer, message) for events dropped as unreadable, when there are any."""
    return {
        "carrier": result.carrier,
        "shipments": [
            {"tracking_number": shipment.tracking_number, "events": [e.to_json() for e in shipment.events]}
            for shipment in result.shipments
        ],
        "errors": [
            {"code": error.code, "tracking_number": error.tracking_number, "message": error.message}
            for error in result.errors
        ],
        # additive to the contract, and only when something was dropped (older outputs unchanged)
        **(
            {"warnings": [{"pointer": w.pointer, "message": w.message} for w in result.warnings]}
            if result.warnings
            else {}
        ),
    }


# --- strict JSON for JSON-speaking adapters ------------------------------------------------------


def load_json(data: bytes, what: str, *, duplicate_keys: str = "refuse") -> Any:
    """Decode a carrier's JSON document strictly (reliability.md §3.1).

    UTF-8 only (a BOM tolerated), no duplicate keys, no NaN/Infinity, floats as Decimal, bounded
    size and nesting. ``what`` names the format in error messages, which never echo the content.
    Raises DOCUMENT_UNSAFE for oversized or absurdly nested input, DOCUMENT_UNREADABLE otherwise.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRejected("DOCUMENT_UNSAFE", f"{what}: larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return strictjson.loads(data, duplicate_keys=duplicate_keys)
    except strictjson.StrictJsonError as exc:
        if exc.too_deep:
            raise DocumentRejected("DOCUMENT_UNSAFE", f"{what}: JSON nested too deeply") from None
        raise DocumentRejected("DOCUMENT_UNREADABLE", f"{what}: not strict JSON ({exc.message})") from None
