"""Engines and sessions, shared by the HTTP service, the command line and tests (no Flask context).

One :meth:`Database.transaction` per request or command: everything it wrote is committed together,
or nothing is (a failed request leaves nothing half-written).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

SQLITE_FILE = "trace_verify.sqlite3"


def resolve_url(database_url: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL: ``database_url`` (PostgreSQL via psycopg 3) or the SQLite file in ``data_dir``."""
    if not database_url:
        return f"sqlite+pysqlite:///{(data_dir / SQLITE_FILE).resolve()}"
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url.removeprefix(prefix)
    return database_url


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_text(value: Any) -> str:
    """How JSON columns serialise a value (Decimals as integers or strings)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def create_engine(url: str) -> Engine:
    """An engine with the settings both databases need (SQLite: foreign keys on, waits for the lock)."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        if sa_url.database and sa_url.database != ":memory:":
            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, json_serializer=json_text, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, json_serializer=json_text, pool_pre_ping=True)


def _immediate_sqlite_engine(url: str) -> Engine:
    """A second SQLite engine whose transactions start with ``BEGIN IMMEDIATE``: the write lock is taken
    first, so a read-then-write transaction (money, the audit chain) never fails to upgrade its lock
    half-way and concurrent writers queue on the busy timeout instead."""
    engine = sa.create_engine(url, json_serializer=json_text, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "connect", _sqlite_manual_begin)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_manual_begin(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # pysqlite must not BEGIN on its own


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # pysqlite's own implicit BEGIN is switched off: _sqlite_begin begins every transaction.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


#: Set by :func:`writing`: the next transaction begun in this context takes SQLite's write lock at BEGIN.
_IMMEDIATE: ContextVar[list[bool] | None] = ContextVar("trace_verify_sqlite_immediate", default=None)


@contextmanager
def writing() -> Iterator[None]:
    """The first transaction begun inside takes SQLite's write lock at ``BEGIN`` (``BEGIN IMMEDIATE``).

    With a deferred BEGIN, two concurrent writers both read, then each waits for the other's read lock
    to go away: one fails at once with "database is locked" (a 500), and both may have judged on a
    stale read (issue 10, class 3). A use case that writes runs inside ``writing()``: its transaction
    queues for the lock (up to the 30 s busy timeout) and sees what the one before it committed.
    Only the first transaction is immediate: a read opened inside it on another connection stays
    deferred and shares the database instead of waiting for the lock its own caller holds.
    PostgreSQL ignores this (its row locks and unique constraints do the work).
    """
    token = _IMMEDIATE.set([True])
    try:
        yield
    finally:
        _IMMEDIATE.reset(token)


#: Execution option of a connection whose statements run outside any transaction (``Database.reads``).
_NO_TRANSACTION = "trace_verify_no_transaction"


def _sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(_NO_TRANSACTION):
        return  # pysqlite is in autocommit mode (isolation_level None): each statement stands alone
    pending = _IMMEDIATE.get()
    if pending is not None and pending[0]:
        pending[0] = False
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer_engine: Engine | None = None
        self._writers: sessionmaker[Session] | None = None

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back when it raises."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reads(self) -> Iterator[sa.Connection]:
        """A connection for reads that are each one statement, outside any transaction (a single
        statement is consistent by itself): no ``BEGIN`` and no ``ROLLBACK`` round trips around it.

        For the hot read of ``POST /verify`` (the tracking history): on PostgreSQL the connection is
        in autocommit for its checkout; on SQLite the explicit ``BEGIN`` is not sent. Nothing may be
        written through it.
        """
        with self.engine.connect() as connection:
            if self.dialect == "sqlite":
                yield connection.execution_options(**{_NO_TRANSACTION: True})
            else:
                yield connection.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def write_transaction(self) -> Iterator[Session]:
        """A transaction for money and the audit chain: on SQLite it begins with ``BEGIN IMMEDIATE``
        (the whole database's write lock, taken up front); on PostgreSQL it is a plain transaction and
        the code inside takes row locks (``SELECT … FOR UPDATE``)."""
        if self.dialect != "sqlite":
            with self.sessions.begin() as session:
                yield session
            return
        if self._writers is None:
            self._writer_engine = _immediate_sqlite_engine(self.url)
            self._writers = sessionmaker(self._writer_engine, expire_on_commit=False)
        with self._writers.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self._writer_engine is not None:
            self._writer_engine.dispose()
