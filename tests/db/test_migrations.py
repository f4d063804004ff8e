"""Migrations up and down on both databases; the models and the migrations agree; portable types."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.db.support import BACKENDS, sqlite_url, throwaway_postgres
from trace_verify.db import migrate
from trace_verify.db.base import Base
from trace_verify.db.models import ApiKey, Merchant, Role
from trace_verify.db.session import Database


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend, never migrated."""
    if request.param == "postgres":
        yield from throwaway_postgres()
    else:
        yield sqlite_url(tmp_path)


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_then_downgrade_leaves_nothing(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    assert set(Base.metadata.tables) <= _tables(fresh_url)
    migrate.downgrade(fresh_url, "base")
    assert _tables(fresh_url) <= {"alembic_version"}
    if fresh_url.startswith("postgresql"):
        engine = sa.create_engine(fresh_url)
        with engine.connect() as conn:
            types = conn.execute(sa.text("SELECT typname FROM pg_type WHERE typtype = 'e'")).all()
        engine.dispose()
        assert types == [], "no native enum type may be left behind"
    migrate.upgrade(fresh_url)  # and up again
    assert set(Base.metadata.tables) <= _tables(fresh_url)


def test_the_migrations_create_exactly_the_models(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    database = Database(fresh_url)
    try:
        assert migrate.is_current(database.engine)
        with database.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        database.dispose()


def test_timestamps_are_aware_utc_and_enums_are_checked(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    database = Database(fresh_url)
    shanghai = timezone(timedelta(hours=8))
    try:
        with database.transaction() as session:
            at = datetime(2026, 3, 1, 10, 0, tzinfo=shanghai)
            session.add(Merchant(id="M-1", name="M", created_at=at, updated_at=at))
        with database.transaction() as session:
            merchant = session.get(Merchant, "M-1")
            assert merchant is not None
            assert merchant.created_at == datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
            assert merchant.created_at.tzinfo is not None and merchant.created_at.utcoffset() == timedelta(0)
        with pytest.raises(sa.exc.IntegrityError), database.transaction() as session:
            session.execute(
                sa.text("INSERT INTO api_keys (id, digest, role, created_at) VALUES ('k', 'd', 'root', :t)"),
                {"t": "2026-01-01 00:00:00"},
            )
        with pytest.raises(sa.exc.IntegrityError), database.transaction() as session:
            session.add(ApiKey(id="k2", digest="e", role=Role.MERCHANT, created_at=datetime.now(UTC)))
        with pytest.raises(sa.exc.StatementError, match="naive"), database.transaction() as session:
            session.add(
                Merchant(
                    id="M-2", name="naive", created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1)
                )
            )
            session.flush()
    finally:
        database.dispose()
