"""Complaints that pay: filing with an automatic check, staff decisions, re-checks, and the deduction.

Filing (``POST /orders/{id}/complaints``), in three steps, so no transaction waits on a carrier:

1. *Read* the complaint (the contract's ``complaint`` object; ``filed_at`` is the service's clock for
   a consumer, and may be given by the platform) and find the order the key may file on.
2. *Gather*: refresh the order's shipments and the consumer's own tracking numbers from the carriers'
   live clients, all within one budget (3 s); a number polled less than its carrier's minimum polling
   interval ago (the manifest's ``min_poll_interval``, claimed in ``services.polls``) is not polled
   again and its stored evidence is used as is. What came back is stored as evidence in its own short
   transaction.
3. *Decide and pay*, in one write transaction: verify the stored bundle with the complaint, decide
   (``domain.stored_decision.decide_stored``), store the verdict, the complaint and, when upheld, the
   deduction (``services.ledger``), the audit records, and the idempotent answer.

``UNIQUE(order_id, active_type)`` allows one open-or-upheld complaint of a type per order, so a second
filing is 409 ``CONFLICT`` naming the first even when both run at once. A complaint left in
``manual_review`` because a carrier could not be reached gets ``recheck_at``; a ``complaint_recheck``
job (:meth:`recheck`, found by the schedule through :meth:`due_rechecks`) decides it again unless
staff decided first.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trace_verify.contract.reader import read_bundle
from trace_verify.contract.schemas import is_rfc3339, parse_rfc3339
from trace_verify.contract.writer import compensation_to_json, finding_to_json, verdict_to_json
from trace_verify.db.models import (
    Complaint,
    ComplaintStatus,
    LedgerTransaction,
    Merchant,
    Order,
    Role,
    VerdictRecord,
)
from trace_verify.db.repositories import load_order, stored_bundle, stored_sources, tracking_history
from trace_verify.db.session import Database
from trace_verify.domain.bundle import Bundle
from trace_verify.domain.compensation import ggg_compensation, ods_compensation
from trace_verify.domain.model import format_utc
from trace_verify.domain.numbers import normalize_number
from trace_verify.domain.sources import Source
from trace_verify.domain.stored_decision import EvidenceFacts, StoredDecision, decide_stored
from trace_verify.domain.verdict import Compensation, Verdict
from trace_verify.errors import Conflict, InvalidInput, ServiceError
from trace_verify.services import audit, ledger
from trace_verify.services.access import Principal, Resource, not_found
from trace_verify.services.faults import fault_point
from trace_verify.services.pages import PageRequest, page
from trace_verify.services.polls import Polls, held_failures
from trace_verify.services.ports import CarrierPorts
from trace_verify.services.refresh import Fetched, Wanted
from trace_verify.services.verdicts import courier_of
from trace_verify.services.verification import VerificationService

log = logging.getLogger(__name__)

#: ``receipt(session, body)``: records the idempotent answer in the money transaction.
Receipt = Callable[[Session, dict[str, Any]], None]

FILING_BUDGET_SECONDS: Final = 3.0
#: Re-checks after a carrier failure: 1, 2, 4 … minutes apart (the delay is a setting), at most this many.
MAX_RECHECKS: Final = 8
RECHECK_BASE: Final = timedelta(minutes=1)
#: A claimed re-check is due again this long after its claim if the worker running it died.
RECHECK_LEASE: Final = timedelta(minutes=10)
OPEN_STATUSES: Final = (ComplaintStatus.MANUAL_REVIEW, ComplaintStatus.UPHELD)
DECISION_FIELDS: Final = ("decision", "reason")
#: Offsets into the shipment indexes for credential refreshes (they share one refresh call).
_CREDENTIAL_BASE: Final = 10_000


def new_complaint_id() -> str:
    """``cmp_`` + 96 random bits: not guessable, not sequential."""
    return "cmp_" + secrets.token_hex(12)


def complaint_schema() -> dict[str, Any]:
    """The body of ``POST /orders/{id}/complaints``: the contract's ``complaint`` object."""
    from trace_verify.contract.schemas import flat_schema

    schema: dict[str, Any] = dict(flat_schema("bundle")["properties"]["complaint"])
    schema["type"] = "object"
    schema["required"] = ["type"]
    return schema


