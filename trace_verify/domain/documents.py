"""What a carrier document says once an adapter has read it, and the port the verifier reads through.

Adapters live in the top-level ``carriers`` package and are pure: bytes in, a :class:`ParseResult`
out. The domain only knows the :class:`DocumentReader` protocol, so the verifier stays free of XML
and HTTP libraries while a bundle can still carry raw carrier responses.
"""

from __future__ import annotations

from typing import Final, Literal, Protocol

from trace_verify.domain.model import Event, value_object

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
    """Turns a raw carrier document into normalized events (implemented by ``carriers.registry``)."""

    def read(self, carrier: str, data: bytes) -> ParseResult:
        """Parse ``data`` as ``carrier``'s format; raise :class:`DocumentRejected` when it cannot."""
        ...
