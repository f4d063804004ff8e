"""The tables: merchants, orders, shipments, raw carrier documents, normalized events, customs
declarations, API keys, verdicts and webhook pushes.

Rows keep the JSON the client sent (``data``) next to the columns queries need, so a stored order can be
verified again exactly as it was submitted; evidence (documents, pushes, verdicts) is only ever added,
never overwritten: a replaced document is marked ``superseded_at`` and a re-verification adds a verdict.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trace_verify.db.base import Base, portable_enum


class Role(enum.StrEnum):
    """Who holds an API key (README, "Roles and keys")."""

    PLATFORM = "platform"
    STAFF = "staff"
    MERCHANT = "merchant"
    CONSUMER = "consumer"


class Origin(enum.StrEnum):
    """Where a document or an event came from."""

    SUBMITTED = "submitted"  # sent with the order or by a client
    REFRESH = "refresh"  # fetched from the carrier by a re-verification
    PUSH = "push"  # pushed by the carrier to a webhook
    DOCUMENT = "document"  # an event read out of a stored document


# -- evidence sources (rules.md §8; issue 14) ------------------------------------------------------


class EvidenceSource(enum.StrEnum):
    """Who vouches for a stored event, document or record (rules.md §8's table, strongest first).

    Set by the service from how the evidence arrived (the key's role, a refresh, a verified push),
    never from a request body; ``trace_verify.domain.sources`` holds the order of strength.
    """

    CARRIER_API = "carrier_api"  # fetched by this service from the carrier's API
    CARRIER_PUSH = "carrier_push"  # pushed by the carrier on the webhook, signature verified
    PLATFORM = "platform"  # submitted with a platform key
    MERCHANT = "merchant"  # submitted with a merchant key
    CONSUMER = "consumer"  # submitted with a consumer key (a complaint's credentials)


def evidence_source_column() -> Mapped[EvidenceSource]:
    """The ``source`` column every kind of stored evidence carries."""
    return mapped_column(portable_enum(EvidenceSource, "evidence_source"))


class Merchant(Base):
    """A seller registered by the platform: public name, return address, registered importer."""

    __tablename__ = "merchants"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    return_address: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    registered_importer: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Order(Base):
    """An order as the platform sold it; ``data`` is the bundle's ``order`` object as submitted."""

    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    consumer_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    placed_at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    trace_codes: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime]

    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.position", foreign_keys="Shipment.order_id"
    )
    customs: Mapped[list[CustomsDeclaration]] = relationship(
        back_populates="order", order_by="CustomsDeclaration.position"
    )
    verdicts: Mapped[list[VerdictRecord]] = relationship(back_populates="order", order_by="VerdictRecord.id")


class Shipment(Base):
    """One parcel leg of an order; ``position`` is its index in the order's bundle (``/shipments/i``)."""

    __tablename__ = "shipments"
    __table_args__ = (sa.UniqueConstraint("order_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    carrier: Mapped[str] = mapped_column(sa.String(32))
    tracking_number: Mapped[str] = mapped_column(sa.String(64))
    #: The normalised number (``domain.numbers.normalize_number``): the history is looked up by it.
    tracking_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    declared_origin_country: Mapped[str | None] = mapped_column(sa.String(2))
    #: An aggregator's code for the courier that carries it (Kuaidi100 company code, AfterShip slug):
    #: what a refresh through that aggregator needs besides the number. Null: derived at refresh.
    courier_code: Mapped[str | None] = mapped_column(sa.String(64))
    dispatch: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    handover_from_carrier: Mapped[str | None] = mapped_column(sa.String(32))
    handover_from_number: Mapped[str | None] = mapped_column(sa.String(64))
    #: The earlier leg of the same order this one continues, when it is stored.
    handover_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"))
    #: Who stated the shipment's own fields (dispatch, bonded zone, declared origin): rules.md §8.1.
    source: Mapped[EvidenceSource] = evidence_source_column()
    created_at: Mapped[datetime]

    order: Mapped[Order] = relationship(back_populates="shipments", foreign_keys=[order_id])
    documents: Mapped[list[CarrierDocument]] = relationship(
        back_populates="shipment", order_by="CarrierDocument.id"
    )
    events: Mapped[list[TrackingEvent]] = relationship(
        back_populates="shipment", order_by="(TrackingEvent.occurred_at, TrackingEvent.id)"
    )


class CarrierDocument(Base):
    """A raw carrier document kept as evidence: the exact bytes and their SHA-256."""

    __tablename__ = "carrier_documents"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    carrier: Mapped[str] = mapped_column(sa.String(32))
    origin: Mapped[Origin] = mapped_column(portable_enum(Origin, "origin"))
    #: A raw document uploaded by a party is that party's evidence, not the carrier's (rules.md §8).
    source: Mapped[EvidenceSource] = evidence_source_column()
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    received_at: Mapped[datetime]
    #: Set when a newer document replaced this one; it stays as evidence of what was known before.
    superseded_at: Mapped[datetime | None]
    push_id: Mapped[int | None] = mapped_column(sa.ForeignKey("webhook_pushes.id"))

    shipment: Mapped[Shipment] = relationship(back_populates="documents")


class TrackingEvent(Base):
    """A normalized event of a shipment, stored once per ``key`` (carrier, number, time, milestone, place)."""

    __tablename__ = "tracking_events"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    origin: Mapped[Origin] = mapped_column(portable_enum(Origin, "origin"))
    #: The strongest source this event arrived from (rules.md §8.2: the stronger is kept).
    source: Mapped[EvidenceSource] = evidence_source_column()
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("carrier_documents.id"))
    occurred_at: Mapped[datetime]
    milestone: Mapped[str] = mapped_column(sa.String(32))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime]

    shipment: Mapped[Shipment] = relationship(back_populates="events")


