"""The traceability-code registry: merchants register and withdraw their codes; everyone scans them.

A registered code gets a service-issued id (12 random base32 characters, 60 bits, so ids cannot be
enumerated) and is signed by the active key; its QR carries ``{PUBLIC_BASE_URL}/t/{kid}{id}?s={sig}``
or, with a GTIN, the GS1 Digital Link form ``/01/{gtin}/21/{kid}{id}?s={sig}``. Registration is all
or nothing per request: any bad record refuses the request and names every bad one.
"""

from __future__ import annotations

import base64
import builtins
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trace_verify.config import Settings
from trace_verify.db.models import KeyState, Merchant, Role, SigningKey, TraceCode
from trace_verify.db.session import Database
from trace_verify.domain.bundle import Bundle, Party
from trace_verify.domain.context import Reference
from trace_verify.domain.model import format_utc
from trace_verify.domain.registry import CodeRegistry, RegisteredCode
from trace_verify.errors import InvalidInput, ServiceError
from trace_verify.refdata import default_reference
from trace_verify.services.access import Principal, Resource, forbidden, not_found
from trace_verify.services.codefields import CodeFields, read_code
from trace_verify.services.pages import PageRequest, page
from trace_verify.services.signing import (
    SIGNATURE_LENGTH,
    Signer,
    is_base32,
    load_installation_secret,
    sign,
)
from trace_verify.services.verification import RegistrySource

MAX_JSON_CODES: Final = 1_000
MAX_ERRORS: Final = 100
ID_LENGTH: Final = 12
_SHANGHAI = ZoneInfo("Asia/Shanghai")
_INSERT_CHUNK: Final = 5_000
#: Failed scans a client address may make per minute (and at once) before 429: enumeration costs time.
SCAN_FAILURES_PER_MINUTE: Final = 30
SCAN_FAILURES_BURST: Final = 30

ScanState = Literal["genuine", "withdrawn", "forged"]


def new_code_id() -> str:
    """12 random base32 characters (60 bits)."""
    return base64.b32encode(secrets.token_bytes(8)).decode("ascii")[:ID_LENGTH]


@dataclass(frozen=True, slots=True)
class RowError:
    """A refused record: its line (CSV) or index (JSON) and the error."""

    where: int
    error: ServiceError


@dataclass(frozen=True, slots=True)
class Scan:
    """What a scan of a QR found: its state and, for a genuine or withdrawn code, the code."""

    state: ScanState
    #: The code's row (the ``trace_codes`` columns by name; read-only, no ORM object on the hot path).
    code: Any = None
    merchant_name: str | None = None


_SCAN_QUERY: Final = (
    sa.select(
        *TraceCode.__table__.columns,
        Merchant.name.label("merchant_name"),
        SigningKey.state.label("key_state"),
        SigningKey.salt,
    )
    .join(Merchant, Merchant.id == TraceCode.merchant_id)
    .join(SigningKey, SigningKey.kid == TraceCode.kid)
    .where(TraceCode.id == sa.bindparam("id"), TraceCode.kid == sa.bindparam("kid"))
)


