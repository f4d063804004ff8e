"""Databases for the persistence and API suites: SQLite always, PostgreSQL when a server is reachable.

PostgreSQL is found through ``TEST_POSTGRES_URL`` (never ``DATABASE_URL``); each test run creates a
throw-away database on it and drops it at the end. Without a reachable server the PostgreSQL tests
are skipped with the reason printed, except under ``CI=true``, where they fail instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from trace_verify.db import migrate
from trace_verify.db.base import Base
from trace_verify.db.session import Database

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason}); set TEST_POSTGRES_URL to run these tests")


def server_url() -> str:
    """``TEST_POSTGRES_URL`` with the psycopg 3 driver, or skip/fail."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        _unavailable("TEST_POSTGRES_URL is not set")
        raise AssertionError("unreachable")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def throwaway_postgres() -> Iterator[str]:
    """Create a database on the test server, yield its URL, drop it afterwards."""
    url = server_url()
    name = "tv_test_" + secrets.token_hex(6)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        _unavailable(str(exc.orig).splitlines()[0] if exc.orig else "connection failed")
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def sqlite_url(directory: Path) -> str:
    """A fresh SQLite file in ``directory``."""
    return f"sqlite+pysqlite:///{directory / 'test.sqlite3'}"


def empty_tables(database: Database) -> None:
    """Delete every row (children first): each test starts from an empty, migrated database."""
    with database.engine.begin() as conn:
        if database.dialect == "postgresql":  # the ledger and audit triggers refuse DELETE otherwise
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def migrated(url: str) -> Database:
    """Migrate ``url`` to the newest revision and open it."""
    migrate.upgrade(url)
    return Database(url)