class CustomsDeclaration(Base):
    """A customs declaration or cross-border inventory list of an order (``/customs/i``)."""

    __tablename__ = "customs_declarations"
    __table_args__ = (sa.UniqueConstraint("order_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    declaration_number: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    supervision_mode: Mapped[str | None] = mapped_column(sa.String(4))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    source: Mapped[EvidenceSource] = evidence_source_column()
    created_at: Mapped[datetime]

    order: Mapped[Order] = relationship(back_populates="customs")


class ApiKey(Base):
    """An API key, stored as the SHA-256 digest of the secret (the secret is shown once, at creation)."""

    __tablename__ = "api_keys"
    __table_args__ = (
        sa.CheckConstraint(
            "(role <> 'merchant' OR merchant_id IS NOT NULL)"
            " AND (role <> 'consumer' OR consumer_id IS NOT NULL)",
            name="tenant",
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    role: Mapped[Role] = mapped_column(portable_enum(Role, "role"))
    merchant_id: Mapped[str | None] = mapped_column(sa.ForeignKey("merchants.id"))
    consumer_id: Mapped[str | None] = mapped_column(sa.String(64))
    label: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class VerdictRecord(Base):
    """One verification of a stored order; a re-verification adds a row, the old one stays."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    verdict: Mapped[str] = mapped_column(sa.String(32))
    path: Mapped[str | None] = mapped_column(sa.String(32))
    rules_version: Mapped[str] = mapped_column(sa.String(64))
    checked_at: Mapped[datetime]
    body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime]

    order: Mapped[Order] = relationship(back_populates="verdicts")


class WebhookPush(Base):
    """A body a carrier pushed, stored once per (carrier, SHA-256) however often it arrives."""

    __tablename__ = "webhook_pushes"
    __table_args__ = (sa.UniqueConstraint("carrier", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier: Mapped[str] = mapped_column(sa.String(32))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    received_at: Mapped[datetime]
    last_received_at: Mapped[datetime]
    deliveries: Mapped[int]
    #: When its events were merged into the stored shipments (None: stored, not yet processed; the
    #: scheduler hands such a push to a ``webhook`` job).
    processed_at: Mapped[datetime | None] = mapped_column(index=True)


class CarrierPoll(Base):
    """The last poll of one tracking number at one carrier: the claim that keeps every instance and
    worker from polling it again inside the carrier's minimum interval (``services/polls.py``)."""

    __tablename__ = "carrier_polls"

    carrier: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    tracking_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: When the last poll was claimed (it started then).
    polled_at: Mapped[datetime] = mapped_column(index=True)
    #: ``ok`` or why the last poll gave nothing (``None`` while it runs).
    outcome: Mapped[str | None] = mapped_column(sa.String(64))


# -- bulk validations (issue 15) -------------------------------------------------------------------


class JobState(enum.StrEnum):
    """Where a bulk validation job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # finished, and its upload and results were purged (the retention period)


class ValidationJob(Base):
    """A bulk pre-validation: the upload and results live as files (``input_path``, ``results_path``),
    the progress here, so any web instance can answer for a job any worker runs."""

    __tablename__ = "validation_jobs"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    #: The merchant whose job it is (a merchant key's tenant); None for a platform key's job.
    merchant_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    key_id: Mapped[str] = mapped_column(sa.String(32))
    format: Mapped[str] = mapped_column(sa.String(8))
    state: Mapped[JobState] = mapped_column(portable_enum(JobState, "job_state"), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    rows: Mapped[int]
    rows_read: Mapped[int]
    done: Mapped[int]
    failed: Mapped[int]
    #: The clock rows are verified against (``?now=`` at submission, else the submission time).
    verify_at: Mapped[datetime]
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: Renewed while a runner works on the job; a running job whose heartbeat is older than the lease
    #: was abandoned (its process died) and may be claimed again.
    heartbeat_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    attempts: Mapped[int]
    error: Mapped[str | None] = mapped_column(sa.String(500))


# -- traceability codes (issue 12) ---------------------------------------------------------------


class KeyState(enum.StrEnum):
    """A QR signing key's life: ``active`` signs and verifies, ``retired`` verifies, ``revoked`` neither."""

    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"


class SigningKey(Base):
    """A QR signing key, named by one base32 character (``kid``).

    Only ``salt`` is stored: the HMAC key is derived from it and the installation's signing secret,
    which never enters the database (``services/signing.py``), so a copy of the database cannot sign.
    """

    __tablename__ = "signing_keys"
    __table_args__ = (
        sa.Index(
            "ix_signing_keys_one_active",
            "state",
            unique=True,
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        ),
    )

    kid: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    state: Mapped[KeyState] = mapped_column(portable_enum(KeyState, "key_state"))
    salt: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class TraceCode(Base):
    """A registered traceability code (rules.md §5), issued to one merchant and signed with ``kid``."""

    __tablename__ = "trace_codes"

    id: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    kid: Mapped[str] = mapped_column(sa.ForeignKey("signing_keys.kid"))
    #: The registration request the code came with (a label sheet prints one batch).
    batch: Mapped[str] = mapped_column(sa.String(16), index=True)
    gtin: Mapped[str | None] = mapped_column(sa.String(14))
    origin_country: Mapped[str] = mapped_column(sa.String(2))
    departure_country: Mapped[str] = mapped_column(sa.String(2))
    import_port: Mapped[str] = mapped_column(sa.String(5))
    declaration_number: Mapped[str] = mapped_column(sa.String(21))
    importer_name: Mapped[str] = mapped_column(sa.String(200))
    importer_credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    supervision_mode: Mapped[str] = mapped_column(sa.String(4))
    product: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


# -- complaints, the deposit ledger, idempotency keys, the audit log (issue 13) -------------------------

#: Money columns: exact decimals, four places (every ISO 4217 minor unit fits; amounts are rounded to
#: the currency's own unit before they are stored).
Money = sa.Numeric(20, 4)


class ComplaintStatus(enum.StrEnum):
    """A stored complaint's decision (the contract's ``complaint.decision``)."""

    UPHELD = "upheld"
    REJECTED = "rejected"
    MANUAL_REVIEW = "manual_review"
    INADMISSIBLE = "inadmissible"


class Complaint(Base):
    """A consumer's complaint about an order, with the decision and the verdict it rests on.

    ``active_type`` holds the type while the complaint is open (``manual_review``) or ``upheld`` and is
    NULL otherwise: ``UNIQUE(order_id, active_type)`` lets at most one complaint of each type per order
    be open or upheld, whatever the application does (NULLs never collide).
    """

    __tablename__ = "complaints"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "active_type"),
        sa.CheckConstraint(
            "active_type IS NULL OR (active_type = type AND status IN ('upheld', 'manual_review'))",
            name="active_type",
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    consumer_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    type: Mapped[str] = mapped_column(sa.String(16))
    active_type: Mapped[str | None] = mapped_column(sa.String(16))
    status: Mapped[ComplaintStatus] = mapped_column(portable_enum(ComplaintStatus, "complaint_status"))
    #: The complaint object as filed (the contract's ``complaint``, ``filed_at`` included).
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    filed_at: Mapped[datetime]
    filed_by: Mapped[str] = mapped_column(sa.String(32))  # the API key's id
    filed_by_role: Mapped[str] = mapped_column(sa.String(16))
    #: What the carriers answered for the consumer's own tracking numbers: credential index →
    #: ``[{"carrier", "content_base64"}]`` (evidence the decision rests on, kept with the complaint).
    fetched: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    verdict_id: Mapped[int | None] = mapped_column(sa.ForeignKey("verdicts.id"))
    rules_version: Mapped[str] = mapped_column(sa.String(64))
    #: ``{"currency", "lines": [{"kind", "amount"}], "total"}`` when upheld (amounts as strings).
    compensation: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Finding codes that sent the complaint to manual review (``CARRIER_UNAVAILABLE`` …).
    reasons: Mapped[list[Any]] = mapped_column(sa.JSON)
    decided_by: Mapped[str] = mapped_column(sa.String(32))  # "automatic" or the staff key's id
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: Set while a re-check job should look at the complaint again (a carrier could not be reached).
    recheck_at: Mapped[datetime | None] = mapped_column(index=True)
    recheck_attempts: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Deposit(Base):
    """A merchant's security deposit in one currency: the balance is a cache of its ledger account,
    never negative (CHECK), and the row every money write of the merchant locks."""

    __tablename__ = "deposits"
    __table_args__ = (
        sa.UniqueConstraint("merchant_id", "currency"),
        sa.CheckConstraint("balance >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    balance: Mapped[Decimal] = mapped_column(Money)
    updated_at: Mapped[datetime]


class LedgerTransaction(Base):
    """One money movement: its entries balance (debits = credits). Never updated nor deleted.

    ``UNIQUE(complaint_id, kind)``: a complaint is deducted once; ``UNIQUE(merchant_id, reference)``:
    a top-up reference is booked once.
    """

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        sa.UniqueConstraint("complaint_id", "kind"),
        sa.UniqueConstraint("merchant_id", "reference"),
        sa.CheckConstraint("kind IN ('top_up', 'deduction', 'settlement')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    complaint_id: Mapped[str | None] = mapped_column(sa.ForeignKey("complaints.id"))
    shortfall_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shortfalls.id"))
    reference: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime]

    entries: Mapped[list[LedgerEntry]] = relationship(order_by="LedgerEntry.id")


class LedgerEntry(Base):
    """One side of a transaction on one account (``deposit:<merchant>``, ``platform:cash``,
    ``payable:complaint:<id>``, ``receivable:merchant:<id>``)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.UniqueConstraint("transaction_id", "account", "direction"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("direction IN ('debit', 'credit')", name="direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_transactions.id"), index=True)
    account: Mapped[str] = mapped_column(sa.String(120), index=True)
    direction: Mapped[str] = mapped_column(sa.String(6))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))


class Shortfall(Base):
    """What an upheld complaint's deduction could not take from the deposit; settled by top-ups,
    oldest first (rules.md §2). Open while ``settled < amount``."""

    __tablename__ = "shortfalls"
    __table_args__ = (
        sa.UniqueConstraint("complaint_id"),
        sa.CheckConstraint("amount > 0 AND settled >= 0 AND settled <= amount", name="settled_within"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[str] = mapped_column(sa.ForeignKey("complaints.id"))
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount: Mapped[Decimal] = mapped_column(Money)
    settled: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]


class IdempotencyKey(Base):
    """A client's ``Idempotency-Key``, scoped to the API key: the request's hash, and once it finished,
    the answer to replay. ``locked_at`` is the claim of the request still running."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    locked_at: Mapped[datetime | None]
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(index=True)


class AuditRecord(Base):
    """The append-only audit log: ``hash = SHA-256(prev_hash ‖ canonical JSON of the record)``.

    ``UNIQUE(seq)`` and ``UNIQUE(prev_hash)`` keep the chain from forking; on PostgreSQL a trigger
    refuses UPDATE and DELETE (``trace-verify audit verify`` catches what a superuser still does).
    """

    __tablename__ = "audit_log"
    __table_args__ = (sa.UniqueConstraint("seq"), sa.UniqueConstraint("prev_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(40))
    actor: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(120))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