class TraceCodeService:
    """Register, read, withdraw and scan traceability codes."""

    def __init__(
        self, db: Database, signer: Signer, public_base_url: str, reference: Reference | None = None
    ) -> None:
        self.db = db
        self.signer = signer
        self.base = public_base_url.rstrip("/")
        self.reference = reference or default_reference()

    # -- URLs ------------------------------------------------------------------------------------

    def urls(self, code: TraceCode, key: bytes | None = None) -> tuple[str | None, str | None]:
        """The short URL and the GS1 Digital Link URL (None without a GTIN) the QR carries."""
        signature = sign(key, code.kid, code.id) if key else self.signer.signature_for(code.kid, code.id)
        if signature is None:
            return None, None  # its key was revoked: no valid QR exists any more
        short = f"{self.base}/t/{code.kid}{code.id}?s={signature}"
        gs1 = f"{self.base}/01/{code.gtin}/21/{code.kid}{code.id}?s={signature}" if code.gtin else None
        return short, gs1

    def view(self, code: TraceCode, key: bytes | None = None) -> dict[str, Any]:
        """The API's code object."""
        short, gs1 = self.urls(code, key)
        return {
            "id": code.id,
            "url": short,
            "gs1_url": gs1,
            "merchant_id": code.merchant_id,
            "batch": code.batch,
            "kid": code.kid,
            "gtin": code.gtin,
            "product": code.product,
            "origin_country": code.origin_country,
            "departure_country": code.departure_country,
            "import_port": code.import_port,
            "declaration_number": code.declaration_number,
            "importer": {"name": code.importer_name, "id": code.importer_credit_code},
            "supervision_mode": code.supervision_mode,
            "state": "withdrawn" if code.withdrawn_at else "registered",
            "created_at": _iso(code.created_at),
            "withdrawn_at": _iso(code.withdrawn_at) if code.withdrawn_at else None,
        }

    # -- registration ----------------------------------------------------------------------------

    def register_json(self, who: Principal, obj: Any, now: datetime) -> dict[str, Any]:
        """``POST /trace-codes`` with ``{"codes": [...]}``: 1 to 1,000 records, all or none stored."""
        merchant_id = self._writer(who)
        if not isinstance(obj, dict) or set(obj) - {"codes"} or not isinstance(obj.get("codes"), list):
            raise InvalidInput("INVALID_REQUEST", 'the body must be {"codes": [ … ]}', "/codes")
        records = obj["codes"]
        if not 1 <= len(records) <= MAX_JSON_CODES:
            raise InvalidInput(
                "INVALID_REQUEST",
                f"send 1 to {MAX_JSON_CODES} codes per JSON request (CSV takes up to 100,000)",
                "/codes",
            )
        year = now.astimezone(_SHANGHAI).year
        valid: list[CodeFields] = []
        for i, record in enumerate(records):
            valid.append(read_code(record, f"/codes/{i}", self.reference, year))
        rows = [TraceCode(**row) for row in self._store(merchant_id, valid, now)]
        kid_key = self.signer.key_for(rows[0].kid)
        return {"batch": rows[0].batch, "codes": [self.view(c, kid_key) for c in rows]}

    def register_rows(
        self, who: Principal, rows: Iterable[tuple[int, dict[str, Any] | ServiceError]], now: datetime
    ) -> dict[str, Any]:
        """CSV registration: every row checked, every bad one reported by line; all or none stored."""
        merchant_id = self._writer(who)
        year = now.astimezone(_SHANGHAI).year
        valid: list[CodeFields] = []
        errors: list[RowError] = []
        failed = 0
        for line, row in rows:
            try:
                if isinstance(row, ServiceError):
                    raise row
                valid.append(read_code(row, "", self.reference, year))
            except InvalidInput as exc:
                failed += 1
                if len(errors) < MAX_ERRORS:
                    errors.append(RowError(line, exc))
        if failed:
            raise RowsRejected(failed, errors)
        if not valid:
            raise InvalidInput("INVALID_REQUEST", "the CSV holds no code rows", "/")
        codes = self._store(merchant_id, valid, now)
        kid = codes[0]["kid"]
        key = self.signer.key_for(kid)
        assert key is not None
        base = f"{self.base}/t/{kid}"
        return {
            "batch": codes[0]["batch"],
            "registered": len(codes),
            "codes": [{"id": c["id"], "url": f"{base}{c['id']}?s={sign(key, kid, c['id'])}"} for c in codes],
        }

    def preload(self, merchant_id: str, code_ids: list[str], record: Any, now: datetime) -> int:
        """Register ``record`` under fixed ids (the documented demo codes); ids already present are kept.

        Returns how many were added. The demo loader only: real codes get random ids.
        """
        fields = read_code(record, "", self.reference, now.astimezone(_SHANGHAI).year)
        with self.db.transaction() as session:
            taken = set(session.scalars(sa.select(TraceCode.id).where(TraceCode.id.in_(code_ids))))
        wanted = [c for c in code_ids if c not in taken]
        if wanted:
            self._store(merchant_id, [fields] * len(wanted), now, ids=wanted)
        return len(wanted)

    def _writer(self, who: Principal) -> str:
        """Only a merchant key registers, and only for itself (platform and staff read)."""
        who.access(Resource.TRACE_CODES, write=True)
        if who.role is not Role.MERCHANT or who.merchant_id is None:
            raise forbidden("codes are registered by their merchant's key")
        return who.merchant_id

    def _store(
        self, merchant_id: str, valid: list[CodeFields], now: datetime, ids: list[str] | None = None
    ) -> builtins.list[dict[str, Any]]:
        """Insert the codes in chunks (Core inserts of plain rows: no ORM object per code)."""
        for i, fields in enumerate(valid):
            if fields.merchant_id is not None and fields.merchant_id != merchant_id:
                raise forbidden(f"code {i}: a merchant key registers codes of its own merchant only")
        kid, _ = self.signer.active()
        batch = "B" + secrets.token_hex(6).upper()
        issued: set[str] = set()
        codes: list[dict[str, Any]] = []
        for i, fields in enumerate(valid):
            code_id = ids[i] if ids is not None else new_code_id()
            while code_id in issued:
                code_id = new_code_id()
            issued.add(code_id)
            codes.append(_values(code_id, merchant_id, kid, batch, fields, now))
        with self.db.transaction() as session:
            if session.get(Merchant, merchant_id) is None:
                raise not_found("merchant")
            if self.db.dialect == "postgresql":
                _copy_rows(session, codes)
            else:
                table = TraceCode.__table__
                for start in range(0, len(codes), _INSERT_CHUNK):
                    session.execute(sa.insert(table), codes[start : start + _INSERT_CHUNK])  # type: ignore[arg-type]
        return codes

    # -- reading and withdrawing ------------------------------------------------------------------

    def get(self, who: Principal, code_id: str) -> dict[str, Any]:
        """One code (404 for another merchant's, exactly like an absent one)."""
        with self.db.transaction() as session:
            return self.view(self._visible(session, who, code_id))

    def find(self, who: Principal, code_id: str) -> TraceCode:
        """The row of a code the key may read (for the QR images)."""
        with self.db.transaction() as session:
            return self._visible(session, who, code_id)

    def withdraw(self, who: Principal, code_id: str, now: datetime) -> dict[str, Any]:
        """Withdraw a code: its QR scans as withdrawn and it certifies nothing any more (idempotent)."""
        who.access(Resource.TRACE_CODES, write=True)
        with self.db.transaction() as session:
            code = self._visible(session, who, code_id, write=True)
            if code.withdrawn_at is None:
                code.withdrawn_at = now
            return self.view(code)

    def list(self, who: Principal, request: PageRequest, batch: str | None = None) -> dict[str, Any]:
        """Codes the key may read, by id; ``batch`` narrows to one registration."""
        who.access(Resource.TRACE_CODES)
        with self.db.transaction() as session:
            statement = sa.select(TraceCode).order_by(TraceCode.id).limit(request.limit + 1)
            if who.role is Role.MERCHANT:
                statement = statement.where(TraceCode.merchant_id == who.merchant_id)
            if batch is not None:
                statement = statement.where(TraceCode.batch == batch)
            if request.after is not None:
                statement = statement.where(TraceCode.id > request.after)
            rows = list(session.scalars(statement))
            return page([self.view(r) for r in rows[: request.limit]], [r.id for r in rows], request)

    def batch(self, who: Principal, batch: str, limit: int) -> builtins.list[TraceCode]:
        """Every code of one registration the key may read (label sheets), at most ``limit``."""
        who.access(Resource.TRACE_CODES)
        with self.db.transaction() as session:
            statement = sa.select(TraceCode).where(TraceCode.batch == batch).order_by(TraceCode.id)
            if who.role is Role.MERCHANT:
                statement = statement.where(TraceCode.merchant_id == who.merchant_id)
            rows = list(session.scalars(statement.limit(limit + 1)))
        if not rows:
            raise not_found("batch")
        if len(rows) > limit:
            raise InvalidInput("INVALID_REQUEST", f"a label sheet holds at most {limit} codes", "/batch")
        return rows

    def _visible(self, session: Session, who: Principal, code_id: str, *, write: bool = False) -> TraceCode:
        who.access(Resource.TRACE_CODES, write=write)
        code = session.get(TraceCode, code_id) if is_base32(code_id, ID_LENGTH) else None
        if code is None or not who.sees(Resource.TRACE_CODES, code.merchant_id, None, write=write):
            raise not_found("trace code")
        return code

    # -- scanning ---------------------------------------------------------------------------------

    def scan(self, token: str, signature: str | None, gtin: str | None = None) -> Scan:
        """A QR's ``{kid}{id}`` and ``s``: genuine, withdrawn, or forged (unknown, altered, revoked).

        The hot path of the scan page: one Core query (code, merchant name, key state and salt), no
        ORM session; the key derivation is memoised per (kid, salt), which never changes.
        """
        if signature is None or len(signature) != SIGNATURE_LENGTH or not is_base32(token, ID_LENGTH + 1):
            return Scan("forged")
        kid, code_id = token[0], token[1:]
        with self.db.engine.connect() as connection:
            row = connection.execute(_SCAN_QUERY, {"id": code_id, "kid": kid}).first()
        if row is None or row.key_state == KeyState.REVOKED.value:
            return Scan("forged")
        expected = sign(self.signer.derived(kid, row.salt), kid, code_id)
        if not hmac.compare_digest(expected, signature):
            return Scan("forged")
        if gtin is not None and row.gtin != gtin:
            return Scan("forged")
        return Scan("withdrawn" if row.withdrawn_at else "genuine", row, row.merchant_name)

    # -- the verifier's port -----------------------------------------------------------------------

    def registry_for(self, bundle: Bundle, *, conceal_others: bool = False) -> CodeRegistry:
        """The registry's answers for every code id of ``bundle`` (one query); with ``conceal_others``
        another merchant's code is not answered at all (it then reads as unknown: forged)."""
        wanted = {r.code for r in bundle.trace_codes} | {
            c for line in bundle.order.items for c in line.trace_codes
        }
        ids = [c for c in wanted if is_base32(c, ID_LENGTH)]
        if not ids:  # most bundles carry no code: no transaction (it cost a bulk row half its time)
            return _LoadedRegistry({}, {}, self.signer)
        with self.db.transaction() as session:
            statement = sa.select(TraceCode).where(TraceCode.id.in_(ids))
            if conceal_others:
                statement = statement.where(TraceCode.merchant_id == bundle.order.merchant_id)
            rows = list(session.scalars(statement))
            kids = {r.kid for r in rows}
            found = session.execute(
                sa.select(SigningKey.kid, SigningKey.state).where(SigningKey.kid.in_(kids))
            )
            states: dict[str, KeyState] = {kid: state for kid, state in found}
        return _LoadedRegistry({r.id: r for r in rows}, states, self.signer)


