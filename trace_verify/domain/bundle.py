"""A verification request, typed: the order, its shipments, customs records, codes and complaint.

Two types mark the domain's boundary: a :class:`SubmittedBundle` is the bundle as submitted, raw
carrier documents inside; a :class:`Bundle` is what the verifier judges, events only (the documents
read through the ``DocumentReader`` port by ``documents_read.read_documents``). The verifier takes a
``Bundle``, so an unread document cannot reach it.

Built by ``trace_verify.contract.reader`` from JSON that already passed the schema, so the types here
hold facts, not hopes: times are aware, money is ``Decimal``, countries are assigned ISO codes. Each
record keeps its index so that findings can point back into the bundle (``/shipments/0/documents/1``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Literal

from trace_verify.domain.documents import CarrierMessage
from trace_verify.domain.model import Event, Handover, value_object

Path = Literal["direct_international", "bonded_zone", "general_trade"]
PATHS: tuple[Path, ...] = ("direct_international", "bonded_zone", "general_trade")
Promise = Literal["overseas_direct_supply", "none"]
ComplaintType = Literal["direct_supply", "genuine_goods"]
CredentialKind = Literal["waybill", "logistics_record", "photo", "other"]
IssuerType = Literal["right_owner", "judicial_authority", "enforcement_authority", "other"]


@value_object
class Address:
    """A postal address; only the country is certain."""

    country: str
    region: str | None = None
    city: str | None = None
    postal_code: str | None = None
    line: str | None = None


@value_object
class Party:
    """A company: name and, where known, its unified social credit code."""

    name: str
    id: str | None = None


@value_object
class OtherCost:
    """A cost of the transaction or the dispute the consumer claims back."""

    kind: str
    amount: Decimal


@value_object
class OrderLine:
    """One line of the order; ``trace_codes`` are the ids printed on its units."""

    sku: str | None
    gtin: str | None
    quantity: int
    trace_codes: tuple[str, ...]


@value_object
class Order:
    """The order as sold."""

    id: str
    merchant_id: str
    consumer_id: str | None
    promise: Promise
    placed_at: datetime
    completed_at: datetime | None
    destination: Address
    amount_paid: Decimal
    currency: str
    #: The currency's number of decimals (ISO 4217), recorded by the reader.
    minor_unit: int
    buyer_delivery_cost: Decimal
    return_shipping_cost: Decimal
    other_costs: tuple[OtherCost, ...]
    items: tuple[OrderLine, ...]
    claimed_path: Path | None


@value_object
class Merchant:
    """What the bundle says of the merchant (the service uses its stored record instead)."""

    id: str | None
    return_address: Address | None
    registered_importer: Party | None


@value_object
class Dispatch:
    """Where the merchant says the goods left from."""

    facility: str | None
    bonded_zone: str | None
    address: Address | None


@value_object
class RawDocument:
    """A carrier response carried in the bundle, not yet read; ``data`` is None when absent/undecodable."""

    carrier: str
    data: bytes | None
    pointer: str


@value_object
class DocumentProblem:
    """A document that could not be read, or a carrier's error answer inside a document.

    Two kinds come from a re-verification's live fetch, not from a document: ``refresh_failed`` (the
    carrier did not answer, or answered not-found for a number whose events we hold) is reported as
    ``CARRIER_UNAVAILABLE`` but leaves the stored evidence whole (rules.md, Verdict: evidence already
    held stays evidence); ``not_asked`` (no live client for the carrier) only explains ``NOT_DELIVERED``.
    """

    pointer: str
    kind: Literal["unreadable", "carrier_error", "refresh_failed", "not_asked"]
    code: str
    message: str


@value_object
class Shipment:
    """One parcel leg with one carrier and tracking number."""

    index: int
    carrier: str
    tracking_number: str
    declared_origin_country: str | None
    dispatch: Dispatch | None
    handover_from: Handover | None
    events: tuple[Event, ...]
    #: What reading the shipment's documents found wrong (see :class:`SubmittedBundle`).
    problems: tuple[DocumentProblem, ...] = ()
    carrier_errors: tuple[CarrierMessage, ...] = ()

    @property
    def pointer(self) -> str:
        """JSON pointer of this shipment in the bundle."""
        return f"/shipments/{self.index}"

    def with_documents_read(
        self,
        events: tuple[Event, ...],
        problems: tuple[DocumentProblem, ...],
        errors: tuple[CarrierMessage, ...],
    ) -> Shipment:
        """This shipment with the events and problems its documents yielded."""
        return replace(self, events=self.events + events, problems=problems, carrier_errors=errors)


@value_object
class CustomsRecord:
    """A customs declaration or cross-border inventory list for the order."""

    index: int
    declaration_number: str | None
    supervision_mode: str | None
    port: str | None
    importer: Party | None
    declared_at: datetime | None

    @property
    def pointer(self) -> str:
        """JSON pointer of this record in the bundle."""
        return f"/customs/{self.index}"


@value_object
class TraceCodeRecord:
    """A traceability code record as presented in the bundle (rules.md §5)."""

    index: int
    code: str
    signature: str | None
    merchant_id: str | None
    gtin: str | None
    origin_country: str | None
    departure_country: str | None
    import_port: str | None
    declaration_number: str | None
    importer: Party | None
    supervision_mode: str | None
    #: Set when the record is the registry's (the service): findings then cite the registry record.
    registry_id: str | None = None

    @property
    def pointer(self) -> str:
        """JSON pointer of this record in the bundle (meaningless for a registry-only record)."""
        return f"/trace_codes/{self.index}"

    @property
    def subject(self) -> str:
        """What findings about this code are about: one per code, wherever its record came from."""
        return f"trace_code:{self.code}" if self.registry_id is not None else self.pointer


@value_object
class Credential:
    """Something the consumer presents with a complaint: a waybill, a record, a photo."""

    index: int
    kind: CredentialKind
    carrier: str | None
    tracking_number: str | None
    note: str | None
    events: tuple[Event, ...]
    problems: tuple[DocumentProblem, ...] = ()

    @property
    def pointer(self) -> str:
        """JSON pointer of this credential in the bundle."""
        return f"/complaint/credentials/{self.index}"


@value_object
class Certificate:
    """A counterfeit examination certificate, judgment or ruling."""

    issuer_type: IssuerType | None
    issuer: str | None
    reference: str | None
    issued_at: datetime | None


@value_object
class Complaint:
    """A consumer's complaint about the order."""

    type: ComplaintType
    filed_at: datetime
    credentials: tuple[Credential, ...]
    certificate: Certificate | None


