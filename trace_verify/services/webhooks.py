"""Carrier webhooks: authenticated by the carrier's signature, each body stored once, events merged.

The signature is checked on the raw bytes before anything is parsed (reliability.md §1.2). A replayed
push is recognised by the SHA-256 of what its signature covers (the whole body, or for Kuaidi100 the
signed ``param``) and changes nothing but the delivery count, counted in SQL; its events are merged
into every stored shipment of that carrier and number, idempotently (one row per event key). The
push is committed before the merge; one stored but never merged is merged by a ``webhook`` job.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trace_verify.db.models import EvidenceSource, Origin, WebhookPush
from trace_verify.db.repositories import add_document, merge_events, sha256_hex, shipments_tracking
from trace_verify.db.session import Database
from trace_verify.domain.documents import DocumentRejected, ParseResult, membership
from trace_verify.errors import InvalidInput, Unauthorized
from trace_verify.services.access import not_found
from trace_verify.services.conflicts import retrying
from trace_verify.services.news import CarrierNews, NewsWatch
from trace_verify.services.ports import CarrierPorts

log = logging.getLogger(__name__)

#: A push stored this long ago and still not merged was left by a failure: a ``webhook`` job merges it.
MERGE_GRACE: Final = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Push:
    """One delivery as received."""

    carrier: str
    headers: Mapping[str, str]
    body: bytes
    content_type: str | None


class WebhookService:
    """Receives carrier pushes."""

    def __init__(self, db: Database, ports: CarrierPorts, on_carrier_news: CarrierNews | None = None) -> None:
        self.db = db
        self.ports = ports
        #: Told of each order a push brought new carrier evidence for (complaints' re-check, §8.1).
        self.on_carrier_news = on_carrier_news

    def receive(self, push: Push, now: datetime) -> dict[str, Any]:
        """Authenticate, parse, store once, then merge; the answer says what was new.

        The push is committed before its events are merged: should the merge fail (or the process die),
        the stored push is merged by a ``webhook`` job the schedule hands out (:meth:`unprocessed`), and
        the carrier's own retry merges it too. A duplicate delivery merges again (idempotently), so a
        push that arrived before its order was stored reaches the order when the carrier repeats it.
        """
        if not self.ports.is_known(push.carrier):
            raise not_found("carrier")
        secret = self.ports.webhook_secrets.get(push.carrier, "")
        if not secret or not self.ports.push_verifier(push.carrier)(push.headers, push.body, secret):
            raise Unauthorized("UNAUTHORIZED", "the push is not signed by the carrier")
        try:
            result = self.ports.documents.read(push.carrier, push.body)
        except DocumentRejected as exc:
            raise InvalidInput(exc.code, exc.message) from None
        # The same body arriving concurrently: the loser of the insert race runs again and counts a delivery.
        stored = retrying(lambda: self._store(push, now), "the push is being stored concurrently")
        merged = retrying(
            lambda: self._merge(stored.id, result, now), "the push is being merged concurrently"
        )
        matched, added = merged or (0, 0)
        return {
            "push_id": stored.id,
            "duplicate": stored.duplicate,
            "deliveries": stored.deliveries,
            "shipments_matched": matched,
            "events_added": added,
        }

    # -- the ``webhook`` job: a push stored but not merged -------------------------------------------

    def unprocessed(self, now: datetime, limit: int = 100) -> list[str]:
        """Ids of pushes stored more than :data:`MERGE_GRACE` ago whose events were never merged."""
        with self.db.transaction() as session:
            ids = session.scalars(
                sa.select(WebhookPush.id)
                .where(WebhookPush.processed_at.is_(None), WebhookPush.received_at <= now - MERGE_GRACE)
                .order_by(WebhookPush.id)
                .limit(limit)
            )
            return [str(i) for i in ids]

    def process(self, push_id: str, now: datetime) -> bool:
        """Merge a stored push that was never merged; True when this caller merged it."""
        if not push_id.isdigit():
            return False
        with self.db.transaction() as session:
            row = session.get(WebhookPush, int(push_id))
            if row is None or row.processed_at is not None:
                return False
            carrier, body = row.carrier, row.body
        try:
            result = self.ports.documents.read(carrier, body)
        except DocumentRejected:  # it was read when it arrived; a reader that changed since refuses it
            log.warning("stored push %s of %s can no longer be read; marked processed", push_id, carrier)
            result = ParseResult(carrier)
        return retrying(
            lambda: self._merge(int(push_id), result, now, only_unprocessed=True) is not None,
            "the push is being merged concurrently",
        )

    def _store(self, push: Push, now: datetime) -> _Stored:
        with self.db.transaction() as session:
            identity = sha256_hex(self.ports.push_identity(push.carrier, push.body))
            row, duplicate = _stored_push(session, push, identity, now)
            return _Stored(row.id, duplicate, row.deliveries)

    def _merge(
        self, push_id: int, result: ParseResult, now: datetime, *, only_unprocessed: bool = False
    ) -> tuple[int, int] | None:
        """Merge the push's events into every stored shipment of its carrier and number; (shipments
        matched, events added), or None when ``only_unprocessed`` and it was merged already."""
        with self.db.transaction() as session:
            row = session.scalars(
                sa.select(WebhookPush)
                .where(WebhookPush.id == push_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).one()
            if only_unprocessed and row.processed_at is not None:
                return None
            matched = added = 0
            stored = {
                shipment.id: shipment
                for parsed in result.shipments
                for shipment in shipments_tracking(session, row.carrier, parsed.tracking_number)
            }
            watch = NewsWatch()
            for shipment in stored.values():
                watch.before(shipment)
                # Only a push whose signature verified is stored: the carrier's own word. Its first
                # body is the document, never a re-encoding of a later delivery.
                document = add_document(
                    session,
                    shipment,
                    row.carrier,
                    row.body,
                    Origin.PUSH,
                    now,
                    row.id,
                    source=EvidenceSource.CARRIER_PUSH,
                )
                added += merge_events(
                    session,
                    shipment,
                    list(membership(result, shipment.tracking_number).events),
                    Origin.PUSH,
                    now,
                    document.id,
                    source=EvidenceSource.CARRIER_PUSH,
                )
                matched += 1
                watch.after(shipment)
            watch.tell(self.on_carrier_news, session, now)
            row.processed_at = row.processed_at or now
            return matched, added


@dataclass(frozen=True, slots=True)
class _Stored:
    id: int
    duplicate: bool
    deliveries: int


def _stored_push(session: Session, push: Push, digest: str, now: datetime) -> tuple[WebhookPush, bool]:
    """The push's row, found by ``digest`` (of what was signed) or added; True when it was there."""
    row = session.scalars(
        sa.select(WebhookPush).where(WebhookPush.carrier == push.carrier, WebhookPush.sha256 == digest)
    ).one_or_none()
    if row is not None:
        # One UPDATE … SET deliveries = deliveries + 1: concurrent deliveries never overwrite each other.
        session.execute(
            sa.update(WebhookPush)
            .where(WebhookPush.id == row.id)
            .values(deliveries=WebhookPush.deliveries + 1, last_received_at=now)
            .execution_options(synchronize_session=False)
        )
        session.refresh(row)
        return row, True
    row = WebhookPush(
        carrier=push.carrier,
        sha256=digest,
        body=push.body,
        content_type=(push.content_type or "")[:100] or None,
        received_at=now,
        last_received_at=now,
        deliveries=1,
    )
    session.add(row)
    session.flush()
    return row, False
