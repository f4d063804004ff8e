"""One results row of a bulk validation: the verdict, path and finding codes of one bundle.

Runs inside the verify engine's worker processes (:class:`BulkRecipe` is the picklable recipe). Rows
are judged on what they carry plus the stored events of their tracking numbers; carriers are never
called. A merchant's job judges that merchant's orders only: a row of another merchant answers
``FORBIDDEN`` in place, as ``POST /verify`` does.

A results row (JSON; the CSV form has the same columns, see :data:`RESULT_COLUMNS`)::

    {"line": 2, "order_id": "…", "verdict": "insufficient_evidence", "path": null,
     "codes": ["NOT_DELIVERED"], "missing": {"direct_international": ["custody_abroad", …], …}}
    {"line": 5, "order_id": "…", "error": {"code": "INVALID_JSON", "message": "…", "field": null}}

``missing`` is set for a pre-dispatch order only (nothing scanned yet), else null.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from trace_verify.contract.jsonio import dumps_bytes, strict_loads
from trace_verify.domain.bundle import Bundle
from trace_verify.domain.history import TrackingHistory
from trace_verify.domain.numbers import normalize_number
from trace_verify.domain.readiness import missing_by_path
from trace_verify.errors import Forbidden, ServiceError, TooLarge
from trace_verify.services.verification import JsonlOutcome

if TYPE_CHECKING:
    from trace_verify.db.session import Database
    from trace_verify.services.verification import VerificationService

#: The columns of a results row, in order (CSV results have this header).
RESULT_COLUMNS: Final = (
    "line",
    "order_id",
    "verdict",
    "path",
    "codes",
    "missing",
    "error_code",
    "error_field",
    "error_message",
)


class BulkRowJudge:
    """Judges one bundle line into one results row."""

    def __init__(
        self, service: VerificationService, database: Database | None, merchant_id: str | None
    ) -> None:
        self.service = service
        self.database = database
        self.merchant_id = merchant_id

    def close(self) -> None:
        """Let the database connections go (the engine runs the job in this process)."""
        if self.database is not None:
            self.database.dispose()

    def verify_line(self, number: int, raw: bytes, now: datetime) -> JsonlOutcome | None:
        """The results row of line ``number`` (None for a blank line)."""
        return self.verify_chunk([(number, raw)], now)[0]

    def verify_chunk(self, items: list[tuple[int, bytes]], now: datetime) -> list[JsonlOutcome | None]:
        """The results rows of a chunk of lines, in order. The stored evidence of the chunk's bare
        shipments and the stored history of its bundles are read with one query each for the whole
        chunk (a query per row cost most of a row's time)."""
        decoded = [self._decode(number, raw) for number, raw in items]
        self._add_stored_evidence([entry for entry in decoded if isinstance(entry, _Decoded)])
        read = [self._read(entry) if isinstance(entry, _Decoded) else entry for entry in decoded]
        bundles = [entry[1] for entry in read if isinstance(entry, tuple)]
        histories = iter(self._histories(bundles))
        out: list[JsonlOutcome | None] = []
        for entry in read:
            if isinstance(entry, tuple):
                number, bundle = entry
                out.append(self._judge(number, bundle, now, next(histories)))
            else:
                out.append(entry)
        return out

    def _decode(self, number: int, raw: bytes) -> _Decoded | JsonlOutcome | None:
        if not raw.strip():
            return None
        try:
            if len(raw) > self.service.max_bundle_bytes:
                raise TooLarge("BODY_TOO_LARGE", "bundle too large")
            obj = strict_loads(raw)
        except ServiceError as exc:
            return _error(number, None, exc)
        return _Decoded(number, obj, _order_id(obj))

    def _read(self, entry: _Decoded) -> tuple[int, Bundle] | JsonlOutcome:
        try:
            bundle = self.service.read(entry.obj)
            self._check_tenant(bundle.order.merchant_id)
        except ServiceError as exc:
            return _error(entry.number, entry.order_id, exc)
        return entry.number, bundle

    def _histories(self, bundles: list[Bundle]) -> list[TrackingHistory | None]:
        if self.database is None or not bundles:
            return [None] * len(bundles)
        from trace_verify.db.repositories import tracking_histories

        with self.database.transaction() as session:
            return list(tracking_histories(session, bundles, stored=self._stored(session, bundles)))

    def _stored(self, session: Any, bundles: list[Bundle]) -> list[bool] | None:
        """For a merchant's job: which rows' orders are that merchant's own stored orders. The others
        are judged as not stored, so an absent id and another merchant's id answer alike (issue 10)."""
        if self.merchant_id is None:
            return None
        import sqlalchemy as sa

        from trace_verify.db.models import Order

        ids = sorted({bundle.order.id for bundle in bundles})
        own = set(
            session.scalars(
                sa.select(Order.id).where(Order.id.in_(ids), Order.merchant_id == self.merchant_id)
            )
        )
        return [bundle.order.id in own for bundle in bundles]

    def _judge(
        self, number: int, bundle: Bundle, now: datetime, history: TrackingHistory | None
    ) -> JsonlOutcome:
        try:
            verdict = self.service.verify_bundle(bundle, now, history)
        except ServiceError as exc:
            return _error(number, bundle.order.id, exc)
        row = {
            "line": number,
            "order_id": verdict.order_id,
            "verdict": verdict.verdict,
            "path": verdict.path,
            "codes": [finding.code for finding in verdict.findings],
            "missing": missing_by_path(bundle, verdict),
        }
        return JsonlOutcome(number, dumps_bytes(row), True)

    def _check_tenant(self, merchant_id: str) -> None:
        if self.merchant_id is not None and merchant_id != self.merchant_id:
            raise Forbidden("FORBIDDEN", "a merchant key validates orders of its own merchant only")

    def _add_stored_evidence(self, entries: list[_Decoded]) -> None:
        """Give each shipment that carries no events and no documents the stored ones of its number,
        read with one query for the whole chunk.

        The stored shipment of the same order is preferred, else the first one stored; a merchant's
        job reads only that merchant's shipments. Carriers are never called.
        """
        if self.database is None:
            return
        bare = [(entry.order_id, s) for entry in entries for s in _bare_shipments(entry.obj)]
        if not bare:
            return
        from trace_verify.db.repositories import shipment_bundle_json

        with self.database.transaction() as session:
            stored = _stored_shipments(session, {_tracking_key(s) for _, s in bare})
            for order_id, shipment in bare:
                found = [
                    candidate
                    for candidate in stored.get(_tracking_key(shipment), ())
                    if self.merchant_id is None or candidate.order.merchant_id == self.merchant_id
                ]
                if not found:
                    continue
                best = next((f for f in found if f.order_id == order_id), found[0])
                evidence = shipment_bundle_json(best)
                for name in ("events", "documents"):
                    if name in evidence:
                        shipment[name] = evidence[name]


@dataclass(frozen=True, slots=True)
class _Decoded:
    """A line decoded to JSON, not yet read as a bundle (stored evidence is added in between)."""

    number: int
    obj: Any
    order_id: str | None


def _bare_shipments(obj: Any) -> list[dict[str, Any]]:
    """The shipments of a decoded bundle that carry no events and no documents."""
    shipments = obj.get("shipments") if isinstance(obj, dict) else None
    if not isinstance(shipments, list):
        return []
    return [
        s
        for s in shipments
        if isinstance(s, dict)
        and not s.get("events")
        and not s.get("documents")
        and isinstance(s.get("carrier"), str)
        and isinstance(s.get("tracking_number"), str)
        and "\x00" not in s["carrier"] + s["tracking_number"]  # no stored row can hold a NUL
    ]


def _tracking_key(shipment: dict[str, Any]) -> tuple[str, str]:
    return shipment["carrier"], normalize_number(shipment["tracking_number"])


def _stored_shipments(session: Any, keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[Any]]:
    """Stored shipments (with their order, documents and events) by (carrier, tracking key), oldest
    first: one query for every key."""
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload, selectinload

    from trace_verify.db.models import Shipment

    statement = (
        sa.select(Shipment)
        .where(sa.tuple_(Shipment.carrier, Shipment.tracking_key).in_(sorted(keys)))
        .options(joinedload(Shipment.order), selectinload(Shipment.documents), selectinload(Shipment.events))
        .order_by(Shipment.id)
    )
    found: dict[tuple[str, str], list[Any]] = {}
    for shipment in session.scalars(statement).unique():
        found.setdefault((shipment.carrier, shipment.tracking_key), []).append(shipment)
    return found


def _error(number: int, order_id: str | None, exc: ServiceError) -> JsonlOutcome:
    return JsonlOutcome(number, dumps_bytes({"line": number, "order_id": order_id, **exc.to_json()}), False)


def _order_id(obj: Any) -> str | None:
    order = obj.get("order") if isinstance(obj, dict) else None
    found = order.get("id") if isinstance(order, dict) else None
    return found[:64] if isinstance(found, str) else None


def result_to_csv_row(row: dict[str, Any]) -> list[str]:
    """A results row (JSON) as the cells of :data:`RESULT_COLUMNS`."""
    error = row.get("error") or {}
    missing = row.get("missing")
    return [
        str(row.get("line", "")),
        row.get("order_id") or "",
        row.get("verdict") or "",
        row.get("path") or "",
        " ".join(row.get("codes") or ()),
        "; ".join(f"{path}: {' '.join(items)}" for path, items in missing.items()) if missing else "",
        error.get("code") or "",
        error.get("field") or "",
        error.get("message") or "",
    ]