@value_object
class Bundle:
    """Everything known about one order, as the verifier judges it: events, no unread document."""

    order: Order
    merchant: Merchant | None
    shipments: tuple[Shipment, ...]
    customs: tuple[CustomsRecord, ...] = ()
    trace_codes: tuple[TraceCodeRecord, ...] = ()
    complaint: Complaint | None = None


@value_object
class SubmittedBundle:
    """A bundle as submitted: its facts and events (``bundle``) and the raw documents not yet read.

    ``shipment_documents[i]`` are shipment *i*'s documents, ``credential_documents[i]`` the complaint's
    credential *i*'s (both as long as their lists, empty tuples where none was sent).
    """

    bundle: Bundle
    shipment_documents: tuple[tuple[RawDocument, ...], ...] = ()
    credential_documents: tuple[tuple[RawDocument, ...], ...] = ()

    @property
    def has_documents(self) -> bool:
        """True when any shipment or credential carries a raw document."""
        return any(self.shipment_documents) or any(self.credential_documents)

    def documents_of_shipment(self, index: int) -> tuple[RawDocument, ...]:
        """Shipment ``index``'s raw documents (none when it sent none)."""
        return self.shipment_documents[index] if index < len(self.shipment_documents) else ()

    def documents_of_credential(self, index: int) -> tuple[RawDocument, ...]:
        """Credential ``index``'s raw documents (none when it sent none)."""
        return self.credential_documents[index] if index < len(self.credential_documents) else ()
