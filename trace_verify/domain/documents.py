"""What a carrier document says once an adapter has read it, and the port the verifier reads through.

Adapters live in the top-level ``carriers`` package and are pure: bytes in, a :class:`ParseResult`
out. The domain only knows the :class:`DocumentReader` protocol, so the verifier stays free of XML
and HTTP libraries while a bundle can still carry raw carrier responses.
"""

from __future__ import annotations

from typing import Final, Literal, Protocol

from trace_verify.domain.model import Event, value_object
from trace_verify.domain.numbers import normalize_number
from trace_verify.domain.numbers.carrier_map import CarrierNumbers

CarrierErrorCode = Literal["not_found", "unauthorized", "rate_limited", "carrier_error"]
CARRIER_ERROR_CODES: Final[tuple[CarrierErrorCode, ...]] = (
    "not_found",
    "unauthorized",
    "rate_limited",
    "carrier_error",
)


@value_object
class ParsedShipment:
    """The events a document holds for one tracking number, oldest first."""

    tracking_number: str
    events: tuple[Event, ...]


@value_object
class CarrierMessage:
    """A carrier's own error body (not found, unauthorized, rate limited…): data, not an exception."""

    code: CarrierErrorCode
    tracking_number: str | None
    message: str


@value_object
class ParseWarning:
    """Something of a document that was dropped while the rest was read (issue 11 §5): one bad event
    does not sink a document. ``pointer`` names the part dropped (a JSON pointer, or an XML path)."""

    pointer: str
    message: str


@value_object
class ParseResult:
    """Everything one document said: shipments with their events, the carrier's errors, and what was
    dropped as unreadable (``warnings``; a document is refused only when nothing trustworthy is left)."""

    carrier: str
    shipments: tuple[ParsedShipment, ...] = ()
    errors: tuple[CarrierMessage, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


class DocumentRejected(Exception):
    """A document that cannot be read (``DOCUMENT_UNREADABLE``) or must not be (``DOCUMENT_UNSAFE``).

    The message is safe to show: it never echoes the document's content.
    """

    def __init__(self, code: Literal["DOCUMENT_UNREADABLE", "DOCUMENT_UNSAFE"], message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class DocumentReader(Protocol):
    """Turns a raw carrier document into normalized events (implemented by ``carriers.registry``).

    It also carries what the domain knows of those carriers' tracking numbers (``numbers``), so the
    carrier ids reach the rules through this port and the reference data, never by import.
    """

    @property
    def numbers(self) -> CarrierNumbers:
        """How the reader's carriers relate to tracking-number formats."""
        ...

    def read(self, carrier: str, data: bytes) -> ParseResult:
        """Parse ``data`` as ``carrier``'s format; raise :class:`DocumentRejected` when it cannot."""
        ...


@value_object
class Membership:
    """What one read document holds for one shipment: the single rule for the verdict and for storage."""

    #: Events of the document's shipments whose number is the shipment's (after normalisation).
    events: tuple[Event, ...]
    #: The carrier's error answers about this number (or about no number in particular).
    errors: tuple[CarrierMessage, ...]
    #: The numbers the document tracks instead (at most three, sorted) when none is the shipment's.
    others: tuple[str, ...] = ()


def membership(result: ParseResult, tracking_number: str | None) -> Membership:
    """Which of ``result``'s events belong to the shipment tracked as ``tracking_number``.

    A document about another parcel is no evidence for this one and must not become it: its events
    belong to no shipment, whether the shipment is judged or stored (README, "A raw document must
    track the shipment's own number"). ``tracking_number`` None (a credential without a number)
    takes every event.
    """
    wanted = normalize_number(tracking_number) if tracking_number else None
    matching = [
        s for s in result.shipments if wanted is None or normalize_number(s.tracking_number) == wanted
    ]
    errors = tuple(
        e
        for e in result.errors
        if wanted is None or e.tracking_number is None or normalize_number(e.tracking_number) == wanted
    )
    others: tuple[str, ...] = ()
    if result.shipments and not matching:
        others = tuple(sorted({s.tracking_number[:40] for s in result.shipments})[:3])
    return Membership(tuple(e for s in matching for e in s.events), errors, others)