def decision_schema() -> dict[str, Any]:
    """The body of ``POST /complaints/{id}/decision`` (staff)."""
    return {
        "type": "object",
        "required": ["decision", "reason"],
        "properties": {
            "decision": {"enum": ["upheld", "rejected"]},
            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
        },
        "additionalProperties": False,
    }


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one automatic check: the verdict, the decision, what the carriers gave."""

    verdict: Verdict
    decision: StoredDecision
    fetched: dict[str, list[dict[str, str]]]


class ComplaintService:
    """File, read, decide and re-check complaints."""

    def __init__(
        self,
        db: Database,
        verification: VerificationService,
        ports: CarrierPorts,
        *,
        budget_seconds: float = FILING_BUDGET_SECONDS,
        recheck_delay: timedelta = RECHECK_BASE,
    ) -> None:
        self.db = db
        self.verification = verification
        self.ports = ports
        self.budget_seconds = budget_seconds
        self.polls = Polls(db, ports)
        self.recheck_delay = recheck_delay

    # -- filing ------------------------------------------------------------------------------------

    def file(
        self, who: Principal, order_id: str, obj: Any, now: datetime, receipt: Receipt | None = None
    ) -> dict[str, Any]:
        """File a complaint, check it, decide it, and deduct when upheld; the stored complaint."""
        who.access(Resource.COMPLAINT_FILING, write=True)
        complaint = self._read_complaint(who, obj, now)
        with self.db.transaction() as session:
            order = load_order(session, order_id)
            if order is None or not who.sees(
                Resource.COMPLAINT_FILING, order.merchant_id, order.consumer_id, write=True
            ):
                raise not_found("order")
            self._validate_against(order, session, complaint)
            self._refuse_second(session, order_id, complaint["type"])
        check = self._check(order_id, complaint, now, filer=_filer(who.role.value))
        try:
            with self.db.write_transaction() as session:
                row = self._store(session, who, order_id, complaint, check, now)
                body = self._view(session, row, who)
                if receipt is not None:
                    receipt(session, body)
        except IntegrityError:
            with self.db.transaction() as session:
                self._refuse_second(session, order_id, complaint["type"])
            raise
        fault_point("after_commit")  # tests only: the process dies before it answers
        return body

    def _read_complaint(self, who: Principal, obj: Any, now: datetime) -> dict[str, Any]:
        if not isinstance(obj, dict):
            raise InvalidInput("INVALID_REQUEST", "must be an object", "")
        if "filed_at" in obj and who.role is Role.CONSUMER:
            raise InvalidInput("UNKNOWN_FIELD", "filed_at is set by the service for a consumer", "/filed_at")
        complaint = dict(obj)
        if "filed_at" in obj:
            text = obj["filed_at"]
            if not isinstance(text, str) or not is_rfc3339(text):
                raise InvalidInput("INVALID_REQUEST", "an RFC 3339 date-time with an offset", "/filed_at")
            if parse_rfc3339(text) > now:
                raise InvalidInput("INVALID_REQUEST", "filed_at cannot be in the future", "/filed_at")
        else:
            complaint["filed_at"] = format_utc(now)
        return complaint

    def _validate_against(self, order: Order, session: Session, complaint: dict[str, Any]) -> None:
        """The complaint read inside the order's bundle, so every contract rule applies; pointers are
        made relative to the request body."""
        bundle_json = stored_bundle(order, session.get(Merchant, order.merchant_id))
        try:
            read_bundle({**bundle_json, "complaint": complaint})
        except ServiceError as exc:
            pointer = exc.pointer or ""
            if not pointer.startswith("/complaint"):
                raise exc.at("") from None
            raise exc.at(pointer.removeprefix("/complaint")) from None

    @staticmethod
    def _refuse_second(session: Session, order_id: str, complaint_type: str) -> None:
        existing = session.scalars(
            sa.select(Complaint.id).where(
                Complaint.order_id == order_id, Complaint.active_type == complaint_type
            )
        ).first()
        if existing is not None:
            raise Conflict(
                "CONFLICT",
                f"complaint {existing} of this type is open or upheld for this order",
                "/type",
            )

    # -- the automatic check -----------------------------------------------------------------------

    def _wanted(self, order: Order, complaint: dict[str, Any]) -> list[Wanted]:
        """The order's shipments and the consumer's own numbers that are not the order's, for carriers
        with a live client (``Polls.refresh`` leaves out what was polled within its carrier's interval)."""
        clients = self.ports.clients
        wanted = [
            Wanted(s.position, s.carrier, s.tracking_number, courier_of(s))
            for s in order.shipments
            if s.carrier in clients
        ]
        known = {s.tracking_key for s in order.shipments}
        for index, credential in enumerate(complaint.get("credentials") or ()):
            carrier, number = credential.get("carrier"), credential.get("tracking_number")
            if carrier in clients and number and normalize_number(number) not in known:
                wanted.append(Wanted(_CREDENTIAL_BASE + index, carrier, number))
        return wanted

    def _check(self, order_id: str, complaint: dict[str, Any], now: datetime, *, filer: Source) -> Check:
        """Gather (refresh within the budget, store what came back) and verify; nothing decided yet.

        ``filer`` is who presented the complaint (``consumer`` or ``platform``): it vouches for the
        certificate and for credentials the service could not fetch from their carrier (rules.md §8.3).
        """
        with self.db.transaction() as session:
            order = load_order(session, order_id)
            if order is None:
                raise not_found("order")
            wanted = self._wanted(order, complaint)
        fetched, held = self.polls.refresh(dict(self.ports.clients), wanted, self.budget_seconds, now)
        fetched += held_failures(held)
        shipments = self._store_refreshed(order_id, [f for f in fetched if f.index < _CREDENTIAL_BASE], now)
        credentials: dict[str, list[dict[str, str]]] = {}
        failures = [f"/shipments/{f.index}" for f in shipments if f.content is None]
        for item in fetched:
            if item.index < _CREDENTIAL_BASE:
                continue
            index = item.index - _CREDENTIAL_BASE
            if item.content is None:
                failures.append(f"/complaint/credentials/{index}")
                continue
            encoded = base64.b64encode(item.content).decode("ascii")
            credentials.setdefault(str(index), []).append(
                {"carrier": item.carrier, "content_base64": encoded}
            )
        facts = EvidenceFacts(carrier_failures=tuple(failures), certificate_verified=filer != "consumer")
        with self.db.transaction() as session:
            verdict = self._verify(session, order_id, complaint, credentials, shipments, now, filer)
        return Check(verdict, decide_stored(verdict, facts), credentials)

    def _store_refreshed(self, order_id: str, fetched: list[Fetched], now: datetime) -> list[Fetched]:
        """Store what the carriers answered (``verdicts``' own rules: a carrier's not-found for a parcel
        whose events we hold is a failed refresh, not news); returns the refreshes as judged."""
        from trace_verify.services.verdicts import _news_or_failure, _store_refreshed

        if not any(f.content is not None for f in fetched):
            return fetched
        try:
            with self.db.write_transaction() as session:
                order = load_order(session, order_id)
                if order is None:
                    raise not_found("order")
                judged = [_news_or_failure(self.ports, order, item) for item in fetched]
                _store_refreshed(session, self.ports, order, judged, now)
                return judged
        except IntegrityError:
            log.info("refreshed documents of %s were stored by a concurrent request", order_id)
            return fetched

    def _verify(
        self,
        session: Session,
        order_id: str,
        complaint: dict[str, Any],
        credentials: dict[str, list[dict[str, str]]],
        fetched: list[Fetched],
        now: datetime,
        filer: Source,
    ) -> Verdict:
        """The stored order's verdict with the complaint, judged as a stored order is (sources, §8)."""
        from trace_verify.services.verdicts import _not_asked, _with_failures

        order = load_order(session, order_id)
        if order is None:
            raise not_found("order")
        bundle_json = stored_bundle(order, session.get(Merchant, order.merchant_id))
        bundle_json["complaint"] = _with_credential_documents(complaint, credentials)
        bundle: Bundle = self.verification.read(bundle_json)
        bundle = _not_asked(_with_failures(bundle, fetched), set(self.ports.clients))
        presented = complaint.get("credentials") or ()
        # A credential's tracking is the carrier's word only when the service fetched it and the filer
        # added no events or documents of its own to it (rules.md §8.3: those stay the filer's word).
        vouched: dict[int, Source] = {
            int(index): "carrier_api"
            for index in credentials
            if not (presented[int(index)].get("events") or presented[int(index)].get("documents"))
        }
        count = len(presented)
        sources = replace(
            stored_sources(order, bundle),
            certificate=filer,
            credentials={i: vouched.get(i, filer) for i in range(count)},
        )
        return self.verification.verify_bundle(bundle, now, tracking_history(session, bundle), sources)

    # -- storing the decision and the money --------------------------------------------------------

    def _store(
        self,
        session: Session,
        who: Principal,
        order_id: str,
        complaint: dict[str, Any],
        check: Check,
        now: datetime,
    ) -> Complaint:
        order = session.get(Order, order_id)
        assert order is not None
        body = _verdict_body(check)
        record = VerdictRecord(
            order_id=order_id,
            verdict=check.verdict.verdict,
            path=check.verdict.path,
            rules_version=check.verdict.rules_version,
            checked_at=check.verdict.checked_at,
            body=body,
            created_at=now,
        )
        session.add(record)
        session.flush()
        decision = check.decision
        status = ComplaintStatus(decision.decision)
        row = Complaint(
            id=new_complaint_id(),
            order_id=order_id,
            merchant_id=order.merchant_id,
            consumer_id=order.consumer_id,
            type=complaint["type"],
            active_type=complaint["type"] if status in OPEN_STATUSES else None,
            data=complaint,
            fetched=check.fetched or None,
            filed_at=parse_rfc3339(complaint["filed_at"]),
            filed_by=who.key_id,
            filed_by_role=who.role.value,
            verdict_id=record.id,
            rules_version=check.verdict.rules_version,
            compensation=compensation_to_json(decision.compensation),
            reasons=[finding_to_json(f) for f in decision.reasons],
            decided_by="automatic",
            decision_reason=None,
            recheck_at=now + self.recheck_delay if decision.recheck else None,
            recheck_attempts=0,
            created_at=now,
            updated_at=now,
        )
        row.status = status  # (a decision, not an HTTP status: set apart from the constructor's keywords)
        session.add(row)
        session.flush()  # the unique (order, type) constraint speaks here
        if status is ComplaintStatus.UPHELD and decision.compensation is not None:
            self._deduct(session, row, decision.compensation, now, "automatic")
        audit.append(
            session,
            "complaint.filed",
            who.key_id,
            f"complaint:{row.id}",
            {
                "order_id": order_id,
                "type": row.type,
                "decision": status.value,
                "verdict_id": record.id,
                "verdict": check.verdict.verdict,
                "rules_version": row.rules_version,
                "compensation": row.compensation,
                "reasons": [r["code"] for r in row.reasons],
            },
            now,
        )
        return row

    @staticmethod
    def _deduct(
        session: Session, row: Complaint, compensation: Compensation, now: datetime, actor: str
    ) -> None:
        ledger.deduct(session, row.id, row.merchant_id, compensation.currency, compensation.total, now, actor)

    # -- staff decisions ---------------------------------------------------------------------------

    def decide(
        self, who: Principal, complaint_id: str, obj: Any, now: datetime, receipt: Receipt | None = None
    ) -> dict[str, Any]:
        """Staff decide a complaint in manual review: ``upheld`` deducts, ``rejected`` closes it."""
        who.access(Resource.COMPLAINT_DECISION, write=True)
        decision, reason = _read_decision(obj)
        with self.db.write_transaction() as session:
            row = self._locked(session, complaint_id)
            if row is None:
                raise not_found("complaint")
            if row.status is not ComplaintStatus.MANUAL_REVIEW:
                raise Conflict(
                    "CONFLICT", f"the complaint is {row.status.value}, not in manual review", "/decision"
                )
            row.status = ComplaintStatus(decision)
            row.active_type = row.type if decision == "upheld" else None
            row.decided_by, row.decision_reason = who.key_id, reason
            row.recheck_at, row.updated_at = None, now
            if decision == "upheld":
                compensation = self._compensation_for(session, row)
                row.compensation = compensation_to_json(compensation)
                session.flush()
                self._deduct(session, row, compensation, now, who.key_id)
            session.flush()
            audit.append(
                session,
                "complaint.staff_decision",
                who.key_id,
                f"complaint:{row.id}",
                {"decision": decision, "reason": reason, "compensation": row.compensation},
                now,
            )
            body = self._view(session, row, who)
            if receipt is not None:
                receipt(session, body)
            return body

    def _compensation_for(self, session: Session, row: Complaint) -> Compensation:
        order = load_order(session, row.order_id)
        assert order is not None
        bundle = self.verification.read(stored_bundle(order, session.get(Merchant, order.merchant_id)))
        policy = self.verification.policy
        if row.type == "genuine_goods":
            return ggg_compensation(bundle.order, policy)
        return ods_compensation(bundle.order, policy)

    @staticmethod
    def _locked(session: Session, complaint_id: str) -> Complaint | None:
        return session.scalars(
            sa.select(Complaint)
            .where(Complaint.id == complaint_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()

    # -- re-checks (a ``complaint_recheck`` job runs each; the schedule finds them) ------------------

    def due_rechecks(self, now: datetime, limit: int = 100) -> list[str]:
        """Ids of the complaints whose re-check is due, the longest-waiting first."""
        with self.db.transaction() as session:
            return list(
                session.scalars(
                    sa.select(Complaint.id)
                    .where(Complaint.recheck_at.is_not(None), Complaint.recheck_at <= now)
                    .order_by(Complaint.recheck_at, Complaint.id)
                    .limit(limit)
                )
            )

    def recheck(self, complaint_id: str, now: datetime) -> bool:
        """Decide the complaint again if its re-check is due and this caller claims it; True when it
        was decided (False: not due, claimed by another, or still waiting on a carrier).

        The claim moves ``recheck_at`` :data:`RECHECK_LEASE` ahead in one conditional UPDATE, so of
        two workers handed the same job one re-checks; should it die, the re-check is due again then.
        """
        with self.db.transaction() as session:
            claimed = session.execute(
                sa.update(Complaint)
                .where(
                    Complaint.id == complaint_id,
                    Complaint.status == ComplaintStatus.MANUAL_REVIEW,
                    Complaint.recheck_at.is_not(None),
                    Complaint.recheck_at <= now,
                )
                .values(recheck_at=now + RECHECK_LEASE)
            )
            if not int(getattr(claimed, "rowcount", 0) or 0):
                return False
        return self._recheck(complaint_id, now) == 1

    def recheck_due(self, now: datetime, limit: int = 20) -> int:
        """Decide again every complaint whose re-check is due, here; returns how many were decided."""
        decided = 0
        for complaint_id in self.due_rechecks(now, limit):
            try:
                decided += self.recheck(complaint_id, now)
            except Exception:  # one complaint's failure must not stop the others; it is retried
                log.exception("re-check of complaint %s failed", complaint_id)
        return decided

    @staticmethod
    def request_recheck(session: Session, order_id: str, now: datetime) -> int:
        """Ask for a re-check of the order's complaints still in automatic manual review (new carrier
        evidence arrived: a refresh or a push, issue 14); in the caller's transaction. Returns how many."""
        result = session.execute(
            sa.update(Complaint)
            .where(
                Complaint.order_id == order_id,
                Complaint.status == ComplaintStatus.MANUAL_REVIEW,
                Complaint.decided_by.in_(("automatic", "recheck")),
            )
            .values(recheck_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def _recheck(self, complaint_id: str, now: datetime) -> int:
        with self.db.transaction() as session:
            row = session.get(Complaint, complaint_id)
            if row is None or row.recheck_at is None or row.status is not ComplaintStatus.MANUAL_REVIEW:
                return 0
            order_id, complaint = row.order_id, dict(row.data)
            filer = _filer(row.filed_by_role)
        check = self._check(order_id, complaint, now, filer=filer)
        with self.db.write_transaction() as session:
            row = self._locked(session, complaint_id)
            if row is None or row.recheck_at is None or row.status is not ComplaintStatus.MANUAL_REVIEW:
                return 0  # staff decided first
            decision = check.decision
            if decision.recheck:
                row.recheck_attempts += 1
                row.recheck_at = (
                    now + self.recheck_delay * 2**row.recheck_attempts
                    if row.recheck_attempts < MAX_RECHECKS
                    else None
                )
                row.updated_at = now
                return 0
            record = VerdictRecord(
                order_id=order_id,
                verdict=check.verdict.verdict,
                path=check.verdict.path,
                rules_version=check.verdict.rules_version,
                checked_at=check.verdict.checked_at,
                body=_verdict_body(check),
                created_at=now,
            )
            session.add(record)
            session.flush()
            status = ComplaintStatus(decision.decision)
            row.status, row.verdict_id = status, record.id
            row.active_type = row.type if status in OPEN_STATUSES else None
            row.rules_version = check.verdict.rules_version
            row.compensation = compensation_to_json(decision.compensation)
            row.reasons = [finding_to_json(f) for f in decision.reasons]
            row.fetched = check.fetched or row.fetched
            row.recheck_at, row.updated_at = None, now
            session.flush()
            if status is ComplaintStatus.UPHELD and decision.compensation is not None:
                self._deduct(session, row, decision.compensation, now, "recheck")
            audit.append(
                session,
                "complaint.redecided",
                "recheck",
                f"complaint:{row.id}",
                {"decision": status.value, "verdict_id": record.id, "compensation": row.compensation},
                now,
            )
            return 1

    # -- reading -----------------------------------------------------------------------------------

    def get(self, who: Principal, complaint_id: str) -> dict[str, Any]:
        """One complaint the key may read (404 otherwise)."""
        who.access(Resource.COMPLAINTS)
        with self.db.transaction() as session:
            row = session.get(Complaint, complaint_id)
            if row is None or not who.sees(Resource.COMPLAINTS, row.merchant_id, row.consumer_id):
                raise not_found("complaint")
            return self._view(session, row, who)

    def list(
        self, who: Principal, request: PageRequest, status: str | None, merchant_id: str | None
    ) -> dict[str, Any]:
        """Complaints the key may read, newest first; ``status`` and ``merchant_id`` narrow the list."""
        who.access(Resource.COMPLAINTS)
        statement = sa.select(Complaint).order_by(Complaint.id).limit(request.limit + 1)
        if who.role is Role.MERCHANT:
            statement = statement.where(Complaint.merchant_id == who.merchant_id)
        if who.role is Role.CONSUMER:
            statement = statement.where(Complaint.consumer_id == who.consumer_id)
        if status is not None:
            if status not in {s.value for s in ComplaintStatus}:
                raise InvalidInput("INVALID_ARGUMENT", "status must be a complaint decision", "/status")
            statement = statement.where(Complaint.status == ComplaintStatus(status))
        if merchant_id is not None:
            statement = statement.where(Complaint.merchant_id == merchant_id)
        if request.after is not None:
            statement = statement.where(Complaint.id > request.after)
        with self.db.transaction() as session:
            rows = list(session.scalars(statement))
            items = [self._view(session, r, who) for r in rows[: request.limit]]
            return page(items, [r.id for r in rows], request)

    def _view(self, session: Session, row: Complaint, who: Principal) -> dict[str, Any]:
        verdict = session.get(VerdictRecord, row.verdict_id) if row.verdict_id is not None else None
        deduction = session.scalars(
            sa.select(LedgerTransaction).where(
                LedgerTransaction.complaint_id == row.id, LedgerTransaction.kind == "deduction"
            )
        ).one_or_none()
        return complaint_view(row, verdict, deduction, who)


def _filer(role: str) -> Source:
    """Who vouches for what a complaint presents: the consumer's word, or the platform's."""
    return "consumer" if role == Role.CONSUMER.value else "platform"


def _read_decision(obj: Any) -> tuple[str, str]:
    if not isinstance(obj, dict):
        raise InvalidInput("INVALID_REQUEST", "must be an object", "")
    for name in obj:
        if name not in DECISION_FIELDS:
            raise InvalidInput("UNKNOWN_FIELD", f"unknown field {str(name)[:60]!r}", f"/{name}")
    decision, reason = obj.get("decision"), obj.get("reason")
    if decision not in ("upheld", "rejected"):
        raise InvalidInput("INVALID_REQUEST", "decision must be upheld or rejected", "/decision")
    if not isinstance(reason, str) or not 1 <= len(reason) <= 500 or not reason.strip():
        raise InvalidInput("INVALID_REQUEST", "a reason of 1 to 500 characters is required", "/reason")
    return decision, reason


def _with_credential_documents(
    complaint: dict[str, Any], fetched: dict[str, list[dict[str, str]]]
) -> dict[str, Any]:
    """The complaint with each credential's tracking, as fetched from its carrier, among its documents."""
    if not fetched:
        return complaint
    credentials = []
    for index, credential in enumerate(complaint.get("credentials") or ()):
        extra = fetched.get(str(index), [])
        if extra:
            credential = {**credential, "documents": [*(credential.get("documents") or ()), *extra]}
        credentials.append(credential)
    return {**complaint, "credentials": credentials}


def _verdict_body(check: Check) -> dict[str, Any]:
    """The verdict as stored with the complaint: its complaint decision is the stored one, and the
    findings that explain a manual review are among its findings."""
    body = verdict_to_json(check.verdict)
    decision = check.decision
    codes = {f["code"] for f in body["findings"]}
    body["findings"] += [finding_to_json(f) for f in decision.reasons if f.code not in codes]
    assert check.verdict.complaint is not None
    body["complaint"] = {
        "type": check.verdict.complaint.type,
        "decision": decision.decision,
        "compensation": compensation_to_json(decision.compensation),
    }
    return body


def complaint_view(
    row: Complaint, verdict: VerdictRecord | None, deduction: LedgerTransaction | None, who: Principal
) -> dict[str, Any]:
    """A complaint as ``who`` may see it: a merchant sees no consumer personal data (no consumer id,
    no credential notes, events or documents); a consumer sees only its own side of the ledger."""
    filed = dict(row.data)
    consumer_id = row.consumer_id
    if who.role is Role.MERCHANT:
        consumer_id = None
        filed["credentials"] = [
            {k: v for k, v in c.items() if k in ("kind", "carrier", "tracking_number")}
            for c in filed.get("credentials") or ()
        ]
    ledger_view = None
    if deduction is not None:
        ledger_view = ledger.transaction_view(deduction)
        if who.role is Role.CONSUMER:
            own = ledger.payable_account(row.id)
            ledger_view["entries"] = [e for e in ledger_view["entries"] if e["account"] == own]
    return {
        "id": row.id,
        "order_id": row.order_id,
        "merchant_id": row.merchant_id,
        "consumer_id": consumer_id,
        "type": row.type,
        "status": row.status.value,
        "complaint": filed,
        "decision": {"type": row.type, "decision": row.status.value, "compensation": row.compensation},
        "reasons": row.reasons,
        "decided_by": "automatic" if row.decided_by in ("automatic", "recheck") else "staff",
        "decision_reason": row.decision_reason,
        "rules_version": row.rules_version,
        "verdict": verdict.body if verdict is not None else None,
        "deduction": ledger_view,
        "recheck_at": format_utc(row.recheck_at) if row.recheck_at else None,
        "filed_at": format_utc(row.filed_at),
        "created_at": format_utc(row.created_at),
        "updated_at": format_utc(row.updated_at),
    }
