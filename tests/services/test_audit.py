"""The audit chain on both databases: appends link up; an edited, deleted or swapped row is found at
its seq; deleting the newest rows is found through an anchor written outside the database; the CLI
anchors and verifies (exit 1 when broken). PostgreSQL refuses UPDATE/DELETE outright (trigger), so
the tampering below is done the way only a superuser could (triggers off for the session)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from tests.support import run_cli
from trace_verify.db.session import Database
from trace_verify.services import audit

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def chain(database: Database) -> Database:
    """Six records."""
    with database.write_transaction() as session:
        for n in range(6):
            audit.append(
                session, "test.event", "t", f"thing:{n}", {"n": n, "amount": "1.50"}, T0 + timedelta(n)
            )
    return database


def _tamper(database: Database, *statements: str) -> None:
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(sa.text(statement))


def _problems(database: Database, anchors: list[audit.Anchor] | None = None) -> tuple[str, ...]:
    with database.transaction() as session:
        return audit.verify_chain(session, anchors or []).problems


def test_an_untouched_chain_verifies(chain: Database) -> None:
    with chain.transaction() as session:
        report = audit.verify_chain(session)
    assert report.ok and report.records == 6 and report.head is not None and report.head.seq == 6


def test_an_edited_row_is_found_at_its_seq(chain: Database) -> None:
    _tamper(chain, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    assert _problems(chain) == ("seq 3: content does not match its hash (the record was altered)",)


def test_a_deleted_middle_row_is_found(chain: Database) -> None:
    _tamper(chain, "DELETE FROM audit_log WHERE seq = 4")
    problems = _problems(chain)
    assert problems and all(p.startswith("seq 5:") for p in problems)


def test_swapped_middle_rows_are_found(chain: Database) -> None:
    with chain.engine.connect() as conn:
        third, fourth = conn.execute(
            sa.text("SELECT id FROM audit_log WHERE seq IN (3, 4) ORDER BY seq")
        ).scalars()
    _tamper(  # the rows change places in the table's order, each otherwise intact
        chain,
        f"UPDATE audit_log SET id = -1 WHERE id = {third}",
        f"UPDATE audit_log SET id = {third} WHERE id = {fourth}",
        f"UPDATE audit_log SET id = {fourth} WHERE id = -1",
    )
    problems = _problems(chain)
    assert problems[0] == "seq 4: expected seq 3 (a record was deleted or moved)"


def test_deleting_the_newest_row_is_found_only_through_an_anchor(chain: Database) -> None:
    with chain.transaction() as session:
        head = audit.head(session)
    assert head is not None
    _tamper(chain, "DELETE FROM audit_log WHERE seq = 6")
    assert _problems(chain) == (), "a shorter chain is consistent in itself"
    assert _problems(chain, [head]) == ("anchor seq 6: the record is missing (records were deleted)",)


def test_postgres_refuses_updates_and_deletes(chain: Database) -> None:
    if chain.dialect != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log WHERE seq = 1"):
        with pytest.raises(DBAPIError, match="append-only"), chain.engine.begin() as conn:
            conn.execute(sa.text(statement))


@pytest.fixture
def cli_env(chain: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("DATABASE_URL", chain.url)
    yield chain


def test_the_command_line_anchors_and_verifies(cli_env: Database, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    anchored = run_cli("audit", "anchor", str(anchors))
    assert anchored.status == 0, anchored.stderr
    assert '"seq":6' in anchors.read_text("utf-8")
    ok = run_cli("audit", "verify", "--anchors", str(anchors))
    assert ok.status == 0 and "intact" in ok.stdout
    _tamper(cli_env, "DELETE FROM audit_log WHERE seq = 6")
    broken = run_cli("audit", "verify", "--anchors", str(anchors))
    assert broken.status == 1 and "anchor seq 6" in broken.stdout
