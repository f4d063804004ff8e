"""``Idempotency-Key``: the first answer to a request is the answer to all its retries.

Follows Stripe and draft-ietf-httpapi-idempotency-key-header (reliability.md §1.1): keys are scoped to
the API key and kept at least 24 hours; the same key with the same request replays the first answer
(status and body); the same key with another request is 422 ``IDEMPOTENCY_KEY_REUSED``; a key whose
first request is still running is 409 ``IDEMPOTENCY_IN_FLIGHT``, until its claim is older than
:data:`CLAIM_TIMEOUT` (the request crashed) and a retry may take it over. A request the service
refuses (validation, authorisation, a server error) releases its claim: it did nothing, so the key
is not consumed.

The answer of a money request is recorded **inside the transaction that moves the money**
(:meth:`Claim.record`): if the process dies between that commit and the response, the retry gets the
stored answer and nothing moves twice. Other requests record theirs just after (:meth:`finish`).

:class:`IdempotencyStore` is the small interface; :class:`DatabaseIdempotency` keeps claims in the
database (``idempotency_keys``). Another store (Redis claims, say) needs only these methods.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trace_verify.db.models import IdempotencyKey
from trace_verify.db.session import Database
from trace_verify.errors import Conflict, InvalidInput, Unprocessable

CLAIM_TIMEOUT: Final = timedelta(seconds=60)
RETENTION: Final = timedelta(hours=24)
KEY_PATTERN: Final = re.compile(r"^[\x21-\x7e]{1,255}$")


def request_hash(method: str, path: str, body: bytes) -> str:
    """What "the same request" means: method, path with its query, and the exact body bytes."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def check_key(key: str) -> str:
    """1–255 visible ASCII characters (a UUID is the usual choice), else 400."""
    if not KEY_PATTERN.match(key):
        raise InvalidInput(
            "INVALID_IDEMPOTENCY_KEY",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
            "Idempotency-Key",
        )
    return key


@dataclass(frozen=True, slots=True)
class Replay:
    """The stored answer of the first request with this key."""

    status: int
    body: str


@dataclass(slots=True)
class Claim:
    """This request holds the key: it must :meth:`record` its answer (in its own transaction) or
    leave it to :meth:`IdempotencyStore.finish` / :meth:`IdempotencyStore.release`."""

    row_id: int
    recorded: bool = field(default=False)

    def record(self, session: Session, status: int, body: str) -> None:
        """Store the answer in the caller's transaction (it commits with the effect it describes)."""
        session.execute(
            sa.update(IdempotencyKey)
            .where(IdempotencyKey.id == self.row_id)
            .values(response_status=status, response_body=body, locked_at=None)
        )
        self.recorded = True


class IdempotencyStore(Protocol):
    """Claims and stored answers (the database's today; Redis claims may come later)."""

    def begin(self, api_key_id: str, key: str, fingerprint: str, now: datetime) -> Claim | Replay:
        """Claim the key, or the first answer to replay; raises 409/422 as the module says."""
        ...

    def finish(self, claim: Claim, status: int, body: str) -> None:
        """Store the answer of a request that did not record it in its own transaction."""
        ...

    def release(self, claim: Claim) -> None:
        """Forget the claim of a request that was refused (the key is not consumed)."""
        ...

    def purge(self, now: datetime) -> int:
        """Drop finished keys older than the retention; returns how many."""
        ...


def in_flight() -> Conflict:
    """409: the first request with this key is still running."""
    return Conflict(
        "IDEMPOTENCY_IN_FLIGHT",
        "a request with this Idempotency-Key is still being processed; retry later",
        "Idempotency-Key",
    )


def reused() -> Unprocessable:
    """422: the key was used for another request."""
    return Unprocessable(
        "IDEMPOTENCY_KEY_REUSED",
        "this Idempotency-Key was used with a different request",
        "Idempotency-Key",
    )


class DatabaseIdempotency:
    """:class:`IdempotencyStore` on the ``idempotency_keys`` table (``UNIQUE(api_key_id, key)``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def begin(self, api_key_id: str, key: str, fingerprint: str, now: datetime) -> Claim | Replay:
        with self.db.write_transaction() as session:
            dialect = session.get_bind().dialect.name
            insert = (
                postgresql.insert(IdempotencyKey)
                if dialect == "postgresql"
                else sqlite.insert(IdempotencyKey)
            )
            created = session.execute(
                insert.values(
                    api_key_id=api_key_id, key=key, request_hash=fingerprint, locked_at=now, created_at=now
                )
                .on_conflict_do_nothing(index_elements=["api_key_id", "key"])
                .returning(IdempotencyKey.id)
            ).scalar_one_or_none()
            if created is not None:
                return Claim(created)
            row = session.scalars(
                sa.select(IdempotencyKey)
                .where(IdempotencyKey.api_key_id == api_key_id, IdempotencyKey.key == key)
                .with_for_update()
            ).one()
            if row.created_at < now - RETENTION and row.response_status is not None:
                row.request_hash, row.created_at, row.locked_at = fingerprint, now, now
                row.response_status = row.response_body = None
                return Claim(row.id)
            if row.request_hash != fingerprint:
                raise reused()
            if row.response_status is not None and row.response_body is not None:
                return Replay(row.response_status, row.response_body)
            if row.locked_at is not None and row.locked_at > now - CLAIM_TIMEOUT:
                raise in_flight()
            row.locked_at = now  # the first request died holding it: take the claim over
            return Claim(row.id)

    def finish(self, claim: Claim, status: int, body: str) -> None:
        with self.db.write_transaction() as session:
            claim.record(session, status, body)

    def release(self, claim: Claim) -> None:
        with self.db.write_transaction() as session:
            session.execute(
                sa.delete(IdempotencyKey).where(
                    IdempotencyKey.id == claim.row_id, IdempotencyKey.response_status.is_(None)
                )
            )

    def purge(self, now: datetime) -> int:
        with self.db.write_transaction() as session:
            result = session.execute(
                sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - RETENTION * 2)
            )
            return int(getattr(result, "rowcount", 0) or 0)
