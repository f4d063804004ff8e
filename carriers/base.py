"""The adapter interface every carrier package implements, and what the shells print of it.

An adapter is a stateless reader of one carrier's documents: bytes in, a :class:`ParseResult` out.
It never does I/O (the optional ``client`` module next to it fetches), so the same adapter reads a
live response, a webhook push and a document embedded in a bundle. A carrier's own error body (not
found, unauthorized, rate limited) is a valid document that parses into ``ParseResult.errors``;
only bytes that are not that carrier's format raise :class:`DocumentRejected`.
"""

from __future__ import annotations

from typing import Any, Final, Protocol

from trace_verify import strictjson
from trace_verify.domain.documents import DocumentRejected, ParseResult

#: Largest document an adapter reads. The command line caps a bundle at 16 MiB (contract README), so
#: no single carrier document inside it can be larger; anything bigger is refused before parsing.
MAX_DOCUMENT_BYTES: Final = 16 * 1024 * 1024


class CarrierAdapter(Protocol):
    """One carrier's document reader, as the registry and the ``carriers`` command see it."""

    @property
    def id(self) -> str:
        """Adapter id used by ``--carrier`` and in events (``dhl``, ``ups``…)."""
        ...

    @property
    def name(self) -> str:
        """Human-readable carrier and API name."""
        ...

    @property
    def formats(self) -> tuple[str, ...]:
        """Human-readable names of the document formats :meth:`parse` reads."""
        ...

    @property
    def live(self) -> bool:
        """True when a client exists that fetches this carrier's documents."""
        ...

    @property
    def format_verified(self) -> bool:
        """True when the format was checked against a primary public source (the carrier's own spec)."""
        ...

    @property
    def format_note(self) -> str:
        """Where the format knowledge comes from, and what is unverified."""
        ...

    def parse(self, data: bytes) -> ParseResult:
        """Read one raw document; raise :class:`DocumentRejected` when it is not this carrier's format."""
        ...


def adapter_to_json(adapter: CarrierAdapter) -> dict[str, Any]:
    """One row of ``trace-verify carriers --json``."""
    return {
        "id": adapter.id,
        "name": adapter.name,
        "formats": list(adapter.formats),
        "live": adapter.live,
        "format_verified": adapter.format_verified,
        "format_note": adapter.format_note,
    }


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
