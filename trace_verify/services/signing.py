"""QR signing keys: HMAC-SHA256 over the key id and the code id, truncated to 128 bits (reliability.md §4).

A key is named by one base32 character (``kid``) and is ``active`` (signs and verifies), ``retired``
(verifies only) or ``revoked`` (every code it signed scans as forged). The database keeps only a
random salt per key; the HMAC key itself is derived from that salt and the installation's signing
secret (``TRACE_VERIFY_SIGNING_SECRET``, or a ``signing.secret`` file of mode 0600 in the data
directory), which never enters the database. So, as with API keys (stored as digests), a copy of the
database alone cannot mint a valid code, and a key from another installation verifies nothing here.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import sqlalchemy as sa

from trace_verify.db.models import KeyState, SigningKey
from trace_verify.db.session import Database
from trace_verify.errors import Conflict, NotFound, Unavailable

#: RFC 4648 base32 alphabet: key ids and code ids, upper case so a QR can hold them compactly.
BASE32: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
SIGNATURE_LENGTH: Final = 22  # 128 bits, base64url without padding
SECRET_FILE: Final = "signing.secret"
MIN_SECRET_BYTES: Final = 32
_DERIVE_LABEL: Final = b"trace_verify qr signing key\x00"


def load_installation_secret(configured: str | None, data_dir: Path) -> bytes:
    """The installation's signing secret: the configured one, else the data directory's file (made once)."""
    if configured:
        if len(configured.encode("utf-8")) < MIN_SECRET_BYTES:
            raise Unavailable(
                "INVALID_CONFIGURATION", f"TRACE_VERIFY_SIGNING_SECRET needs {MIN_SECRET_BYTES}+ bytes"
            )
        return configured.encode("utf-8")
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text("ascii").strip().encode("ascii")


def derive_key(installation_secret: bytes, kid: str, salt: str) -> bytes:
    """The HMAC key of ``kid``: neither the salt (database) nor the secret (server) is enough alone."""
    message = _DERIVE_LABEL + kid.encode("ascii") + b"\x00" + salt.encode("ascii")
    return hmac.new(installation_secret, message, hashlib.sha256).digest()


def sign(key: bytes, kid: str, code_id: str) -> str:
    """The QR's ``s``: HMAC-SHA256(key, kid + code id) truncated to 128 bits, base64url unpadded."""
    mac = hmac.new(key, (kid + code_id).encode("ascii"), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def is_base32(text: str, max_length: int) -> bool:
    """True for 1 to ``max_length`` characters of the base32 alphabet."""
    return 0 < len(text) <= max_length and all(c in BASE32 for c in text)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A signing key as ``trace-codes keys list`` shows it (never its material)."""

    kid: str
    state: KeyState
    created_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None


class Signer:
    """Signs with the active key and verifies with active and retired ones, reading keys from the database."""

    def __init__(self, db: Database, installation_secret: bytes) -> None:
        self.db = db
        self._secret = installation_secret
        self._derived: dict[tuple[str, str], bytes] = {}

    # -- use -----------------------------------------------------------------------------------

    def derived(self, kid: str, salt: str) -> bytes:
        """The material of (kid, salt), memoised: both are fixed for a key's life (its state is not)."""
        key = self._derived.get((kid, salt))
        if key is None:
            key = self._derived[(kid, salt)] = derive_key(self._secret, kid, salt)
        return key

    def active(self) -> tuple[str, bytes]:
        """The active key's id and material; 409 ``NO_SIGNING_KEY`` when none was created."""
        with self.db.transaction() as session:
            row = session.scalars(sa.select(SigningKey).where(SigningKey.state == KeyState.ACTIVE)).first()
            if row is None:
                raise Conflict(
                    "NO_SIGNING_KEY", "no active QR signing key: run `trace-verify signing-keys create`"
                )
            return row.kid, derive_key(self._secret, row.kid, row.salt)

    def key_for(self, kid: str) -> bytes | None:
        """The material of a key that still verifies (active or retired); None when unknown or revoked."""
        if len(kid) != 1 or kid not in BASE32:
            return None
        with self.db.transaction() as session:
            row = session.get(SigningKey, kid)
            if row is None or row.state is KeyState.REVOKED:
                return None
            return derive_key(self._secret, row.kid, row.salt)

    def signature_for(self, kid: str, code_id: str) -> str | None:
        """The signature of ``code_id``'s QR under ``kid`` (None when the key no longer verifies)."""
        key = self.key_for(kid)
        return None if key is None else sign(key, kid, code_id)

    def verify(self, kid: str, code_id: str, signature: str) -> bool:
        """True when ``signature`` is ours for (kid, code id) and the key is active or retired."""
        if len(signature) != SIGNATURE_LENGTH or not signature.isascii():
            return False
        expected = self.signature_for(kid, code_id)
        return expected is not None and hmac.compare_digest(expected, signature)

    # -- management (command line) -------------------------------------------------------------

    def create(self, now: datetime) -> str:
        """A new active key (the active one, if any, is retired: it keeps verifying); returns its kid."""
        with self.db.transaction() as session:
            taken = set(session.scalars(sa.select(SigningKey.kid)))
            free = [c for c in BASE32 if c not in taken]
            if not free:
                raise Conflict("NO_KEY_ID_LEFT", "all 32 key ids are used; revoked ids are never reused")
            for row in session.scalars(sa.select(SigningKey).where(SigningKey.state == KeyState.ACTIVE)):
                row.state, row.retired_at = KeyState.RETIRED, now
            session.flush()
            kid = free[0]
            session.add(
                SigningKey(
                    kid=kid,
                    state=KeyState.ACTIVE,
                    salt=secrets.token_hex(32),
                    created_at=now,
                    retired_at=None,
                    revoked_at=None,
                )
            )
            return kid

    def retire(self, kid: str, now: datetime) -> None:
        """Stop signing with ``kid``; codes it signed still verify."""
        self._set_state(kid, KeyState.RETIRED, now)

    def revoke(self, kid: str, now: datetime) -> None:
        """``kid`` verifies nothing any more: every code it signed scans as forged."""
        self._set_state(kid, KeyState.REVOKED, now)

    def _set_state(self, kid: str, state: KeyState, now: datetime) -> None:
        with self.db.transaction() as session:
            row = session.get(SigningKey, kid)
            if row is None:
                raise NotFound("NOT_FOUND", f"no signing key {kid[:4]!r}", "KID")
            if row.state is KeyState.REVOKED:
                raise Conflict("CONFLICT", f"signing key {kid} is revoked for good", "KID")
            if state is KeyState.RETIRED and row.state is KeyState.ACTIVE:
                row.state, row.retired_at = state, now
            elif state is KeyState.REVOKED:
                row.state, row.revoked_at = state, now

    def list(self) -> builtins.list[KeyInfo]:
        """Every key, oldest first."""
        with self.db.transaction() as session:
            rows = session.scalars(sa.select(SigningKey).order_by(SigningKey.created_at, SigningKey.kid))
            return [KeyInfo(r.kid, r.state, r.created_at, r.retired_at, r.revoked_at) for r in rows]
