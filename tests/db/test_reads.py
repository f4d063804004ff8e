"""``Database.reads``: single-statement reads outside any transaction (POST /verify's history, issue 15)."""

from __future__ import annotations

import sqlalchemy as sa

from trace_verify.db.session import Database


def test_a_read_opens_no_transaction(database: Database) -> None:
    with database.reads() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
        raw = connection.connection.dbapi_connection
        if database.dialect == "sqlite":
            assert not raw.in_transaction  # type: ignore[union-attr]  # no BEGIN was sent
        else:
            assert raw.autocommit  # type: ignore[union-attr]
    with database.engine.connect() as connection:  # the pooled connection is handed back as it was
        connection.execute(sa.text("SELECT 1"))
        assert (
            connection.connection.dbapi_connection.in_transaction
            if database.dialect == "sqlite"
            # type: ignore[union-attr]
            else (
                not connection.connection.dbapi_connection.autocommit  # type: ignore[union-attr]
            )
        )
