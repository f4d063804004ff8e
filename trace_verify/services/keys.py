"""API keys: long random secrets shown once, stored only as their SHA-256 digest.

A key is ``tvk_`` and 43 URL-safe characters (256 random bits): a digest cannot be reversed and an
unsalted hash is enough for a secret with that much entropy. The public ``id`` names a key for
``keys revoke`` and in logs; the secret never appears in either.

Every API request authenticates, so a key found valid is remembered (:class:`KeyCache`, per process and
database) for ``cache_seconds`` instead of being looked up on each request (issue 15, HTTP speed: the
lookup was a quarter of ``POST /verify``'s time). What that costs, and how it is bounded:

* a revocation made in this process (``KeyService.revoke``) takes effect at once: it drops the entry;
* a revocation made elsewhere (``trace-verify keys revoke``, another instance) takes effect within
  ``cache_seconds`` (``TRACE_VERIFY_KEY_CACHE_SECONDS``, 5; ``0`` looks every key up every time);
* expiry is exact: the cached ``expires_at`` is compared with the request's time on every use;
* only valid keys are remembered (an unknown or revoked key is looked up each time and never fills
  the cache), at most ``MAX_CACHED_KEYS`` of them, the oldest dropped first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import weakref
from collections.abc import Callable
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
#: Seconds a valid key is trusted without a lookup (a revocation elsewhere shows within this).
DEFAULT_CACHE_SECONDS = 5.0
MAX_CACHED_KEYS = 10_000


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


@dataclass(frozen=True, slots=True)
class _Known:
    """A valid key as looked up at ``checked`` (the cache's clock)."""

    principal: Principal
    expires_at: datetime | None
    checked: float


class KeyCache:
    """Valid keys by digest, with when each was last looked up; shared by every :class:`KeyService` of
    one :class:`Database` in this process (so a revocation through any of them is seen by all)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._known: dict[str, _Known] = {}
        self._lock = threading.Lock()
        #: Counts revocations: a lookup that began before one is not remembered (it may predate it).
        self.generation = 0

    def get(self, wanted: str, max_age: float) -> _Known | None:
        """The entry for ``wanted`` if it was looked up less than ``max_age`` seconds ago."""
        found = self._known.get(wanted)
        if found is None or self.clock() - found.checked >= max_age:
            return None
        return found

    def put(self, wanted: str, principal: Principal, expires_at: datetime | None, generation: int) -> None:
        """Remember a key looked up while the cache was at ``generation``."""
        with self._lock:
            if generation != self.generation:
                return
            self._known.pop(wanted, None)
            while len(self._known) >= MAX_CACHED_KEYS:  # dicts keep insertion order: oldest first
                del self._known[next(iter(self._known))]
            self._known[wanted] = _Known(principal, expires_at, self.clock())

    def forget(self, key_id: str) -> None:
        """Drop the key ``key_id`` (revoked), and whatever lookups still running would remember."""
        with self._lock:
            self.generation += 1
            for wanted in [d for d, k in self._known.items() if k.principal.key_id == key_id]:
                del self._known[wanted]


_CACHES: weakref.WeakKeyDictionary[Database, KeyCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_of(db: Database) -> KeyCache:
    """The process's key cache for ``db``."""
    with _CACHES_LOCK:
        found = _CACHES.get(db)
        if found is None:
            found = _CACHES[db] = KeyCache()
        return found


class KeyService:
    """Creates, revokes and checks API keys."""

    def __init__(self, db: Database, cache_seconds: float = DEFAULT_CACHE_SECONDS) -> None:
        self.db = db
        self.cache_seconds = cache_seconds
        self.cache = cache_of(db)

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
        self.cache.forget(key_id)  # after the commit, so no lookup can remember the key as it was
        return True

    def list(self) -> list[ApiKey]:
        """Every key (digests only), oldest first."""
        with self.db.transaction() as session:
            return list(session.scalars(sa.select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))

    def authenticate(self, secret: str, now: datetime) -> Principal | None:
        """The key's holder, or None for an unknown, revoked or expired key (see the module's note on
        how long a valid key is remembered)."""
        if not secret.startswith(PREFIX) or len(secret) > MAX_KEY_LENGTH:
            return None
        wanted = digest(secret)
        known = self.cache.get(wanted, self.cache_seconds) if self.cache_seconds > 0 else None
        if known is None:
            known = self._look_up(wanted)
            if known is None:
                return None
        if known.expires_at is not None and known.expires_at <= now:
            return None
        return known.principal

    def _look_up(self, wanted: str) -> _Known | None:
        """The key with digest ``wanted`` from the database, remembered when it is valid."""
        generation = self.cache.generation
        with self.db.transaction() as session:
            key = session.scalars(sa.select(ApiKey).where(ApiKey.digest == wanted)).one_or_none()
        if key is None or not hmac.compare_digest(key.digest, wanted) or key.revoked_at is not None:
            return None
        principal = Principal(key.id, key.role, key.merchant_id, key.consumer_id)
        if self.cache_seconds > 0:
            self.cache.put(wanted, principal, key.expires_at, generation)
        return _Known(principal, key.expires_at, 0.0)


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