class ConcealingRegistry:
    """A registry source for a merchant's own work (bulk jobs): other merchants' codes read as unknown."""

    def __init__(self, inner: RegistrySource) -> None:
        self.inner = inner

    def registry_for(self, bundle: Bundle, *, conceal_others: bool = True) -> CodeRegistry:
        """Always concealing, whatever the caller asks."""
        return self.inner.registry_for(bundle, conceal_others=True)


class RowsRejected(InvalidInput):
    """A CSV upload with bad rows: nothing was stored; the first errors are listed by line."""

    def __init__(self, failed: int, errors: list[RowError]) -> None:
        super().__init__("INVALID_ROWS", f"{failed} row(s) refused; nothing was stored", "/")
        self.failed = failed
        self.errors = errors

    def body(self) -> dict[str, Any]:
        """The error body with the refused rows."""
        out: dict[str, Any] = self.to_json()
        out["rows"] = [{"line": e.where, **e.error.to_json()} for e in self.errors]
        out["failed"] = self.failed
        return out


class _LoadedRegistry:
    """:class:`CodeRegistry` over rows loaded for one bundle."""

    def __init__(self, rows: dict[str, TraceCode], states: dict[str, KeyState], signer: Signer) -> None:
        self.rows = rows
        self.states = states
        self.signer = signer
        self._keys: dict[str, bytes | None] = {}

    def lookup(self, code_id: str) -> RegisteredCode | None:
        row = self.rows.get(code_id)
        if row is None:
            return None
        return RegisteredCode(
            id=row.id,
            merchant_id=row.merchant_id,
            gtin=row.gtin,
            origin_country=row.origin_country,
            departure_country=row.departure_country,
            import_port=row.import_port,
            declaration_number=row.declaration_number,
            importer=Party(row.importer_name, row.importer_credit_code),
            supervision_mode=row.supervision_mode,
            withdrawn=row.withdrawn_at is not None,
        )

    def signature_valid(self, code_id: str, signature: str) -> bool:
        """``{kid}.{signature}``: the code's own key, still verifying, and our signature."""
        row = self.rows.get(code_id)
        kid, dot, mac = signature.partition(".")
        if row is None or not dot or kid != row.kid:
            return False
        if self.states.get(kid) not in (KeyState.ACTIVE, KeyState.RETIRED) or len(mac) != SIGNATURE_LENGTH:
            return False
        if kid not in self._keys:
            self._keys[kid] = self.signer.key_for(kid)
        key = self._keys[kid]
        return key is not None and hmac.compare_digest(sign(key, kid, code_id), mac)


