"""The audit log: append-only, hash-chained, anchored outside the database (reliability.md §1.4).

Each record's ``hash`` is SHA-256 over the previous record's hash and the canonical JSON of the record
itself (its ``seq`` included), so an edited, reordered or deleted row breaks the chain at that row.
Deleting the newest rows leaves a shorter chain that is still consistent: that is what an **anchor**
is for: ``trace-verify audit anchor FILE`` appends the current ``(seq, hash)`` to a file kept outside
the database, and ``audit verify --anchors FILE`` demands that every anchored head is still there.

Appends happen inside the caller's transaction (the record commits with the action it describes). On
PostgreSQL a transaction-scoped advisory lock orders concurrent appends; on SQLite the writer's
``BEGIN IMMEDIATE`` already does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trace_verify.db.models import AuditRecord
from trace_verify.domain.model import format_utc

GENESIS: Final = "0" * 64
#: Any constant: the advisory lock id that serialises appends on PostgreSQL ("audit" in ASCII).
_LOCK_ID: Final = 0x6175646974


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return format_utc(value)
    raise TypeError(f"not canonical JSON: {type(value).__name__}")


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept, decimals as strings, never floats."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def record_hash(
    prev_hash: str, seq: int, action: str, actor: str, subject: str, details: Any, at: str
) -> str:
    """The chain link: SHA-256(prev_hash ‖ canonical JSON of the record)."""
    body = canonical(
        {"seq": seq, "action": action, "actor": actor, "subject": subject, "details": details, "at": at}
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(
    session: Session, action: str, actor: str, subject: str, details: dict[str, Any], at: datetime
) -> AuditRecord:
    """Add one record at the head of the chain, in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    head = session.execute(
        sa.select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).one_or_none()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    clean = json.loads(canonical(details))
    at_text = format_utc(at)
    record = AuditRecord(
        seq=seq,
        action=action,
        actor=actor,
        subject=subject,
        details=clean,
        at=at,
        prev_hash=prev,
        hash=record_hash(prev, seq, action, actor, subject, clean, at_text),
    )
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True, slots=True)
class Anchor:
    """A head written outside the database: the chain must still hold this record unchanged."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What ``audit verify`` found: ``problems`` empty means the chain is intact."""

    records: int
    head: Anchor | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def _rows(session: Session) -> Iterator[AuditRecord]:
    yield from session.scalars(
        sa.select(AuditRecord).order_by(AuditRecord.id).execution_options(yield_per=500)
    )


def verify_chain(session: Session, anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Walk the chain in insertion order: contiguous ``seq``, each ``prev_hash`` the previous ``hash``,
    each ``hash`` recomputed; then every anchor must name a record that is still there, unchanged."""
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    last: Anchor | None = None
    for row in _rows(session):
        count += 1
        if row.seq != expected_seq:
            problems.append(f"seq {row.seq}: expected seq {expected_seq} (a record was deleted or moved)")
        if row.prev_hash != expected_prev:
            problems.append(f"seq {row.seq}: prev_hash does not link to the record before it")
        recomputed = record_hash(
            row.prev_hash, row.seq, row.action, row.actor, row.subject, row.details, format_utc(row.at)
        )
        if recomputed != row.hash:
            problems.append(f"seq {row.seq}: content does not match its hash (the record was altered)")
        hashes[row.seq] = row.hash
        expected_prev, expected_seq = row.hash, row.seq + 1
        last = Anchor(row.seq, row.hash)
    for anchor in anchors:
        found = hashes.get(anchor.seq)
        if found is None:
            problems.append(f"anchor seq {anchor.seq}: the record is missing (records were deleted)")
        elif found != anchor.hash:
            problems.append(f"anchor seq {anchor.seq}: the record differs from the anchored head")
    return ChainReport(count, last, tuple(problems))


def head(session: Session) -> Anchor | None:
    """The newest record's (seq, hash)."""
    row = session.execute(
        sa.select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).one_or_none()
    return Anchor(row[0], row[1]) if row else None


def write_anchor(path: Path, anchor: Anchor, at: datetime) -> None:
    """Append ``{"seq", "hash", "at"}`` as one JSON line to ``path`` (created when missing)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(canonical({"seq": anchor.seq, "hash": anchor.hash, "at": format_utc(at)}) + "\n")


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor line of ``path``; a line that is not one is an error (ValueError)."""
    anchors = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            anchors.append(Anchor(int(obj["seq"]), str(obj["hash"])))
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{path}: line {number} is not an anchor") from None
    return anchors
