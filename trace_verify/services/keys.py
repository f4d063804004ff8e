"""API keys: long random secrets shown once, stored only as their SHA-256 digest.

A key is ``tvk_`` and 43 URL-safe characters (256 random bits): a digest cannot be reversed and an
unsalted hash is enough for a secret with that much entropy. The public ``id`` names a key for
``keys revoke`` and in logs; the secret never appears in either.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from trace_verify.db.models import ApiKey, Merchant, Role
from trace_verify.db.session import Database
from trace_verify.errors import InvalidInput, Unprocessable
from trace_verify.services import audit
from trace_verify.services.access import Principal

PREFIX = "tvk_"
MAX_KEY_LENGTH = 200


def digest(secret: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A fresh key: ``tvk_`` + 256 random bits, URL-safe base64."""
    return PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A key just created: the secret is here once and never again."""

    id: str
    secret: str
    role: Role
    merchant_id: str | None
    consumer_id: str | None
    expires_at: datetime | None


class KeyService:
    """Creates, revokes and checks API keys."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(
        self,
        role: Role,
        now: datetime,
        *,
        merchant_id: str | None = None,
        consumer_id: str | None = None,
        expires_in_days: int | None = None,
        label: str | None = None,
        secret: str | None = None,
        key_id: str | None = None,
    ) -> IssuedKey:
        """Issue a key; ``secret``/``key_id`` are given only for the documented demo keys."""
        _check_tenant(role, merchant_id, consumer_id)
        if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
            raise InvalidInput("INVALID_ARGUMENT", "expires in must be 1 to 3650 days", "/expires_in_days")
        secret = secret or new_secret()
        key_id = key_id or "key_" + secrets.token_hex(6)
        expires_at = now + timedelta(days=expires_in_days) if expires_in_days else None
        with self.db.write_transaction() as session:
            if merchant_id is not None and session.get(Merchant, merchant_id) is None:
                raise Unprocessable("UNKNOWN_MERCHANT", f"no merchant {merchant_id[:64]!r}", "/merchant_id")
            session.add(
                ApiKey(
                    id=key_id,
                    digest=digest(secret),
                    role=role,
                    merchant_id=merchant_id,
                    consumer_id=consumer_id,
                    label=label,
                    created_at=now,
                    expires_at=expires_at,
                    revoked_at=None,
                )
            )
            session.flush()
            details = {
                "role": role.value,
                "merchant_id": merchant_id,
                "consumer_id": consumer_id,
                "label": label,
            }
            audit.append(session, "key.created", "operator", f"key:{key_id}", details, now)
        return IssuedKey(key_id, secret, role, merchant_id, consumer_id, expires_at)

    def revoke(self, key_id: str, now: datetime) -> bool:
        """Revoke a key by id; False when there is no such key."""
        with self.db.write_transaction() as session:
            key = session.get(ApiKey, key_id)
            if key is None:
                return False
            if key.revoked_at is None:
                key.revoked_at = now
                audit.append(session, "key.revoked", "operator", f"key:{key_id}", {}, now)
            return True

    def list(self) -> list[ApiKey]:
        """Every key (digests only), oldest first."""
        with self.db.transaction() as session:
            return list(session.scalars(sa.select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))

    def authenticate(self, secret: str, now: datetime) -> Principal | None:
        """The key's holder, or None for an unknown, revoked or expired key."""
        if not secret.startswith(PREFIX) or len(secret) > MAX_KEY_LENGTH:
            return None
        wanted = digest(secret)
        with self.db.transaction() as session:
            key = session.scalars(sa.select(ApiKey).where(ApiKey.digest == wanted)).one_or_none()
        if key is None or not hmac.compare_digest(key.digest, wanted):
            return None
        if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
            return None
        return Principal(key.id, key.role, key.merchant_id, key.consumer_id)


def _check_tenant(role: Role, merchant_id: str | None, consumer_id: str | None) -> None:
    if role is Role.MERCHANT and (merchant_id is None or consumer_id is not None):
        raise InvalidInput(
            "INVALID_ARGUMENT", "a merchant key needs a merchant (and no consumer)", "/merchant_id"
        )
    if role is Role.CONSUMER and (consumer_id is None or merchant_id is not None):
        raise InvalidInput(
            "INVALID_ARGUMENT", "a consumer key needs a consumer (and no merchant)", "/consumer_id"
        )
    if role in (Role.PLATFORM, Role.STAFF) and (merchant_id is not None or consumer_id is not None):
        raise InvalidInput(
            "INVALID_ARGUMENT", f"a {role.value} key belongs to no merchant and no consumer", "/role"
        )
