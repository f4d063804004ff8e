"""Carrier webhooks: authenticated by the carrier's signature, each body stored once, events merged.

The signature is checked on the raw bytes before anything is parsed (reliability.md §1.2). A replayed
push is recognised by the SHA-256 of what its signature covers (the whole body, or for Kuaidi100 the
signed ``param``) and changes nothing but the delivery count, counted in SQL; its events are merged
into every stored shipment of that carrier and number, idempotently (one row per event key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
        """Authenticate, parse, store once and merge; the answer says what was new."""
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
        return retrying(lambda: self._store(push, result, now), "the push is being stored concurrently")

    def _store(self, push: Push, result: ParseResult, now: datetime) -> dict[str, Any]:
        with self.db.transaction() as session:
            identity = sha256_hex(self.ports.push_identity(push.carrier, push.body))
            row, duplicate = _stored_push(session, push, identity, now)
            # A duplicate is evidence already kept: its first body is the document, never a re-encoding.
            content = row.body if duplicate else push.body
            matched = added = 0
            stored = {
                shipment.id: shipment
                for parsed in result.shipments
                for shipment in shipments_tracking(session, push.carrier, parsed.tracking_number)
            }
            watch = NewsWatch()
            for shipment in stored.values():
                watch.before(shipment)
                # Only a push whose signature verified gets here: the carrier's own word.
                document = add_document(
                    session,
                    shipment,
                    push.carrier,
                    content,
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
            return {
                "push_id": row.id,
                "duplicate": duplicate,
                "deliveries": row.deliveries,
                "shipments_matched": matched,
                "events_added": added,
            }


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