def _copy_rows(session: Session, codes: builtins.list[dict[str, Any]]) -> None:
    """PostgreSQL: ``COPY … FROM STDIN`` in the session's own transaction (executemany took 3× as long)."""
    if not codes:
        return
    columns = list(codes[0])
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        statement = f"COPY trace_codes ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for code in codes:
                copy.write_row([code[c] for c in columns])


def _values(
    code_id: str, merchant_id: str, kid: str, batch: str, f: CodeFields, now: datetime
) -> dict[str, Any]:
    return dict(
        id=code_id,
        merchant_id=merchant_id,
        kid=kid,
        batch=batch,
        gtin=f.gtin,
        product=f.product,
        origin_country=f.origin_country,
        departure_country=f.departure_country,
        import_port=f.import_port,
        declaration_number=f.declaration_number,
        importer_name=f.importer_name,
        importer_credit_code=f.importer_credit_code,
        supervision_mode=f.supervision_mode,
        created_at=now,
        withdrawn_at=None,
    )


def _iso(moment: datetime) -> str:
    return format_utc(moment)


def build_trace_codes(settings: Settings, db: Database) -> TraceCodeService:
    """The registry with the installation's signing secret and public base URL."""
    secret = load_installation_secret(settings.signing_secret, settings.data_dir)
    return TraceCodeService(db, Signer(db, secret), settings.public_base_url)
